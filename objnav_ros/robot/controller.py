"""Closed-loop execution of one relative motion (drive straight or turn in place)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from objnav_ros.core.types import Pose2D
from objnav_ros.robot.config import ControllerConfig
from objnav_ros.robot.profile import (
    clamp,
    profile_speed,
    rate_limit,
    trapezoid_duration,
    wrap_angle,
)


@dataclass(frozen=True)
class Command:
    """Base velocity: forward m/s and counter-clockwise rad/s."""

    linear: float = 0.0
    angular: float = 0.0


STOP = Command()
ARRIVE_FRACTION = 0.5
"""The command aims into this fraction of the tolerance; settling accepts all of it."""


@dataclass(frozen=True)
class MotionGoal:
    """Drive ``amount`` metres along the start heading, or turn ``amount`` rad (left +)."""

    amount: float
    turn: bool


def limit(command: Command, config: ControllerConfig) -> Command:
    """``command`` within the velocity limits (NaN becomes 0)."""
    return Command(clamp(command.linear, config.max_linear_mps),
                   clamp(command.angular, config.max_angular_rps))


def nominal_duration(goal: MotionGoal, config: ControllerConfig) -> float:
    """Duration of ``goal`` on the trapezoidal profile at the limits (s)."""
    if goal.turn:
        return trapezoid_duration(goal.amount, config.max_angular_rps, config.max_angular_accel)
    return trapezoid_duration(goal.amount, config.max_linear_mps, config.max_linear_accel)


class MotionController:
    """Profile toward a relative target on odometry; velocity and acceleration limited.

    ``start`` a goal, then ``update`` with each pose and time: the command follows a
    trapezoid (cruise, then brake, then a proportional tail) and changes by at most the
    acceleration limit times the elapsed time. Forward motion also holds the start
    heading. The command drives into the inner half of the tolerance, so a base that
    coasts a little still ends within it; ``settled`` turns True once the pose has
    stayed within tolerance with a zero command for ``settle_s``, and a pose drifting
    out of the tolerance resumes control.
    """

    def __init__(self, config: ControllerConfig) -> None:
        self.config = config
        self.command = STOP
        self.goal: MotionGoal | None = None
        self.settled = False

    @property
    def active(self) -> bool:
        return self.goal is not None

    def start(self, goal: MotionGoal, pose: Pose2D, t: float) -> None:
        """Begin ``goal`` from ``pose`` at rest."""
        self.goal, self.command, self.settled = goal, STOP, False
        self._start, self._last_yaw, self._turned, self._t = pose, pose.yaw, 0.0, t
        self._still_since: float | None = None
        self._arrived = False

    def stop(self) -> None:
        """Forget the goal; the command becomes zero at once."""
        self.goal, self.command, self.settled = None, STOP, False

    def remaining(self, pose: Pose2D) -> float:
        """Signed distance (m) or angle (rad) still to go."""
        if self.goal.turn:
            return self.goal.amount - self._turned
        dx, dy = pose.x - self._start.x, pose.y - self._start.y
        progress = dx * math.cos(self._start.yaw) + dy * math.sin(self._start.yaw)
        return self.goal.amount - progress

    def update(self, pose: Pose2D, t: float) -> Command:
        """Command for ``pose`` at time ``t`` (the last command when time did not advance)."""
        if self.goal is None:
            return STOP
        dt = t - self._t
        if not dt > 0:
            return self.command
        self._t = t
        self._turned += wrap_angle(pose.yaw - self._last_yaw)
        self._last_yaw = pose.yaw
        cfg = self.config
        remaining = self.remaining(pose)
        tolerance = cfg.yaw_tolerance_rad if self.goal.turn else cfg.position_tolerance_m
        # Hysteresis: drive into the inner half of the tolerance, resume only outside it.
        self._arrived = abs(remaining) <= tolerance * (1.0 if self._arrived else ARRIVE_FRACTION)
        linear = angular = 0.0
        if not self._arrived and self.goal.turn:
            angular = profile_speed(remaining, cfg.max_angular_rps, cfg.max_angular_accel,
                                    cfg.angular_gain, cfg.min_angular_rps)
        elif not self._arrived:
            linear = profile_speed(remaining, cfg.max_linear_mps, cfg.max_linear_accel,
                                   cfg.linear_gain, cfg.min_linear_mps)
            angular = cfg.heading_gain * wrap_angle(self._start.yaw - pose.yaw)
        self.command = limit(Command(
            rate_limit(self.command.linear, linear, cfg.max_linear_accel, dt),
            rate_limit(self.command.angular, angular, cfg.max_angular_accel, dt)), cfg)
        if self._arrived and self.command == STOP:
            self._still_since = t if self._still_since is None else self._still_since
        else:
            self._still_since = None
        self.settled = self._still_since is not None and t - self._still_since >= cfg.settle_s
        return self.command

