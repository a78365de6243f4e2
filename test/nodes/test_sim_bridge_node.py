"""The simulator bridge over real rclpy (loopback DDS): lock-step, rejection, expert, collisions."""

import math
import time

import numpy as np
import pytest
from rclpy.executors import SingleThreadedExecutor
from rclpy.parameter import Parameter
from rclpy.qos import QoSDurabilityPolicy, QoSProfile, QoSReliabilityPolicy, qos_profile_sensor_data
from sensor_msgs.msg import CameraInfo, Image
from std_msgs.msg import String

from objnav_ros.core import topics
from objnav_ros.core.actions import Action
from objnav_ros.core.contract import RunContract
from objnav_ros.core.images import depth_from_image, rgb_from_image
from objnav_ros.msg import EpisodeStatus, NavAction
from objnav_ros.nodes.convert import stamp_key
from objnav_ros.nodes.policy_node import PolicyNode
from objnav_ros.nodes.sim_bridge_node import SimBridgeNode

pytestmark = pytest.mark.ros
RELIABLE = QoSProfile(depth=50, reliability=QoSReliabilityPolicy.RELIABLE)


@pytest.fixture(scope="module")
def house(tmp_path_factory):
    """A small generated house with labelled goal objects."""
    from objnav_ros.sim.house import HouseConfig, generate_house, write_house

    path = tmp_path_factory.mktemp("house") / "house.glb"
    return str(write_house(generate_house(HouseConfig(n_rooms=2, seed=5)), path))


def params(scene, **values):
    base = {"scene": scene, "width": 64, "height": 48, "n_episodes": 2, "seed": 3,
            "republish_period_s": 0.0}
    base.update(values)
    return [Parameter(k, value=v) for k, v in base.items()]


class Driver:
    """A test node collecting the bridge's outputs and sending actions."""

    def __init__(self, context, bridge, *more_nodes):
        import rclpy

        self.node = rclpy.create_node("driver", context=context)
        self.status, self.rgb, self.depth, self.info, self.goal = [], [], [], [], []
        self.node.create_subscription(EpisodeStatus, topics.EPISODE_STATUS, self.status.append,
                                      RELIABLE)
        self.node.create_subscription(Image, topics.RGB, self.rgb.append, qos_profile_sensor_data)
        self.node.create_subscription(Image, topics.DEPTH, self.depth.append,
                                      qos_profile_sensor_data)
        self.node.create_subscription(CameraInfo, topics.CAMERA_INFO, self.info.append,
                                      qos_profile_sensor_data)
        latched = QoSProfile(depth=1, reliability=QoSReliabilityPolicy.RELIABLE,
                             durability=QoSDurabilityPolicy.TRANSIENT_LOCAL)
        self.node.create_subscription(String, topics.GOAL, self.goal.append, latched)
        self.pub = self.node.create_publisher(NavAction, topics.ACTION, RELIABLE)
        self.executor = SingleThreadedExecutor(context=context)
        for node in (self.node, bridge, *more_nodes):
            self.executor.add_node(node)

    def spin_until(self, predicate, timeout=30.0):
        deadline = time.monotonic() + timeout
        while not predicate():
            assert time.monotonic() < deadline, "timed out"
            self.executor.spin_once(timeout_sec=0.05)

    def settle(self, seconds=0.5):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.executor.spin_once(timeout_sec=0.05)

    def send(self, action, seq, stamp=None):
        msg = NavAction(action=int(action), observation_seq=seq, source="test", valid=True)
        if stamp is not None:
            msg.header.stamp = stamp
        self.pub.publish(msg)


@pytest.fixture
def bridge(rclpy_context, house):
    node = SimBridgeNode(context=rclpy_context, parameter_overrides=params(house))
    yield node
    node.destroy_node()


def test_lock_step_one_observation_per_action_with_matching_sequence(rclpy_context, bridge):
    driver = Driver(rclpy_context, bridge)
    # The first observation was published before we subscribed: the latched goal still
    # arrives, and a reset republishes the observation.
    driver.spin_until(lambda: driver.goal)
    bridge.start_episode(0)
    driver.spin_until(lambda: driver.status and driver.rgb and driver.depth)
    actions = [Action.TURN_LEFT, Action.MOVE_FORWARD, Action.TURN_RIGHT, Action.LOOK_DOWN,
               Action.MOVE_FORWARD]
    for i, action in enumerate(actions):
        current = driver.status[-1]
        driver.send(action, current.observation_seq)
        driver.spin_until(lambda n=i: len(driver.status) == n + 2)
        new = driver.status[-1]
        assert new.observation_seq == current.observation_seq + 1
        assert new.step == current.step + 1 and not new.done
    driver.spin_until(lambda: len(driver.rgb) >= 6 and len(driver.depth) >= 6)
    driver.settle(0.3)
    assert len(driver.status) == len(actions) + 1  # exactly one observation per action
    by_stamp = {stamp_key(s.header.stamp): s.observation_seq for s in driver.status}
    for image in driver.rgb[-len(actions):] + driver.depth[-len(actions):]:
        assert stamp_key(image.header.stamp) in by_stamp
    rgb, depth = rgb_from_image(driver.rgb[-1]), depth_from_image(driver.depth[-1])
    assert rgb.shape == (48, 64, 3) and rgb.max() > 0
    assert depth.shape == (48, 64) and np.isfinite(depth).all() and depth.max() > 0.1
    info = driver.info[-1]
    assert (info.width, info.height) == (64, 48)
    assert math.isclose(info.k[0], 32 / math.tan(math.radians(79 / 2)), rel_tol=1e-6)


@pytest.mark.parametrize("hold", [False, True])
def test_free_run_steps_each_tick_with_the_latest_or_the_held_action(rclpy_context, house,
                                                                     hold):
    node = SimBridgeNode(context=rclpy_context, parameter_overrides=params(
        house, lock_step=False, rate_hz=50.0, hold_last_action=hold))
    try:
        driver = Driver(rclpy_context, node)
        driver.spin_until(lambda: driver.status)  # ticks publish without actions
        assert driver.status[-1].step == 0
        driver.send(Action.TURN_LEFT, 0)
        driver.spin_until(lambda: driver.status[-1].step >= 1)
        ticks = driver.status[-1].observation_seq
        driver.spin_until(lambda: driver.status[-1].observation_seq >= ticks + 5)
        latest = driver.status[-1]
        if hold:  # every tick repeats the action
            assert latest.step >= 5
        else:  # one action, one step; ticks go on
            assert latest.step == 1 and node.runner.last_action is Action.TURN_LEFT
    finally:
        node.destroy_node()


def test_statuses_carry_the_run_contract_of_the_preset_and_camera(rclpy_context, house):
    """What the monitor, the policy and bags measure steps and images against."""
    bridge = SimBridgeNode(context=rclpy_context, parameter_overrides=params(
        house, action_preset="seed", hfov_deg=60.0, camera_height_m=1.2))
    try:
        driver = Driver(rclpy_context, bridge)
        bridge.start_episode(0)
        driver.spin_until(lambda: driver.status)
        assert RunContract.from_fields(driver.status[-1].contract) == RunContract(
            0.4, 15.0, 30.0, 64, 48, 60.0, 1.2)
    finally:
        bridge.destroy_node()


def test_stale_unknown_and_disallowed_actions_are_rejected_and_counted(rclpy_context, house):
    bridge = SimBridgeNode(context=rclpy_context,
                           parameter_overrides=params(house, action_preset="seed"))
    try:
        driver = Driver(rclpy_context, bridge)
        bridge.start_episode(0)
        driver.spin_until(lambda: driver.status)
        seq = driver.status[-1].observation_seq
        pose = bridge.sim.pose
        driver.send(Action.MOVE_FORWARD, seq - 1)  # stale
        driver.send(9, seq)  # unknown id
        driver.send(Action.STOP, seq)  # not in the seed preset
        driver.spin_until(lambda: bridge.rejected == 3)
        driver.settle(0.3)
        assert len(driver.status) == 1 and bridge.sim.pose == pose
        assert bridge.sim.metrics().step == 0
        driver.send(Action.TURN_LEFT, 0, stamp=driver.status[-1].header.stamp)  # by stamp
        driver.spin_until(lambda: len(driver.status) == 2)
        assert bridge.rejected == 3
    finally:
        bridge.destroy_node()


def test_expert_policy_over_ros_succeeds_with_spl_one(rclpy_context, bridge, house):
    policy = PolicyNode(context=rclpy_context, parameter_overrides=[
        Parameter("policy", value="expert"), Parameter("scene", value=house),
        Parameter("seed", value=3)])
    try:
        driver = Driver(rclpy_context, bridge, policy)
        bridge.start_episode(0)
        driver.spin_until(lambda: any(s.done for s in driver.status), timeout=120)
        final = next(s for s in driver.status if s.done)
        assert final.success and final.end_reason == "stop"
        assert final.spl == pytest.approx(1.0)
        assert final.distance_to_goal <= 1.0
    finally:
        policy.destroy_node()


def test_walking_into_a_wall_reports_collisions(rclpy_context, bridge):
    driver = Driver(rclpy_context, bridge)
    bridge.start_episode(0)
    driver.spin_until(lambda: driver.status)
    for _ in range(60):
        seq = driver.status[-1].observation_seq
        driver.send(Action.MOVE_FORWARD, seq)
        driver.spin_until(lambda s=seq: driver.status[-1].observation_seq == s + 1)
        if driver.status[-1].collided:
            break
    assert driver.status[-1].collided, "60 forward steps in a small house never hit a wall"
    assert bridge.sim.metrics().collisions >= 1


def test_start_gate_waits_for_subscribers_without_blocking(rclpy_context, house):
    bridge = SimBridgeNode(context=rclpy_context,
                           parameter_overrides=params(house, start_after_subscribers=1))
    try:
        executor = SingleThreadedExecutor(context=rclpy_context)
        executor.add_node(bridge)
        for _ in range(10):  # timers run, nothing is published, no exception
            executor.spin_once(timeout_sec=0.05)
        assert bridge.runner.episode is None and bridge.seq == 0
        executor.remove_node(bridge)
        driver = Driver(rclpy_context, bridge)
        driver.spin_until(lambda: driver.status)
        assert driver.status[0].observation_seq == 1 and driver.status[0].step == 0
    finally:
        bridge.destroy_node()
