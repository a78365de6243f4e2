"""Classical depth explorer (policy ``frontier``), goal-seeking when a semantic image exists.

Each step the depth image becomes obstacle points on the floor plane (pinhole camera of
known field of view, height and tilt; floor and ceiling removed). The points are kept in a
world-frame cell memory (odometry pose), which covers the blind zone below the image and
remembers bumps. Then:

- the corridor ahead (robot width) is blocked within one step -> turn toward the more open,
  less visited side and keep turning that way until the corridor is free (no left-right
  dithering; a full blocked circle clears the memory);
- otherwise move forward, except that right after a forward step it may turn once toward a
  side heading that is as open and clearly less visited (coverage).

With a semantic image (``obs.semantic``, see :func:`objnav_ros.sim.base.semantic_id`), pixels of
the goal category are put on the floor plane the same way and kept in a world-frame goal
memory. Once the goal was seen, a shortest path on the obstacle memory (unknown space counts
as free) leads to the nearest free cell within ``goal_view_m`` of it, as the task's goal view
points lie: the explorer STOPs when that path is shorter than the success distance (less a
margin), else it turns toward or moves along the path; with no known path it keeps exploring.
Without a semantic image, or before the goal is seen, it only explores and never STOPs.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, fields

import numpy as np
from scipy import ndimage
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from objnav_ros.core.actions import Action, ActionSpace
from objnav_ros.core.types import Observation, Pose2D
from objnav_ros.policy.decision import Decision, Policy
from objnav_ros.sim.base import semantic_id
from objnav_ros.sim.coords import wrap_angle

MOTION = (Action.MOVE_FORWARD, Action.TURN_LEFT, Action.TURN_RIGHT)
SIDE_ANGLES_DEG = (15, 30, 45, 60, 75, 90)
PLAN_MARGIN_CELLS = 10  # the path search window reaches this far beyond robot and goal
LOOKAHEAD_CELLS = 5  # the explorer heads for the path cell this many moves ahead


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
    success_distance_m: float = 1.0  # the task's: path length to a goal view point at STOP
    goal_view_m: float = 0.4  # task's view points: <= 0.5 m from the goal on a 0.2 m lattice
    stop_margin_m: float = 0.2  # STOP this much inside the success distance (map error)
    min_goal_fraction: float = 2e-4  # share of the image's pixels that must show the goal

    def __post_init__(self) -> None:
        if not 0 < self.hfov_deg < 180:
            raise ValueError(f"hfov_deg: must be in (0, 180), got {self.hfov_deg}")
        for f in fields(self):
            if f.name != "hfov_deg" and not getattr(self, f.name) > 0:
                raise ValueError(f"{f.name}: must be > 0, got {getattr(self, f.name)}")
        if self.floor_tolerance_m >= self.robot_height_m:
            raise ValueError("floor_tolerance_m: must be below robot_height_m")
        if self.min_goal_fraction >= 1:
            raise ValueError(f"min_goal_fraction: must be < 1, got {self.min_goal_fraction}")
        if self.stop_margin_m >= self.success_distance_m:
            raise ValueError("stop_margin_m: must be below success_distance_m")


DEFAULT_CONFIG = ExplorerConfig()


def _cells(points: np.ndarray, size: float) -> set[tuple[int, int]]:
    return set(map(tuple, np.floor(points / size).astype(np.int64).tolist()))


def _grid_paths(
    free: np.ndarray, sources: np.ndarray, size: float
) -> tuple[np.ndarray, np.ndarray]:
    """Path length to the nearest source over 8-connected free cells, and the next cell on it.

    Both are per cell in flat index order; the next cell is negative at sources and at
    cells with no path.
    """
    index = np.arange(free.size).reshape(free.shape)
    rows, cols, weights = [], [], []
    for dx, dy in ((0, 1), (1, 0), (1, 1), (1, -1)):
        a = (slice(0, free.shape[0] - dx), slice(max(0, -dy), free.shape[1] - max(0, dy)))
        b = (slice(dx, None), slice(max(0, dy), free.shape[1] + min(0, dy)))
        both = free[a] & free[b]
        rows.append(index[a][both])
        cols.append(index[b][both])
        weights.append(np.full(int(both.sum()), size * math.hypot(dx, dy)))
    graph = csr_matrix((np.concatenate(weights), (np.concatenate(rows), np.concatenate(cols))),
                       shape=(free.size, free.size))
    distance, predecessor, _ = dijkstra(graph, directed=False, indices=np.flatnonzero(sources),
                                        min_only=True, return_predecessors=True)
    return distance, predecessor


class DepthExplorer(Policy):
    """Explores (free corridor: forward; blocked: committed turn); seeks a goal it has seen."""

    name = "frontier"
    needs_depth = True
    needs_pose = True  # odometry places the obstacle memory and the visit counts
    needs_semantic = True  # used when present; without it the explorer never STOPs

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
        self._goal: set[tuple[int, int]] = set()
        self._visits: Counter[tuple[int, int]] = Counter()
        self._turn: Action | None = None  # committed turn while blocked
        self._turned = 0
        self._last: Action | None = None

    # -- perception -------------------------------------------------------------------------

    def _floor_frame(
        self, obs: Observation, v: np.ndarray, u: np.ndarray, z: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(forward, left, height above floor) metres of pixels (row v, column u) at depth z."""
        cfg = self.config
        height, width = obs.depth.shape
        focal = (width / 2) / math.tan(math.radians(cfg.hfov_deg) / 2)
        right = (u - (width - 1) / 2) / focal * z
        down = (v - (height - 1) / 2) / focal * z
        tilt = math.radians(obs.camera_tilt_deg)  # positive looks up
        forward = z * math.cos(tilt) + down * math.sin(tilt)
        above_floor = cfg.camera_height_m + z * math.sin(tilt) - down * math.cos(tilt)
        return forward, -right, above_floor

    def obstacle_points(self, obs: Observation) -> np.ndarray:
        """Obstacles seen in ``obs.depth`` as (forward, left) metres in the robot frame."""
        cfg = self.config
        height, width = obs.depth.shape
        step = max(1, width // cfg.columns)
        v, u = np.mgrid[0:height:step, 0:width:step]
        z = obs.depth[::step, ::step].astype(np.float64)
        forward, left, above_floor = self._floor_frame(obs, v, u, z)
        hit = (z > 0) & (z < cfg.max_range_m)
        solid = hit & (above_floor > cfg.floor_tolerance_m) & (above_floor < cfg.robot_height_m)
        return np.stack([forward[solid], left[solid]], axis=1)

    def goal_points(self, obs: Observation) -> np.ndarray:
        """Pixels of the goal category as (forward, left) metres; none without enough of them."""
        goal = semantic_id(obs.goal_category)
        if obs.semantic is None or goal == 0:
            return np.zeros((0, 2))
        mask = (obs.semantic == goal) & (obs.depth > 0)
        if np.count_nonzero(mask) < self.config.min_goal_fraction * mask.size:
            return np.zeros((0, 2))
        v, u = np.nonzero(mask)
        forward, left, _ = self._floor_frame(obs, v, u, obs.depth[v, u].astype(np.float64))
        return np.stack([forward, left], axis=1)

    def _cells_seen(self, local: np.ndarray, pose: Pose2D) -> set[tuple[int, int]]:
        """Memory cells of robot-frame (forward, left) points seen from ``pose``."""
        c, s = math.cos(pose.yaw), math.sin(pose.yaw)
        world = np.stack([pose.x + c * local[:, 0] - s * local[:, 1],
                          pose.y + s * local[:, 0] + c * local[:, 1]], axis=1)
        return _cells(world, self.config.memory_cell_m)

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
        self._obstacles |= self._cells_seen(self.obstacle_points(obs), pose)
        # the action executed last: the frame's history (true when another policy drove), else
        # this explorer's own last choice; a committed turn follows the turn executed
        self._last = obs.recent_actions[-1] if obs.recent_actions else self._last
        if self._turn is not None and self._last in (Action.TURN_LEFT, Action.TURN_RIGHT):
            self._turn = self._last
        if obs.collided and self._last is Action.MOVE_FORWARD:  # blocked by something unseen
            bump = self.config.robot_radius_m + 0.05
            lateral = np.linspace(-self.config.robot_radius_m, self.config.robot_radius_m, 5)
            self._obstacles |= self._cells_seen(np.stack([np.full(5, bump), lateral], axis=1), pose)
        self._goal |= self._cells_seen(self.goal_points(obs), pose)
        action = self._seek(pose) if self._goal else None
        if action is None:
            action = self._choose(self._local_memory(pose), pose)
        self._last = action
        return Decision(action, True, source=self.name)

    def _seek(self, pose: Pose2D) -> Action | None:
        """STOP when close enough to the seen goal, else a step toward it; None: no known path."""
        plan = self._plan(pose)
        if plan is None:
            return None
        distance, waypoint = plan
        if distance <= self.config.success_distance_m - self.config.stop_margin_m:
            return Action.STOP if Action.STOP in self.actions else None
        angle = wrap_angle(math.atan2(waypoint[1] - pose.y, waypoint[0] - pose.x) - pose.yaw)
        if abs(angle) > math.radians(self.space.turn_deg) / 2:
            return Action.TURN_LEFT if angle > 0 else Action.TURN_RIGHT
        return Action.MOVE_FORWARD

    def _plan(self, pose: Pose2D) -> tuple[float, tuple[float, float]] | None:
        """Path length from ``pose`` to the nearest goal view cell, and a point along that path.

        The path runs on a window of the memory around robot and goal: cells closer to a
        remembered obstacle than the robot radius (less half a cell) are blocked; unknown cells
        and those under the robot (whatever a bump left in the memory) are free. Goal view
        cells lie within ``goal_view_m`` of a goal cell, as the task's view points do, and
        surely clear of obstacles (the robot radius plus half a cell).
        """
        cfg, size = self.config, self.config.memory_cell_m
        robot = np.floor(np.array([pose.x, pose.y]) / size).astype(np.int64)
        goal = np.array(list(self._goal), dtype=np.int64)
        lo = np.minimum(robot, goal.min(axis=0)) - PLAN_MARGIN_CELLS
        shape = tuple(np.maximum(robot, goal.max(axis=0)) + PLAN_MARGIN_CELLS - lo + 1)
        occupied = np.zeros(shape, dtype=bool)
        if self._obstacles:
            cells = np.array(list(self._obstacles), dtype=np.int64) - lo
            cells = cells[((cells >= 0) & (cells < shape)).all(axis=1)]
            occupied[cells[:, 0], cells[:, 1]] = True
        clearance = ndimage.distance_transform_edt(~occupied) * size
        ix, iy = np.ogrid[0:shape[0], 0:shape[1]]
        body = np.hypot((ix + lo[0] + 0.5) * size - pose.x, (iy + lo[1] + 0.5) * size - pose.y)
        free = (clearance > cfg.robot_radius_m - size / 2) | (body <= cfg.robot_radius_m)
        near_goal = np.ones(shape, dtype=bool)
        near_goal[goal[:, 0] - lo[0], goal[:, 1] - lo[1]] = False
        views = ((clearance > cfg.robot_radius_m + size / 2)
                 & (ndimage.distance_transform_edt(near_goal) * size <= cfg.goal_view_m))
        if not views.any():
            return None
        distance, predecessor = _grid_paths(free, views, size)
        start = index = np.ravel_multi_index(tuple(robot - lo), shape)
        if not math.isfinite(distance[start]):
            return None
        for _ in range(LOOKAHEAD_CELLS):
            if predecessor[index] < 0:
                break
            index = predecessor[index]
        x, y = (np.array(np.unravel_index(index, shape)) + lo + 0.5) * size
        return float(distance[start]), (float(x), float(y))

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
