"""Episode bookkeeping shared by every backend: steps, path length, success and SPL.

Rules (habitat ObjectNav's): every action, STOP included, is one step; STOP ends the
episode, a success when the geodesic distance to the nearest goal point is at most the
success distance; the episode also ends (unsuccessfully) once ``max_steps`` steps were
taken. Without STOP in the action space (the seed preset), the episode ends as a success
as soon as the agent is within the success distance. ``SPL = success * L / max(P, L)``
with ``L`` the geodesic distance from the start to the nearest goal point and ``P`` the
length the agent actually walked.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from objnav_ros.core.actions import Action
from objnav_ros.core.types import Pose2D

END_NONE = ""
END_STOP = "stop"
END_MAX_STEPS = "max_steps"
"""End reasons; the same strings as ``EpisodeStatus.END_*``."""


class EpisodeDoneError(RuntimeError):
    """Raised when an action is sent to an episode that has already ended."""


@dataclass(frozen=True)
class EpisodeState:
    """Where an episode stands after its latest step (lengths in metres)."""

    episode_id: str
    scene_id: str
    object_category: str
    step: int
    done: bool
    success: bool
    spl: float
    path_length: float
    distance_to_goal: float
    shortest_path_length: float
    end_reason: str
    collided: bool
    collisions: int


class EpisodeTracker:
    """Counts one episode's steps and scores it; ``distance_to_goal`` maps (x, y) to metres."""

    def __init__(
        self,
        *,
        episode_id: str,
        scene_id: str,
        object_category: str,
        start: Pose2D,
        distance_to_goal: Callable[[tuple[float, float]], float],
        success_distance: float,
        max_steps: int,
        stop_on_arrival: bool = False,
    ) -> None:
        self._ids = (episode_id, scene_id, object_category)
        self._distance_to_goal = distance_to_goal
        self._success_distance = success_distance
        self._max_steps = max_steps
        self._stop_on_arrival = stop_on_arrival
        self.shortest_path_length = distance_to_goal((start.x, start.y))
        if not math.isfinite(self.shortest_path_length):
            raise ValueError(f"episode {episode_id}: no goal is reachable from the start")
        self.trajectory: list[tuple[Pose2D, bool]] = [(start, False)]
        """Every pose of the episode with the collided flag of the step that reached it."""
        self._distance = self.shortest_path_length
        self._path_length = 0.0
        self._collisions = 0
        self._success = False
        self._end_reason = END_NONE

    @property
    def done(self) -> bool:
        return self._end_reason != END_NONE

    def check_running(self) -> None:
        """Raise EpisodeDoneError when the episode has ended."""
        if self.done:
            raise EpisodeDoneError(
                f"episode {self._ids[0]} is over ({self._end_reason} after "
                f"{self.step} steps); call reset() with a new episode"
            )

    @property
    def step(self) -> int:
        return len(self.trajectory) - 1

    def record(self, action: Action, pose: Pose2D, collided: bool) -> EpisodeState:
        """Account for one executed action that left the agent at ``pose``."""
        self.check_running()
        previous = self.trajectory[-1][0]
        self._path_length += previous.distance_to(pose)
        self.trajectory.append((pose, collided))
        self._collisions += collided
        self._distance = self._distance_to_goal((pose.x, pose.y))
        arrived = self._stop_on_arrival and self._distance <= self._success_distance
        if action is Action.STOP or arrived:
            self._end_reason = END_STOP
            self._success = self._distance <= self._success_distance
        elif self.step >= self._max_steps:
            self._end_reason = END_MAX_STEPS
        return self.state()

    def state(self) -> EpisodeState:
        """Snapshot of the episode now."""
        spl = 0.0
        if self._success:
            longest = max(self._path_length, self.shortest_path_length)
            spl = self.shortest_path_length / longest if longest > 0 else 1.0
        return EpisodeState(
            episode_id=self._ids[0],
            scene_id=self._ids[1],
            object_category=self._ids[2],
            step=self.step,
            done=self.done,
            success=self._success,
            spl=spl,
            path_length=self._path_length,
            distance_to_goal=self._distance,
            shortest_path_length=self.shortest_path_length,
            end_reason=self._end_reason,
            collided=self.trajectory[-1][1],
            collisions=self._collisions,
        )
