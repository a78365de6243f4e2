"""The embedded backend: trimesh scene, moderngl renderer, grid navigation; no habitat needed."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from objnav_ros.core.actions import Action
from objnav_ros.core.types import Pose2D
from objnav_ros.sim.base import XY, Simulator, as_points, semantic_id
from objnav_ros.sim.config import SimConfig
from objnav_ros.sim.coords import wrap_angle
from objnav_ros.sim.episodes import Episode, EpisodeConfig, EpisodeSampler
from objnav_ros.sim.navgrid import NavGrid
from objnav_ros.sim.renderer import Renderer
from objnav_ros.sim.scene import SceneMesh, load_scene

MAX_START_SNAP_M = 0.5
"""An episode start farther than this from the navigable area is refused (wrong scene?)."""

_COLLISION_EPS_M = 1e-5  # habitat's tolerance when comparing achieved and commanded moves


class EmbeddedSimulator(Simulator):
    """ObjectNav on a .glb scene: deterministic, headless (EGL), no physics beyond sliding."""

    def __init__(self, scene: str | Path | SceneMesh, config: SimConfig | None = None) -> None:
        super().__init__(config or SimConfig())
        self.scene = scene if isinstance(scene, SceneMesh) else load_scene(scene)
        cfg = self.config
        self.nav = build_navgrid(self.scene, cfg)
        self._pose = Pose2D(0.0, 0.0, 0.0)
        self._sampler: EpisodeSampler | None = None
        self._renderer = Renderer(
            self.scene.triangles,
            self.scene.colors,
            self.scene.double_sided,
            cfg.width,
            cfg.height,
            cfg.hfov_deg,
            labels=triangle_labels(self.scene) if cfg.semantic else None,
        )

    @property
    def pose(self) -> Pose2D:
        return self._pose

    def random_episode(self, index: int) -> Episode:
        """Episode ``index`` drawn on this scene with ``config.seed`` (same index, same episode)."""
        if self._sampler is None:
            self._sampler = EpisodeSampler(self.scene, self.nav, episode_config(self.config))
        return self._sampler.sample(index)

    def geodesic_distance(
        self, start_xy: Sequence[float], goal_points: Sequence[Sequence[float]]
    ) -> float:
        return self.nav.geodesic_distance(start_xy, as_points(goal_points))

    def shortest_path(
        self, start_xy: Sequence[float], goal_xy: Sequence[float] | Sequence[Sequence[float]]
    ) -> list[XY]:
        return self.nav.shortest_path(start_xy, as_points(goal_xy))

    def close(self) -> None:
        self._renderer.close()

    def _place_agent(self, episode: Episode) -> Pose2D:
        x, y = episode.start_position[:2]
        snapped = self.nav.snap((x, y))
        if math.dist(snapped, (x, y)) > MAX_START_SNAP_M:
            raise ValueError(
                f"episode {episode.episode_id}: start ({x:.2f}, {y:.2f}) lies "
                f"{math.dist(snapped, (x, y)):.2f} m from the navigable area of "
                f"{self.scene.path.name}"
            )
        self._pose = Pose2D(snapped[0], snapped[1], wrap_angle(episode.start_yaw))
        return self._pose

    def _move(self, action: Action) -> bool:
        pose = self._pose
        if action is Action.MOVE_FORWARD:
            step = self.config.action_space.forward_m
            delta = (step * math.cos(pose.yaw), step * math.sin(pose.yaw))
            x, y = self.nav.try_move((pose.x, pose.y), delta)
            self._pose = Pose2D(x, y, pose.yaw)
            return math.hypot(x - pose.x, y - pose.y) + _COLLISION_EPS_M < step
        if action in (Action.TURN_LEFT, Action.TURN_RIGHT):
            sign = 1.0 if action is Action.TURN_LEFT else -1.0
            turn = math.radians(self.config.action_space.turn_deg)
            self._pose = Pose2D(pose.x, pose.y, wrap_angle(pose.yaw + sign * turn))
        return False

    def _render(self) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        pose = self._pose
        eye = np.array([pose.x, pose.y, self.nav.floor_z + self.config.camera_height_m])
        return self._renderer.render(eye, pose.yaw, math.radians(self._tilt_deg))


def triangle_labels(scene: SceneMesh) -> np.ndarray:
    """Per-triangle :func:`~objnav_ros.sim.base.semantic_id` (uint8; 0 = no goal object).

    A triangle belongs to the labelled object whose footprint holds all its vertices (within
    1 mm): exactly the object's own triangles in generated houses, whose objects stand apart
    and clear of walls; in other scenes also whatever lies wholly inside that footprint.
    """
    labels = np.zeros(len(scene.triangles), dtype=np.uint8)
    xy = scene.triangles[:, :, :2]
    for obj in scene.objects:
        lo = np.array(obj.footprint[:2]) - 1e-3
        hi = np.array(obj.footprint[2:]) + 1e-3
        inside = ((xy >= lo) & (xy <= hi)).all(axis=(1, 2))
        labels[inside] = semantic_id(obj.category)
    return labels


def build_navgrid(scene: SceneMesh, config: SimConfig) -> NavGrid:
    """The nav grid of a scene for the agent body and cell size of a config."""
    return NavGrid.from_triangles(
        scene.triangles,
        volume_id=scene.volume_id,
        cell=config.nav_cell_m,
        radius=config.agent_radius_m,
        height=config.agent_height_m,
        max_step=config.max_step_height_m,
    )


def episode_config(config: SimConfig) -> EpisodeConfig:
    """Episode drawing for a config: its seed, starts at least 1 m beyond success distance."""
    return EpisodeConfig(min_geodesic_m=config.success_distance_m + 1.0, seed=config.seed)
