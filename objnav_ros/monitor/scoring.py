"""Event-level precision and recall of verdicts against labelled step windows.

A verdict matches a window of its kind when their step ranges overlap (both inclusive).
Precision = matched verdicts / verdicts; recall = windows matched by at least one verdict
/ windows. Episodes are scored separately and added up (steps restart per episode).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from objnav_ros.monitor.records import Verdict, check_span


@dataclass(frozen=True)
class Window:
    """A labelled stretch of steps ``start_step..end_step`` (inclusive) showing ``kind``."""

    kind: str
    start_step: int
    end_step: int

    def __post_init__(self) -> None:
        check_span(self.kind, self.start_step, self.end_step)

    def overlaps(self, verdict: Verdict) -> bool:
        return verdict.start_step <= self.end_step and self.start_step <= verdict.end_step


@dataclass(frozen=True)
class Score:
    """Counts behind precision and recall; add scores of several episodes with ``+``."""

    verdicts: int = 0
    matched_verdicts: int = 0
    windows: int = 0
    found_windows: int = 0

    def __add__(self, other: Score) -> Score:
        return Score(
            self.verdicts + other.verdicts,
            self.matched_verdicts + other.matched_verdicts,
            self.windows + other.windows,
            self.found_windows + other.found_windows,
        )

    @property
    def precision(self) -> float:
        """Matched verdicts / verdicts (1.0 without verdicts)."""
        return self.matched_verdicts / self.verdicts if self.verdicts else 1.0

    @property
    def recall(self) -> float:
        """Found windows / windows (1.0 without windows)."""
        return self.found_windows / self.windows if self.windows else 1.0


def score(verdicts: Iterable[Verdict], windows: Iterable[Window], kind: str) -> Score:
    """Score one episode's verdicts of ``kind`` against its windows of ``kind``."""
    found = [v for v in verdicts if v.kind == kind]
    labelled = [w for w in windows if w.kind == kind]
    return Score(
        verdicts=len(found),
        matched_verdicts=sum(any(w.overlaps(v) for w in labelled) for v in found),
        windows=len(labelled),
        found_windows=sum(any(w.overlaps(v) for v in found) for w in labelled),
    )
