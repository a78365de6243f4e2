"""The simulator bridge node's ROS parameters (declared in one place) and its world.

The world's parameters are the declarations of :class:`SceneSource` and :class:`SimConfig`
(plus the action preset), so the bridge, the CLIs and the launch arguments share them.
"""

from __future__ import annotations

from objnav_ros.core.actions import ACTION_PRESET, action_space
from objnav_ros.core.params import ParamSpec
from objnav_ros.core.schema import declaration, from_params, param_specs
from objnav_ros.sim.config import SimConfig
from objnav_ros.sim.factory import BACKEND
from objnav_ros.sim.scene_source import SceneSource

CAMERA = ("width", "height", "hfov_deg", "camera_height_m")
PARAMETERS = [
    BACKEND.spec("backend", read_only=True),
    *param_specs(SceneSource, names=("scene", "episode_file", "seed", "n_episodes"),
                 read_only=True),
    ParamSpec("lock_step", True, "One simulator step per action (true) or free-run at rate_hz "
              "(false).", read_only=True),
    ParamSpec("rate_hz", 5.0, "Free-run step rate.", min_value=0.1, max_value=200.0,
              read_only=True),
    ParamSpec("hold_last_action", False, "Free-run: repeat the last action every tick."),
    ACTION_PRESET.spec("action_preset", read_only=True),
    *param_specs(SimConfig, names=(*CAMERA, "success_distance_m", "max_steps"), read_only=True),
    declaration(SimConfig, "semantic").spec("publish_semantic", True, read_only=True),
    ParamSpec("step_period_s", 0.1, "Sim time advanced per step (stamps and /clock).",
              min_value=0.001, max_value=10.0, read_only=True),
    ParamSpec("auto_next_episode", True, "Start the next episode when one ends."),
    ParamSpec("exit_when_done", False, "Exit (status 0) after the last episode ends.",
              read_only=True),
    ParamSpec("start_after_subscribers", 0,
              "Start the first episode once this many EpisodeStatus subscribers matched "
              "(0 = at once; a recorder sets it so that no step goes unrecorded).",
              min_value=0, max_value=100, read_only=True),
    ParamSpec("republish_period_s", 1.0,
              "Republish the current observation while waiting for an action (0 = never).",
              min_value=0.0, max_value=60.0, read_only=True),
    ParamSpec("odom_frame", "odom", "Odometry frame (REP-105).", read_only=True),
    ParamSpec("base_frame", "base_link", "Robot base frame.", read_only=True),
    ParamSpec("camera_frame", "camera_link", "Camera body frame.", read_only=True),
    ParamSpec("optical_frame", "camera_optical_frame", "Camera optical frame (z forward).",
              read_only=True),
]


def bridge_world(values: dict) -> tuple[SimConfig, SceneSource]:
    """The simulator's settings and its scene and episodes (ValueError naming a bad one)."""
    config = from_params(SimConfig, values, action_space=action_space(values["action_preset"]),
                         semantic=values["publish_semantic"])
    source = from_params(SceneSource, values)
    if values["backend"] != "embedded" and not source.episode_file:
        raise ValueError(f"backend {values['backend']} needs an episode file "
                         "(parameter episode_file)")
    return config, source
