"""What the monitor reads (one executed step) and what it reports (a verdict)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from objnav_ros.core.actions import Action
from objnav_ros.core.types import Pose2D

OSCILLATION = "oscillation"
STUCK = "stuck"
COLLISION = "collision"
KINDS = (OSCILLATION, STUCK, COLLISION)
"""Verdict kinds, in the order of the MonitorEvent constants."""


@dataclass(frozen=True)
class StepRecord:
    """One executed action and its outcome: the monitor's only input.

    ``step`` counts actions in the episode (1 = the first action); ``time_s`` is when the
    step completed (the observation's stamp, never read from a clock here); ``collided`` is
    the simulator's flag, None where unknown (real robot); ``forward_m`` is the commanded
    length of a MOVE_FORWARD.
    """

    step: int
    time_s: float
    action: Action
    pose_before: Pose2D
    pose: Pose2D
    collided: bool | None = None
    forward_m: float = 0.25

    def __post_init__(self) -> None:
        if isinstance(self.step, bool) or not isinstance(self.step, int) or self.step < 0:
            raise ValueError(f"step: must be an integer >= 0, got {self.step!r}")
        if not math.isfinite(self.time_s):
            raise ValueError(f"time_s: must be finite, got {self.time_s!r}")
        object.__setattr__(self, "action", Action.from_id(self.action))
        if not (math.isfinite(self.forward_m) and self.forward_m > 0):
            raise ValueError(f"forward_m: must be a finite number > 0, got {self.forward_m!r}")
        if self.collided is not None and not isinstance(self.collided, bool):
            raise ValueError(f"collided: must be True, False or None, got {self.collided!r}")

    @property
    def progress_m(self) -> float:
        """Displacement along the heading held before the action (negative = went back)."""
        before, after = self.pose_before, self.pose
        return (after.x - before.x) * math.cos(before.yaw) + (
            after.y - before.y
        ) * math.sin(before.yaw)


def check_span(kind: str, start_step: int, end_step: int) -> None:
    """ValueError unless ``kind`` is known and ``0 <= start_step <= end_step``."""
    if kind not in KINDS:
        raise ValueError(f"kind: expected one of {KINDS}, got {kind!r}")
    if not 0 <= start_step <= end_step:
        raise ValueError(f"start_step: must be in [0, end_step={end_step}], got {start_step}")


@dataclass(frozen=True)
class Verdict:
    """A detected failure pattern covering steps ``start_step..end_step`` (inclusive).

    Reported once, at ``end_step``, the step that completed the pattern; ``severity`` is
    in [0, 1] (see each detector for its meaning).
    """

    kind: str
    start_step: int
    end_step: int
    severity: float
    detail: str

    def __post_init__(self) -> None:
        check_span(self.kind, self.start_step, self.end_step)
        if not 0.0 <= self.severity <= 1.0:
            raise ValueError(f"severity: must be in [0, 1], got {self.severity!r}")
