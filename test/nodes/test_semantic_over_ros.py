"""Semantic images over loopback DDS: the bridge publishes them, the frontier policy uses them."""

import time

import pytest
from rclpy.executors import SingleThreadedExecutor
from rclpy.parameter import Parameter
from rclpy.qos import QoSProfile, QoSReliabilityPolicy, qos_profile_sensor_data
from sensor_msgs.msg import Image

from objnav_ros.core import topics
from objnav_ros.core.actions import Action
from objnav_ros.core.images import image_to_numpy
from objnav_ros.msg import EpisodeStatus, NavAction
from objnav_ros.nodes.convert import stamp_key
from objnav_ros.nodes.policy_node import PolicyNode
from objnav_ros.nodes.sim_bridge_node import SimBridgeNode
from objnav_ros.sim.base import semantic_id

pytestmark = pytest.mark.ros
RELIABLE = QoSProfile(depth=50, reliability=QoSReliabilityPolicy.RELIABLE)
EPISODE = 2  # the frontier policy finds its goal in 16 steps at 64x48 (seed 3, house seed 5)


@pytest.fixture(scope="module")
def house(tmp_path_factory):
    from objnav_ros.sim.house import HouseConfig, generate_house, write_house

    path = tmp_path_factory.mktemp("house") / "house.glb"
    return str(write_house(generate_house(HouseConfig(n_rooms=2, seed=5)), path))


class Watcher:
    """Collects the bridge's status, RGB and semantic images and the policy's answers."""

    def __init__(self, context, *nodes):
        import rclpy

        self.node = rclpy.create_node("watcher", context=context)
        self.status, self.rgb, self.semantic, self.actions = [], [], [], []
        self.node.create_subscription(EpisodeStatus, topics.EPISODE_STATUS, self.status.append,
                                      RELIABLE)
        self.node.create_subscription(NavAction, topics.ACTION, self.actions.append, RELIABLE)
        for topic, store in ((topics.RGB, self.rgb), (topics.SEMANTIC, self.semantic)):
            self.node.create_subscription(Image, topic, store.append, qos_profile_sensor_data)
        self.executor = SingleThreadedExecutor(context=context)
        for node in (self.node, *nodes):
            self.executor.add_node(node)

    def spin_until(self, predicate, timeout=60.0):
        deadline = time.monotonic() + timeout
        while not predicate():
            assert time.monotonic() < deadline, "timed out"
            self.executor.spin_once(timeout_sec=0.05)


def start(context, house, **values):
    base = {"scene": house, "width": 64, "height": 48, "n_episodes": EPISODE + 1, "seed": 3,
            "republish_period_s": 0.0}
    base.update(values)
    bridge = SimBridgeNode(context=context, parameter_overrides=[
        Parameter(k, value=v) for k, v in base.items()])
    policy = PolicyNode(context=context,
                        parameter_overrides=[Parameter("policy", value="frontier")])
    return bridge, policy


def test_frontier_over_ros_stops_at_the_goal_answering_every_observation(rclpy_context, house):
    bridge, policy = start(rclpy_context, house)
    try:
        watcher = Watcher(rclpy_context, bridge, policy)
        watcher.spin_until(lambda: watcher.node.count_subscribers(topics.SEMANTIC) >= 2)
        bridge.start_episode(EPISODE)
        episode = bridge.sim.episode.episode_id
        watcher.spin_until(lambda: any(s.done and s.episode_id == episode for s in watcher.status))
        mine = [s for s in watcher.status if s.episode_id == episode]
        final = mine[-1]
        assert final.end_reason == "stop" and final.success
        answered = [a.observation_seq for a in watcher.actions if a.source == "frontier"]
        asked = [s.observation_seq for s in mine if not s.done]
        assert set(asked) <= set(answered) and len(set(answered)) == len(answered)
        assert bridge.rejected == 0

        rgb_stamps = {stamp_key(m.header.stamp) for m in watcher.rgb}
        assert watcher.semantic and all(m.encoding == "mono8" and (m.height, m.width) == (48, 64)
                                        for m in watcher.semantic)
        assert {stamp_key(m.header.stamp) for m in watcher.semantic} <= rgb_stamps
        goal = semantic_id(final.object_category)
        assert any((image_to_numpy(m) == goal).any() for m in watcher.semantic)
    finally:
        policy.destroy_node()
        bridge.destroy_node()


def test_without_semantic_images_the_frontier_policy_still_answers(rclpy_context, house):
    bridge, policy = start(rclpy_context, house, publish_semantic=False)
    try:
        watcher = Watcher(rclpy_context, bridge, policy)
        watcher.spin_until(lambda: watcher.node.count_subscribers(topics.EPISODE_STATUS) >= 2)
        bridge.start_episode(EPISODE)
        episode = bridge.sim.episode.episode_id
        watcher.spin_until(lambda: sum(s.episode_id == episode for s in watcher.status) > 20)
        assert not watcher.semantic
        assert not any(s.done for s in watcher.status if s.episode_id == episode)
        assert Action.STOP not in {a.action for a in watcher.actions}
    finally:
        policy.destroy_node()
        bridge.destroy_node()


def test_robot_graph_does_not_wait_for_semantic_images():
    from objnav_ros.apps.graphs import ROBOT_NAV

    policy = next(node for node in ROBOT_NAV.nodes if node.name == "policy")
    assert policy.parameters["use_semantic"] is False
