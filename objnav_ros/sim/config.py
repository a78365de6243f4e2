"""Settings shared by every simulator backend (camera, agent body, actions, episode rules)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from objnav_ros.core.actions import ActionSpace
from objnav_ros.core.camera import CameraModel
from objnav_ros.core.contract import RunContract


@dataclass(frozen=True)
class SimConfig:
    """One simulator's settings; defaults follow habitat's ObjectNav HM3D configuration.

    Lengths are metres, angles degrees. The agent is a cylinder standing on the floor;
    the camera sits on its axis ``camera_height_m`` above the floor. ``semantic`` adds a
    per-pixel goal-category image to each observation (where the backend provides one).
    """

    width: int = 640
    height: int = 480
    hfov_deg: float = 79.0
    camera_height_m: float = 0.88
    agent_radius_m: float = 0.18
    agent_height_m: float = 0.88
    max_step_height_m: float = 0.2
    nav_cell_m: float = 0.05
    action_space: ActionSpace = field(default_factory=ActionSpace)
    success_distance_m: float = 1.0
    max_steps: int = 500
    max_tilt_deg: float = 60.0
    seed: int = 0
    semantic: bool = False

    def __post_init__(self) -> None:
        for name in ("width", "height", "max_steps", "seed"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"{name} must be an integer, got {value!r}")
        _check(self.width >= 1, "width", "must be >= 1 pixel", self.width)
        _check(self.height >= 1, "height", "must be >= 1 pixel", self.height)
        _check(0 < self.hfov_deg < 180, "hfov_deg", "must be in (0, 180)", self.hfov_deg)
        _positive(self, "camera_height_m", "agent_radius_m", "agent_height_m")
        _positive(self, "max_step_height_m", "nav_cell_m", "success_distance_m")
        _check(
            self.max_step_height_m < self.agent_height_m,
            "max_step_height_m",
            f"must be below agent_height_m ({self.agent_height_m})",
            self.max_step_height_m,
        )
        _check(
            self.nav_cell_m <= self.agent_radius_m,
            "nav_cell_m",
            f"must not exceed agent_radius_m ({self.agent_radius_m})",
            self.nav_cell_m,
        )
        _check(self.max_steps >= 1, "max_steps", "must be >= 1", self.max_steps)
        _check(0 <= self.max_tilt_deg < 90, "max_tilt_deg", "must be in [0, 90)", self.max_tilt_deg)
        _check(self.seed >= 0, "seed", "must be >= 0", self.seed)
        _check(isinstance(self.semantic, bool), "semantic", "must be a bool", self.semantic)
        if not isinstance(self.action_space, ActionSpace):
            raise ValueError(
                f"action_space must be an ActionSpace, got {type(self.action_space).__name__}"
            )

    def contract(self) -> RunContract:
        """The run contract of this simulator: its action amounts and camera."""
        return RunContract.of(self.action_space,
                              CameraModel(self.width, self.height, self.hfov_deg),
                              self.camera_height_m)


def _positive(config: SimConfig, *names: str) -> None:
    for name in names:
        value = getattr(config, name)
        _check(math.isfinite(value) and value > 0, name, "must be a finite number > 0", value)


def _check(ok: bool, name: str, rule: str, value: object) -> None:
    if not ok:
        raise ValueError(f"{name} {rule}, got {value!r}")
