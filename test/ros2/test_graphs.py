"""The graphs under ``ros2 launch`` with the ros2 CLI against them, as a ROS user runs them."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import pytest

from objnav_ros.core.graph import MAX_RESPAWNS, RESPAWN_DELAY_S
from test.ros2.launched import launched

pytestmark = [pytest.mark.ros, pytest.mark.slow]
NOISE = ("Traceback", "KeyboardInterrupt", "process has died")


def ros2_launch(graph: str, *arguments: str) -> list[str]:
    return ["ros2", "launch", "objnav_ros", f"{graph}.launch.py", *arguments]


def ros2(env: dict, *args: str, expect: str, timeout: float = 30.0) -> str:
    """Run a ros2 command until its output contains ``expect`` (discovery takes a moment)."""
    deadline, out = time.monotonic() + timeout, ""
    while time.monotonic() < deadline:
        run = subprocess.run(["ros2", *args], env=env, capture_output=True, text=True,
                             timeout=60)
        out = run.stdout + run.stderr
        if expect in out:
            return out
        time.sleep(1.0)
    raise AssertionError(f"ros2 {' '.join(args)}: no {expect!r} in:\n{out[-3000:]}")


def test_sim_nav_episode_param_set_and_ctrl_c(ros2_env):
    with launched(ros2_launch("sim_nav", "policy:=expert", "use_monitor:=on",
                              "use_recorder:=no"), ros2_env) as graph:
        graph.wait_for(r"episode 0 ended \(stop\): success=True", timeout=120)
        name = "oscillation.turn_reversals"
        ros2(ros2_env, "param", "set", "--no-daemon", "/monitor", name, "5",
             expect="Set parameter successful")
        assert "Integer value is: 5" in ros2(ros2_env, "param", "get", "--no-daemon",
                                             "/monitor", name, expect="value is")
        ros2(ros2_env, "param", "set", "--no-daemon", "/monitor", name, "0",
             expect="Setting parameter failed")  # below its minimum, refused at run time
        assert len(graph.node_pids()) == 3  # sim_bridge, policy, monitor
        code = graph.ctrl_c()  # SIGINT from the "terminal" and again from ros2 launch
        assert code == 0, graph.output[-4000:]
        assert not graph.left_running(), "orphan node processes"
        assert not [n for n in NOISE if n in graph.output], graph.output[-4000:]


def test_camera_rate_and_a_false_word(ros2_env):
    with launched(ros2_launch("sim_nav", "policy:=random", "lock_step:=0",
                              "use_monitor:=off"), ros2_env) as graph:
        graph.wait_for(r"\[sim_bridge\]: episode 0")
        with launched(["ros2", "topic", "hz", "/camera/rgb/image_raw", "--window", "5"],
                      ros2_env) as hz:
            rate = float(hz.wait_for(r"average rate: ([\d.]+)", timeout=60)[1])
        assert rate > 1.0
        assert [re.search(r"\[(\w+)-\d+\]: process started", line)[1]
                for line in graph.lines if "process started" in line] == ["sim_bridge", "policy"]
        assert graph.ctrl_c() == 0, graph.output[-4000:]
        assert not graph.left_running()


def test_robot_nav_remaps_show_in_node_info(ros2_env):
    remaps = {"rgb_topic": "/cam/color", "depth_topic": "/cam/depth", "odom_topic": "/base/odom",
              "cmd_vel_topic": "/base/cmd_vel", "camera_info_topic": "/cam/info"}
    with launched(ros2_launch("robot_nav", "policy:=frontier", "use_monitor:=no",
                              *(f"{k}:={v}" for k, v in remaps.items())), ros2_env) as graph:
        policy = ros2(ros2_env, "node", "info", "--no-daemon", "/policy",
                      expect="/cam/color: sensor_msgs/msg/Image", timeout=60)
        assert "/cam/depth: sensor_msgs/msg/Image" in policy  # the explorer reads depth
        executor = ros2(ros2_env, "node", "info", "--no-daemon", "/executor",
                        expect="/base/cmd_vel: geometry_msgs/msg/Twist", timeout=60)
        assert "/cam/color: sensor_msgs/msg/Image" in executor
        assert "/cam/info: sensor_msgs/msg/CameraInfo" in executor  # the run contract's camera
        assert "/base/odom: nav_msgs/msg/Odometry" in executor
        assert graph.ctrl_c() == 0, graph.output[-4000:]


@pytest.mark.parametrize("launcher", ["ros2 launch", "objnav-launch"])
def test_a_dying_node_ends_the_graph_with_status_1(launcher, ros2_env, tmp_path):
    arguments = ["policy:=vlm", f"model_path:={tmp_path / 'no_model'}"]
    cmd = (ros2_launch("sim_nav", *arguments) if launcher == "ros2 launch" else
           [sys.executable, "-m", "objnav_ros.apps.launcher", "sim_nav", *arguments])
    with launched(cmd, ros2_env) as graph:
        assert graph.wait(timeout=120) == 1, graph.output[-4000:]
        assert "policy died" in graph.output
        assert not graph.left_running(), "the bridge and monitor outlived the graph"


def test_the_monitor_respawns_as_the_table_says_then_ends_the_graph(ros2_env):
    started = r"\[monitor-\d+\]: process started with pid \[(\d+)\]"
    with launched(ros2_launch("sim_nav", "policy:=expert"), ros2_env) as graph:
        pid = int(graph.wait_for(started)[1])
        for _ in range(MAX_RESPAWNS):
            killed = time.monotonic()
            os.kill(pid, signal.SIGKILL)
            pid = int(graph.wait_for(started)[1])
            assert time.monotonic() - killed >= RESPAWN_DELAY_S * 0.9
        os.kill(pid, signal.SIGKILL)  # one death more than the table allows
        assert graph.wait(timeout=60) == 1, graph.output[-4000:]
        assert "monitor died (exit code -9)" in graph.output
        assert not graph.left_running()
