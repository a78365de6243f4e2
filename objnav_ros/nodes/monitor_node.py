"""Monitor node: actions, odometry and episode status in; MonitorEvents and /diagnostics out.

Steps are assembled by :class:`objnav_ros.monitor.StepPairer` (``pairing`` parameter:
``status`` = one step per EpisodeStatus, poses from the odometry with the status's stamp;
``action`` = one step per NavAction, for robots without EpisodeStatus) and judged by
:class:`objnav_ros.monitor.Monitor`. The MOVE_FORWARD length the stuck and collision rules
measure against is the one each EpisodeStatus's run contract carries (``action_preset``'s
only where none does: action pairing, or a contract without forward_m).
A bad message (e.g. an unknown action id) is dropped and counted
(:mod:`objnav_ros.nodes.guard`). Detector settings are parameters named
``<detector>.<setting>``; a run-time change is validated and re-creates the detectors.
"""

from __future__ import annotations

from diagnostic_msgs.msg import DiagnosticArray, DiagnosticStatus, KeyValue
from nav_msgs.msg import Odometry
from rclpy.node import Node

from objnav_ros.core import topics
from objnav_ros.core.actions import ACTION_PRESET, Action, action_space
from objnav_ros.core.params import DIAGNOSTICS_PERIOD, ParamSpec
from objnav_ros.monitor import (
    COLLISION,
    OSCILLATION,
    STUCK,
    EpisodeStart,
    Monitor,
    MonitorConfig,
    StepPairer,
    Verdict,
    health,
)
from objnav_ros.msg import EpisodeStatus, MonitorEvent, NavAction
from objnav_ros.nodes.convert import pose_from_odometry, seconds, stamp
from objnav_ros.nodes.guard import MessageGuard
from objnav_ros.nodes.pubsub import publisher, subscription
from objnav_ros.nodes.ros_params import declare_parameters
from objnav_ros.nodes.spin import run_node

QUEUE_DEPTH = 50  # history depth of the monitor's topics (odometry may come far faster than steps)

PARAMETERS = [
    ParamSpec("pairing", "status",
              "What completes a step: status (an EpisodeStatus with a new step number, "
              "simulator) or action (the next NavAction, robot without EpisodeStatus).",
              choices=("status", "action"), read_only=True),
    ACTION_PRESET.spec("action_preset"),
    ParamSpec("odom_tolerance_s", 0.1,
              "Largest stamp difference between a step and the odometry used as its pose (s).",
              min_value=0.0, max_value=10.0),
    ParamSpec("error_event_count", 10,
              "Events in one episode from which /diagnostics reports ERROR.",
              min_value=1, max_value=100000),
    DIAGNOSTICS_PERIOD,
    *MonitorConfig.param_specs(),
]
EVENT_KIND = {
    OSCILLATION: MonitorEvent.OSCILLATION,
    STUCK: MonitorEvent.STUCK,
    COLLISION: MonitorEvent.COLLISION,
}
LEVELS = {"OK": DiagnosticStatus.OK, "WARN": DiagnosticStatus.WARN, "ERROR": DiagnosticStatus.ERROR}


class MonitorNode(Node):
    def __init__(self, **kwargs) -> None:
        super().__init__("monitor", **kwargs)
        self.params = declare_parameters(self, PARAMETERS)
        self.monitor = Monitor(MonitorConfig.from_params(self.params))
        self.pairer = StepPairer(self.preset_forward_m(), self.params["odom_tolerance_s"])
        self.by_action = self.params["pairing"] == "action"
        self.event_pub = publisher(self, topics.MONITOR_EVENTS, depth=QUEUE_DEPTH)
        self.diag_pub = publisher(self, topics.DIAGNOSTICS)
        guard = self.guard = MessageGuard(self)
        subscription(self, topics.ACTION, guard(topics.ACTION, self.on_action), depth=QUEUE_DEPTH)
        subscription(self, topics.ODOM, guard(topics.ODOM, self.on_odom),
                     qos=topics.SENSOR_DATA, depth=QUEUE_DEPTH)
        if not self.by_action:
            subscription(self, topics.EPISODE_STATUS, guard(topics.EPISODE_STATUS, self.on_status),
                         depth=QUEUE_DEPTH)
        period = self.params["diagnostics_period_s"]
        self.timer = self.create_timer(period, self.publish_diagnostics)
        self.add_post_set_parameters_callback(self.on_parameters_set)

    def on_parameters_set(self, params) -> None:
        """Apply validated run-time changes: detector configs, pairer settings, timer period."""
        p = self.params
        p.update({param.name: param.value for param in params})
        self.monitor.configure(MonitorConfig.from_params(p))
        self.pairer.forward_m, self.pairer.odom_tolerance_s = (self.preset_forward_m(),
                                                               p["odom_tolerance_s"])
        if any(param.name == "diagnostics_period_s" for param in params):
            self.destroy_timer(self.timer)
            self.timer = self.create_timer(p["diagnostics_period_s"], self.publish_diagnostics)

    def preset_forward_m(self) -> float:
        """MOVE_FORWARD length where the stream carries none: the action preset's."""
        return action_space(self.params["action_preset"]).forward_m

    def on_action(self, msg: NavAction) -> None:
        if msg.action == NavAction.INVALID:
            return
        action = Action.from_id(msg.action)
        t = seconds(msg.header.stamp)
        self.judge(self.pairer.add_action(msg.observation_seq, t, action,
                                          completes_step=self.by_action))

    def on_odom(self, msg: Odometry) -> None:
        self.judge(self.pairer.add_pose(seconds(msg.header.stamp), pose_from_odometry(msg)))

    def on_status(self, msg: EpisodeStatus) -> None:
        self.judge(self.pairer.add_status(msg.episode_id, msg.step, msg.observation_seq,
                                          seconds(msg.header.stamp), msg.collided,
                                          msg.contract.forward_m))

    def judge(self, items) -> None:
        """Reset on a new episode; publish each verdict and then the diagnostics."""
        events = []
        for item in items:
            if isinstance(item, EpisodeStart):
                self.monitor.reset()
                continue
            events += [event_msg(v, self.pairer.episode_id, item.time_s)
                       for v in self.monitor.update(item)]
        for event in events:
            self.event_pub.publish(event)
        if events:
            self.publish_diagnostics()

    def publish_diagnostics(self) -> None:
        summary = health(self.monitor, self.pairer.episode_id, self.params["error_event_count"])
        values = {**summary.values, "dropped_steps": str(self.pairer.dropped),
                  **self.guard.values()}
        status = DiagnosticStatus(
            level=LEVELS[summary.level], name="objnav monitor", message=summary.message,
            hardware_id="objnav", values=[KeyValue(key=k, value=v) for k, v in values.items()])
        array = DiagnosticArray(status=[status])
        array.header.stamp = self.get_clock().now().to_msg()
        self.diag_pub.publish(array)


def event_msg(verdict: Verdict, episode_id: str, time_s: float) -> MonitorEvent:
    """MonitorEvent of ``verdict``, stamped with the time of the step that completed it."""
    msg = MonitorEvent(
        episode_id=episode_id, kind=EVENT_KIND[verdict.kind], step=verdict.end_step,
        start_step=verdict.start_step, end_step=verdict.end_step, severity=verdict.severity,
        detail=verdict.detail)
    msg.header.stamp = stamp(time_s)
    return msg


def main(args=None) -> int:
    return run_node(MonitorNode, args)


if __name__ == "__main__":
    raise SystemExit(main())
