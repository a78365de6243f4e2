"""Pip install of objnav_ros (plain venv). On a ROS 2 install, colcon uses CMakeLists.txt."""

from pathlib import Path

from setuptools import find_packages, setup

ROOT = Path(__file__).parent


def console_scripts() -> list[str]:
    """The user commands (``objnav-*``) of config/console_scripts.txt."""
    lines = (ROOT / "config" / "console_scripts.txt").read_text().splitlines()
    return [line.strip() for line in lines if line.startswith("objnav-")]


setup(
    name="objnav_ros",
    version="0.1.0",
    description="Object navigation with a vision-language policy on ROS 2",
    license="Apache-2.0",
    python_requires=">=3.10",
    packages=find_packages(include=["objnav_ros", "objnav_ros.*"]) + ["objnav_training"],
    package_dir={"objnav_training": "training"},
    # Generated message code and typesupport modules (tools/build_interfaces.py), DDS profile,
    # prompt templates.
    package_data={
        "objnav_ros": ["*.so", "msg/*.msg", "resources/*"],
        "objnav_ros.policy": ["prompts/*"],
    },
    data_files=[
        ("share/objnav_ros/launch", [str(p) for p in sorted(Path("launch").glob("*.py"))]),
        ("share/objnav_ros/config", [str(p) for p in sorted(Path("config").glob("*"))]),
    ],
    entry_points={"console_scripts": console_scripts()},
)
