"""habitat-sim backend behind the same interface (habitat_sim is imported lazily).

habitat-sim cannot be installed from PyPI on Linux; install it with conda
(``conda install habitat-sim -c conda-forge -c aihabitat``) on the machine that runs it.
All positions crossing this module's boundary are Z-up world coordinates; conversion to
habitat's Y-up frame happens here (see :mod:`objnav_ros.sim.coords`).
Observations carry no semantic image here (``Observation.semantic`` is None whatever
``SimConfig.semantic`` says): policies that use one fall back to what they do without it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from objnav_ros.core.actions import Action
from objnav_ros.core.types import Pose2D
from objnav_ros.sim.base import XY, Simulator, as_points
from objnav_ros.sim.config import SimConfig
from objnav_ros.sim.coords import (
    habitat_quaternion_to_yaw,
    habitat_to_world,
    world_to_habitat,
    yaw_to_habitat_quaternion,
)
from objnav_ros.sim.episodes import Episode

HABITAT_ACTIONS = {
    Action.MOVE_FORWARD: "move_forward",
    Action.TURN_LEFT: "turn_left",
    Action.TURN_RIGHT: "turn_right",
    Action.LOOK_UP: "look_up",
    Action.LOOK_DOWN: "look_down",
}
"""habitat-sim's names of the agent actions (STOP never reaches habitat-sim)."""


def habitat_settings(
    scene_path: str | Path, config: SimConfig, gpu_device_id: int | None = None
) -> dict[str, Any]:
    """The one settings dict that :func:`make_cfg` turns into a habitat_sim.Configuration.

    ``gpu_device_id`` defaults to 0 when a CUDA device node exists, else -1 (EGL on Mesa).
    """
    if gpu_device_id is None:
        gpu_device_id = 0 if Path("/dev/nvidia0").exists() else -1
    actions = config.action_space
    return {
        "scene": str(scene_path),
        "gpu_device_id": gpu_device_id,
        "seed": config.seed,
        "width": config.width,
        "height": config.height,
        "hfov_deg": config.hfov_deg,
        "camera_height_m": config.camera_height_m,
        "agent_radius_m": config.agent_radius_m,
        "agent_height_m": config.agent_height_m,
        "max_climb_m": config.max_step_height_m,
        "navmesh_cell_m": config.nav_cell_m,
        "forward_m": actions.forward_m,
        "turn_deg": actions.turn_deg,
        "look_deg": actions.look_deg,
        "max_tilt_deg": config.max_tilt_deg,
    }


def make_cfg(settings: dict[str, Any]) -> Any:
    """habitat_sim.Configuration of one agent with an RGB and a depth camera."""
    import habitat_sim

    sim_cfg = habitat_sim.SimulatorConfiguration()
    sim_cfg.scene_id = settings["scene"]
    sim_cfg.gpu_device_id = settings["gpu_device_id"]
    sim_cfg.random_seed = settings["seed"]
    sim_cfg.enable_physics = False
    sim_cfg.scene_light_setup = habitat_sim.gfx.DEFAULT_LIGHTING_KEY

    sensors = []
    for uuid, sensor_type in (
        ("rgb", habitat_sim.SensorType.COLOR),
        ("depth", habitat_sim.SensorType.DEPTH),
    ):
        spec = habitat_sim.CameraSensorSpec()
        spec.uuid = uuid
        spec.sensor_type = sensor_type
        spec.resolution = [settings["height"], settings["width"]]
        spec.position = [0.0, settings["camera_height_m"], 0.0]
        spec.hfov = settings["hfov_deg"]
        sensors.append(spec)

    spec_of = habitat_sim.agent.ActionSpec
    actuation = habitat_sim.agent.ActuationSpec
    agent_cfg = habitat_sim.agent.AgentConfiguration()
    agent_cfg.height = settings["agent_height_m"]
    agent_cfg.radius = settings["agent_radius_m"]
    agent_cfg.sensor_specifications = sensors
    agent_cfg.action_space = {
        "move_forward": spec_of("move_forward", actuation(amount=settings["forward_m"])),
        "turn_left": spec_of("turn_left", actuation(amount=settings["turn_deg"])),
        "turn_right": spec_of("turn_right", actuation(amount=settings["turn_deg"])),
        "look_up": spec_of(
            "look_up", actuation(amount=settings["look_deg"], constraint=settings["max_tilt_deg"])
        ),
        "look_down": spec_of(
            "look_down", actuation(amount=settings["look_deg"], constraint=settings["max_tilt_deg"])
        ),
    }
    return habitat_sim.Configuration(sim_cfg, [agent_cfg])


class HabitatSimulator(Simulator):
    """ObjectNav on habitat-sim; a scene without a .navmesh gets one computed for the agent."""

    def __init__(
        self,
        scene_path: str | Path,
        config: SimConfig | None = None,
        gpu_device_id: int | None = None,
    ) -> None:
        import habitat_sim

        super().__init__(config or SimConfig())
        path = Path(scene_path)
        if not path.is_file():
            raise FileNotFoundError(f"scene file not found: {path}")
        self.settings = habitat_settings(path, self.config, gpu_device_id)
        self._sim = habitat_sim.Simulator(make_cfg(self.settings))
        if not self._sim.pathfinder.is_loaded:
            navmesh = habitat_sim.NavMeshSettings()
            navmesh.set_defaults()
            navmesh.agent_radius = self.settings["agent_radius_m"]
            navmesh.agent_height = self.settings["agent_height_m"]
            navmesh.agent_max_climb = self.settings["max_climb_m"]
            navmesh.cell_size = self.settings["navmesh_cell_m"]
            self._sim.recompute_navmesh(self._sim.pathfinder, navmesh)
        self._agent = self._sim.initialize_agent(0)
        self._last_obs: dict[str, np.ndarray] = {}

    @property
    def pose(self) -> Pose2D:
        from habitat_sim.utils.common import quat_to_coeffs

        state = self._agent.get_state()
        x, y, _ = habitat_to_world(state.position)
        return Pose2D(x, y, habitat_quaternion_to_yaw(quat_to_coeffs(state.rotation)))

    def geodesic_distance(
        self, start_xy: Sequence[float], goal_points: Sequence[Sequence[float]]
    ) -> float:
        import habitat_sim

        path = habitat_sim.MultiGoalShortestPath()
        path.requested_start = self._on_navmesh(start_xy)
        path.requested_ends = [self._on_navmesh(p) for p in as_points(goal_points)]
        if not self._sim.pathfinder.find_path(path):
            return math.inf
        return float(path.geodesic_distance)

    def shortest_path(
        self, start_xy: Sequence[float], goal_xy: Sequence[float] | Sequence[Sequence[float]]
    ) -> list[XY]:
        import habitat_sim

        path = habitat_sim.MultiGoalShortestPath()
        path.requested_start = self._on_navmesh(start_xy)
        path.requested_ends = [self._on_navmesh(p) for p in as_points(goal_xy)]
        if not self._sim.pathfinder.find_path(path):
            return []
        return [habitat_to_world(p)[:2] for p in path.points]

    def close(self) -> None:
        self._sim.close()

    def _on_navmesh(self, xy: Sequence[float]) -> np.ndarray:
        """A world (x, y) at the agent's floor height, in habitat coordinates, snapped."""
        floor_y = float(self._agent.get_state().position[1])
        x_h, _, z_h = world_to_habitat((xy[0], xy[1], 0.0))
        return np.asarray(self._sim.pathfinder.snap_point(np.array([x_h, floor_y, z_h])))

    def _place_agent(self, episode: Episode) -> Pose2D:
        import habitat_sim
        from habitat_sim.utils.common import quat_from_coeffs

        state = habitat_sim.AgentState()
        state.position = np.array(world_to_habitat(episode.start_position), dtype=np.float32)
        state.rotation = quat_from_coeffs(yaw_to_habitat_quaternion(episode.start_yaw))
        self._agent.set_state(state, reset_sensors=True)
        self._last_obs = self._sim.get_sensor_observations()
        return self.pose

    def _move(self, action: Action) -> bool:
        self._last_obs = self._sim.step(HABITAT_ACTIONS[action])
        return bool(self._sim.previous_step_collided)

    def _render(self) -> tuple[np.ndarray, np.ndarray, None]:
        rgb = np.ascontiguousarray(self._last_obs["rgb"][..., :3], dtype=np.uint8)
        depth = np.asarray(self._last_obs["depth"], dtype=np.float32).reshape(rgb.shape[:2])
        return rgb, depth, None
