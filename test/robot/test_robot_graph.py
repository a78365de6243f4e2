"""The robot_nav graph: remappings from launch arguments and a params file that validates."""

import subprocess
import sys

import yaml

from objnav_ros.apps.graphs import GRAPHS
from objnav_ros.core.params import validate
from objnav_ros.robot.parameters import PARAMETERS, executor_config

GRAPH = GRAPHS["robot_nav"]


def flatten(tree, prefix=""):
    flat = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            flat.update(flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def test_params_file_sets_only_declared_executor_parameters_with_valid_values():
    path = GRAPH.argument_values()["params_file"]
    with open(path) as f:
        tree = yaml.safe_load(f)
    values = flatten(tree["executor"]["ros__parameters"])
    validate(PARAMETERS, values)
    defaults = {spec.name: spec.default for spec in PARAMETERS}
    executor_config({**defaults, **values})


def test_camera_odometry_and_cmd_vel_are_remapped_by_launch_arguments():
    overrides = {"rgb_topic": "/cam/rgb", "cmd_vel_topic": "/base/cmd"}
    nodes = {n.name: n for n in GRAPH.resolve(overrides)}
    assert set(nodes) == {"policy", "executor", "monitor"}
    executor = dict(nodes["executor"].remappings)
    assert executor == {"camera/rgb/image_raw": "/cam/rgb",
                        "camera/depth/image_raw": "/camera/aligned_depth_to_color/image_raw",
                        "camera/rgb/camera_info": "/camera/color/camera_info",
                        "odom": "/odom", "cmd_vel": "/base/cmd", "e_stop": "/e_stop"}
    policy = dict(nodes["policy"].remappings)  # the camera model comes in EpisodeStatus
    assert policy["camera/rgb/image_raw"] == "/cam/rgb" and "camera/rgb/camera_info" not in policy
    assert dict(nodes["monitor"].remappings) == {"odom": "/odom"}
    assert [n.name for n in GRAPH.resolve({"use_monitor": "false"})] == ["policy", "executor"]


def test_plain_launcher_lists_the_graph():
    out = subprocess.run([sys.executable, "-m", "objnav_ros.apps.launcher", "--list", "robot_nav",
                          "load_in_4bit:=true", "dtype:=float16"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert [line.split("__node:=")[1].split()[0] for line in lines] == [
        "policy", "executor", "monitor"]
    assert "-p load_in_4bit:=true" in lines[0] and "-p dtype:=float16" in lines[0]
