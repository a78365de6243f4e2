"""`colcon build` of a workspace holding this repository (colcon-core + colcon-ros from PyPI)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
SKIP = shutil.ignore_patterns(".venv", "build", "install", "log", "__pycache__", "*.so",
                              ".git", "out", ".pytest_cache", ".ruff_cache")

# Import from the colcon install only: drop the venv's editable finder for objnav_ros.
CHECK = """
import sys
sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in repr(f)]
import objnav_ros, objnav_training
from objnav_ros.msg import EpisodeStatus, MonitorEvent, NavAction
from objnav_ros.core.bagtypes import typestore
from objnav_ros.core.paths import share_dir
from rclpy.serialization import serialize_message
assert objnav_ros.__file__.startswith(sys.argv[1]), objnav_ros.__file__
assert objnav_training.__file__.startswith(sys.argv[1]), objnav_training.__file__
store = typestore()
raw = serialize_message(NavAction(action=NavAction.TURN_LEFT, source="teleop"))
assert store.deserialize_cdr(bytes(raw), "objnav_ros/msg/NavAction").action == 2
print(share_dir())
"""


def test_colcon_build_installs_messages_code_launch_and_executables(tmp_path):
    src = tmp_path / "ws" / "src" / "objnav_ros"
    shutil.copytree(ROOT, src, ignore=SKIP)
    shutil.rmtree(src / "objnav_ros" / "msg", ignore_errors=True)
    env = dict(os.environ, AMENT_PREFIX_PATH=sys.prefix,
               PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    build = subprocess.run(["colcon", "build", "--event-handlers", "console_direct+"],
                           cwd=tmp_path / "ws", env=env, capture_output=True, text=True,
                           timeout=600)
    assert build.returncode == 0, build.stdout[-4000:] + build.stderr[-2000:]

    install = tmp_path / "ws" / "install" / "objnav_ros"
    executables = {p.name for p in (install / "lib" / "objnav_ros").iterdir()}
    assert {"sim_bridge", "policy", "monitor", "objnav-launch"} <= executables
    share = install / "share" / "objnav_ros"
    assert (share / "launch" / "sim_nav.launch.py").exists()
    assert (share / "config" / "sim_nav.yaml").exists()
    assert (share / "msg" / "NavAction.msg").exists()

    pyver = f"python{sys.version_info.major}.{sys.version_info.minor}"
    site = install / "lib" / pyver / "site-packages"
    run_env = dict(
        env, PYTHONPATH=str(site), AMENT_PREFIX_PATH=f"{install}{os.pathsep}{sys.prefix}",
        LD_LIBRARY_PATH=f"{install / 'lib'}{os.pathsep}{os.environ.get('LD_LIBRARY_PATH', '')}")
    check = subprocess.run([sys.executable, "-c", CHECK, str(site)], env=run_env, cwd=tmp_path,
                           capture_output=True, text=True, timeout=120)
    assert check.returncode == 0, check.stderr[-3000:]
    assert check.stdout.strip() == str(share)
