"""In-process ROS rig: the executor (+ policy) node, a simulated RGB-D base and a driver.

SimRobot integrates the Twist it receives (tests/robot/kinematics.DiffDrive), publishes
odometry at 50 Hz and, every third odometry message, an RGB + depth pair and its CameraInfo
with the same stamp (16UC1 millimetres or 32FC1 metres; ``hfov_deg``); a sensor named in
``frozen`` ("odom" or "image") keeps publishing with the stamp given there, as a stuck driver
would. Driver publishes goals, actions and the e-stop and records EpisodeStatus, NavAction,
depth images and diagnostics. All times are the nodes' (system) clock in seconds.
"""

from __future__ import annotations

import contextlib
import threading
import time

import numpy as np
from diagnostic_msgs.msg import DiagnosticArray, DiagnosticStatus
from geometry_msgs.msg import Twist
from nav_msgs.msg import Odometry
from rclpy.event_handler import PublisherEventCallbacks
from rclpy.executors import SingleThreadedExecutor
from rclpy.node import Node
from rclpy.parameter import Parameter
from rclpy.qos import QoSDurabilityPolicy, QoSProfile, QoSReliabilityPolicy, qos_profile_sensor_data
from sensor_msgs.msg import CameraInfo, Image
from std_msgs.msg import Bool, Header, String

from objnav_ros.core import topics
from objnav_ros.core.camera import CameraModel
from objnav_ros.msg import EpisodeStatus, NavAction
from objnav_ros.nodes.convert import (
    camera_info_msg,
    image_msg,
    odometry_msg,
    seconds,
    stamp,
    stamp_key,
)
from objnav_ros.nodes.executor_node import ExecutorNode
from objnav_ros.nodes.policy_node import PolicyNode
from test.robot.kinematics import DiffDrive

RELIABLE = QoSProfile(depth=50, reliability=QoSReliabilityPolicy.RELIABLE)
LATCHED = QoSProfile(depth=1, reliability=QoSReliabilityPolicy.RELIABLE,
                     durability=QoSDurabilityPolicy.TRANSIENT_LOCAL)
ODOM_PERIOD_S = 0.02
IMAGE_EVERY = 3


def now_s(node: Node) -> float:
    return node.get_clock().now().nanoseconds / 1e9


class SimRobot(Node):
    def __init__(self, context, depth_encoding: str = "16UC1", depth_m: float = 1.5,
                 blocked: bool = False, hfov_deg: float = 79.0) -> None:
        super().__init__("sim_robot", context=context)
        self.base = DiffDrive(blocked=blocked)
        self.command = (0.0, 0.0)
        self.twists: list[tuple[float, float, float]] = []  # (received, linear, angular)
        self.image_stamps: list[float] = []
        self.camera_on = True
        self.frozen: dict[str, float] = {}  # sensor -> the stamp it repeats
        self.count = 0
        self.rgb = np.full((24, 32, 3), 90, np.uint8)
        if depth_encoding == "16UC1":
            self.depth = np.full((24, 32), round(depth_m * 1000), np.uint16)
        else:
            self.depth = np.full((24, 32), depth_m, np.float32)
        self.depth_encoding = depth_encoding
        self.camera = CameraModel(32, 24, hfov_deg)
        self.info_pub = self.create_publisher(CameraInfo, topics.CAMERA_INFO,
                                              qos_profile_sensor_data)
        self.odom_pub = self.create_publisher(Odometry, topics.ODOM, RELIABLE)
        self.rgb_pub = self.create_publisher(Image, topics.RGB, qos_profile_sensor_data)
        self.depth_pub = self.create_publisher(Image, topics.DEPTH, qos_profile_sensor_data)
        self.create_subscription(Twist, topics.CMD_VEL, self.on_twist, RELIABLE)
        self.last = now_s(self)
        self.create_timer(ODOM_PERIOD_S, self.tick)

    def on_twist(self, msg: Twist) -> None:
        self.twists.append((now_s(self), msg.linear.x, msg.angular.z))
        self.command = (msg.linear.x, msg.angular.z)

    def tick(self) -> None:
        t = now_s(self)
        self.base.step(*self.command, t - self.last)
        self.last = t
        header = Header(stamp=stamp(self.frozen.get("odom", t)), frame_id="odom")
        self.odom_pub.publish(odometry_msg(self.base.pose, header, "base_link"))
        self.count += 1
        if self.camera_on and self.count % IMAGE_EVERY == 0:
            header = Header(stamp=stamp(self.frozen.get("image", t)), frame_id="camera")
            self.depth_pub.publish(image_msg(self.depth, self.depth_encoding, header))
            self.rgb_pub.publish(image_msg(self.rgb, "rgb8", header))
            self.info_pub.publish(camera_info_msg(self.camera, header))
            self.image_stamps.append(t)

    def first_zero_after(self, t: float) -> float | None:
        return next((r for r, v, w in self.twists if r >= t and v == 0.0 and w == 0.0), None)


class Driver(Node):
    def __init__(self, context) -> None:
        super().__init__("driver", context=context)
        self.statuses: list[EpisodeStatus] = []
        self.actions: list[NavAction] = []
        self.depths: dict[int, Image] = {}  # by stamp key
        self.diagnostics: list[DiagnosticStatus] = []
        self.action_pub = self.create_publisher(NavAction, topics.ACTION, RELIABLE)
        self.goal_pub = self.create_publisher(String, topics.GOAL, LATCHED)
        # the volatile publisher cannot serve the executor's transient-local subscription
        quiet = PublisherEventCallbacks(incompatible_qos=lambda event: None)
        self.e_stop_pubs = {
            "latched": self.create_publisher(Bool, topics.E_STOP, LATCHED),
            "volatile": self.create_publisher(Bool, topics.E_STOP, 10, event_callbacks=quiet)}
        self.create_subscription(EpisodeStatus, topics.EPISODE_STATUS, self.statuses.append,
                                 RELIABLE)
        self.create_subscription(NavAction, topics.ACTION, self.actions.append, RELIABLE)
        self.create_subscription(Image, topics.DEPTH, self.on_depth, qos_profile_sensor_data)
        self.create_subscription(DiagnosticArray, topics.DIAGNOSTICS,
                                 lambda m: self.diagnostics.extend(m.status), 10)

    def on_depth(self, msg: Image) -> None:
        self.depths[stamp_key(msg.header.stamp)] = msg

    def act(self, action: int) -> float:
        """Answer the last status with ``action``; return the time it was sent."""
        last = self.statuses[-1]
        msg = NavAction(header=last.header, observation_seq=last.observation_seq,
                        action=action, source="test", valid=True)
        sent = now_s(self)
        self.action_pub.publish(msg)
        return sent

    def e_stop(self, engaged: bool, qos: str = "latched") -> float:
        sent = now_s(self)
        self.e_stop_pubs[qos].publish(Bool(data=engaged))
        return sent


def wait_for(predicate, timeout: float = 20.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.01)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def wait_status(driver: Driver, seq: int, timeout: float = 20.0) -> EpisodeStatus:
    return wait_for(lambda: next((s for s in driver.statuses if s.observation_seq == seq), None),
                    timeout, f"EpisodeStatus {seq}")


@contextlib.contextmanager
def running(context, executor_params: dict | None, policy_params: dict | None = None,
            **robot_options):
    """Spin SimRobot + Driver (+ the executor node unless ``executor_params`` is None, + the
    policy node when ``policy_params`` are given) in a background thread; yield (robot,
    driver, executor node or None).
    """
    nodes = [SimRobot(context, **robot_options), Driver(context)]
    if executor_params is not None:
        overrides = [Parameter(name, value=value) for name, value in executor_params.items()]
        nodes.append(ExecutorNode(context=context, parameter_overrides=overrides))
    if policy_params is not None:
        overrides = [Parameter(name, value=value) for name, value in policy_params.items()]
        nodes.append(PolicyNode(context=context, parameter_overrides=overrides))
    spinner = SingleThreadedExecutor(context=context)
    for node in nodes:
        spinner.add_node(node)
    thread = threading.Thread(target=spinner.spin, daemon=True)
    thread.start()
    try:
        yield nodes[0], nodes[1], nodes[2] if executor_params is not None else None
    finally:
        spinner.shutdown()
        thread.join(timeout=10)
        for node in nodes:
            node.destroy_node()


def stamp_s(status: EpisodeStatus) -> float:
    return seconds(status.header.stamp)

