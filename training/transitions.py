"""What the dataset yields and the trainer consumes: episodes of transitions (no ROS types).

Images are loaded lazily: ``rgb``/``depth`` are zero-argument callables that decode the
frame from its bag only when a batch needs it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from objnav_ros.core.actions import Action
from objnav_ros.core.contract import RunContract
from objnav_ros.core.types import Pose2D

Loader = Callable[[], np.ndarray]


@dataclass(frozen=True)
class Transition:
    """One step: the observation, the action taken on it, and what followed."""

    episode_id: str
    step: int
    goal: str  # object category, e.g. "chair"
    action: Action
    pose: Pose2D
    next_pose: Pose2D
    collided: bool  # the action hit an obstacle
    done: bool  # the episode ended with this action
    rgb: Loader
    depth: Loader | None = None
    distance_to_goal: float = math.nan  # geodesic (simulation) before the action; NaN unknown
    next_distance_to_goal: float = math.nan
    success: bool = False  # set on the last transition of a successful episode
    expert_action: Action | None = None  # DAgger relabel (failure miner), else None
    source: str = ""  # policy / expert / teleop


@dataclass(frozen=True)
class EpisodeData:
    """Transitions of one episode in step order, with where it came from and its run contract."""

    episode_id: str
    source_file: str
    transitions: tuple[Transition, ...]
    labels: dict = field(default_factory=dict)  # e.g. failure-window kind and step range
    contract: RunContract = field(default_factory=RunContract)  # amounts, camera; 0 = unknown

    @property
    def final_pose(self) -> Pose2D:
        return self.transitions[-1].next_pose
