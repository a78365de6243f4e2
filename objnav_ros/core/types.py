"""Plain data passed between simulator, policy, monitor and training (no ROS types)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from objnav_ros.core.actions import Action


@dataclass(frozen=True)
class Pose2D:
    """Agent pose on the floor plane of a Z-up world (REP-103): metres, yaw in radians.

    yaw = 0 looks along +x; positive yaw turns left (counter-clockwise seen from above).
    """

    x: float
    y: float
    yaw: float

    def distance_to(self, other: Pose2D) -> float:
        return math.hypot(self.x - other.x, self.y - other.y)


@dataclass(frozen=True)
class Observation:
    """One sensor frame as the agent sees it after an action (or after reset)."""

    rgb: np.ndarray  # H x W x 3 uint8
    depth: np.ndarray  # H x W float32 metres; 0 where nothing was hit
    pose: Pose2D
    collided: bool
    step: int
    goal_category: str
    camera_tilt_deg: float = 0.0
    episode_id: str = ""
    semantic: np.ndarray | None = None  # H x W uint8 goal-category ids (0 = none); see sim.base
    recent_actions: tuple[Action, ...] = ()  # executed before this frame, oldest first (history)
