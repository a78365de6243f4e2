"""Imports point one way: the core and training import with ROS absent and stay light."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ROS_ONLY = ["rclpy", "launch", "launch_ros", "sensor_msgs", "std_msgs", "geometry_msgs",
            "nav_msgs", "tf2_msgs", "diagnostic_msgs", "rosgraph_msgs", "std_srvs",
            "rcl_interfaces", "objnav_ros.msg", "objnav_ros.nodes"]

IMPORT_ALL_WITHOUT_ROS = f"""
import importlib, importlib.abc, pkgutil, sys

BLOCKED = {ROS_ONLY!r}

class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if any(name == b or name.startswith(b + ".") for b in BLOCKED):
            raise ImportError(f"{{name}} is blocked: the pure core must not need it")

sys.meta_path.insert(0, Block())
import objnav_ros, objnav_training
names = []

def import_all(pkg):
    for info in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + "."):
        if any(info.name == b or info.name.startswith(b + ".") for b in BLOCKED):
            continue
        importlib.import_module(info.name)
        names.append(info.name)

# The package stays light: model and GL libraries load when used (the trainer's Lightning
# imports transformers itself, so objnav_training is checked for ROS independence only).
import_all(objnav_ros)
heavy = [m for m in ("transformers", "peft", "bitsandbytes", "moderngl") if m in sys.modules]
assert not heavy, f"imported eagerly: {{heavy}}"
import_all(objnav_training)
print(len(names), "modules")
"""


def test_core_and_training_import_without_ros():
    out = subprocess.run([sys.executable, "-c", IMPORT_ALL_WITHOUT_ROS], cwd="/",
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-3000:]
    assert int(out.stdout.split()[0]) >= 5


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_only_nodes_import_rclpy():
    offenders = []
    for path in list((ROOT / "objnav_ros").rglob("*.py")) + list((ROOT / "training").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith(("objnav_ros/nodes/", "objnav_ros/msg/")):
            continue
        bad = {m for m in imported_modules(path)
               if m.split(".")[0] == "rclpy" or m.startswith("objnav_ros.nodes")}
        if bad:
            offenders.append(f"{rel}: {sorted(bad)}")
    assert not offenders, "core imports the node layer: " + "; ".join(offenders)
