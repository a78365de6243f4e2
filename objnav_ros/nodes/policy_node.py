"""Policy node: camera frame (+ depth, goal, episode status) in, one NavAction out per frame.

Frames are matched by stamp: RGB, depth, semantic image and EpisodeStatus of one observation
share it; the pose comes from the odometry nearest to that stamp (within ``odom_tolerance_s``).
A semantic image (simulation only) is awaited when the policy reads one, ``use_semantic`` is
true and one has arrived before (so a topic nobody publishes never blocks); set
``use_semantic`` false where no semantic camera exists, e.g. on a robot.
Each observation is answered at most once, for the sequence number its EpisodeStatus
carried: the newest complete one of the current bridge session (a restarted or different
bridge, or time going back, starts a new session, which is followed and logged; see
:mod:`objnav_ros.monitor.pairing`). One whose images fail to convert waits for the bridge's
republish.
The action amounts and the camera model come with the stream: each EpisodeStatus carries the
run contract of the bridge or executor (``action_preset`` gives only the allowed actions, and
the amounts until a status says otherwise); a policy that reads depth answers no observation
before the contract holds the whole camera model, and a VLM adapter trained under another
contract is refused (each status dropped with one line naming the adapter and the field).
Decision latency, valid-action % and dropped bad messages (see :mod:`objnav_ros.nodes.guard`)
go to /diagnostics.
"""

from __future__ import annotations

import time

from diagnostic_msgs.msg import DiagnosticArray, DiagnosticStatus, KeyValue
from nav_msgs.msg import Odometry
from rclpy.node import Node
from sensor_msgs.msg import Image
from std_msgs.msg import String

from objnav_ros.core import topics
from objnav_ros.core.contract import CAMERA, RunContract
from objnav_ros.core.history import ActionHistory
from objnav_ros.core.types import Observation, Pose2D
from objnav_ros.monitor.pairing import Frame, LockStep, Mark
from objnav_ros.msg import EpisodeStatus, NavAction
from objnav_ros.nodes.convert import frame_arrays, pose_from_odometry, run_contract, stamp_key
from objnav_ros.nodes.guard import MessageGuard
from objnav_ros.nodes.pubsub import publisher, subscription
from objnav_ros.nodes.ros_params import declare_parameters
from objnav_ros.nodes.spin import run_node
from objnav_ros.policy.factory import follow, make_policy
from objnav_ros.policy.parameters import PARAMETERS, policy_settings


def participant(info: dict) -> bytes | None:
    """The publisher's DDS participant (GUID prefix: the gid's first 12 bytes), if known."""
    gid = info.get("publisher_gid")
    return bytes(gid["data"][:12]) if gid else None


class PolicyNode(Node):
    def __init__(self, **node_options) -> None:
        super().__init__("policy", **node_options)
        self.params = declare_parameters(self, PARAMETERS)
        p = self.params
        self.settings = policy_settings(p)
        self.contract = RunContract()  # what the stream carried so far
        self.policy = make_policy(self.settings, self.contract)
        self.needs_depth = self.policy.needs_depth
        self.needs_pose = self.policy.needs_pose
        self.needs_semantic = self.policy.needs_semantic and p["use_semantic"]
        self.semantic_seen = False
        self.lock = LockStep(self.needs_pose, round(p["odom_tolerance_s"] * 1e9))
        self.history = ActionHistory()  # the actions this node published, for $history
        self.goal = ""
        self.latencies_ms: list[float] = []

        self.pub = publisher(self, topics.ACTION)
        self.diag_pub = publisher(self, topics.DIAGNOSTICS)
        guard = self.guard = MessageGuard(self)
        subscription(self, topics.RGB, guard(topics.RGB, self.on_rgb))
        if self.needs_depth:
            subscription(self, topics.DEPTH, guard(topics.DEPTH, self.on_depth))
        if self.needs_semantic:
            subscription(self, topics.SEMANTIC, guard(topics.SEMANTIC, self.on_semantic))
        if self.needs_pose:
            subscription(self, topics.ODOM, guard(topics.ODOM, self.on_odom),
                         qos=topics.SENSOR_DATA)
        subscription(self, topics.EPISODE_STATUS, guard(topics.EPISODE_STATUS, self.on_status))
        subscription(self, topics.GOAL, guard(topics.GOAL, self.on_goal))
        self.create_timer(p["diagnostics_period_s"], self.publish_diagnostics)
        self.get_logger().info(
            f"policy {self.policy.name} ready ({len(self.settings.actions.actions)} actions)")

    # --- inputs: file each piece under its stamp, answer when an observation is complete ---
    def on_rgb(self, msg: Image, info: dict) -> None:
        self.lock.add_image("rgb", stamp_key(msg.header.stamp), msg, participant(info))
        self._try_answer()

    def on_depth(self, msg: Image, info: dict) -> None:
        self.lock.add_image("depth", stamp_key(msg.header.stamp), msg, participant(info))
        self._try_answer()

    def on_semantic(self, msg: Image, info: dict) -> None:
        self.semantic_seen = True
        self.lock.add_image("semantic", stamp_key(msg.header.stamp), msg, participant(info))
        self._try_answer()

    def on_odom(self, msg: Odometry, info: dict) -> None:
        self.lock.add_pose(stamp_key(msg.header.stamp), pose_from_odometry(msg),
                           participant(info))
        self._try_answer()

    def on_status(self, msg: EpisodeStatus, info: dict) -> None:
        self._follow(run_contract(msg.contract))
        mark = Mark(stamp_key(msg.header.stamp), msg.observation_seq, msg.episode_id, msg.step)
        change = self.lock.add_status(mark, msg, participant(info))
        if change.session:
            line = f"bridge session {self.lock.sessions}: {change.session}; following it"
            if self.lock.sessions > 1:
                self.get_logger().warning(line)
            else:
                self.get_logger().info(line)
        if change.episode:
            self.policy.reset()
        self._try_answer()

    def _follow(self, contract: RunContract) -> None:
        """Act on the stream's run contract (amounts, camera model) from now on."""
        if contract == self.contract:
            return
        settings = self.settings.following(contract)
        follow(self.policy, settings, contract)
        self.settings, self.contract = settings, contract
        c = contract
        self.get_logger().info(
            f"following the stream's run contract: forward {c.forward_m} m, turn {c.turn_deg} "
            f"deg, look {c.look_deg} deg; camera {c.width}x{c.height}, hfov {c.hfov_deg} deg, "
            f"{c.camera_height_m} m above the floor (0 = not known)")

    def on_goal(self, msg: String) -> None:
        self.goal = msg.data

    def _try_answer(self) -> None:
        """Answer the newest observation once everything the policy needs has arrived."""
        kinds = {"rgb"} | ({"depth"} if self.needs_depth else set()) | (
            {"semantic"} if self.semantic_seen else set())
        ready = self.lock.ready(kinds)
        if ready is None:
            return
        missing = self.needs_depth and self.contract.missing(CAMERA)
        if missing:  # depth is read through the camera model
            self.get_logger().warning(
                f"waiting for the camera model in {topics.EPISODE_STATUS}: contract {missing} "
                "not known (the executor's camera_info and camera_height_m)",
                throttle_duration_sec=10.0)
            return
        frame, pose = ready
        try:
            self._answer(frame, pose)
        except ValueError:  # unusable images: the republished observation gets answered
            self.lock.discard_images(frame)
            raise

    def _answer(self, frame: Frame, pose: Pose2D) -> None:
        images = frame.images
        status = frame.status
        if status.done:
            self.lock.answered(frame)
            return
        rgb, depth, semantic = frame_arrays(images["rgb"], images.get("depth"),
                                            images.get("semantic"))
        self.lock.answered(frame)
        obs = Observation(rgb=rgb, depth=depth, pose=pose, collided=status.collided,
                          step=status.step, goal_category=status.object_category or self.goal,
                          episode_id=status.episode_id, semantic=semantic,
                          recent_actions=self.history.before(status.episode_id, status.step))
        start = time.perf_counter()
        decision = self.policy.select_action(obs)
        self.latencies_ms.append((time.perf_counter() - start) * 1000.0)
        msg = NavAction(header=images["rgb"].header, observation_seq=status.observation_seq,
                        action=int(decision.action), source=decision.source or self.policy.name,
                        valid=decision.valid, reasoning=decision.text)
        if decision.probabilities:
            msg.candidates = [int(a) for a in decision.probabilities]
            msg.scores = [float(v) for v in decision.probabilities.values()]
        self.pub.publish(msg)
        self.history.record(status.episode_id, status.step, decision.action)

    def publish_diagnostics(self) -> None:
        stats = self.policy.stats
        recent = self.latencies_ms[-100:]
        mean_ms = sum(recent) / len(recent) if recent else 0.0
        valid = stats.valid_percent
        level = DiagnosticStatus.OK
        if stats.decisions and valid < 90.0:
            level = DiagnosticStatus.WARN
        status = DiagnosticStatus(
            level=level, name=f"{self.get_name()}: policy", hardware_id=self.policy.name,
            message=f"{stats.decisions} decisions, {valid:.1f}% valid" if stats.decisions
            else "waiting for observations",
            values=[KeyValue(key="decisions", value=str(stats.decisions)),
                    KeyValue(key="valid_action_percent", value=f"{valid:.2f}"),
                    KeyValue(key="latency_ms_mean", value=f"{mean_ms:.2f}"),
                    KeyValue(key="latency_ms_last", value=f"{recent[-1]:.2f}" if recent else ""),
                    *(KeyValue(key=k, value=v) for k, v in self.guard.values().items())])
        array = DiagnosticArray(status=[status])
        array.header.stamp = self.get_clock().now().to_msg()
        self.diag_pub.publish(array)


def main(args=None) -> int:
    return run_node(PolicyNode, args)


if __name__ == "__main__":
    raise SystemExit(main())
