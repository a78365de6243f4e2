"""The policy node over loopback DDS: faults that used to stall the lock-step loop for good."""

import time

import numpy as np
import pytest
import rclpy
from rclpy.executors import SingleThreadedExecutor
from rclpy.parameter import Parameter
from rclpy.qos import QoSProfile, QoSReliabilityPolicy, qos_profile_sensor_data
from sensor_msgs.msg import Image
from std_msgs.msg import Header

from objnav_ros.core import topics
from objnav_ros.msg import EpisodeStatus, NavAction
from objnav_ros.nodes.convert import image_msg, stamp
from objnav_ros.nodes.policy_node import PolicyNode

pytestmark = pytest.mark.ros
RELIABLE = QoSProfile(depth=50, reliability=QoSReliabilityPolicy.RELIABLE)
GOOD = np.full((24, 32, 3), 90, np.uint8)


class Bridge:
    """A stand-in bridge publishing observations to a random policy; collects its answers."""

    def __init__(self, context):
        self.node = rclpy.create_node("fake_bridge", context=context)
        self.policy = PolicyNode(context=context, parameter_overrides=[
            Parameter("policy", value="random"), Parameter("use_semantic", value=False)])
        self.rgb = self.node.create_publisher(Image, topics.RGB, qos_profile_sensor_data)
        self.status = self.node.create_publisher(EpisodeStatus, topics.EPISODE_STATUS, RELIABLE)
        self.answers = []
        self.node.create_subscription(NavAction, topics.ACTION, self.answers.append, RELIABLE)
        self.executor = SingleThreadedExecutor(context=context)
        for node in (self.node, self.policy):
            self.executor.add_node(node)
        self.spin_until(lambda: self.status.get_subscription_count()
                        and self.rgb.get_subscription_count())

    def spin_until(self, predicate, timeout=30.0):
        deadline = time.monotonic() + timeout
        while not predicate():
            assert time.monotonic() < deadline, "timed out"
            self.executor.spin_once(timeout_sec=0.05)

    def observe(self, seq, t, broken=False):
        header = Header(stamp=stamp(t), frame_id="camera")
        rgb = image_msg(GOOD, "rgb8", header)
        rgb.height *= 2 if broken else 1  # more rows than its data holds
        self.rgb.publish(rgb)
        self.status.publish(EpisodeStatus(header=header, observation_seq=seq, episode_id="e",
                                          object_category="chair", step=seq))

    def answered(self, seq, timeout=10.0):
        """Republish observation ``seq`` until answered (as the bridge does)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.observe(seq, seq * 0.1)
            try:
                self.spin_until(lambda: [a for a in self.answers if a.observation_seq == seq],
                                timeout=0.5)
                return True
            except AssertionError:
                continue
        return False

    def close(self):
        self.policy.destroy_node()
        self.node.destroy_node()


@pytest.fixture
def bridge(rclpy_context):
    bridge = Bridge(rclpy_context)
    yield bridge
    bridge.close()


def test_a_malformed_image_does_not_use_up_the_observation(bridge):
    assert bridge.answered(1)
    bridge.observe(2, 0.2, broken=True)  # the policy refuses it
    bridge.spin_until(lambda: bridge.policy.guard.rejects.total)
    assert bridge.answered(2)  # the republish of the same observation is answered


def test_images_stamped_in_the_future_do_not_stall_the_loop(bridge):
    assert bridge.answered(1)
    for k in range(20):  # e.g. a clock step on another camera
        bridge.rgb.publish(image_msg(GOOD, "rgb8", Header(stamp=stamp(1e6 + k))))
        bridge.executor.spin_once(timeout_sec=0.02)
    assert bridge.answered(2)
    assert bridge.answered(3)
