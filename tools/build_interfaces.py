"""Build the ROS 2 interfaces of objnav_ros into a plain virtual environment.

Uses the rosidl generators from the PyPI ROS 2 wheels (no ROS install needed):

1. patch the wheels' exported CMake files, which name the wheel builder's Python and
   NumPy include folders, to this interpreter's (idempotent);
2. build ``tf2_msgs`` (TFMessage only, third_party/) into the venv where it is missing;
3. build objnav_ros's own messages (msg/) in build/interfaces and copy the generated
   ``objnav_ros.msg`` package and its typesupport modules into the source package
   (git-ignored, like ``build_ext --inplace``); the shared libraries go to ``<venv>/lib``,
   which the wheels' bootstrap already puts on LD_LIBRARY_PATH.

Run with the venv's interpreter: ``.venv/bin/python tools/build_interfaces.py``.
On a ROS 2 install use ``colcon build`` instead (see README).
"""

from __future__ import annotations

import argparse
import glob
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PREFIX = Path(sys.prefix)
BUILD = ROOT / "build" / "interfaces"
# Include folders of the wheel builder's interpreter, as the wheels' CMake exports name them.
BUILDER_PY = re.compile(
    r"/opt/python/cp3\d+-cp3\d+"
    r"(?P<rest>/include/python3\.\d+|/lib/python3\.\d+/site-packages/numpy/_core/include)"
)


def patch_wheel_cmake() -> int:
    """Point the wheels' CMake exports at this interpreter's include folders."""
    import numpy

    replacements = {
        "include": sysconfig.get_paths()["include"],
        "numpy": numpy.get_include(),
    }

    def local(match: re.Match) -> str:
        return replacements["numpy" if "numpy" in match["rest"] else "include"]

    patched = 0
    for path in glob.glob(str(PREFIX / "share" / "*" / "cmake" / "*.cmake")):
        text = Path(path).read_text()
        new = BUILDER_PY.sub(local, text)
        if new != text:
            Path(path).write_text(new)
            patched += 1
    return patched


def cmake_build(src: Path, build: Path, install_prefix: Path, *options: str) -> None:
    """Configure, build and install one ament_cmake interface package."""
    env = dict(os.environ, AMENT_PREFIX_PATH=str(PREFIX), CMAKE_PREFIX_PATH=str(PREFIX))
    build.mkdir(parents=True, exist_ok=True)
    steps = [
        ["cmake", "-S", str(src), "-B", str(build), "-DBUILD_TESTING=OFF",
         f"-DCMAKE_INSTALL_PREFIX={install_prefix}", f"-DPython3_EXECUTABLE={sys.executable}",
         *options],
        ["cmake", "--build", str(build), "-j", str(os.cpu_count() or 1)],
        ["cmake", "--install", str(build)],
    ]
    log = build / "build.log"
    with log.open("w") as out:
        for cmd in steps:
            if subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, env=env).returncode:
                tail = log.read_text().splitlines()[-25:]
                sys.exit("\n".join(tail) + f"\nbuild_interfaces: '{' '.join(cmd[:2])}' failed "
                         f"for {src.name}; full log: {log}")


def stage(files: list[str], src_root: Path, dest: Path) -> Path:
    """Copy a package's build inputs outside the repository root.

    CMake refuses exported include paths inside its source folder, and the venv's NumPy
    headers live under the repository, so the package is built from a staged copy.
    """
    if dest.exists():
        shutil.rmtree(dest)
    for name in files:
        source = src_root / name
        target = dest / name
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return dest


def build_tf2_msgs() -> None:
    if importlib.util.find_spec("tf2_msgs") is not None:
        return
    src = stage(["CMakeLists.txt", "package.xml", "msg"], ROOT / "third_party" / "tf2_msgs",
                BUILD / "tf2_msgs_src")
    cmake_build(src, BUILD / "tf2_msgs", PREFIX)


def build_objnav_msgs() -> None:
    src = stage(["CMakeLists.txt", "package.xml", "msg"], ROOT, BUILD / "objnav_ros_src")
    staging = BUILD / "install"
    if staging.exists():
        shutil.rmtree(staging)
    cmake_build(src, BUILD / "objnav_ros", staging, "-DOBJNAV_INSTALL_PYTHON=OFF")
    pyver = f"python{sys.version_info.major}.{sys.version_info.minor}"
    generated = staging / "lib" / pyver / "site-packages" / "objnav_ros"
    package = ROOT / "objnav_ros"
    shutil.rmtree(package / "msg", ignore_errors=True)
    shutil.copytree(generated / "msg", package / "msg")
    for msg in (ROOT / "msg").glob("*.msg"):
        shutil.copy2(msg, package / "msg" / msg.name)
    for old in package.glob("objnav_ros_s__*.so"):
        old.unlink()
    for module in generated.glob("*.so"):
        shutil.copy2(module, package / module.name)
    (PREFIX / "lib").mkdir(exist_ok=True)
    for lib in (staging / "lib").glob("lib*.so"):
        shutil.copy2(lib, PREFIX / "lib" / lib.name)
    share = PREFIX / "share" / "objnav_ros"
    shutil.rmtree(share, ignore_errors=True)
    shutil.copytree(staging / "share" / "objnav_ros", share)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args(argv)
    if sys.prefix == sys.base_prefix:
        sys.exit("build_interfaces: run this with a virtual environment's python "
                 "(.venv/bin/python)")
    patched = patch_wheel_cmake()
    build_tf2_msgs()
    build_objnav_msgs()
    print(f"build_interfaces: messages built into {ROOT / 'objnav_ros' / 'msg'} "
          f"({patched} wheel CMake files patched)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
