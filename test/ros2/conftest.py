"""The package as a ROS user runs it: a colcon install, real ``ros2 launch`` and ros2 CLI.

The upstream launch and CLI sources come from ``../shared/ros2_upstream`` (``make`` installs
them into the venv); without them the tests that need them skip. Under ``colcon test`` the
sourced install is used; otherwise a copy of the repository is built once per session.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UPSTREAM_DIR = ROOT.parent / "shared" / "ros2_upstream"
UPSTREAM = ("launch", "launch_ros", "ros2cli", "ros2launch", "ros2node", "ros2param",
            "ros2topic", "composition_interfaces")
SKIP = shutil.ignore_patterns(".venv", "build", "install", "log", "__pycache__", "*.so",
                              ".git", "out", ".pytest_cache", ".ruff_cache")


def sourced_prefix() -> Path | None:
    """The objnav_ros install on AMENT_PREFIX_PATH (a sourced workspace), if any."""
    for prefix in filter(None, os.environ.get("AMENT_PREFIX_PATH", "").split(os.pathsep)):
        if (Path(prefix) / "lib" / "objnav_ros" / "sim_bridge").exists():
            return Path(prefix)
    return None


def install_env(prefix: Path, base: dict) -> dict:
    """``base`` with the install at ``prefix`` sourced (what ``install/setup.sh`` sets)."""
    site = prefix / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / \
        "site-packages"

    def front(name: str, path: Path) -> str:
        return os.pathsep.join(filter(None, (str(path), base.get(name, ""))))

    return dict(base, PYTHONPATH=front("PYTHONPATH", site),
                AMENT_PREFIX_PATH=front("AMENT_PREFIX_PATH", prefix),
                LD_LIBRARY_PATH=front("LD_LIBRARY_PATH", prefix / "lib"),
                PATH=front("PATH", Path(sys.executable).parent))


@pytest.fixture(scope="session")
def colcon_install(tmp_path_factory) -> Path:
    """Prefix of an objnav_ros colcon install (``install/objnav_ros``)."""
    prefix = sourced_prefix()
    if prefix is not None:
        return prefix
    ws = tmp_path_factory.mktemp("ws")
    src = ws / "src" / "objnav_ros"
    shutil.copytree(ROOT, src, ignore=SKIP)
    shutil.rmtree(src / "objnav_ros" / "msg", ignore_errors=True)  # colcon generates them
    env = dict(os.environ, AMENT_PREFIX_PATH=sys.prefix,
               PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    build = subprocess.run(["colcon", "build", "--event-handlers", "console_direct+"],
                           cwd=ws, env=env, capture_output=True, text=True, timeout=600)
    assert build.returncode == 0, build.stdout[-4000:] + build.stderr[-2000:]
    return ws / "install" / "objnav_ros"


@pytest.fixture(scope="session")
def ros2_install(colcon_install) -> Path:
    """The install, where the upstream ros2 launch / CLI packages are importable."""
    missing = [name for name in UPSTREAM if importlib.util.find_spec(name) is None]
    if missing:
        where = (f"run make: it installs them from {UPSTREAM_DIR}" if UPSTREAM_DIR.is_dir()
                 else f"{UPSTREAM_DIR} is absent")
        pytest.skip(f"ros2 launch / ros2 CLI not installed ({', '.join(missing)}); {where}")
    return colcon_install


@pytest.fixture(scope="session")
def world_cache(tmp_path_factory) -> Path:
    """XDG_CACHE_HOME shared by the graphs of this session (the generated house)."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture
def ros2_env(ros_env, ros2_install, world_cache, tmp_path) -> dict:
    """Environment for ``ros2`` commands: the install sourced, loopback DDS, own domain."""
    return dict(install_env(ros2_install, ros_env), XDG_CACHE_HOME=str(world_cache),
                ROS_LOG_DIR=str(tmp_path / "ros_log"), PYTHONUNBUFFERED="1")
