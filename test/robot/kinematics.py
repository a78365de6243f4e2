"""A kinematic differential-drive base for the tests: integrates the commanded Twist."""

from __future__ import annotations

import math
from dataclasses import dataclass

from objnav_ros.core.types import Pose2D


@dataclass
class DiffDrive:
    """Unicycle integrator; ``lag_s`` > 0 makes the velocity follow the command (1st order)."""

    x: float = 0.0
    y: float = 0.0
    yaw: float = 0.0
    lag_s: float = 0.0
    blocked: bool = False  # wheels held: the base does not move whatever it is told
    angular_bias: float = 0.0  # rad/s the base veers by (uneven wheels)
    linear: float = 0.0
    angular: float = 0.0

    @property
    def pose(self) -> Pose2D:
        return Pose2D(self.x, self.y, math.atan2(math.sin(self.yaw), math.cos(self.yaw)))

    def step(self, linear: float, angular: float, dt: float) -> None:
        alpha = 1.0 if self.lag_s <= 0 else min(1.0, dt / self.lag_s)
        self.linear += alpha * (linear - self.linear)
        self.angular += alpha * (angular - self.angular)
        if self.blocked:
            self.linear = self.angular = 0.0
            return
        self.x += self.linear * math.cos(self.yaw) * dt
        self.y += self.linear * math.sin(self.yaw) * dt
        self.yaw += (self.angular + self.angular_bias) * dt
