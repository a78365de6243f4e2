import math

import pytest

from objnav_ros.robot.profile import (
    DECEL_FRACTION,
    clamp,
    profile_speed,
    rate_limit,
    trapezoid_duration,
    wrap_angle,
)


def test_clamp_limits_and_zeroes_nan():
    assert clamp(2.0, 1.0) == 1.0 and clamp(-2.0, 1.0) == -1.0 and clamp(0.5, 1.0) == 0.5
    assert clamp(math.inf, 0.3) == 0.3 and clamp(-math.inf, 0.3) == -0.3
    assert clamp(math.nan, 0.3) == 0.0


def test_rate_limit_steps_by_at_most_rate_times_dt():
    assert rate_limit(0.0, 1.0, 0.5, 0.1) == pytest.approx(0.05)
    assert rate_limit(0.3, 0.0, 0.5, 0.1) == pytest.approx(0.25)
    assert rate_limit(0.01, 0.0, 0.5, 0.1) == 0.0


def test_profile_speed_cruises_brakes_and_keeps_the_deadband():
    assert profile_speed(2.0, 0.3, 0.5, 1.5, 0.02) == 0.3
    braking = math.sqrt(2 * DECEL_FRACTION * 0.5 * 0.05)
    assert profile_speed(0.05, 0.3, 0.5, 10.0, 0.0) == pytest.approx(braking)
    assert profile_speed(0.01, 0.3, 0.5, 1.5, 0.0) == pytest.approx(0.015)
    assert profile_speed(0.001, 0.3, 0.5, 1.5, 0.02) == 0.02
    assert profile_speed(-1.0, 0.3, 0.5, 1.5, 0.02) == -0.3


def test_trapezoid_duration():
    # cruise reached: 0.6 s ramps (0.09 m each way) + 0.82 m at 0.3 m/s
    assert trapezoid_duration(1.0, 0.3, 0.5) == pytest.approx(1.0 / 0.3 + 0.6)
    # triangle: never reaches cruise speed
    assert trapezoid_duration(0.1, 0.3, 0.5) == pytest.approx(2 * math.sqrt(0.2))
    assert trapezoid_duration(-0.1, 0.3, 0.5) == trapezoid_duration(0.1, 0.3, 0.5)


def test_wrap_angle():
    assert wrap_angle(3 * math.pi / 2) == pytest.approx(-math.pi / 2)
    assert wrap_angle(-0.1) == pytest.approx(-0.1)
