"""The executor node's ROS parameters (declared in one place) and the config built from them.

All are read-only: they are applied once at start-up.
"""

from __future__ import annotations

from dataclasses import replace

from objnav_ros.core.actions import ACTION_PRESET, action_space
from objnav_ros.core.params import DIAGNOSTICS_PERIOD, ParamSpec
from objnav_ros.core.schema import from_params, param_specs
from objnav_ros.robot.config import ControllerConfig, ExecutorConfig, SafetyConfig, TiltConfig

_TOP = [
    ParamSpec("goal", "", "Object category of the first episode; empty = wait for objnav/goal."),
    ACTION_PRESET.spec("action_preset"),
    ParamSpec("forward_m", 0.0, "MOVE_FORWARD distance (m); 0 = the preset's. The amounts "
              "executed go out in every EpisodeStatus (policy and monitor follow them).",
              min_value=0.0, max_value=5.0),
    ParamSpec("turn_deg", 0.0, "TURN_LEFT/RIGHT angle (deg); 0 = the preset's.",
              min_value=0.0, max_value=180.0),
    ParamSpec("look_deg", 0.0, "LOOK_UP/DOWN tilt step (deg); 0 = the preset's.",
              min_value=0.0, max_value=90.0),
    ParamSpec("camera_height_m", 0.0, "Camera height above the floor (m), carried in every "
              "EpisodeStatus with camera_info's model; 0 = not known (the frontier policy "
              "needs it).", min_value=0.0, max_value=5.0),
    ParamSpec("tilt_topic", "",
              "std_msgs/Float64 camera tilt command (rad, up positive); empty = no tilt "
              "unit, LOOK_UP/DOWN are ignored with a warning.", topic=True),
    *param_specs(ExecutorConfig),
    ParamSpec("control_rate_hz", 20.0, "Rate of cmd_vel messages (Hz).",
              min_value=1.0, max_value=200.0),
    DIAGNOSTICS_PERIOD,
]
PARAMETERS = [
    replace(spec, read_only=True)
    for spec in (_TOP + param_specs(ControllerConfig, "controller")
                 + param_specs(SafetyConfig, "safety") + param_specs(TiltConfig, "tilt"))
]


def executor_config(values: dict) -> ExecutorConfig:
    """ExecutorConfig from parameter values (ValueError naming a bad field)."""
    overrides = {name: values[name] for name in ("forward_m", "turn_deg", "look_deg")
                 if values[name] > 0}
    return from_params(
        ExecutorConfig, values,
        actions=action_space(values["action_preset"], **overrides),
        controller=from_params(ControllerConfig, values, "controller"),
        safety=from_params(SafetyConfig, values, "safety"),
        tilt=from_params(TiltConfig, values, "tilt") if values["tilt_topic"] else None)
