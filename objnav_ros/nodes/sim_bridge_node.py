"""Simulator bridge: RGB-D, camera info, odometry, TF, goal, status, /clock out; NavAction in.

Episodes run through :class:`objnav_ros.sim.runner.EpisodeRunner` (the one episode loop),
fed by the actions that arrive.

With ``publish_semantic`` (and a backend that draws it) a mono8 image of per-pixel goal-category
ids (see :func:`objnav_ros.sim.base.semantic_id`) goes out with the RGB's stamp as well.

Lock-step (default): exactly one simulator step per accepted action; the new observation's
RGB, depth, odometry, TF and EpisodeStatus share one stamp (sim time) and EpisodeStatus
carries its ``observation_seq`` and the run contract (the action amounts of ``action_preset``
and the camera model). An action is accepted only for the current observation (matching
``observation_seq``, or stamp when the seq is 0). Free-run: steps at ``rate_hz`` with the
latest action (held when ``hold_last_action``). Malformed, unknown, disallowed or
stale actions are rejected with a warning and counted; the simulator is left untouched.
Never waits for subscribers: the latest observation is republished every
``republish_period_s`` while no action arrives, so a late policy still sees it.
"""

from __future__ import annotations

import math

from diagnostic_msgs.msg import DiagnosticArray, DiagnosticStatus, KeyValue
from rclpy.node import Node
from rosgraph_msgs.msg import Clock
from std_msgs.msg import Header, String
from std_srvs.srv import Trigger
from tf2_msgs.msg import TFMessage

from objnav_ros.core import topics
from objnav_ros.core.actions import Action
from objnav_ros.core.camera import CameraModel
from objnav_ros.msg import EpisodeStatus, NavAction
from objnav_ros.nodes.convert import (
    OPTICAL_ROTATION,
    camera_info_msg,
    contract_msg,
    image_msg,
    odometry_msg,
    rpy_quaternion,
    stamp,
    stamp_key,
    transform,
    yaw_quaternion,
)
from objnav_ros.nodes.guard import MessageGuard
from objnav_ros.nodes.pubsub import publisher, subscription
from objnav_ros.nodes.ros_params import declare_parameters
from objnav_ros.nodes.spin import run_node
from objnav_ros.sim.bridge_parameters import PARAMETERS, bridge_world
from objnav_ros.sim.factory import make_simulator
from objnav_ros.sim.runner import EpisodeRunner

EXIT_DELAY_S = 1.0

class SimBridgeNode(Node):
    def __init__(self, **node_options) -> None:
        super().__init__("sim_bridge", **node_options)
        p = self.params = declare_parameters(self, PARAMETERS)
        config, source = bridge_world(p)
        self.sim = make_simulator(p["backend"], source.scene_path(), config)
        self.episodes = source.load_episodes(config, getattr(self.sim, "random_episode", None))
        self.camera = CameraModel(config.width, config.height, config.hfov_deg)
        self.runner = EpisodeRunner(self.sim)
        self.episode_index = 0
        self.seq = 0
        self.sim_time = 0.0
        self.header = Header()
        self.pending: Action | None = None  # free-run: the action for the next tick
        self.rejected = 0

        self.pub_rgb = publisher(self, topics.RGB)
        self.pub_depth = publisher(self, topics.DEPTH)
        self.pub_semantic = publisher(self, topics.SEMANTIC)
        self.pub_info = publisher(self, topics.CAMERA_INFO)
        self.pub_odom = publisher(self, topics.ODOM)
        self.pub_tf = publisher(self, topics.TF)
        self.pub_tf_static = publisher(self, topics.TF_STATIC)
        self.pub_goal = publisher(self, topics.GOAL)
        self.pub_status = publisher(self, topics.EPISODE_STATUS)
        self.pub_clock = publisher(self, topics.CLOCK)
        self.pub_diag = publisher(self, topics.DIAGNOSTICS)
        self.guard = MessageGuard(self)
        subscription(self, topics.ACTION, self.guard(topics.ACTION, self.on_action))
        self.create_service(Trigger, "~/reset_episode", self.on_reset)
        self.create_service(Trigger, "~/next_episode", self.on_next)
        if p["lock_step"]:
            if p["republish_period_s"] > 0:
                self.create_timer(p["republish_period_s"], self.publish_observation)
        else:
            self.create_timer(1.0 / p["rate_hz"], self.on_tick)
        self.create_timer(1.0, self.publish_diagnostics)
        self.pub_tf_static.publish(TFMessage(transforms=[transform(
            Header(frame_id=p["camera_frame"]), p["optical_frame"], rotation=OPTICAL_ROTATION)]))
        self.start_gate = None
        if p["start_after_subscribers"]:
            self.start_gate = self.create_timer(0.1, self.start_when_subscribed)
        else:
            self.start_episode(0)

    # --- episodes ---
    def start_when_subscribed(self) -> None:
        """Start gate: polled by a timer, so the node never blocks while it waits."""
        if self.pub_status.get_subscription_count() >= self.params["start_after_subscribers"]:
            self.destroy_timer(self.start_gate)
            self.start_episode(0)

    def start_episode(self, index: int) -> None:
        self.episode_index = index
        episode = self.episodes[index]
        self.runner.start(episode)
        self.pending = None
        self.pub_goal.publish(String(data=episode.object_category))
        self.get_logger().info(
            f"episode {episode.episode_id} ({index + 1}/{len(self.episodes)}): "
            f"find {episode.object_category}")
        self.advance_and_publish()

    def on_reset(self, _request, response):
        self.start_episode(self.episode_index)
        response.success, response.message = True, f"episode {self.runner.episode.episode_id} reset"
        return response

    def on_next(self, _request, response):
        if self.episode_index + 1 >= len(self.episodes):
            response.success, response.message = False, "no more episodes"
            return response
        self.start_episode(self.episode_index + 1)
        response.success, response.message = True, f"episode {self.runner.episode.episode_id}"
        return response

    # --- actions ---
    def reject(self, reason: str) -> None:
        self.rejected += 1
        self.get_logger().warning(f"rejected action on {topics.ACTION}: {reason}",
                                  throttle_duration_sec=2.0)

    def on_action(self, msg: NavAction) -> None:
        try:
            action = Action.from_id(msg.action)
        except ValueError as exc:
            self.reject(str(exc))
            return
        refusal = self.runner.refusal(action)
        if refusal:
            self.reject(refusal)
            return
        if not self.params["lock_step"]:
            self.pending = action
            return
        current = (msg.observation_seq == self.seq if msg.observation_seq
                   else stamp_key(msg.header.stamp) == stamp_key(self.header.stamp))
        if not current:
            self.reject(f"stale: answers observation {msg.observation_seq}, current is {self.seq}")
            return
        self.execute(action)

    def on_tick(self) -> None:
        if self.runner.episode is None or self.runner.done:
            return
        held = self.runner.last_action if self.params["hold_last_action"] else None
        action = self.pending or held
        self.pending = None
        if action is None:
            self.advance_and_publish()
        else:
            self.execute(action)

    def execute(self, action: Action) -> None:
        self.runner.step(action)
        self.advance_and_publish()
        state = self.runner.state
        if state.done:
            self.get_logger().info(
                f"episode {state.episode_id} ended ({state.end_reason}): success={state.success} "
                f"spl={state.spl:.3f} steps={state.step}")
            self.episode_finished()

    def episode_finished(self) -> None:
        if self.episode_index + 1 >= len(self.episodes):
            self.get_logger().info("all episodes done")
            if self.params["exit_when_done"]:
                # Exit a moment later, so subscribers (a recorder) get the final status.
                self.create_timer(EXIT_DELAY_S, self.exit_done)
        elif self.params["auto_next_episode"]:
            self.start_episode(self.episode_index + 1)

    def exit_done(self) -> None:
        raise SystemExit(0)

    # --- outputs ---
    def advance_and_publish(self) -> None:
        self.seq += 1
        self.sim_time += self.params["step_period_s"]
        self.header = Header(stamp=stamp(self.sim_time), frame_id=self.params["optical_frame"])
        self.pub_clock.publish(Clock(clock=self.header.stamp))
        self.publish_observation()

    def publish_observation(self) -> None:
        obs, header, p = self.runner.obs, self.header, self.params
        if obs is None:  # waiting at the start gate
            return
        odom_header = Header(stamp=header.stamp, frame_id=p["odom_frame"])
        base = Header(stamp=header.stamp, frame_id=p["base_frame"])
        self.pub_tf.publish(TFMessage(transforms=[
            transform(odom_header, p["base_frame"], (obs.pose.x, obs.pose.y, 0.0),
                      yaw_quaternion(obs.pose.yaw)),
            transform(base, p["camera_frame"], (0.0, 0.0, self.sim.config.camera_height_m),
                      rpy_quaternion(0.0, -math.radians(obs.camera_tilt_deg), 0.0)),
        ]))
        self.pub_odom.publish(odometry_msg(obs.pose, odom_header, p["base_frame"]))
        self.pub_rgb.publish(image_msg(obs.rgb, "rgb8", header))
        self.pub_depth.publish(image_msg(obs.depth, "32FC1", header))
        if obs.semantic is not None:
            self.pub_semantic.publish(image_msg(obs.semantic, "mono8", header))
        self.pub_info.publish(camera_info_msg(self.camera, header))
        self.pub_status.publish(self.status_msg())

    def status_msg(self) -> EpisodeStatus:
        state = self.runner.state
        return EpisodeStatus(
            header=Header(stamp=self.header.stamp, frame_id=self.params["odom_frame"]),
            observation_seq=self.seq, episode_id=state.episode_id, scene_id=state.scene_id,
            object_category=state.object_category, step=state.step, collided=state.collided,
            done=state.done, success=state.success, distance_to_goal=state.distance_to_goal,
            spl=state.spl, path_length=state.path_length, end_reason=state.end_reason,
            contract=contract_msg(self.sim.config.contract()))

    def publish_diagnostics(self) -> None:
        if self.runner.episode is None:
            return
        state = self.runner.state
        level = DiagnosticStatus.WARN if self.rejected else DiagnosticStatus.OK
        status = DiagnosticStatus(
            level=level, name=f"{self.get_name()}: simulator", hardware_id=self.params["backend"],
            message=f"episode {state.episode_id} step {state.step}, {self.rejected} rejected",
            values=[KeyValue(key="episode", value=state.episode_id),
                    KeyValue(key="step", value=str(state.step)),
                    KeyValue(key="observation_seq", value=str(self.seq)),
                    KeyValue(key="rejected_actions", value=str(self.rejected)),
                    *(KeyValue(key=k, value=v) for k, v in self.guard.values().items())])
        array = DiagnosticArray(status=[status])
        array.header.stamp = self.header.stamp
        self.pub_diag.publish(array)

    def destroy_node(self) -> None:
        if hasattr(self, "sim"):  # not when start-up failed before the simulator existed
            self.sim.close()
        super().destroy_node()


def main(args=None) -> int:
    return run_node(SimBridgeNode, args)


if __name__ == "__main__":
    raise SystemExit(main())
