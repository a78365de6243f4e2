"""Real-driver depth (16UC1 mm, RealSense aligned depth) and 32FC1 m through the loop."""

import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from objnav_ros.core.actions import Action
from objnav_ros.core.contract import RunContract
from objnav_ros.core.images import depth_from_image
from objnav_ros.nodes.convert import stamp_key
from test.robot.ros_rig import running, wait_for, wait_status

pytestmark = pytest.mark.ros
ROOT = Path(__file__).resolve().parents[2]
LENIENT = {"safety.image_timeout_s": 2.0, "safety.odom_timeout_s": 2.0}
ENCODINGS = ["16UC1", "32FC1"]


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_each_observation_has_depth_of_its_stamp_in_metres(rclpy_context, encoding):
    params = {"goal": "chair", **LENIENT}
    with running(rclpy_context, params, depth_encoding=encoding, depth_m=1.5) as (_, driver, _):
        wait_status(driver, 1)
        driver.act(Action.TURN_LEFT)
        wait_status(driver, 2)
        for status in driver.statuses:
            depth = wait_for(lambda s=status: driver.depths.get(stamp_key(s.header.stamp)),
                             5.0, "the observation's depth image")
            assert depth.encoding == encoding
            np.testing.assert_allclose(depth_from_image(depth), 1.5)


def test_policy_node_drives_the_executor_from_millimetre_depth(rclpy_context, ros_env):
    """A wall 0.3 m ahead in 16UC1: read in metres the frontier policy turns; misread, it
    would drive on. (32FC1 end to end: test_robot_launch, the whole graph in open space.)
    """
    policy = subprocess.Popen(
        [sys.executable, "-m", "objnav_ros.nodes.policy_node", "--ros-args",
         "-p", "policy:=frontier"], cwd=ROOT, env=ros_env)
    try:
        # reobserve: the first observation may go out before the policy is up
        params = {"goal": "chair", "camera_height_m": 0.88, "reobserve_s": 1.0, **LENIENT}
        with running(rclpy_context, params, depth_encoding="16UC1", depth_m=0.3) as (
                _, driver, node):
            wait_for(lambda: node.core.counts["completed"] >= 3, 60.0, "three motions")
            assert policy.poll() is None, f"policy exited with {policy.returncode}"
            answers = [a for a in driver.actions if a.source != "test"]
            assert answers and all(a.observation_seq >= 1 for a in answers)
            assert all(a.action in (Action.TURN_LEFT, Action.TURN_RIGHT) for a in answers)
    finally:
        policy.send_signal(signal.SIGINT)
        policy.wait(timeout=20)


def test_the_policy_plans_with_the_forward_length_the_executor_executes(rclpy_context):
    """A wall 0.8 m ahead leaves room for the preset's 0.25 m step, not for the 0.6 m the
    executor is set to; the policy hears of it through EpisodeStatus's run contract (with
    the camera model: CameraInfo's and the executor's camera height) and turns.
    """
    params = {"goal": "chair", "forward_m": 0.6, "camera_height_m": 0.5, "reobserve_s": 1.0,
              **LENIENT}
    policy = {"policy": "frontier", "use_semantic": False}
    with running(rclpy_context, params, policy, depth_encoding="32FC1", depth_m=0.8) as (
            _, driver, _):
        answer = wait_for(lambda: next((a for a in driver.actions if a.source != "test"), None),
                          30.0, "the policy's first answer")
        assert answer.action in (Action.TURN_LEFT, Action.TURN_RIGHT)
        contract = RunContract.from_fields(driver.statuses[-1].contract)
        assert contract == RunContract(0.6, 30.0, 30.0, 32, 24, 79.0, 0.5)
