"""Discrete actions to base motion, in lock-step with the policy (pure; time passed in).

Lock-step: after every completed action (and once when an episode starts) the executor
reports an observation, :class:`StatusReport`, naming the stamp of the latest RGB image
received after the motion settled (with a depth image of that stamp when depth is
required); the policy answers that observation with the next action.

Pre-emption rule. STOP is always accepted: it aborts any motion at once (zero command,
no ramp) and ends the episode. Any other action is accepted only while the executor is
idle (no motion running and no report pending) and only when it answers an observation
reported since the last action (its ``observation_seq``; 0 = unknown, e.g. teleop);
otherwise it is rejected as busy or stale. A motion is never replaced by another: a
decision that arrives mid-motion was made on an observation older than the motion.

Re-observation. When no action answers for ``reobserve_s``, a fresh observation of the
same step is reported (a policy that started late, or lost a message, catches up); an
answer to any observation since the last action stays valid, as the robot has not moved.

Safety. The command is zero, and a running action is aborted, while any watchdog fault
is active (e-stop; RGB, depth or odometry stale by arrival or by header stamp, see
:class:`Watchdog`) or once the action exceeds its time allowance (``timeout_factor`` x
nominal profile duration + ``timeout_margin_s``; reported as ``collided``). An action
accepted during a fault is aborted at once. Aborted and timed-out actions still count as
steps; their report waits until the base has settled and every fault has cleared, so the
policy decides again on a fresh image. Commands are velocity- and acceleration-limited
and clamped again at the output.
"""

from __future__ import annotations

import enum
import math
from collections import Counter
from dataclasses import dataclass

from objnav_ros.core.actions import Action
from objnav_ros.core.types import Pose2D
from objnav_ros.robot.config import ExecutorConfig
from objnav_ros.robot.controller import (
    STOP,
    Command,
    MotionController,
    MotionGoal,
    limit,
    nominal_duration,
)
from objnav_ros.robot.frames import FrameBuffer
from objnav_ros.robot.safety import Watchdog

END_STOP = "stop"  # EpisodeStatus.END_STOP
END_MAX_STEPS = "max_steps"  # EpisodeStatus.END_MAX_STEPS
MOTIONS = (Action.MOVE_FORWARD, Action.TURN_LEFT, Action.TURN_RIGHT)
NS_PER_S = 1_000_000_000


class Result(enum.Enum):
    """What became of an action message."""

    ACCEPTED = "accepted"
    ABORTED = "aborted"  # accepted during a fault: counts as a step, nothing moves
    IGNORED = "ignored"  # LOOK_* without a tilt unit: counts as a step
    UNKNOWN = "unknown_action"
    BUSY = "busy"
    STALE = "stale"
    NO_EPISODE = "no_episode"


@dataclass(frozen=True)
class Response:
    result: Result
    detail: str = ""
    tilt_rad: float | None = None  # new camera tilt to command


@dataclass(frozen=True)
class StatusReport:
    """One observation for the policy (fields of EpisodeStatus)."""

    stamp_ns: int
    frame_id: str
    observation_seq: int
    episode_id: str
    object_category: str
    step: int
    collided: bool
    done: bool
    end_reason: str
    path_length: float


@dataclass
class Episode:
    episode_id: str
    category: str
    step: int = 0
    done: bool = False
    end_reason: str = ""
    path_length: float = 0.0


@dataclass(frozen=True)
class Summary:
    """Health for /diagnostics: level OK or WARN, a message and key values."""

    level: str
    message: str
    values: dict[str, str]


class ActionExecutor:
    """Execute actions on a base; see the module docstring for the rules."""

    def __init__(self, config: ExecutorConfig, run_id: str = "0") -> None:
        self.config = config
        self.run_id = run_id
        self.controller = MotionController(config.controller)
        self.watchdog = Watchdog(config.safety, config.require_depth)
        self.frames = FrameBuffer(config.require_depth)
        self.counts: Counter[str] = Counter()
        self.episode: Episode | None = None
        self.pose: Pose2D | None = None
        self.tilt_deg = 0.0
        self.observation_seq = 0
        self._episodes = 0
        self._deadline = math.inf
        self._report_after: float | None = None
        self._collided = False
        self._last_stamp_ns = -1
        self._fresh_seq = 0  # first observation reported since the last action
        self._reported_at = -math.inf

    # --- inputs ---
    def on_rgb(self, stamp_ns: int, frame_id: str, t: float) -> None:
        self.frames.add_rgb(stamp_ns, frame_id, t)
        self.watchdog.rgb(t, stamp_ns / NS_PER_S)

    def on_depth(self, stamp_ns: int, t: float) -> None:
        self.frames.add_depth(stamp_ns)
        self.watchdog.depth(t, stamp_ns / NS_PER_S)

    def on_odom(self, pose: Pose2D, t: float, stamp_ns: int) -> None:
        """Latest pose; a non-finite pose is dropped (and so does not count as fresh)."""
        if not all(math.isfinite(v) for v in (pose.x, pose.y, pose.yaw)):
            return
        if self.pose is not None and self.episode is not None and not self.episode.done:
            self.episode.path_length += self.pose.distance_to(pose)
        self.pose = pose
        self.watchdog.odom(t, stamp_ns / NS_PER_S)

    def on_e_stop(self, engaged: bool) -> None:
        self.watchdog.e_stop = bool(engaged)

    def on_goal(self, category: str, t: float) -> bool:
        """Start an episode for ``category``.

        False (nothing happens) for an empty category or a repeat of the goal of an
        episode that has taken no step yet.
        """
        category = category.strip()
        ep = self.episode
        if not category or (ep and not ep.done and ep.step == 0 and ep.category == category):
            return False
        settle = self.config.controller.settle_s if self.controller.active else 0.0
        self.controller.stop()
        self._episodes += 1
        self.episode = Episode(
            f"{self.config.episode_prefix}-{self.run_id}-{self._episodes}", category)
        self._fresh_seq = 0
        self._report(t + settle, collided=False)
        return True

    def on_action(self, action_id: int, observation_seq: int, t: float) -> Response:
        """Accept, reject or abort one action message (see the pre-emption rule)."""
        try:
            action = Action.from_id(action_id)
        except ValueError as exc:
            return self._reject(Result.UNKNOWN, str(exc))
        ep = self.episode
        if ep is None or ep.done:
            return self._reject(Result.NO_EPISODE, "no episode running; publish a goal")
        if action is Action.STOP:
            self.controller.stop()
            ep.step += 1
            ep.done, ep.end_reason = True, END_STOP
            self.counts["stops"] += 1
            self._report(t + self.config.controller.settle_s, collided=False)
            return Response(Result.ACCEPTED)
        if self.busy:
            return self._reject(Result.BUSY, f"{action.name} arrived while busy")
        if observation_seq and not self._fresh_seq <= observation_seq <= self.observation_seq:
            return self._reject(Result.STALE, f"{action.name} answers observation "
                                f"{observation_seq}, not one of {self._fresh_seq}.."
                                f"{self.observation_seq}")
        ep.step += 1
        self._fresh_seq = 0
        faults = self.watchdog.faults(t)
        if faults:
            self.counts["aborted"] += 1
            self._report(t, collided=False)
            return Response(Result.ABORTED, f"{action.name} aborted: {', '.join(faults)}")
        if action in MOTIONS:
            self._start_motion(action, t)
            return Response(Result.ACCEPTED)
        return self._look(action, t)

    # --- outputs ---
    @property
    def busy(self) -> bool:
        return self.controller.active or self._report_after is not None

    def tick(self, t: float) -> Command:
        """Velocity command at ``t``: the controller's while a motion runs safely, else zero."""
        if not self.controller.active:
            return STOP
        if self.watchdog.faults(t):
            self._end_motion(t, "aborted", collided=False)
            return STOP
        if t > self._deadline:
            self._end_motion(t, "timed_out", collided=True)
            return STOP
        command = self.controller.update(self.pose, t)
        if self.controller.settled:
            self.controller.stop()
            self.counts["completed"] += 1
            self._report(t, collided=False)
            return STOP
        return limit(command, self.config.controller)

    def take_status(self, t: float) -> StatusReport | None:
        """The pending report, once a fitting image has arrived and no fault is active."""
        reobserve = self.config.reobserve_s
        if (reobserve and self.state() == "waiting_for_action"
                and t - self._reported_at >= reobserve):
            self.counts["reobserved"] += 1
            self._report(t, collided=False)
        if self._report_after is None or self.controller.active or self.watchdog.faults(t):
            return None
        frame = self.frames.latest(self._report_after, self._last_stamp_ns)
        if frame is None:
            return None
        ep = self.episode
        if not ep.done and self.config.max_steps and ep.step >= self.config.max_steps:
            ep.done, ep.end_reason = True, END_MAX_STEPS
        self.observation_seq += 1
        report = StatusReport(
            stamp_ns=frame.stamp_ns, frame_id=frame.frame_id,
            observation_seq=self.observation_seq, episode_id=ep.episode_id,
            object_category=ep.category, step=ep.step, collided=self._collided, done=ep.done,
            end_reason=ep.end_reason, path_length=ep.path_length)
        self._report_after, self._collided, self._last_stamp_ns = None, False, frame.stamp_ns
        self._fresh_seq = self._fresh_seq or self.observation_seq
        self._reported_at = t
        return report

    def state(self) -> str:
        if self.episode is None:
            return "waiting_for_goal"
        if self.controller.active:
            return "moving"
        if self._report_after is not None:
            return "reporting"
        return "episode_done" if self.episode.done else "waiting_for_action"

    def summary(self, t: float) -> Summary:
        faults = self.watchdog.faults(t)
        state = self.state()
        ep = self.episode
        values = {
            "state": state, "faults": ",".join(faults),
            "episode_id": ep.episode_id if ep else "", "step": str(ep.step if ep else 0),
            "observation_seq": str(self.observation_seq), "tilt_deg": f"{self.tilt_deg:.1f}",
            **{key: str(value) for key, value in sorted(self.counts.items())},
        }
        if faults:
            return Summary("WARN", f"base stopped ({', '.join(faults)}); {state}", values)
        return Summary("OK", state, values)

    # --- helpers ---
    def _reject(self, result: Result, detail: str) -> Response:
        self.counts[f"rejected_{result.value}"] += 1
        return Response(result, detail)

    def _report(self, after: float, collided: bool) -> None:
        """Schedule a report for an image received at or after ``after``."""
        self._report_after = max(after, self._report_after or after)
        self._collided = self._collided or collided

    def _start_motion(self, action: Action, t: float) -> None:
        space = self.config.actions
        if action is Action.MOVE_FORWARD:
            goal = MotionGoal(space.forward_m, turn=False)
        else:
            sign = 1.0 if action is Action.TURN_LEFT else -1.0
            goal = MotionGoal(sign * math.radians(space.turn_deg), turn=True)
        self.controller.start(goal, self.pose, t)
        safety = self.config.safety
        self._deadline = t + (safety.timeout_factor * nominal_duration(goal, self.controller.config)
                              + safety.timeout_margin_s)

    def _end_motion(self, t: float, outcome: str, collided: bool) -> None:
        self.controller.stop()
        self.counts[outcome] += 1
        self._report(t + self.config.controller.settle_s, collided)

    def _look(self, action: Action, t: float) -> Response:
        tilt = self.config.tilt
        if tilt is None:
            self.counts["ignored_look"] += 1
            self._report(t, collided=False)
            return Response(Result.IGNORED, f"{action.name} ignored: no camera tilt configured")
        step = self.config.actions.look_deg * (1.0 if action is Action.LOOK_UP else -1.0)
        self.tilt_deg = min(max(self.tilt_deg + step, tilt.min_deg), tilt.max_deg)
        self._report(t + tilt.settle_s, collided=False)
        return Response(Result.ACCEPTED, tilt_rad=math.radians(self.tilt_deg))
