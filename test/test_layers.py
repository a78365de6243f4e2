"""Imports point one way: the package order holds, the core and training import with ROS
absent and stay light, and only the nodes touch rclpy."""

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
    """Every module ``path`` imports, at the top or inside a function, absolute names."""
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            names.add(".".join(base + ([node.module] if node.module else [])))
    return names


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[0] == "training":
        parts[0] = "objnav_training"
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def source_files() -> list[Path]:
    return [p for p in sorted((ROOT / "objnav_ros").rglob("*.py")) + sorted(
        (ROOT / "training").rglob("*.py")) if "msg" not in p.relative_to(ROOT).parts]


# The package order, bottom first: a package imports only packages of lower rows (never one
# of its own row or above). The generated messages are for the nodes alone (below).
PACKAGE_ORDER = (
    ("core", "msg"),
    ("sim", "monitor", "bags"),
    ("policy", "robot"),
    ("mining",),
    ("nodes", "training"),
    ("apps",),
)
RANK = {package: row for row, packages in enumerate(PACKAGE_ORDER) for package in packages}


def package_of(module: str) -> str | None:
    """The row name of a first-party module: ``objnav_ros.<package>`` or ``training``."""
    parts = module.split(".")
    if parts[0] == "objnav_training":
        return "training"
    if parts[0] != "objnav_ros":
        return None
    return parts[1] if len(parts) > 1 else "objnav_ros"


def test_every_package_has_a_place_in_the_order():
    packages = {p.name for p in (ROOT / "objnav_ros").iterdir() if (p / "__init__.py").is_file()}
    loose = sorted(p.name for p in (ROOT / "objnav_ros").glob("*.py") if p.name != "__init__.py")
    assert not loose, f"modules outside a package (entry points belong in apps/): {loose}"
    assert packages | {"msg", "training"} == set(RANK), sorted(packages ^ set(RANK))


def test_no_package_imports_one_above_it():
    offenders = []
    for path in source_files():
        here = package_of(module_name(path))
        if here not in RANK:
            continue  # unplaced: test_every_package_has_a_place_in_the_order names it
        for name in sorted(imported_modules(path)):
            there = package_of(name)
            if there is not None and there != here and RANK.get(there, -1) >= RANK[here]:
                offenders.append(f"{path.relative_to(ROOT)} ({here}) imports {name} ({there})")
    assert not offenders, "imports against the package order:\n" + "\n".join(offenders)


def test_only_nodes_import_rclpy():
    offenders = []
    for path in source_files():
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith("objnav_ros/nodes/"):
            continue
        bad = {m for m in imported_modules(path) if m.split(".")[0] == "rclpy"
               or m.startswith(("objnav_ros.nodes", "objnav_ros.msg"))}
        if bad:
            offenders.append(f"{rel}: {sorted(bad)}")
    assert not offenders, "rclpy, messages or nodes outside the nodes: " + "; ".join(offenders)
