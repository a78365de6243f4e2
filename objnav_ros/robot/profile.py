"""Velocity-profile arithmetic: clamping, rate limiting and trapezoidal speeds."""

from __future__ import annotations

import math

DECEL_FRACTION = 0.8
"""Plan deceleration at this fraction of the limit so a rate-limited command can follow it."""


def wrap_angle(angle: float) -> float:
    """``angle`` in (-pi, pi]."""
    return math.atan2(math.sin(angle), math.cos(angle))


def clamp(value: float, limit: float) -> float:
    """``value`` limited to [-limit, limit]; NaN becomes 0."""
    if math.isnan(value):
        return 0.0
    return max(-limit, min(limit, value))


def rate_limit(previous: float, target: float, max_rate: float, dt: float) -> float:
    """Step from ``previous`` toward ``target`` by at most ``max_rate * dt``."""
    return previous + clamp(target - previous, max_rate * dt)


def profile_speed(remaining: float, max_speed: float, max_accel: float, gain: float,
                  min_speed: float) -> float:
    """Signed speed toward a target ``remaining`` away.

    The slowest of the cruise speed, the trapezoid's braking curve and a proportional
    tail, but at least ``min_speed`` (the base's deadband).
    """
    distance = abs(remaining)
    speed = min(max_speed, math.sqrt(2.0 * DECEL_FRACTION * max_accel * distance),
                gain * distance)
    return math.copysign(max(speed, min_speed), remaining)


def trapezoid_duration(distance: float, max_speed: float, max_accel: float) -> float:
    """Time to cover ``distance`` from rest to rest with a trapezoidal profile (s)."""
    distance = abs(distance)
    if distance * max_accel >= max_speed * max_speed:
        return distance / max_speed + max_speed / max_accel
    return 2.0 * math.sqrt(distance / max_accel)
