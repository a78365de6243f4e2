"""Keyboard teleop: the key table, and one NavAction per observation over ROS."""

import time

import pytest

from objnav_ros.bags.teleop_keys import QUIT, parse_key, parse_line
from objnav_ros.core.actions import Action


@pytest.mark.parametrize("key, expected", [
    ("w", Action.MOVE_FORWARD), ("W", Action.MOVE_FORWARD), ("a", Action.TURN_LEFT),
    ("d", Action.TURN_RIGHT), ("r", Action.LOOK_UP), ("f", Action.LOOK_DOWN),
    (" ", Action.STOP), ("s", Action.STOP), ("q", QUIT), ("\x1b", QUIT), ("x", None),
    ("", None), ("wa", None)])
def test_keys(key, expected):
    assert parse_key(key) == expected


@pytest.mark.parametrize("line, expected", [
    ("w\n", Action.MOVE_FORWARD), ("turn left\n", Action.TURN_LEFT),
    ("LOOK_DOWN", Action.LOOK_DOWN), (" \n", Action.STOP), ("quit\n", QUIT), ("q", QUIT),
    ("\n", None), ("jump\n", None)])
def test_lines(line, expected):
    assert parse_line(line) == expected


@pytest.mark.ros
def test_each_observation_gets_one_teleop_action(rclpy_context):
    import rclpy
    from rclpy.executors import SingleThreadedExecutor
    from rclpy.parameter import Parameter
    from rclpy.qos import QoSProfile, QoSReliabilityPolicy

    from objnav_ros.core import topics
    from objnav_ros.msg import EpisodeStatus, NavAction
    from objnav_ros.nodes.teleop_node import TeleopNode

    reliable = QoSProfile(depth=10, reliability=QoSReliabilityPolicy.RELIABLE)
    teleop = TeleopNode(queue_keys=True, context=rclpy_context,
                        parameter_overrides=[Parameter("action_preset", value="seed")])
    sim = rclpy.create_node("fake_bridge", context=rclpy_context)
    sent = []
    status_pub = sim.create_publisher(EpisodeStatus, topics.EPISODE_STATUS, reliable)
    sim.create_subscription(NavAction, topics.ACTION, sent.append, reliable)
    executor = SingleThreadedExecutor(context=rclpy_context)
    for node in (teleop, sim):
        executor.add_node(node)

    def spin(seconds):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            executor.spin_once(timeout_sec=0.02)

    def observe(seq, done=False):
        msg = EpisodeStatus(observation_seq=seq, episode_id="ep", step=seq - 1, done=done)
        msg.header.stamp.sec, msg.header.stamp.nanosec = seq, 5
        status_pub.publish(msg)
        spin(0.3)

    try:
        for key in ("w", "a", "s", "d"):  # STOP is not in the seed preset: ignored
            teleop.press(parse_line(key))
        observe(1)
        observe(1)  # republished: no second answer
        assert [(a.observation_seq, a.action, a.source) for a in sent] == [
            (1, Action.MOVE_FORWARD, "teleop")]
        assert (sent[0].header.stamp.sec, sent[0].header.stamp.nanosec) == (1, 5)
        observe(2)
        observe(3, done=True)  # an ended episode gets nothing
        observe(4)
        assert [(a.observation_seq, a.action) for a in sent] == [
            (1, Action.MOVE_FORWARD), (2, Action.TURN_LEFT), (4, Action.TURN_RIGHT)]
        teleop.press(QUIT)
        spin(0.6)
        assert teleop.finished()
    finally:
        teleop.destroy_node()
        sim.destroy_node()
