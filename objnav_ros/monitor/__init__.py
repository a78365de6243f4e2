"""Live failure detectors (oscillation, stuck, collision): pure logic, no rclpy.

Feed one :class:`StepRecord` per executed action to a :class:`Monitor` (or a single
detector); each returns a :class:`Verdict` once per occurrence of its pattern.
"""

from objnav_ros.monitor.collision import CollisionConfig, CollisionDetector
from objnav_ros.monitor.monitor import Health, Monitor, MonitorConfig, health
from objnav_ros.monitor.oscillation import OscillationConfig, OscillationDetector
from objnav_ros.monitor.pairing import EpisodeStart, StepPairer
from objnav_ros.monitor.records import COLLISION, KINDS, OSCILLATION, STUCK, StepRecord, Verdict
from objnav_ros.monitor.scoring import Score, Window, score
from objnav_ros.monitor.stuck import StuckConfig, StuckDetector

__all__ = [
    "COLLISION",
    "KINDS",
    "OSCILLATION",
    "STUCK",
    "CollisionConfig",
    "CollisionDetector",
    "EpisodeStart",
    "Health",
    "Monitor",
    "MonitorConfig",
    "OscillationConfig",
    "OscillationDetector",
    "Score",
    "StepPairer",
    "StepRecord",
    "StuckConfig",
    "StuckDetector",
    "Verdict",
    "Window",
    "health",
    "score",
]
