"""Record through the real ROS graph (loopback DDS): sim bridge + policy + recorder.

The nodes share one process and one executor, so nothing depends on discovery timing; the
recorder subscribes raw and writes one bag per episode, which the dataset turns back into
exactly the actions that were published and the poses the odometry reported, under the run
contract (action amounts, camera model) the bridge declared.
"""

import time

import pytest
from nav_msgs.msg import Odometry
from rclpy.executors import SingleThreadedExecutor
from rclpy.parameter import Parameter
from rclpy.qos import QoSProfile, QoSReliabilityPolicy

from objnav_ros.core import topics
from objnav_ros.core.actions import Action
from objnav_ros.core.contract import RunContract
from objnav_ros.msg import NavAction
from objnav_ros.nodes.convert import pose_from_odometry, stamp_key
from objnav_ros.nodes.policy_node import PolicyNode
from objnav_ros.nodes.recorder_node import RecorderNode
from objnav_ros.nodes.sim_bridge_node import SimBridgeNode
from objnav_training.dataset import load_episodes

pytestmark = pytest.mark.ros
RELIABLE = QoSProfile(depth=200, reliability=QoSReliabilityPolicy.RELIABLE)
STEPS = 8


@pytest.fixture(scope="module")
def house(tmp_path_factory):
    from objnav_ros.sim.house import HouseConfig, generate_house, write_house

    path = tmp_path_factory.mktemp("house") / "house.glb"
    return str(write_house(generate_house(HouseConfig(n_rooms=2, seed=5)), path))


def overrides(**values):
    return [Parameter(k, value=v) for k, v in values.items()]


@pytest.mark.parametrize("storage, policy", [("mcap", "random"), ("sqlite3", "expert")])
def test_recorded_episodes_are_what_the_graph_did(rclpy_context, house, tmp_path, storage,
                                                   policy):
    import rclpy

    recorder = RecorderNode(context=rclpy_context, parameter_overrides=overrides(
        output_dir=str(tmp_path), storage=storage, bag_prefix="rt", close_delay_s=0.2))
    listener = rclpy.create_node("listener", context=rclpy_context)
    actions, poses = [], {}
    listener.create_subscription(NavAction, topics.ACTION, actions.append, RELIABLE)
    listener.create_subscription(
        Odometry, topics.ODOM,
        lambda m: poses.setdefault(stamp_key(m.header.stamp), pose_from_odometry(m)), RELIABLE)
    agent = PolicyNode(context=rclpy_context, parameter_overrides=overrides(
        policy=policy, action_preset="seed", scene=house, seed=3))
    bridge = SimBridgeNode(context=rclpy_context, parameter_overrides=overrides(
        scene=house, seed=3, width=96, height=72, n_episodes=2, max_steps=STEPS,
        action_preset="seed", exit_when_done=True, republish_period_s=0.5))
    # The bridge gets its own executor: its SystemExit must not cost the others a message.
    bridge_executor = SingleThreadedExecutor(context=rclpy_context)
    bridge_executor.add_node(bridge)
    executor = SingleThreadedExecutor(context=rclpy_context)
    nodes = (recorder, listener, agent)
    for node in nodes:
        executor.add_node(node)
    try:
        deadline = time.monotonic() + 90
        with pytest.raises(SystemExit):  # the bridge exits after its last episode
            while time.monotonic() < deadline:
                bridge_executor.spin_once(timeout_sec=0.0)
                executor.spin_once(timeout_sec=0.01)
        settle = time.monotonic() + 1.0  # one callback per spin_once: take everything
        while time.monotonic() < settle:
            executor.spin_once(timeout_sec=0.01)
    finally:
        for node in (*nodes, bridge):
            node.destroy_node()  # the recorder closes its bags here

    bags = sorted(p.name for p in tmp_path.iterdir() if p.is_dir())
    assert bags == ["rt_001_0", "rt_002_1"]
    episodes, errors = load_episodes(tmp_path)
    assert errors == []
    assert [e.episode_id for e in episodes] == ["0", "1"]
    assert {e.contract for e in episodes} == {RunContract(0.4, 15.0, 30.0, 96, 72, 79.0, 0.88)}
    recorded = [t for e in episodes for t in e.transitions]
    assert [t.action for t in recorded] == [Action(a.action) for a in actions]
    assert all(t.source == policy for t in recorded)
    for episode in episodes:
        steps = [t.step for t in episode.transitions]
        assert steps == list(range(len(steps))) and 1 <= len(steps) <= STEPS
        assert episode.transitions[-1].done and not any(
            t.done for t in episode.transitions[:-1])
        for t, after in zip(episode.transitions, episode.transitions[1:], strict=False):
            assert t.next_pose == after.pose
        rgb = episode.transitions[0].rgb()
        assert rgb.shape == (72, 96, 3) and rgb.max() > 0
        assert episode.transitions[0].depth().shape == (72, 96)
    by_pose = {(p.x, p.y, p.yaw) for p in poses.values()}
    for t in recorded:
        assert (t.pose.x, t.pose.y, t.pose.yaw) in by_pose
