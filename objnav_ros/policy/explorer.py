"""Classical depth-only explorer: no model, no goal; a baseline for covering space.

Each step the depth image becomes obstacle points on the floor plane (pinhole camera of
known field of view, height and tilt; floor and ceiling removed). The points are kept in a
world-frame cell memory (odometry pose), which covers the blind zone below the image and
remembers bumps. Then:

- the corridor ahead (robot width) is blocked within one step -> turn toward the more open,
  less visited side and keep turning that way until the corridor is free (no left-right
  dithering; a full blocked circle clears the memory);
- otherwise move forward, except that right after a forward step it may turn once toward a
  side heading that is as open and clearly less visited (coverage).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, fields

import numpy as np

from objnav_ros.core.actions import Action, ActionSpace
from objnav_ros.core.types import Observation, Pose2D
from objnav_ros.policy.decision import Decision, Policy

MOTION = (Action.MOVE_FORWARD, Action.TURN_LEFT, Action.TURN_RIGHT)
SIDE_ANGLES_DEG = (15, 30, 45, 60, 75, 90)


@dataclass(frozen=True)
class ExplorerConfig:
    """Camera geometry and thresholds; defaults follow habitat's ObjectNav HM3D agent."""

    hfov_deg: float = 79.0
    camera_height_m: float = 0.88
    robot_radius_m: float = 0.18
    margin_m: float = 0.1  # extra free distance wanted beyond one forward step
    floor_tolerance_m: float = 0.1  # points lower than this above the floor are floor
    robot_height_m: float = 1.5  # points higher than this are ceiling / overhang
    max_range_m: float = 4.0  # depth beyond this, or 0 (no hit), is free space
    memory_cell_m: float = 0.1  # obstacle memory resolution
    visit_cell_m: float = 0.5  # visit-count resolution
    novelty_weight_m: float = 0.5  # metres of openness one earlier visit is worth
    columns: int = 80  # depth columns sampled across the image

    def __post_init__(self) -> None:
        if not 0 < self.hfov_deg < 180:
            raise ValueError(f"hfov_deg: must be in (0, 180), got {self.hfov_deg}")
        for f in fields(self):
            if f.name != "hfov_deg" and not getattr(self, f.name) > 0:
                raise ValueError(f"{f.name}: must be > 0, got {getattr(self, f.name)}")
        if self.floor_tolerance_m >= self.robot_height_m:
            raise ValueError("floor_tolerance_m: must be below robot_height_m")


DEFAULT_CONFIG = ExplorerConfig()


def _cells(points: np.ndarray, size: float) -> set[tuple[int, int]]:
    return set(map(tuple, np.floor(points / size).astype(np.int64).tolist()))


class DepthExplorer(Policy):
    """Forward while the corridor is free, committed turns when blocked, novelty-seeking."""

    name = "frontier"
    needs_depth = True
    needs_pose = True  # odometry places the obstacle memory and the visit counts

    def __init__(self, space: ActionSpace, config: ExplorerConfig = DEFAULT_CONFIG) -> None:
        missing = [a.name for a in MOTION if a not in space.actions]
        if missing:
            raise ValueError(f"space: the explorer needs {missing} among the allowed actions")
        super().__init__(space.actions)
        self.space = space
        self.config = config
        self.reset()

    def reset(self) -> None:
        self._obstacles: set[tuple[int, int]] = set()
        self._visits: Counter[tuple[int, int]] = Counter()
        self._turn: Action | None = None  # committed turn while blocked
        self._turned = 0
        self._last: Action | None = None

    # -- perception -------------------------------------------------------------------------

    def obstacle_points(self, obs: Observation) -> np.ndarray:
        """Obstacles seen in ``obs.depth`` as (forward, left) metres in the robot frame."""
        cfg = self.config
        height, width = obs.depth.shape
        step = max(1, width // cfg.columns)
        v, u = np.mgrid[0:height:step, 0:width:step]
        z = obs.depth[::step, ::step].astype(np.float64)
        focal = (width / 2) / math.tan(math.radians(cfg.hfov_deg) / 2)
        right = (u - (width - 1) / 2) / focal * z
        down = (v - (height - 1) / 2) / focal * z
        tilt = math.radians(obs.camera_tilt_deg)  # positive looks up
        forward = z * math.cos(tilt) + down * math.sin(tilt)
        above_floor = cfg.camera_height_m + z * math.sin(tilt) - down * math.cos(tilt)
        hit = (z > 0) & (z < cfg.max_range_m)
        solid = hit & (above_floor > cfg.floor_tolerance_m) & (above_floor < cfg.robot_height_m)
        return np.stack([forward[solid], -right[solid]], axis=1)

    def _remember(self, local: np.ndarray, pose: Pose2D) -> None:
        c, s = math.cos(pose.yaw), math.sin(pose.yaw)
        world = np.stack([pose.x + c * local[:, 0] - s * local[:, 1],
                          pose.y + s * local[:, 0] + c * local[:, 1]], axis=1)
        self._obstacles |= _cells(world, self.config.memory_cell_m)

    def _local_memory(self, pose: Pose2D) -> np.ndarray:
        if not self._obstacles:
            return np.zeros((0, 2))
        cells = np.array(list(self._obstacles), dtype=np.float64)
        world = (cells + 0.5) * self.config.memory_cell_m
        dx, dy = world[:, 0] - pose.x, world[:, 1] - pose.y
        c, s = math.cos(pose.yaw), math.sin(pose.yaw)
        return np.stack([c * dx + s * dy, -s * dx + c * dy], axis=1)

    # -- scoring ----------------------------------------------------------------------------

    def _clearance(self, local: np.ndarray, angle: float) -> float:
        """Free distance along heading ``angle`` (rad, left positive) for the robot's width."""
        c, s = math.cos(angle), math.sin(angle)
        ahead = c * local[:, 0] + s * local[:, 1]
        across = -s * local[:, 0] + c * local[:, 1]
        near = (ahead > 0) & (np.abs(across) < self.config.robot_radius_m + 0.05)
        return float(min(ahead[near].min(initial=np.inf), self.config.max_range_m))

    def _visit_cell(self, x: float, y: float) -> tuple[int, int]:
        size = self.config.visit_cell_m
        return math.floor(x / size), math.floor(y / size)

    def _visited(self, pose: Pose2D, angle: float) -> int:
        heading = pose.yaw + angle
        cell = self._visit_cell(pose.x + math.cos(heading), pose.y + math.sin(heading))
        return self._visits[cell]

    def _score(self, local: np.ndarray, pose: Pose2D, angle: float) -> float:
        weight = self.config.novelty_weight_m
        return self._clearance(local, angle) - weight * self._visited(pose, angle)

    def _side_score(self, local: np.ndarray, pose: Pose2D, sign: int) -> float:
        return float(np.mean([self._score(local, pose, sign * math.radians(a))
                              for a in SIDE_ANGLES_DEG]))

    # -- decision ---------------------------------------------------------------------------

    def _decide(self, obs: Observation) -> Decision:
        pose = obs.pose
        self._visits[self._visit_cell(pose.x, pose.y)] += 1
        self._remember(self.obstacle_points(obs), pose)
        if obs.collided and self._last is Action.MOVE_FORWARD:  # blocked by something unseen
            bump = self.config.robot_radius_m + 0.05
            lateral = np.linspace(-self.config.robot_radius_m, self.config.robot_radius_m, 5)
            self._remember(np.stack([np.full(5, bump), lateral], axis=1), pose)
        action = self._choose(self._local_memory(pose), pose)
        self._last = action
        return Decision(action, True, source=self.name)

    def _choose(self, local: np.ndarray, pose: Pose2D) -> Action:
        needed = self.space.forward_m + self.config.robot_radius_m + self.config.margin_m
        if self._clearance(local, 0.0) < needed:
            if self._turn is None:
                left = self._side_score(local, pose, 1) >= self._side_score(local, pose, -1)
                self._turn = Action.TURN_LEFT if left else Action.TURN_RIGHT
                self._turned = 0
            self._turned += 1
            if self._turned * self.space.turn_deg >= 360:  # boxed in: the memory may be stale
                self._obstacles.clear()
                self._turned = 0
            return self._turn
        self._turn = None
        if self._last is Action.MOVE_FORWARD:
            turn = math.radians(self.space.turn_deg)
            ahead = self._score(local, pose, 0.0)
            best = max((1, -1), key=lambda sign: self._score(local, pose, sign * turn))
            side = best * turn
            if (self._clearance(local, side) >= needed
                    and self._score(local, pose, side) > ahead + self.config.novelty_weight_m):
                return Action.TURN_LEFT if best > 0 else Action.TURN_RIGHT
        return Action.MOVE_FORWARD
