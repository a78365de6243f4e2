"""The policy node's ROS parameters (declared in one place) and the settings built from them.

All are read-only: the policy is built once at start-up.
"""

from __future__ import annotations

from objnav_ros.core.actions import ACTION_PRESET, action_space
from objnav_ros.core.params import DIAGNOSTICS_PERIOD, ParamSpec
from objnav_ros.core.schema import from_params, param_specs
from objnav_ros.policy.factory import POLICY, VLM_FIELDS, PolicySettings

PARAMETERS = [
    POLICY.spec("policy", read_only=True),
    *param_specs(PolicySettings, names=VLM_FIELDS, read_only=True),
    ACTION_PRESET.spec("action_preset", read_only=True),
    *param_specs(PolicySettings, names=("scene", "episode_file", "seed"), read_only=True),
    ParamSpec("use_semantic", True,
              "Use camera/semantic/image_raw (simulation) for policies that read it; "
              "false where none is published (a real robot).", read_only=True),
    ParamSpec("odom_tolerance_s", 0.05,
              "Largest stamp difference between a frame and the odometry giving its pose (s).",
              min_value=0.0, max_value=1.0, read_only=True),
    DIAGNOSTICS_PERIOD,
]


def policy_settings(values: dict) -> PolicySettings:
    """PolicySettings from parameter values (ValueError naming a bad field)."""
    return from_params(PolicySettings, values, kind=values["policy"],
                       actions=action_space(values["action_preset"]))
