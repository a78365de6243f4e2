"""`colcon build` of a workspace holding this repository (colcon-core + colcon-ros from PyPI)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from test.ros2.conftest import install_env

pytestmark = pytest.mark.slow

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


def test_colcon_build_installs_messages_code_launch_and_executables(colcon_install, tmp_path):
    install = colcon_install
    executables = {p.name for p in (install / "lib" / "objnav_ros").iterdir()}
    assert {"sim_bridge", "policy", "monitor", "objnav-launch"} <= executables
    share = install / "share" / "objnav_ros"
    assert (share / "launch" / "sim_nav.launch.py").exists()
    assert (share / "config" / "sim_nav.yaml").exists()
    assert (share / "msg" / "NavAction.msg").exists()

    pyver = f"python{sys.version_info.major}.{sys.version_info.minor}"
    site = install / "lib" / pyver / "site-packages"
    check = subprocess.run([sys.executable, "-c", CHECK, str(site)],
                           env=install_env(install, dict(os.environ)), cwd=tmp_path,
                           capture_output=True, text=True, timeout=120)
    assert check.returncode == 0, check.stderr[-3000:]
    assert check.stdout.strip() == str(share)


def test_executables_run_with_the_build_interpreter_whatever_python3_is_on_path(
        colcon_install, tmp_path):
    impostor = tmp_path / "bin" / "python3"
    impostor.parent.mkdir()
    impostor.write_text("#!/bin/sh\necho wrong python3 >&2\nexit 97\n")
    impostor.chmod(0o755)
    env = install_env(colcon_install, dict(os.environ))
    env["PATH"] = f"{impostor.parent}{os.pathsep}{env['PATH']}"
    script = colcon_install / "lib" / "objnav_ros" / "objnav-launch"
    run = subprocess.run([str(script), "sim_nav", "--show-args"], env=env, cwd=tmp_path,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "use_monitor (default 'true'; one of true, True, 1" in run.stdout
    interpreter = Path(script.read_text().splitlines()[0][2:])
    assert interpreter.resolve() == Path(sys.executable).resolve()
