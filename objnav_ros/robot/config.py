"""Typed settings of the action executor; each field doubles as a ROS parameter.

Fields are declared with :func:`objnav_ros.core.schema.setting`, so the default,
description and range of each parameter live here only. Parameters are namespaced
``controller.<field>``, ``safety.<field>`` and ``tilt.<field>``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from objnav_ros.core.actions import ActionSpace
from objnav_ros.core.schema import check_settings, section, setting


@dataclass(frozen=True)
class ControllerConfig:
    """Velocity and acceleration limits, gains and tolerances of one relative motion."""

    max_linear_mps: float = setting(0.3, "largest |linear velocity| sent (m/s)",
                                    min_value=0.01, max_value=5.0)
    max_angular_rps: float = setting(1.0, "largest |angular velocity| sent (rad/s)",
                                     min_value=0.01, max_value=10.0)
    max_linear_accel: float = setting(0.5, "largest change of linear velocity (m/s^2)",
                                      min_value=0.01, max_value=20.0)
    max_angular_accel: float = setting(2.0, "largest change of angular velocity (rad/s^2)",
                                       min_value=0.01, max_value=50.0)
    min_linear_mps: float = setting(
        0.02, "smallest linear speed commanded while outside the tolerance (base deadband)",
        min_value=0.0, max_value=1.0)
    min_angular_rps: float = setting(
        0.1, "smallest angular speed commanded while outside the tolerance (base deadband)",
        min_value=0.0, max_value=2.0)
    linear_gain: float = setting(3.0, "proportional gain near the distance target (1/s)",
                                 min_value=0.01, max_value=100.0)
    angular_gain: float = setting(4.0, "proportional gain near the angle target (1/s)",
                                  min_value=0.01, max_value=100.0)
    heading_gain: float = setting(
        1.0, "gain holding the start heading while driving forward (1/s; 0 = off)",
        min_value=0.0, max_value=100.0)
    position_tolerance_m: float = setting(0.02, "distance target reached within (m)",
                                          min_value=0.001, max_value=1.0)
    yaw_tolerance_deg: float = setting(2.0, "angle target reached within (deg)",
                                       min_value=0.1, max_value=45.0)
    settle_s: float = setting(
        0.2, "time at rest within tolerance before an action counts as done (s)",
        min_value=0.0, max_value=10.0)

    def __post_init__(self) -> None:
        check_settings(self)
        if self.min_linear_mps > self.max_linear_mps:
            raise ValueError("min_linear_mps: must not exceed max_linear_mps")
        if self.min_angular_rps > self.max_angular_rps:
            raise ValueError("min_angular_rps: must not exceed max_angular_rps")

    @property
    def yaw_tolerance_rad(self) -> float:
        return math.radians(self.yaw_tolerance_deg)


@dataclass(frozen=True)
class SafetyConfig:
    """When the base is stopped: stale sensors (arrival, header stamp) and the action time limit."""

    image_timeout_s: float = setting(
        0.3, "images older than this stop the base (s)", min_value=0.01, max_value=10.0)
    odom_timeout_s: float = setting(
        0.2, "odometry older than this stops the base (s)", min_value=0.01, max_value=10.0)
    timeout_factor: float = setting(
        2.0, "an action may take this many times its nominal profile duration, plus the margin",
        min_value=1.0, max_value=100.0)
    timeout_margin_s: float = setting(
        2.0, "extra time allowed per action (s)", min_value=0.0, max_value=600.0)
    stamp_tolerance_s: float = setting(
        0.2, "allowed offset between a sensor's header stamps and this node's clock (s): "
        "stamps older than the timeout plus this, or ahead by more, stop the base",
        min_value=0.0, max_value=60.0)

    def __post_init__(self) -> None:
        check_settings(self)


@dataclass(frozen=True)
class TiltConfig:
    """Camera tilt driven by LOOK_UP / LOOK_DOWN (absolute angle, up positive)."""

    min_deg: float = setting(-60.0, "lowest tilt commanded (deg)", min_value=-90.0,
                             max_value=0.0)
    max_deg: float = setting(60.0, "highest tilt commanded (deg)", min_value=0.0,
                             max_value=90.0)
    settle_s: float = setting(0.5, "wait after a tilt command before the next image (s)",
                              min_value=0.0, max_value=10.0)

    def __post_init__(self) -> None:
        check_settings(self)


@dataclass(frozen=True)
class ExecutorConfig:
    """Everything the pure executor needs; see :class:`ActionExecutor`."""

    actions: ActionSpace = field(default_factory=ActionSpace)
    controller: ControllerConfig = section(ControllerConfig, flags=None)
    safety: SafetyConfig = section(SafetyConfig, flags=None)
    tilt: TiltConfig | None = None  # None: no tilt unit, LOOK_* are ignored
    require_depth: bool = setting(
        True, "Observations need a depth image with the RGB image's stamp; stale depth stops "
        "the base.")
    max_steps: int = setting(500, "Actions per episode before it ends (max_steps); 0 = no limit.",
                             min_value=0, max_value=1_000_000)
    episode_prefix: str = setting(
        "robot", "Episode ids are <prefix>-<start time>-<n>.",
        rule=lambda v: None if v else "must not be empty")
    reobserve_s: float = setting(
        10.0, "Report a fresh observation of the same step when no action answered the last one "
        "for this long (s), so a late-starting policy catches up; 0 = never.",
        min_value=0.0, max_value=3600.0)

    def __post_init__(self) -> None:
        check_settings(self)
