"""Action executor node: NavActions in, cmd_vel at a fixed rate out, EpisodeStatus per step.

The real-robot stand-in for the simulator bridge. Each EpisodeStatus carries the run contract:
the action amounts executed (``action_preset`` with any ``forward_m``/``turn_deg``/``look_deg``
override) and the camera model (size and field of view from ``camera_info``, the height from
``camera_height_m``; no observation is reported before ``camera_info`` arrived), so the
policy, the monitor and bags use them too. The logic (closed-loop motion, pre-emption,
watchdogs, lock-step reports) is :class:`objnav_ros.robot.ActionExecutor`; this node
converts messages and time. cmd_vel is published from a timer at
``control_rate_hz`` (zero when idle or stopped), plus at once on STOP and e-stop.
The e-stop topic ``e_stop`` (std_msgs/Bool) is subscribed twice: reliable
transient-local, so a latched publisher's standing True applies at start-up, and
best-effort volatile, which matches any publisher's QoS (so a volatile publisher's
mismatch with the first is expected and only logged at debug level). True holds until a
False. Every exit (Ctrl-C, SIGTERM, rclpy shutdown, an exception in a callback or during
start-up once the cmd_vel publisher exists) sends a zero Twist several times first.
"""

from __future__ import annotations

import math
import time

from builtin_interfaces.msg import Time
from diagnostic_msgs.msg import DiagnosticArray, DiagnosticStatus, KeyValue
from geometry_msgs.msg import Twist
from nav_msgs.msg import Odometry
from rclpy.duration import Duration
from rclpy.event_handler import SubscriptionEventCallbacks
from rclpy.node import Node
from sensor_msgs.msg import CameraInfo, Image
from std_msgs.msg import Bool, Float64, String

from objnav_ros.core import topics
from objnav_ros.core.camera import CameraModel
from objnav_ros.core.contract import RunContract
from objnav_ros.msg import EpisodeStatus, NavAction
from objnav_ros.nodes.convert import (
    NS_PER_S,
    camera_model,
    contract_msg,
    pose_from_odometry,
    stamp_key,
)
from objnav_ros.nodes.guard import MessageGuard
from objnav_ros.nodes.pubsub import profile, publisher, subscription
from objnav_ros.nodes.ros_params import declare_parameters
from objnav_ros.nodes.spin import run_node
from objnav_ros.robot import PARAMETERS, ActionExecutor, Result, StatusReport, executor_config

STOP_REPEATS = 3  # zero Twists sent on exit, STOP_GAP_S apart
STOP_GAP_S = 0.02
STOP_ACK_S = 0.5  # at most this long waiting for subscribers to acknowledge them
STOP_MATCH_S = 5.0  # after a start-up failure, wait this long for a base to match
LEVELS = {"OK": DiagnosticStatus.OK, "WARN": DiagnosticStatus.WARN}


class ExecutorNode(Node):
    def __init__(self, **kwargs) -> None:
        super().__init__("executor", **kwargs)
        # First of all, so that any failure from here on still stops the base.
        self.cmd_pub = publisher(self, topics.CMD_VEL)
        self.stopped = False
        try:
            self._setup()
        except BaseException:
            self.stop_base(match_s=STOP_MATCH_S)
            raise

    def _setup(self) -> None:
        self.params = p = declare_parameters(self, PARAMETERS)
        self.core = ActionExecutor(executor_config(p), run_id=time.strftime("%Y%m%dT%H%M%S"))
        self.status_pub = publisher(self, topics.EPISODE_STATUS)
        self.diag_pub = publisher(self, topics.DIAGNOSTICS)
        self.tilt_pub = (self.create_publisher(Float64, p["tilt_topic"], profile(topics.RELIABLE))
                         if p["tilt_topic"] else None)
        guard = self.guard = MessageGuard(self)
        subscription(self, topics.RGB, guard(topics.RGB, self.on_rgb))
        if p["require_depth"]:
            subscription(self, topics.DEPTH, guard(topics.DEPTH, self.on_depth))
        # the base's odometry, whatever its publisher offers
        subscription(self, topics.ODOM, guard(topics.ODOM, self.on_odom), qos=topics.SENSOR_DATA)
        self.camera: CameraModel | None = None
        subscription(self, topics.CAMERA_INFO, guard(topics.CAMERA_INFO, self.on_camera_info))
        subscription(self, topics.ACTION, guard(topics.ACTION, self.on_action))
        subscription(self, topics.GOAL, guard(topics.GOAL, self.on_goal))
        quiet = SubscriptionEventCallbacks(incompatible_qos=lambda event: self.get_logger().debug(
            f"e-stop publisher without transient-local durability: {event.last_policy_kind}"))
        subscription(self, topics.E_STOP, self.on_e_stop, event_callbacks=quiet)
        subscription(self, topics.E_STOP, self.on_e_stop, qos=topics.SENSOR_DATA)
        self.create_timer(1.0 / p["control_rate_hz"], self.control)
        self.create_timer(p["diagnostics_period_s"], self.publish_diagnostics)
        if p["goal"]:
            self.core.on_goal(p["goal"], self.now())
        self.get_logger().info(f"executor ready: {self.core.config.actions}")

    def now(self) -> float:
        return self.get_clock().now().nanoseconds / NS_PER_S

    # --- inputs ---
    def on_rgb(self, msg: Image) -> None:
        self.core.on_rgb(stamp_key(msg.header.stamp), msg.header.frame_id, self.now())
        self.report()

    def on_depth(self, msg: Image) -> None:
        self.core.on_depth(stamp_key(msg.header.stamp), self.now())
        self.report()

    def on_odom(self, msg: Odometry) -> None:
        self.core.on_odom(pose_from_odometry(msg), self.now(), stamp_key(msg.header.stamp))

    def on_camera_info(self, msg: CameraInfo) -> None:
        self.camera = camera_model(msg)

    def on_goal(self, msg: String) -> None:
        if self.core.on_goal(msg.data, self.now()):
            self.get_logger().info(f"episode {self.core.episode.episode_id}: find {msg.data!r}")

    def on_e_stop(self, msg: Bool) -> None:
        if msg.data != self.core.watchdog.e_stop:
            self.get_logger().warning("e-stop engaged" if msg.data else "e-stop released")
        self.core.on_e_stop(msg.data)
        self.control()

    def on_action(self, msg: NavAction) -> None:
        response = self.core.on_action(msg.action, msg.observation_seq, self.now())
        if response.result is not Result.ACCEPTED:
            self.get_logger().warning(f"action {msg.action}: {response.result.value}: "
                                   f"{response.detail}")
        if response.tilt_rad is not None:
            self.tilt_pub.publish(Float64(data=response.tilt_rad))
        self.control()

    # --- outputs ---
    def control(self) -> None:
        """Publish the velocity command for now, then any report that became due."""
        command = self.core.tick(self.now())
        twist = Twist()
        twist.linear.x, twist.angular.z = command.linear, command.angular
        self.cmd_pub.publish(twist)
        self.report()

    def report(self) -> None:
        if self.camera is None:  # every observation is reported with its camera model
            return
        status = self.core.take_status(self.now())
        if status is not None:
            self.status_pub.publish(status_msg(status, self.contract()))

    def contract(self) -> RunContract:
        """The run contract in force: the amounts executed and the camera (as far as known)."""
        return RunContract.of(self.core.config.actions, self.camera,
                              self.params["camera_height_m"])

    def publish_diagnostics(self) -> None:
        if self.camera is None:
            self.get_logger().warning(f"no observation is reported before {topics.CAMERA_INFO} "
                                      "gives the camera model", throttle_duration_sec=10.0)
        summary = self.core.summary(self.now())
        status = DiagnosticStatus(
            level=LEVELS[summary.level], name=f"{self.get_name()}: base", hardware_id="base",
            message=summary.message,
            values=[KeyValue(key=k, value=v)
                    for k, v in {**summary.values, **self.guard.values()}.items()])
        array = DiagnosticArray(status=[status])
        array.header.stamp = self.get_clock().now().to_msg()
        self.diag_pub.publish(array)

    # --- exit: every path (signal, exception, rclpy shutdown) ends in destroy_node ---
    def stop_base(self, match_s: float = 0.0) -> None:
        """Publish a zero Twist STOP_REPEATS times and wait (bounded) until it is acknowledged.

        ``match_s``: first wait this long for a subscriber, which a node that fails during
        start-up may not have discovered yet.
        """
        deadline = time.monotonic() + match_s
        while not self.cmd_pub.get_subscription_count() and time.monotonic() < deadline:
            time.sleep(0.01)
        for repeat in range(STOP_REPEATS):
            if repeat:
                time.sleep(STOP_GAP_S)
            self.cmd_pub.publish(Twist())
        self.cmd_pub.wait_for_all_acked(Duration(seconds=STOP_ACK_S))
        self.stopped = True

    def destroy_node(self) -> None:
        if not self.stopped and self.context.ok():
            self.stop_base()
        super().destroy_node()


def status_msg(report: StatusReport, contract: RunContract) -> EpisodeStatus:
    """The report as an EpisodeStatus carrying ``contract``."""
    msg = EpisodeStatus(
        observation_seq=report.observation_seq, episode_id=report.episode_id,
        object_category=report.object_category, step=report.step, collided=report.collided,
        done=report.done, success=False, distance_to_goal=math.nan, spl=math.nan,
        path_length=report.path_length, end_reason=report.end_reason,
        contract=contract_msg(contract))
    msg.header.stamp = Time(sec=report.stamp_ns // NS_PER_S, nanosec=report.stamp_ns % NS_PER_S)
    msg.header.frame_id = report.frame_id
    return msg


def main(args=None) -> int:
    return run_node(ExecutorNode, args)


if __name__ == "__main__":
    raise SystemExit(main())
