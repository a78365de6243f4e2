"""Settings shared by every simulator backend (camera, agent body, actions, episode rules)."""

from __future__ import annotations

from dataclasses import dataclass, field

from objnav_ros.core.actions import ActionSpace
from objnav_ros.core.camera import CameraModel
from objnav_ros.core.contract import RunContract
from objnav_ros.core.schema import Setting, check_settings, setting

SEED = Setting(0, "Seed of the generated house and episodes and of random choices.",
               min_value=0, max_value=2**31 - 1)
SMALL_IMAGE = (160, 120)
"""Camera size of CPU-bound runs (mining, baselines): width, height in pixels."""


def _metres(default: float, description: str, low: float = 0.01, high: float = 3.0):
    return setting(default, description, min_value=low, max_value=high)


@dataclass(frozen=True)
class SimConfig:
    """One simulator's settings; defaults follow habitat's ObjectNav HM3D configuration.

    Lengths are metres, angles degrees. The agent is a cylinder standing on the floor;
    the camera sits on its axis ``camera_height_m`` above the floor. ``semantic`` adds a
    per-pixel goal-category image to each observation (where the backend provides one).
    """

    width: int = setting(640, "Image width (px).", min_value=8, max_value=4096)
    height: int = setting(480, "Image height (px).", min_value=8, max_value=4096)
    hfov_deg: float = setting(79.0, "Horizontal field of view (deg).", min_value=10.0,
                              max_value=170.0)
    camera_height_m: float = _metres(0.88, "Camera height above the floor (m).", 0.1)
    agent_radius_m: float = _metres(0.18, "Radius of the agent's cylinder (m).", high=1.0)
    agent_height_m: float = _metres(0.88, "Height of the agent's cylinder (m).", 0.1)
    max_step_height_m: float = _metres(0.2, "Highest floor step the agent climbs (m).", 0.0)
    nav_cell_m: float = _metres(0.05, "Cell size of the navigation grid (m).", 0.005, 0.5)
    action_space: ActionSpace = field(default_factory=ActionSpace)
    success_distance_m: float = _metres(
        1.0, "STOP within this distance (m) of a goal's view points succeeds.", 0.05, 10.0)
    max_steps: int = setting(500, "Step limit of an episode.", min_value=1, max_value=100_000)
    max_tilt_deg: float = setting(60.0, "Largest camera tilt up or down (deg).", min_value=0.0,
                                  max_value=89.0)
    seed: int = SEED.field()
    semantic: bool = setting(
        False, "Per-pixel goal-category ids (mono8, camera/semantic/image_raw) with every "
        "observation, where the backend draws them (simulation only).")

    def __post_init__(self) -> None:
        check_settings(self)
        if self.max_step_height_m >= self.agent_height_m:
            raise ValueError(f"max_step_height_m: must be below agent_height_m "
                             f"({self.agent_height_m}), got {self.max_step_height_m}")
        if self.nav_cell_m > self.agent_radius_m:
            raise ValueError(f"nav_cell_m: must not exceed agent_radius_m "
                             f"({self.agent_radius_m}), got {self.nav_cell_m}")
        if not isinstance(self.action_space, ActionSpace):
            raise ValueError(
                f"action_space: expected an ActionSpace, got {type(self.action_space).__name__}")

    def contract(self) -> RunContract:
        """The run contract of this simulator: its action amounts and camera."""
        return RunContract.of(self.action_space,
                              CameraModel(self.width, self.height, self.hfov_deg),
                              self.camera_height_m)
