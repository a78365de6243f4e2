import pytest

from objnav_ros.robot.config import SafetyConfig
from objnav_ros.robot.safety import (
    DEPTH_STALE,
    E_STOP,
    ODOM_CLOCK,
    ODOM_STALE,
    RGB_CLOCK,
    RGB_STALE,
    Watchdog,
)

CFG = SafetyConfig(image_timeout_s=0.3, odom_timeout_s=0.2, stamp_tolerance_s=0.1)


def test_inputs_that_never_arrived_are_stale():
    assert Watchdog(CFG, require_depth=True).faults(0.0) == (RGB_STALE, DEPTH_STALE, ODOM_STALE)
    assert Watchdog(CFG, require_depth=False).faults(0.0) == (RGB_STALE, ODOM_STALE)


def test_each_input_goes_stale_after_its_timeout():
    dog = Watchdog(CFG, require_depth=True)
    dog.rgb(1.0, 1.0)
    dog.depth(1.0, 1.0)
    dog.odom(1.0, 1.0)
    assert dog.faults(1.2) == ()
    assert dog.faults(1.25) == (ODOM_STALE,)
    assert dog.faults(1.31) == (RGB_STALE, DEPTH_STALE, ODOM_STALE)


def test_a_frozen_stamp_goes_stale_although_messages_keep_arriving():
    dog = Watchdog(CFG, require_depth=False)
    for k in range(100):  # 10 s of messages at 10 Hz; the image stamp never moves
        t = k * 0.1
        dog.rgb(t, 0.0)
        dog.odom(t, t)
    assert dog.faults(9.9) == (RGB_STALE,)
    dog.rgb(10.0, 10.0)  # the driver recovers
    assert dog.faults(10.0) == ()


def test_a_stamp_going_back_once_does_not_block_the_next_ones():
    dog = Watchdog(CFG, require_depth=False)
    dog.odom(0.0, 0.0)
    dog.rgb(0.0, 50.0)  # one bogus stamp from the future
    assert dog.faults(0.0) == (RGB_CLOCK,)
    dog.rgb(0.1, 0.1)
    dog.rgb(0.15, 0.15)
    assert dog.faults(0.15) == ()


@pytest.mark.parametrize(("offset", "expected"), [
    (0.0, ()), (0.05, ()), (0.15, (RGB_CLOCK, ODOM_CLOCK)),  # ahead: up to the tolerance
    (-0.35, (ODOM_CLOCK,)), (-0.45, (RGB_CLOCK, ODOM_CLOCK)),  # behind: timeout + tolerance
])
def test_stamps_are_judged_against_the_clock_with_the_tolerance(offset, expected):
    dog = Watchdog(CFG, require_depth=False)
    dog.rgb(100.0, 100.0 + offset)
    dog.odom(100.0, 100.0 + offset)
    assert dog.faults(100.0) == expected


def test_e_stop_latches_until_released():
    dog = Watchdog(CFG, require_depth=False)
    dog.rgb(0.0, 0.0)
    dog.odom(0.0, 0.0)
    dog.e_stop = True
    assert dog.faults(0.1) == (E_STOP,)
    assert dog.faults(0.1) == (E_STOP,)
    dog.e_stop = False
    assert dog.faults(0.1) == ()
