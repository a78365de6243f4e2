"""Stuck: no progress beyond a radius while moves fail or nothing moves (after Nav2).

Nav2's SimpleProgressChecker fails when the robot stays within
``required_movement_radius`` (0.5 m) of a baseline pose for ``movement_time_allowance``
(10 s). With discrete actions a step takes anything from milliseconds (an expert) to
seconds (a VLM on a CPU), so the allowances here count actions, and they count what
"stuck" means for an ObjectNav agent, as opposed to exploring or oscillating:

- blocked: MOVE_FORWARDs that advanced less than half their commanded length (pinned
  against a wall; the seed rule was 10 forwards without progress);
- idle: actions since the last free MOVE_FORWARD (one advancing at least half its
  length), i.e. turning or looking in place. A look-around is 12 turns of 30 degrees,
  so only a long spell counts.

An agent that walks freely back and forth inside the radius is oscillating, which the
oscillation detector reports; it is not stuck.
"""

from __future__ import annotations

from dataclasses import dataclass

from objnav_ros.core.actions import Action
from objnav_ros.core.schema import check_settings, setting
from objnav_ros.core.types import Pose2D
from objnav_ros.monitor.records import STUCK, StepRecord, Verdict

_EPS = 1e-6  # metres: two 0.25 m steps do reach a 0.5 m radius despite rounding
FREE_RATIO = 0.5
"""A MOVE_FORWARD advancing at least this fraction of its command is free, else blocked."""


@dataclass(frozen=True)
class StuckConfig:
    """How little movement, for how long, makes the agent stuck."""

    required_movement_radius: float = setting(
        0.5,
        "metres the agent must get away from its baseline pose to count as progress "
        "(Nav2's default)",
        min_value=0.01,
    )
    blocked_forward_allowance: int = setting(
        6,
        "blocked MOVE_FORWARDs (advancing less than half their length) allowed without "
        "progress",
        min_value=1,
    )
    idle_step_allowance: int = setting(
        40,
        "actions allowed without progress and without a free MOVE_FORWARD (turning or "
        "looking in place; a full look-around is 12 turns of 30 degrees)",
        min_value=1,
    )
    movement_time_allowance: float = setting(
        0.0,
        "seconds allowed without progress (Nav2 uses 10 s on robots); 0 turns the time "
        "rule off, as step durations depend on the policy's speed",
        min_value=0.0,
    )

    def __post_init__(self) -> None:
        check_settings(self)


class StuckDetector:
    """Report once per stuck spell; the spell ends when the agent makes progress.

    The baseline is the pose where the agent last got ``required_movement_radius`` away
    from the previous baseline (the start pose at first). Severity is how confined the
    agent stayed: 1 - (farthest distance from the baseline) / radius.
    """

    def __init__(self, config: StuckConfig | None = None) -> None:
        self.config = config or StuckConfig()
        self.reset()

    def reset(self) -> None:
        self._baseline: Pose2D | None = None
        self._rebase(None, 0, 0.0)

    @property
    def active(self) -> bool:
        """Whether a reported stuck spell is still going on."""
        return self._reported

    def update(self, record: StepRecord) -> Verdict | None:
        cfg = self.config
        if self._baseline is None:
            self._rebase(record.pose_before, record.step, record.time_s)
        moved = self._baseline.distance_to(record.pose)
        if moved >= cfg.required_movement_radius - _EPS:
            self._rebase(record.pose, record.step + 1, record.time_s)
            return None
        self._farthest = max(self._farthest, moved)
        self._idle += 1
        if record.action == Action.MOVE_FORWARD:
            if record.progress_m >= FREE_RATIO * record.forward_m:
                self._idle = 0
            else:
                self._blocked += 1
        elapsed = record.time_s - self._since_s
        if self._reported or not (
            self._blocked >= cfg.blocked_forward_allowance
            or self._idle >= cfg.idle_step_allowance
            or 0 < cfg.movement_time_allowance <= elapsed
        ):
            return None
        self._reported = True
        detail = (
            f"stayed within {self._farthest:.2f} m (< {cfg.required_movement_radius} m) "
            f"over {record.step - self._first_step + 1} steps: {self._blocked} blocked "
            f"forwards, {self._idle} steps without a free forward, {elapsed:.1f} s"
        )
        severity = max(0.0, 1.0 - self._farthest / cfg.required_movement_radius)
        return Verdict(STUCK, min(self._first_step, record.step), record.step, severity, detail)

    def _rebase(self, pose: Pose2D | None, first_step: int, time_s: float) -> None:
        # first_step: the first step judged against this baseline
        self._baseline, self._first_step, self._since_s = pose, first_step, time_s
        self._blocked = self._idle = 0
        self._farthest = 0.0
        self._reported = False
