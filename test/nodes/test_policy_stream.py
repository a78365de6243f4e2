"""The policy node over loopback DDS takes the run contract (amounts, camera) from the stream."""

import math
import time

import numpy as np
import pytest
import rclpy
from nav_msgs.msg import Odometry
from rclpy.executors import SingleThreadedExecutor
from rclpy.parameter import Parameter
from rclpy.qos import QoSProfile, QoSReliabilityPolicy, qos_profile_sensor_data
from sensor_msgs.msg import Image
from std_msgs.msg import Header

from objnav_ros.core import topics
from objnav_ros.core.actions import Action
from objnav_ros.core.contract import RunContract
from objnav_ros.core.types import Pose2D
from objnav_ros.msg import EpisodeStatus, NavAction
from objnav_ros.nodes.convert import contract_msg, image_msg, odometry_msg, stamp
from objnav_ros.nodes.policy_node import PolicyNode
from objnav_ros.policy.decision import Decision, Policy

pytestmark = pytest.mark.ros
RELIABLE = QoSProfile(depth=50, reliability=QoSReliabilityPolicy.RELIABLE)
H, W = 24, 32
TURNS = (Action.TURN_LEFT, Action.TURN_RIGHT)


class Camera:
    """A stand-in bridge: one RGB-D observation at a time; collects the frontier's answers."""

    def __init__(self, context):
        self.node = rclpy.create_node("camera", context=context)
        self.policy = PolicyNode(context=context, parameter_overrides=[
            Parameter("policy", value="frontier"), Parameter("use_semantic", value=False)])
        sensor = qos_profile_sensor_data
        self.pubs = {topics.RGB: self.node.create_publisher(Image, topics.RGB, sensor),
                     topics.DEPTH: self.node.create_publisher(Image, topics.DEPTH, sensor),
                     topics.ODOM: self.node.create_publisher(Odometry, topics.ODOM, RELIABLE),
                     topics.EPISODE_STATUS: self.node.create_publisher(
                         EpisodeStatus, topics.EPISODE_STATUS, RELIABLE)}
        self.answers = []
        self.node.create_subscription(NavAction, topics.ACTION, self.answers.append, RELIABLE)
        self.executor = SingleThreadedExecutor(context=context)
        for node in (self.node, self.policy):
            self.executor.add_node(node)
        self.spin_until(lambda: all(p.get_subscription_count() for p in self.pubs.values()))

    def spin_until(self, predicate, timeout=20.0):
        deadline = time.monotonic() + timeout
        while not predicate():
            assert time.monotonic() < deadline, "timed out"
            self.executor.spin_once(timeout_sec=0.05)

    def spin_for(self, seconds):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.executor.spin_once(timeout_sec=0.05)

    def observe(self, depth, contract, seq=1):
        """Observation ``seq`` made under ``contract``."""
        header = Header(stamp=stamp(seq * 0.1), frame_id="camera_optical_frame")
        self.pubs[topics.ODOM].publish(odometry_msg(Pose2D(0.0, 0.0, 0.0), header, "base_link"))
        self.pubs[topics.RGB].publish(image_msg(np.full((H, W, 3), 90, np.uint8), "rgb8", header))
        self.pubs[topics.DEPTH].publish(image_msg(depth, "32FC1", header))
        self.pubs[topics.EPISODE_STATUS].publish(EpisodeStatus(
            header=header, observation_seq=seq, episode_id="e", object_category="chair",
            step=seq - 1, contract=contract_msg(contract)))

    def answer(self, depth, **observation):
        """Republish the observation (as the bridge does) until the policy answers it."""
        deadline = time.monotonic() + 20.0
        while not self.answers:
            assert time.monotonic() < deadline, "no answer"
            self.observe(depth, **observation)
            self.spin_for(0.3)
        return self.answers[0]

    def close(self):
        self.policy.destroy_node()
        self.node.destroy_node()


@pytest.fixture
def camera(rclpy_context):
    camera = Camera(rclpy_context)
    yield camera
    camera.close()


def test_frontier_models_the_camera_of_the_contract_and_waits_for_all_of_it(camera):
    """A narrow camera (40 deg) sees a box 0.45 m ahead at the image's left edge: in the way.

    Modelled with the default 79 deg the box would lie 0.35 m to the left, clear of the robot.
    """
    depth = np.zeros((H, W), np.float32)  # nothing hit
    depth[:, :2] = 0.45
    camera.observe(depth, RunContract(forward_m=0.25, width=W, height=H, hfov_deg=40.0))
    camera.spin_for(1.0)
    assert camera.answers == []  # no camera height yet
    assert camera.answer(depth, contract=RunContract(0.25, 30.0, 30.0, W, H, 40.0, 0.5)
                         ).action in TURNS
    assert camera.policy.policy.config.hfov_deg == pytest.approx(40.0)
    assert camera.policy.policy.config.camera_height_m == pytest.approx(0.5)


def test_frontier_plans_with_the_forward_length_the_status_carries(camera):
    """A wall 0.8 m ahead leaves room for a 0.25 m step, not for the 0.6 m the base executes."""
    wall = np.full((H, W), 0.8, np.float32)
    contract = RunContract(forward_m=0.6, width=W, height=H, hfov_deg=79.0, camera_height_m=0.88)
    assert camera.answer(wall, contract=contract).action in TURNS
    assert camera.policy.policy.space.forward_m == pytest.approx(0.6)
    assert math.isclose(camera.policy.settings.actions.turn_deg, 30.0)  # not carried: kept


class Recording(Policy):
    """Answers in a fixed order and keeps the recent actions each observation arrived with."""

    ORDER = (Action.TURN_LEFT, Action.MOVE_FORWARD, Action.TURN_RIGHT)

    def __init__(self):
        super().__init__(self.ORDER)
        self.seen = []

    def _decide(self, obs):
        self.seen.append(obs.recent_actions)
        return Decision(self.ORDER[(len(self.seen) - 1) % 3], True, {}, "", "recording")


def test_observations_carry_the_actions_the_node_published_in_the_episode(camera):
    camera.policy.policy = recording = Recording()
    depth = np.full((H, W), 2.0, np.float32)
    for seq in (1, 2, 3):
        camera.answers.clear()
        camera.answer(depth, contract=RunContract(0.25, 30.0, 30.0, W, H, 79.0, 0.88), seq=seq)
    assert recording.seen == [(), (Action.TURN_LEFT,), (Action.TURN_LEFT, Action.MOVE_FORWARD)]
