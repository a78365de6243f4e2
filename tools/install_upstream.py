"""Install the upstream ROS 2 launch and CLI packages (../shared/ros2_upstream) into the venv.

``launch``, ``launch_ros``, ``ros2cli`` (``ros2 launch/topic/node/param``), ``launch_testing``
and ``launch_pytest`` are not on PyPI. Their pinned sources are installed ``--no-deps`` (their
dependencies are the ROS 2 wheels of requirements.txt), each from a temporary copy because
the shared folder is read-only; ``composition_interfaces`` (imported by ``launch_ros``) is
built with rosidl into the venv by the package's own interface builder. No network.

Run with the venv's interpreter: ``.venv/bin/python tools/install_upstream.py [FOLDER]``.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_interfaces import PREFIX, cmake_build, stage  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = ROOT.parent / "shared" / "ros2_upstream"
# Dependency order (the README of the shared folder).
PACKAGES = (
    "osrf_pycommon", "rosidl_runtime_py", "launch", "launch_xml", "launch_yaml", "launch_ros",
    "ros2cli", "ros2pkg", "ros2topic", "ros2node", "ros2param", "ros2service", "ros2run",
    "ros2interface", "ros2launch", "launch_testing", "launch_testing_ros", "launch_pytest",
)
# Left over from builds in the source folders; never copied.
IGNORE = shutil.ignore_patterns("build", "*.egg-info", "__pycache__")


def install(source: Path) -> None:
    missing = [name for name in (*PACKAGES, "composition_interfaces")
               if not (source / name).is_dir()]
    if missing:
        sys.exit(f"install_upstream: {source} lacks {', '.join(missing)}")
    with tempfile.TemporaryDirectory(prefix="objnav_upstream_") as tmp:
        copies = [shutil.copytree(source / name, Path(tmp) / name, ignore=IGNORE)
                  for name in PACKAGES]
        pip = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps",
                              "--no-build-isolation", *map(str, copies)],
                             capture_output=True, text=True)  # setuptools' warnings: noise
        if pip.returncode:
            sys.exit(pip.stdout[-3000:] + pip.stderr[-3000:] + "\ninstall_upstream: pip failed")
    src = stage(["CMakeLists.txt", "package.xml", "srv"], source / "composition_interfaces",
                ROOT / "build" / "upstream" / "composition_interfaces_src")
    cmake_build(src, ROOT / "build" / "upstream" / "composition_interfaces", PREFIX)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", type=Path, default=DEFAULT_SOURCE)
    args = parser.parse_args(argv)
    if sys.prefix == sys.base_prefix:
        sys.exit("install_upstream: run this with a virtual environment's python "
                 "(.venv/bin/python)")
    install(args.source.resolve())
    print(f"install_upstream: ros2 launch, ros2cli, launch_testing and launch_pytest "
          f"installed from {args.source}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
