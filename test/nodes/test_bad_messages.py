"""No node dies of a bad message: hypothesis fires malformed messages at each real node over
loopback DDS; each bad one is dropped and counted, and the node still answers a good one."""

import itertools
import math
import time

import numpy as np
import pytest
from diagnostic_msgs.msg import DiagnosticArray
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nav_msgs.msg import Odometry
from rclpy.executors import SingleThreadedExecutor
from rclpy.parameter import Parameter
from rclpy.qos import QoSDurabilityPolicy, QoSProfile, QoSReliabilityPolicy, qos_profile_sensor_data
from sensor_msgs.msg import CameraInfo, Image
from std_msgs.msg import Header, String

from objnav_ros.core import topics
from objnav_ros.core.actions import Action
from objnav_ros.core.camera import CameraModel
from objnav_ros.core.contract import RunContract
from objnav_ros.core.types import Pose2D
from objnav_ros.msg import EpisodeStatus, NavAction
from objnav_ros.nodes.convert import (
    camera_info_msg,
    contract_msg,
    image_msg,
    odometry_msg,
    stamp,
    stamp_key,
)

pytestmark = pytest.mark.ros
EXAMPLES = settings(max_examples=12, deadline=None, derandomize=True,
                    suppress_health_check=list(HealthCheck))
RELIABLE = QoSProfile(depth=50, reliability=QoSReliabilityPolicy.RELIABLE)
LATCHED = QoSProfile(depth=1, reliability=QoSReliabilityPolicy.RELIABLE,
                     durability=QoSDurabilityPolicy.TRANSIENT_LOCAL)
W, H = 32, 24
CONTRACT = RunContract(0.25, 30.0, 30.0, W, H, 79.0, 0.88)
BYTES_PER_PIXEL = {"rgb8": 3, "bgr8": 3, "mono8": 1, "32FC1": 4, "16UC1": 2}
ACCEPTED = {topics.RGB: ("rgb8", "bgr8", "mono8"), topics.DEPTH: ("32FC1", "16UC1"),
            topics.SEMANTIC: ("mono8",)}
QOS = {Image: qos_profile_sensor_data, CameraInfo: qos_profile_sensor_data, String: LATCHED}


@st.composite
def bad_image(draw, topic):
    """An Image that ``topic``'s subscribers must refuse (next to a W x H RGB image)."""
    flaw = draw(st.sampled_from(["encoding", "short data", "short step", "empty", "size"]))
    encoding = draw(st.sampled_from(ACCEPTED[topic]))
    width, height = W, H
    if flaw == "size" and topic != topics.RGB:
        width, height = draw(st.tuples(st.integers(1, 40), st.integers(1, 40))
                             .filter(lambda size: size != (W, H)))
    if flaw == "empty":
        width, height = draw(st.sampled_from([(0, H), (W, 0), (0, 0)]))
    step = width * BYTES_PER_PIXEL[encoding]
    if flaw == "short step":
        step = draw(st.integers(0, step - 1))
    size = step * height
    if flaw == "short data":
        size = draw(st.integers(0, size - 1))
    if flaw == "encoding" or (flaw == "size" and topic == topics.RGB):
        others = sorted(set(BYTES_PER_PIXEL) - set(ACCEPTED[topic]))
        encoding = draw(st.sampled_from([*others, "", "rgba8", "jpeg", "8UC3"]))
    return Image(width=width, height=height, encoding=encoding, step=step,
                 is_bigendian=draw(st.integers(0, 1)),
                 data=draw(st.binary(min_size=size, max_size=size)))


@st.composite
def bad_odometry(draw):
    """Odometry with a NaN or infinite position or orientation component."""
    values = [0.0, 0.0, 0.0, 0.0, 0.0, 1.0]
    values[draw(st.integers(0, 5))] = draw(st.sampled_from([math.nan, math.inf, -math.inf]))
    msg = Odometry()
    p = msg.pose.pose
    p.position.x, p.position.y = values[:2]
    p.orientation.x, p.orientation.y, p.orientation.z, p.orientation.w = values[2:]
    return msg


bad_action = st.builds(NavAction, action=st.integers(len(Action), NavAction.INVALID - 1),
                       observation_seq=st.integers(0, 2**32 - 1))
noise_status = st.builds(
    EpisodeStatus, observation_seq=st.integers(0, 1000), episode_id=st.text(max_size=8),
    object_category=st.text(max_size=8), step=st.integers(0, 2**31 - 1),
    collided=st.booleans(), done=st.booleans(), distance_to_goal=st.floats(),
    spl=st.floats(), path_length=st.floats(), end_reason=st.text(max_size=8))


class Rig:
    """The node under test and a prober node publishing to it, spun by one executor."""

    def __init__(self, context, node):
        import rclpy

        self.node = node
        self.prober = rclpy.create_node("prober", context=context)
        self.executor = SingleThreadedExecutor(context=context)
        self.executor.add_node(node)
        self.executor.add_node(self.prober)
        self.publishers = {}
        self.diagnostics = []
        self.prober.create_subscription(DiagnosticArray, topics.DIAGNOSTICS,
                                        self.diagnostics.append, 10)
        self.clock = itertools.count(100)

    def publish(self, topic, msg, t=None):
        """Publish ``msg`` on ``topic`` (stamped ``t`` when given); wait for the node to match."""
        key = (topic, type(msg))
        if key not in self.publishers:
            pub = self.prober.create_publisher(type(msg), topic, QOS.get(type(msg), RELIABLE))
            self.spin_until(lambda: pub.get_subscription_count() > 0)
            self.publishers[key] = pub
        if t is not None:
            msg.header.stamp = stamp(t)
        self.publishers[key].publish(msg)

    def spin_until(self, condition, timeout=10.0):
        """Spin; a callback that raises (the node dying) fails the test here."""
        deadline = time.monotonic() + timeout
        while not condition():
            assert time.monotonic() < deadline, "timed out"
            self.executor.spin_once(timeout_sec=0.02)

    def spin_for(self, seconds):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.executor.spin_once(timeout_sec=0.02)

    def diagnostic(self, key):
        """Latest value of ``key`` in the node's /diagnostics."""
        for array in reversed(self.diagnostics):
            values = {v.key: v.value for v in array.status[0].values}
            if key in values:
                return values[key]
        return None

    def refused_on_diagnostics(self, count):
        self.spin_until(lambda: int(self.diagnostic("bad_messages") or 0) >= count)

    def close(self):
        self.executor.shutdown()
        self.node.destroy_node()
        self.prober.destroy_node()


@pytest.fixture
def rig_of(rclpy_context):
    rigs = []

    def make(node_class, **params):
        node = node_class(context=rclpy_context, parameter_overrides=[
            Parameter(k, value=v) for k, v in params.items()])
        rigs.append(Rig(rclpy_context, node))
        return rigs[-1]

    yield make
    for rig in rigs:
        rig.close()


def bad_camera_info():
    """Uncalibrated (K all zero) or without a size."""
    good = camera_info_msg(CameraModel(W, H, 79.0), Header())
    return st.sampled_from([CameraInfo(width=W, height=H),
                            CameraInfo(width=0, height=H, k=good.k)])


@st.composite
def bad_contract(draw):
    """A run contract with a NaN, infinite or negative amount, field of view or height."""
    msg = contract_msg(CONTRACT)
    name = draw(st.sampled_from(["forward_m", "turn_deg", "look_deg", "hfov_deg",
                                 "camera_height_m"]))
    setattr(msg, name, draw(st.sampled_from([math.nan, math.inf, -1.0])))
    return msg


def odom(pose, t):
    return odometry_msg(pose, Header(stamp=stamp(t), frame_id="odom"), "base_link")


def test_policy_drops_bad_images_and_odometry_and_answers_the_next_frame(rig_of):
    from objnav_ros.nodes.policy_node import PolicyNode

    rig = rig_of(PolicyNode, policy="frontier", diagnostics_period_s=0.2)
    answers = []
    rig.prober.create_subscription(NavAction, topics.ACTION, answers.append, RELIABLE)

    def frame(t, contract=None, **replace):
        header = Header(stamp=stamp(t), frame_id="camera_optical_frame")
        parts = {
            topics.RGB: image_msg(np.full((H, W, 3), 90, np.uint8), "rgb8", header),
            topics.DEPTH: image_msg(np.full((H, W), 2.0, np.float32), "32FC1", header),
            topics.SEMANTIC: image_msg(np.zeros((H, W), np.uint8), "mono8", header),
            topics.ODOM: odom(Pose2D(0.0, 0.0, 0.0), t)}
        parts.update(replace)
        for topic, msg in parts.items():
            rig.publish(topic, msg, t)
        status = EpisodeStatus(observation_seq=t, episode_id="ep", step=t,
                               object_category="chair",
                               contract=contract or contract_msg(CONTRACT))
        rig.publish(topics.EPISODE_STATUS, status, t)

    def answered(t):
        return lambda: any(stamp_key(a.header.stamp) == stamp_key(stamp(t)) for a in answers)

    good = next(rig.clock)
    frame(good)
    rig.spin_until(answered(good))

    bad = {topics.ODOM: bad_odometry(), topics.EPISODE_STATUS: bad_contract()}

    @EXAMPLES
    @given(st.sampled_from([topics.RGB, topics.DEPTH, topics.SEMANTIC, topics.ODOM,
                            topics.EPISODE_STATUS])
           .flatmap(lambda topic: st.tuples(st.just(topic), bad.get(topic, bad_image(topic)))))
    def fire(bad):
        topic, msg = bad
        refused = rig.node.guard.rejects.total
        if topic == topics.EPISODE_STATUS:
            frame(next(rig.clock), contract=msg)
        else:
            frame(next(rig.clock), **{topic: msg})
        rig.spin_until(lambda: rig.node.guard.rejects.total == refused + 1)
        good = next(rig.clock)
        frame(good)
        rig.spin_until(answered(good))

    fire()
    rig.refused_on_diagnostics(rig.node.guard.rejects.total)


def test_monitor_drops_unknown_actions_and_bad_odometry_and_still_judges_steps(rig_of):
    from objnav_ros.nodes.monitor_node import MonitorNode

    rig = rig_of(MonitorNode, diagnostics_period_s=0.2)
    episodes = itertools.count()

    def good_step():
        episode, t = f"good{next(episodes)}", float(next(rig.clock))
        rig.publish(topics.EPISODE_STATUS, EpisodeStatus(episode_id=episode, observation_seq=1), t)
        rig.publish(topics.ODOM, odom(Pose2D(0.0, 0.0, 0.0), t))
        rig.publish(topics.ACTION, NavAction(action=int(Action.MOVE_FORWARD), observation_seq=1,
                                             valid=True), t)
        rig.publish(topics.EPISODE_STATUS, EpisodeStatus(episode_id=episode, observation_seq=2,
                                                         step=1), t + 0.5)
        rig.publish(topics.ODOM, odom(Pose2D(0.25, 0.0, 0.0), t + 0.5))
        rig.spin_until(lambda: rig.node.pairer.episode_id == episode
                       and rig.node.monitor.steps == 1)

    good_step()

    @EXAMPLES
    @given(st.one_of(st.tuples(st.just(topics.ACTION), bad_action),
                     st.tuples(st.just(topics.ODOM), bad_odometry()),
                     st.tuples(st.just(topics.EPISODE_STATUS), noise_status)))
    def fire(bad):
        topic, msg = bad
        refused = rig.node.guard.rejects.total
        rig.publish(topic, msg, float(next(rig.clock)))
        if topic != topics.EPISODE_STATUS:  # noise, not necessarily refused
            rig.spin_until(lambda: rig.node.guard.rejects.total == refused + 1)
        good_step()

    fire()
    rig.refused_on_diagnostics(rig.node.guard.rejects.total)


@pytest.fixture(scope="module")
def house(tmp_path_factory):
    from objnav_ros.sim.house import HouseConfig, generate_house, write_house

    path = tmp_path_factory.mktemp("house") / "house.glb"
    return str(write_house(generate_house(HouseConfig(n_rooms=2, seed=5)), path))


def test_bridge_rejects_unknown_actions_and_still_steps(rig_of, house):
    from objnav_ros.nodes.sim_bridge_node import SimBridgeNode

    rig = rig_of(SimBridgeNode, scene=house, width=W, height=H, n_episodes=1, seed=3,
                 republish_period_s=0.0)
    statuses = []
    rig.prober.create_subscription(EpisodeStatus, topics.EPISODE_STATUS, statuses.append,
                                   RELIABLE)

    def good_step():
        seq = rig.node.seq
        rig.publish(topics.ACTION, NavAction(action=int(Action.TURN_LEFT), observation_seq=seq,
                                             valid=True))
        rig.spin_until(lambda: statuses and statuses[-1].observation_seq == seq + 1)

    good_step()

    @EXAMPLES
    @given(bad_action)
    def fire(msg):
        rejected = rig.node.rejected
        rig.publish(topics.ACTION, msg)
        rig.spin_until(lambda: rig.node.rejected == rejected + 1)
        good_step()

    fire()
    rig.spin_until(lambda: rig.diagnostic("rejected_actions") == str(rig.node.rejected))


def test_executor_drops_bad_odometry_and_camera_info_and_takes_the_next_pose(rig_of):
    from objnav_ros.nodes.executor_node import ExecutorNode

    rig = rig_of(ExecutorNode, diagnostics_period_s=0.2)
    poses = itertools.count(1)

    def good_pose():
        pose = Pose2D(float(next(poses)), 0.0, 0.0)
        rig.publish(topics.ODOM, odom(pose, 0.0))
        rig.spin_until(lambda: rig.node.core.pose == pose)

    @EXAMPLES
    @given(st.one_of(st.tuples(st.just(topics.ODOM), bad_odometry()),
                     st.tuples(st.just(topics.CAMERA_INFO), bad_camera_info()),
                     st.tuples(st.just(topics.ACTION), bad_action),
                     st.tuples(st.sampled_from([topics.RGB, topics.DEPTH]),
                               bad_image(topics.RGB))))
    def fire(bad):
        topic, msg = bad
        refused = rig.node.guard.rejects.total
        rig.publish(topic, msg, float(next(rig.clock)))
        if topic in (topics.ODOM, topics.CAMERA_INFO):  # of images only the stamps are read
            rig.spin_until(lambda: rig.node.guard.rejects.total == refused + 1)
        good_pose()

    fire()
    rig.refused_on_diagnostics(rig.node.guard.rejects.total)


def test_teleop_survives_odd_status_and_goals_and_still_sends_keys(rclpy_context):
    from objnav_ros.nodes.teleop_node import TeleopNode

    rig = Rig(rclpy_context, TeleopNode(queue_keys=True, context=rclpy_context))
    sent = []
    rig.prober.create_subscription(NavAction, topics.ACTION, sent.append, RELIABLE)
    seqs = itertools.count(10**6)
    try:
        @EXAMPLES
        @given(st.one_of(st.tuples(st.just(topics.EPISODE_STATUS), noise_status),
                         st.tuples(st.just(topics.GOAL), st.builds(String, data=st.text()))))
        def fire(bad):
            topic, msg = bad
            rig.publish(topic, msg)
            if topic == topics.GOAL:
                rig.spin_until(lambda: rig.node.goal == msg.data)
            else:  # a key pressed now would answer it
                rig.spin_until(lambda: getattr(rig.node.status, "observation_seq", None)
                               == msg.observation_seq)
            seq = next(seqs)
            rig.node.press(Action.TURN_RIGHT)
            rig.publish(topics.EPISODE_STATUS, EpisodeStatus(observation_seq=seq, episode_id="ep"))
            rig.spin_until(lambda: sent and sent[-1].observation_seq == seq)

        fire()
    finally:
        rig.close()
