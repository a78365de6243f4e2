"""The three detectors behind one ``update`` with per-kind counts and a health summary."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from objnav_ros.core.actions import Action
from objnav_ros.core.params import ParamSpec
from objnav_ros.core.schema import check_settings, from_params, param_specs, section
from objnav_ros.core.types import Pose2D
from objnav_ros.monitor.collision import CollisionConfig, CollisionDetector
from objnav_ros.monitor.oscillation import OscillationConfig, OscillationDetector
from objnav_ros.monitor.records import KINDS, STUCK, StepRecord, Verdict
from objnav_ros.monitor.stuck import StuckConfig, StuckDetector

_SECTIONS = (
    ("oscillation", OscillationConfig),
    ("stuck", StuckConfig),
    ("collision", CollisionConfig),
)


@dataclass(frozen=True)
class MonitorConfig:
    """One config per detector; ROS parameters are named ``<detector>.<field>``."""

    oscillation: OscillationConfig = section(OscillationConfig, flags=None)
    stuck: StuckConfig = section(StuckConfig, flags=None)
    collision: CollisionConfig = section(CollisionConfig, flags=None)

    def __post_init__(self) -> None:
        check_settings(self)

    @staticmethod
    def param_specs() -> list[ParamSpec]:
        """One ParamSpec per detector setting, e.g. ``stuck.forward_allowance``."""
        return [spec for name, cls in _SECTIONS for spec in param_specs(cls, name)]

    @classmethod
    def from_params(cls, values: dict) -> MonitorConfig:
        """Build from ``{'stuck.forward_allowance': 8, ...}``; missing keys keep defaults."""
        return cls(**{name: from_params(kind, values, name) for name, kind in _SECTIONS})


class Executed(Protocol):
    """A step as an in-process episode loop records it (:class:`objnav_ros.sim.runner.Step`)."""

    step: int
    action: Action
    pose_before: Pose2D
    pose: Pose2D
    collided: bool


class Monitor:
    """Feed every executed step to the oscillation, stuck and collision detectors.

    ``counts`` holds the verdicts per kind since the last :meth:`reset` (one episode),
    ``totals`` since construction; ``steps`` counts the steps of this episode.
    """

    def __init__(self, config: MonitorConfig | None = None) -> None:
        self.totals: Counter[str] = Counter({kind: 0 for kind in KINDS})
        self.configure(config or MonitorConfig())
        self.reset()

    def configure(self, config: MonitorConfig) -> None:
        """Use new settings; patterns in progress are forgotten, counts are kept."""
        self.config = config
        self._oscillation = OscillationDetector(config.oscillation)
        self._stuck = StuckDetector(config.stuck)
        self._collision = CollisionDetector(config.collision)

    def reset(self) -> None:
        """Start a new episode."""
        for detector in (self._oscillation, self._stuck, self._collision):
            detector.reset()
        self.counts: Counter[str] = Counter({kind: 0 for kind in KINDS})
        self.steps = 0

    @property
    def stuck_active(self) -> bool:
        """Whether the agent is stuck right now (reported and not recovered)."""
        return self._stuck.active

    def update(self, record: StepRecord) -> list[Verdict]:
        """Verdicts completed by this step (usually none), in KINDS order."""
        self.steps += 1
        verdicts = [
            v
            for v in (
                self._oscillation.update(record),
                self._stuck.update(record),
                self._collision.update(record),
            )
            if v is not None
        ]
        for verdict in verdicts:
            self.counts[verdict.kind] += 1
            self.totals[verdict.kind] += 1
        return verdicts

    def judge(self, steps: Iterable[Executed], forward_m: float) -> list[Verdict]:
        """Verdicts on a whole episode run in-process (its step number is the clock)."""
        self.reset()
        return [verdict for s in steps for verdict in self.update(StepRecord(
            s.step, float(s.step), s.action, s.pose_before, s.pose, s.collided, forward_m))]


@dataclass(frozen=True)
class Health:
    """Diagnostic summary: level 'OK', 'WARN' or 'ERROR', a message and key/values."""

    level: str
    message: str
    values: dict[str, str]


def health(monitor: Monitor, episode_id: str, error_event_count: int) -> Health:
    """Summarize the episode for diagnostics.

    OK without events this episode; ERROR while stuck or from ``error_event_count``
    events this episode on; WARN otherwise.
    """
    events = sum(monitor.counts.values())
    if monitor.stuck_active:
        level, message = "ERROR", "agent is stuck"
    elif events >= error_event_count:
        level, message = "ERROR", f"{events} events this episode"
    elif events:
        level, message = "WARN", f"{events} events this episode"
    else:
        level, message = "OK", "no events this episode"
    values = {"episode_id": episode_id, "steps": str(monitor.steps)}
    values |= {kind: str(monitor.counts[kind]) for kind in KINDS}
    values |= {f"total_{kind}": str(monitor.totals[kind]) for kind in KINDS}
    values[f"{STUCK}_active"] = str(monitor.stuck_active).lower()
    return Health(level, message, values)
