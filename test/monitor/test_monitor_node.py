"""The monitor node over loopback DDS: steps in, MonitorEvents and diagnostics out."""

import time

import pytest

from objnav_ros.core import topics
from objnav_ros.core.types import Pose2D
from test.monitor.walk import F, L, R, walk

pytestmark = pytest.mark.ros


class Feeder:
    """Plays the simulator and the policy; records what the monitor publishes."""

    def __init__(self, context, odom_reliable=True, **node_params):
        import rclpy
        from diagnostic_msgs.msg import DiagnosticArray
        from nav_msgs.msg import Odometry
        from rclpy.executors import SingleThreadedExecutor
        from rclpy.parameter import Parameter
        from rclpy.qos import QoSProfile, ReliabilityPolicy

        from objnav_ros.msg import EpisodeStatus, MonitorEvent, NavAction
        from objnav_ros.nodes.monitor_node import MonitorNode

        overrides = [Parameter(k, value=v) for k, v in node_params.items()]
        self.monitor = MonitorNode(context=context, parameter_overrides=overrides)
        self.node = rclpy.create_node("feeder", context=context)
        qos = QoSProfile(depth=50, reliability=ReliabilityPolicy.RELIABLE)
        self.action_pub = self.node.create_publisher(NavAction, topics.ACTION, qos)
        best_effort = QoSProfile(depth=50, reliability=ReliabilityPolicy.BEST_EFFORT)
        self.odom_pub = self.node.create_publisher(Odometry, topics.ODOM,
                                                   qos if odom_reliable else best_effort)
        self.status_pub = self.node.create_publisher(EpisodeStatus, topics.EPISODE_STATUS, qos)
        self.events, self.diagnostics = [], []
        self.node.create_subscription(MonitorEvent, topics.MONITOR_EVENTS, self.events.append, qos)
        self.node.create_subscription(DiagnosticArray, topics.DIAGNOSTICS,
                                      self.diagnostics.append, 10)
        self.executor = SingleThreadedExecutor(context=context)
        self.executor.add_node(self.monitor)
        self.executor.add_node(self.node)
        pubs = [self.action_pub, self.odom_pub]
        if node_params.get("pairing", "status") == "status":
            pubs.append(self.status_pub)
        self.spin_until(lambda: all(p.get_subscription_count() for p in pubs)
                        and self.monitor.event_pub.get_subscription_count())

    def spin_until(self, condition, timeout=10.0):
        deadline = time.monotonic() + timeout
        while not condition():
            assert time.monotonic() < deadline, "timed out"
            self.executor.spin_once(timeout_sec=0.05)

    def close(self):
        self.executor.shutdown()
        self.monitor.destroy_node()
        self.node.destroy_node()

    def odom(self, t, pose):
        from std_msgs.msg import Header

        from objnav_ros.nodes.convert import odometry_msg, stamp

        self.odom_pub.publish(odometry_msg(pose, Header(stamp=stamp(t), frame_id="odom"),
                                           "base_link"))

    def status(self, episode, step, t, collided=False, forward_m=0.0):
        from objnav_ros.msg import EpisodeStatus, RunContract
        from objnav_ros.nodes.convert import stamp

        msg = EpisodeStatus(episode_id=episode, step=step, observation_seq=step + 1,
                            collided=collided, contract=RunContract(forward_m=forward_m))
        msg.header.stamp = stamp(t)
        self.status_pub.publish(msg)

    def action(self, seq, t, action):
        from objnav_ros.msg import NavAction
        from objnav_ros.nodes.convert import stamp

        msg = NavAction(observation_seq=seq, action=int(action), source="policy", valid=True)
        msg.header.stamp = stamp(t)
        self.action_pub.publish(msg)

    def play(self, episode, records, t0=100.0, forward_m=0.0):
        """Simulator order: status + odometry after each step, the policy's action between.

        ``forward_m``: the MOVE_FORWARD length every status's contract carries (0 = none).
        """
        start = records[0].pose_before
        self.status(episode, 0, t0, forward_m=forward_m)
        self.odom(t0, start)
        self.spin_until(lambda: self.monitor.pairer.episode_id == episode)
        for record in records:
            k = record.step
            self.action(k, t0 + k - 1, record.action)
            if k % 2:  # either order of status and odometry
                self.status(episode, k, t0 + k, bool(record.collided), forward_m)
                self.odom(t0 + k, record.pose)
            else:
                self.odom(t0 + k, record.pose)
                self.status(episode, k, t0 + k, bool(record.collided), forward_m)
            self.spin_until(lambda k=k: self.monitor.monitor.steps == k)

    def last_diagnostic(self, condition):
        self.spin_until(lambda: any(condition(a.status[0]) for a in self.diagnostics))
        return next(a.status[0] for a in reversed(self.diagnostics) if condition(a.status[0]))


@pytest.fixture
def feeder(rclpy_context):
    feeder = Feeder(rclpy_context, diagnostics_period_s=0.2)
    yield feeder
    feeder.close()


def pinned_then_dither():
    return walk([F] * 8 + [L, R, L, R], blocked=set(range(8)), collided=True)


def test_events_and_diagnostics_of_an_episode(feeder):
    from diagnostic_msgs.msg import DiagnosticStatus

    from objnav_ros.msg import MonitorEvent

    feeder.play("ep1", pinned_then_dither())
    feeder.spin_until(lambda: len(feeder.events) >= 3)
    got = [(e.kind, e.step, e.start_step, e.end_step, e.episode_id) for e in feeder.events]
    assert got == [
        (MonitorEvent.COLLISION, 1, 1, 1, "ep1"),
        (MonitorEvent.STUCK, 6, 1, 6, "ep1"),
        (MonitorEvent.OSCILLATION, 12, 9, 12, "ep1"),
    ]
    assert feeder.events[1].severity == pytest.approx(1.0)
    assert feeder.events[1].header.stamp.sec == 106  # the stamp of the detecting step
    status = feeder.last_diagnostic(lambda s: s.values[0].value == "ep1"
                                    and dict((v.key, v.value) for v in s.values)["steps"] == "12")
    values = {v.key: v.value for v in status.values}
    assert status.name == "objnav monitor" and status.level == DiagnosticStatus.ERROR
    assert (values["collision"], values["stuck"], values["oscillation"]) == ("1", "1", "1")
    assert values["stuck_active"] == "true" and values["dropped_steps"] == "0"

    feeder.status("ep2", 0, 200.0)  # a new episode resets the detectors
    status = feeder.last_diagnostic(lambda s: s.values[0].value == "ep2")
    assert status.level == DiagnosticStatus.OK and status.message == "no events this episode"


def test_a_best_effort_odometry_driver_is_heard(rclpy_context):
    from objnav_ros.msg import MonitorEvent

    feeder = Feeder(rclpy_context, odom_reliable=False)  # as many robot drivers publish it
    try:
        feeder.play("ep1", pinned_then_dither())
        feeder.spin_until(lambda: len(feeder.events) >= 3)
        assert [e.kind for e in feeder.events] == [
            MonitorEvent.COLLISION, MonitorEvent.STUCK, MonitorEvent.OSCILLATION]
    finally:
        feeder.close()


def test_parameter_changes_are_validated_and_applied(feeder):
    from rclpy.parameter import Parameter
    from rclpy.parameter_client import AsyncParameterClient

    from objnav_ros.msg import MonitorEvent

    client = AsyncParameterClient(feeder.node, "monitor")
    assert client.wait_for_services(timeout_sec=10)

    def set_param(name, value):
        future = client.set_parameters([Parameter(name, value=value)])
        feeder.executor.spin_until_future_complete(future, timeout_sec=10)
        return future.result().results[0]

    bad = set_param("stuck.blocked_forward_allowance", 0)
    assert not bad.successful
    assert bad.reason == "parameter stuck.blocked_forward_allowance: must be >= 1, got 0"
    assert not set_param("oscillation.reversal_angle_deg", 200.0).successful
    assert not set_param("pairing", "action").successful  # read-only
    assert feeder.monitor.monitor.config.stuck.blocked_forward_allowance == 6

    assert set_param("stuck.blocked_forward_allowance", 2).successful
    assert feeder.monitor.monitor.config.stuck.blocked_forward_allowance == 2
    feeder.play("ep1", walk([F, F, F], blocked={0, 1, 2}, collided=True))
    feeder.spin_until(lambda: len(feeder.events) >= 2)
    assert [(e.kind, e.step) for e in feeder.events] == [
        (MonitorEvent.COLLISION, 1), (MonitorEvent.STUCK, 2)]


def test_forward_length_is_the_one_the_status_carries(rclpy_context):
    """Seed preset: the bridge moves 0.4 m per forward. Forwards that make 0.15 m are
    blocked (under half of 0.4 m), not free as they would be against the 0.25 m default.
    """
    from objnav_ros.msg import MonitorEvent

    feeder = Feeder(rclpy_context, **{"stuck.required_movement_radius": 2.0})
    try:
        feeder.play("ep1", walk([F] * 6, forward_m=0.15), forward_m=0.4)
        feeder.spin_until(lambda: feeder.events)
        assert [(e.kind, e.step) for e in feeder.events] == [(MonitorEvent.STUCK, 6)]
        assert "6 blocked forwards" in feeder.events[0].detail
    finally:
        feeder.close()


def test_action_pairing_without_episode_status(rclpy_context):
    from objnav_ros.msg import MonitorEvent

    feeder = Feeder(rclpy_context, pairing="action")
    try:
        records = walk([F] * 7, blocked=set(range(1, 7)), start=Pose2D(1.0, 2.0, 0.5))
        poses = [records[0].pose_before] + [r.pose for r in records]
        for k, pose in enumerate(poses):  # odometry stamped at each observation
            feeder.odom(10.0 + k, pose)
        for k, record in enumerate(records):  # each action answers observation k
            feeder.action(k + 1, 10.0 + k, record.action)
        feeder.action(len(records) + 1, 10.0 + len(records), L)  # completes the last step
        feeder.spin_until(lambda: len(feeder.events) >= 2)
        got = [(e.kind, e.step, e.episode_id) for e in feeder.events]
        assert got == [(MonitorEvent.COLLISION, 2, "1"), (MonitorEvent.STUCK, 7, "1")]
    finally:
        feeder.close()


@pytest.mark.parametrize("preset, stuck", [("seed", True), ("habitat", False)])
def test_action_pairing_measures_forwards_against_the_action_preset(rclpy_context, preset,
                                                                     stuck):
    """Without EpisodeStatus the MOVE_FORWARD length is the preset's: 0.15 m per forward is
    blocked against seed's 0.4 m (under half), free against habitat's 0.25 m.
    """
    from objnav_ros.msg import MonitorEvent

    feeder = Feeder(rclpy_context, pairing="action", action_preset=preset,
                    **{"stuck.required_movement_radius": 2.0})
    try:
        records = walk([F] * 7, forward_m=0.15)
        poses = [records[0].pose_before] + [r.pose for r in records]
        for k, pose in enumerate(poses):
            feeder.odom(10.0 + k, pose)
        for k, record in enumerate(records):
            feeder.action(k + 1, 10.0 + k, record.action)
        feeder.action(len(records) + 1, 10.0 + len(records), L)
        feeder.spin_until(lambda: feeder.monitor.monitor.steps >= len(records))
        if stuck:
            feeder.spin_until(lambda: MonitorEvent.STUCK in [e.kind for e in feeder.events])
        else:
            deadline = time.monotonic() + 1.0  # events already published would arrive by now
            feeder.spin_until(lambda: time.monotonic() > deadline)
        kinds = [e.kind for e in feeder.events]
        assert (MonitorEvent.STUCK in kinds) is stuck, feeder.events
    finally:
        feeder.close()


def test_event_kind_codes_follow_the_kinds_order_bags_decode_with():
    from objnav_ros.monitor import KINDS
    from objnav_ros.msg import MonitorEvent
    from objnav_ros.nodes.monitor_node import EVENT_KIND

    assert [EVENT_KIND[kind] for kind in KINDS] == list(range(len(KINDS)))
    assert [MonitorEvent.OSCILLATION, MonitorEvent.STUCK, MonitorEvent.COLLISION] == [0, 1, 2]
