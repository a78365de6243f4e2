"""Oscillation: heading flips while the agent stays in the same small area.

Two shapes are counted, each as "reversals":

- turning in place: a turn opposite to the previous turn after a swing of at most
  ``max_swing_deg`` (L-R-L-R has 3; sweeping 90 degrees each way is looking around), while
  the agent stays within ``in_place_radius`` of where the alternation began;
- travelling back and forth: a MOVE_FORWARD whose heading is at least
  ``reversal_angle_deg`` away from the previous MOVE_FORWARD's (two forward, turn 180
  degrees, two forward, ...), while the agent stays within ``area_radius`` of the first
  reversal.

Either count reaching its threshold, with at most ``window_steps`` between reversals,
is an oscillation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from objnav_ros.core.actions import Action
from objnav_ros.core.schema import check_settings, setting
from objnav_ros.core.types import Pose2D
from objnav_ros.monitor.records import OSCILLATION, StepRecord, Verdict

_TURNS = {Action.TURN_LEFT: 1, Action.TURN_RIGHT: -1}
_SAME_HEADING = math.radians(10.0)  # forwards this close in heading belong to one leg


@dataclass(frozen=True)
class OscillationConfig:
    """How many reversals, within what area and time, make an oscillation."""

    turn_reversals: int = setting(
        3, "turn-direction reversals in place that make an oscillation (L-R-L-R = 3)",
        min_value=1,
    )
    max_swing_deg: float = setting(
        60.0,
        "a turn reversal counts only when the swing it ends turned at most this far "
        "(wider sweeps are looking around)",
        min_value=0.0,
        max_value=360.0,
    )
    in_place_radius: float = setting(
        0.1, "metres the agent may drift and still be turning in place", min_value=0.0
    )
    travel_reversals: int = setting(
        2,
        "reversals of travel direction within area_radius that make an oscillation "
        "(forward, turn around, forward, turn around, forward = 2)",
        min_value=1,
    )
    reversal_angle_deg: float = setting(
        135.0,
        "heading change between consecutive MOVE_FORWARDs that counts as a reversal",
        min_value=90.0,
        max_value=180.0,
    )
    area_radius: float = setting(
        1.0, "metres around the first reversal the back-and-forth must stay in", min_value=0.0
    )
    window_steps: int = setting(
        20,
        "most steps between a reversal and the turn or forward it reverses, and between "
        "reversals of one pattern",
        min_value=1,
    )

    def __post_init__(self) -> None:
        check_settings(self)


@dataclass
class _Run:
    """Reversals counted since ``anchor`` (where the pattern began)."""

    anchor: Pose2D
    start_step: int
    last_step: int
    count: int = 0
    farthest: float = 0.0


@dataclass(frozen=True)
class _Turn:
    """The last turn: direction (+1 left, -1 right) and the angle swept in that direction."""

    direction: int
    step: int
    pose: Pose2D
    swing: float
    swing_start: int


@dataclass(frozen=True)
class _Forward:
    """The last MOVE_FORWARD: heading and the first step of its straight leg."""

    heading: float
    step: int
    leg_start: int


class OscillationDetector:
    """Report an oscillation once, then stay quiet until that pattern is over.

    The pattern is over when ``window_steps`` pass without a reversal of either shape or
    the agent gets more than ``area_radius`` from where the reported pattern began.
    Severity is how confined the agent stayed: 1 - (farthest distance from the pattern's
    start) / (its radius).
    """

    def __init__(self, config: OscillationConfig | None = None) -> None:
        self.config = config or OscillationConfig()
        self.reset()

    def reset(self) -> None:
        self._turn: _Turn | None = None
        self._forward: _Forward | None = None
        self._in_place: _Run | None = None
        self._travel: _Run | None = None
        self._reported: _Run | None = None

    def update(self, record: StepRecord) -> Verdict | None:
        cfg = self.config
        self._in_place = self._alive(self._in_place, record, cfg.in_place_radius)
        self._travel = self._alive(self._travel, record, cfg.area_radius)
        self._reported = self._alive(self._reported, record, cfg.area_radius)
        flipped = self._count_turn(record) or self._count_forward(record)  # one action
        if flipped and self._reported is not None:
            self._reported.last_step = record.step
        for run, needed, radius, shape in (
            (self._in_place, cfg.turn_reversals, cfg.in_place_radius, "turn reversals in place"),
            (self._travel, cfg.travel_reversals, cfg.area_radius, "travel reversals"),
        ):
            if run is None or run.count < needed or self._reported is not None:
                continue
            self._reported = _Run(run.anchor, run.start_step, record.step)
            severity = 1.0 - run.farthest / radius if radius > 0 else 1.0
            detail = f"{run.count} {shape} within {run.farthest:.2f} m"
            return Verdict(
                OSCILLATION, run.start_step, record.step, min(max(severity, 0.0), 1.0), detail
            )
        return None

    def _alive(self, run: _Run | None, record: StepRecord, radius: float) -> _Run | None:
        if run is None or record.step - run.last_step > self.config.window_steps:
            return None
        moved = run.anchor.distance_to(record.pose)
        if moved > radius:
            return None
        run.farthest = max(run.farthest, moved)
        return run

    def _recent(self, mark: _Turn | _Forward | None, record: StepRecord) -> bool:
        return mark is not None and record.step - mark.step <= self.config.window_steps

    def _count_turn(self, record: StepRecord) -> bool:
        direction = _TURNS.get(record.action)
        if direction is None:
            return False
        last = self._turn
        turned = abs(_wrap(record.pose.yaw - record.pose_before.yaw))
        in_place = self._recent(last, record) and (
            last.pose.distance_to(record.pose_before) <= self.config.in_place_radius
        )
        if in_place and last.direction == direction:
            self._turn = _Turn(
                direction, record.step, record.pose_before, last.swing + turned, last.swing_start
            )
            return False
        self._turn = _Turn(direction, record.step, record.pose_before, turned, record.step)
        if not in_place or last.swing > math.radians(self.config.max_swing_deg) + 1e-6:
            return False
        if self._in_place is None:
            self._in_place = _Run(last.pose, last.swing_start, record.step)
        self._in_place.count += 1
        self._in_place.last_step = record.step
        return True

    def _count_forward(self, record: StepRecord) -> bool:
        if record.action != Action.MOVE_FORWARD:
            return False
        heading, last = record.pose_before.yaw, self._forward
        turned = abs(_wrap(heading - last.heading)) if last is not None else math.pi
        leg_start = last.leg_start if last is not None and turned < _SAME_HEADING else record.step
        self._forward = _Forward(heading, record.step, leg_start)
        reversal_angle = math.radians(self.config.reversal_angle_deg) - 1e-6
        if not self._recent(last, record) or turned < reversal_angle:
            return False
        if self._travel is None:
            self._travel = _Run(record.pose_before, last.leg_start, record.step)
        self._travel.count += 1
        self._travel.last_step = record.step
        return True


def _wrap(angle: float) -> float:
    return math.atan2(math.sin(angle), math.cos(angle))
