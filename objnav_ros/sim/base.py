"""The one simulator interface: reset / step / metrics plus geodesic queries.

Backends subclass :class:`Simulator` and supply how the agent is placed, how an action
moves it, and how a frame is drawn; action checks, camera tilt and episode bookkeeping
(:class:`~objnav_ros.sim.episode_state.EpisodeTracker`) live here once.

Semantic images (``Observation.semantic``, when ``SimConfig.semantic`` is set and the
backend draws them) hold per pixel :func:`semantic_id` of the goal category seen there:
0 for anything that is no goal object, ``1 + CATEGORIES.index(category)`` otherwise.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

import numpy as np

from objnav_ros.core.actions import Action
from objnav_ros.core.history import ActionHistory
from objnav_ros.core.types import Observation, Pose2D
from objnav_ros.sim.config import SimConfig
from objnav_ros.sim.episode_state import EpisodeState, EpisodeTracker
from objnav_ros.sim.episodes import Episode
from objnav_ros.sim.objects import CATEGORIES

XY = tuple[float, float]


def semantic_id(category: str) -> int:
    """Semantic-image id of a goal category: 1 + its index in CATEGORIES; 0 when unknown."""
    return CATEGORIES.index(category) + 1 if category in CATEGORIES else 0


class Simulator(ABC):
    """An ObjectNav simulator of one scene; use as a context manager or call ``close()``."""

    def __init__(self, config: SimConfig) -> None:
        self.config = config
        self._episode: Episode | None = None
        self._tracker: EpisodeTracker | None = None
        self._tilt_deg = 0.0
        self._history = ActionHistory()

    # --- what a backend supplies ------------------------------------------------------

    @property
    @abstractmethod
    def pose(self) -> Pose2D:
        """The agent's pose now."""

    @abstractmethod
    def _place_agent(self, episode: Episode) -> Pose2D:
        """Put the agent at the episode start with a level camera; return its pose."""

    @abstractmethod
    def _move(self, action: Action) -> bool:
        """Execute a non-STOP action (after ``_tilt_deg`` took a look); True on collision."""

    @abstractmethod
    def _render(self) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """RGB (H, W, 3) uint8, depth (H, W) float32 metres, semantic ids (H, W) uint8 or None."""

    @abstractmethod
    def geodesic_distance(
        self, start_xy: Sequence[float], goal_points: Sequence[Sequence[float]]
    ) -> float:
        """Metres of the shortest navigable path from ``start_xy`` to the nearest goal point."""

    @abstractmethod
    def shortest_path(
        self, start_xy: Sequence[float], goal_xy: Sequence[float] | Sequence[Sequence[float]]
    ) -> list[XY]:
        """Waypoints ``[start, ..., goal]`` to ``goal_xy`` (one point or several: the nearest)."""

    @abstractmethod
    def close(self) -> None:
        """Free the backend's resources."""

    # --- the shared episode loop --------------------------------------------------------

    def reset(self, episode: Episode) -> Observation:
        """Start an episode and return the first observation."""
        self._episode = episode
        self._tilt_deg = 0.0
        self._history = ActionHistory()
        start = self._place_agent(episode)
        goal_points = episode.goal_points()
        self._tracker = EpisodeTracker(
            episode_id=episode.episode_id,
            scene_id=episode.scene_id,
            object_category=episode.object_category,
            start=start,
            distance_to_goal=lambda xy: self.geodesic_distance(xy, goal_points),
            success_distance=self.config.success_distance_m,
            max_steps=self.config.max_steps,
            stop_on_arrival=Action.STOP not in self.config.action_space,
        )
        return self._observation(collided=False)

    def step(self, action: Action | int) -> Observation:
        """Execute one action; raises EpisodeDoneError once the episode has ended."""
        act = Action.from_id(action)
        if act not in self.config.action_space:
            raise ValueError(
                f"action {act.name} is not in the action space {self.config.action_space.names}"
            )
        tracker = self._running_tracker()
        tracker.check_running()
        collided = False
        if act is not Action.STOP:
            if act in (Action.LOOK_UP, Action.LOOK_DOWN):
                sign = 1.0 if act is Action.LOOK_UP else -1.0
                limit = self.config.max_tilt_deg
                tilt = self._tilt_deg + sign * self.config.action_space.look_deg
                self._tilt_deg = min(max(tilt, -limit), limit)
            collided = self._move(act)
        tracker.record(act, self.pose, collided)
        self._history.record(self._episode.episode_id, tracker.step - 1, act)
        return self._observation(collided)

    def metrics(self) -> EpisodeState:
        """Step count, done, success, SPL, path length and distance to goal of the episode."""
        return self._running_tracker().state()

    @property
    def episode(self) -> Episode | None:
        """The current episode (None before the first reset)."""
        return self._episode

    @property
    def goal_points(self) -> tuple[XY, ...]:
        """Points the current episode succeeds near (goal view points or centres)."""
        if self._episode is None:
            raise RuntimeError("call reset(episode) first")
        return self._episode.goal_points()

    @property
    def camera_tilt_deg(self) -> float:
        """Camera pitch in degrees, positive looking up."""
        return self._tilt_deg

    @property
    def trajectory(self) -> tuple[tuple[Pose2D, bool], ...]:
        """Every pose of the current episode with its step's collided flag."""
        return tuple(self._running_tracker().trajectory)

    def _running_tracker(self) -> EpisodeTracker:
        if self._tracker is None:
            raise RuntimeError("call reset(episode) before stepping or reading metrics")
        return self._tracker

    def _observation(self, collided: bool) -> Observation:
        rgb, depth, semantic = self._render()
        assert self._episode is not None
        step = self._running_tracker().step
        return Observation(
            rgb=rgb,
            depth=depth,
            pose=self.pose,
            collided=collided,
            step=step,
            goal_category=self._episode.object_category,
            camera_tilt_deg=self._tilt_deg,
            episode_id=self._episode.episode_id,
            semantic=semantic,
            recent_actions=self._history.before(self._episode.episode_id, step),
        )

    def __enter__(self) -> Simulator:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def as_points(points: Sequence[float] | Sequence[Sequence[float]]) -> np.ndarray:
    """One (x, y) point or several as an (n, 2) array; ValueError for anything else."""
    array = np.asarray(points, dtype=np.float64)
    if array.ndim == 1:
        array = array[None]
    if array.ndim != 2 or array.shape[1] < 2 or len(array) == 0:
        raise ValueError(f"expected an (x, y) point or a list of them, got shape {array.shape}")
    return array[:, :2]
