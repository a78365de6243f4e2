from objnav_ros.robot.config import SafetyConfig
from objnav_ros.robot.safety import DEPTH_STALE, E_STOP, ODOM_STALE, RGB_STALE, Watchdog

CFG = SafetyConfig(image_timeout_s=0.3, odom_timeout_s=0.2)


def test_inputs_that_never_arrived_are_stale():
    assert Watchdog(CFG, require_depth=True).faults(0.0) == (RGB_STALE, DEPTH_STALE, ODOM_STALE)
    assert Watchdog(CFG, require_depth=False).faults(0.0) == (RGB_STALE, ODOM_STALE)


def test_each_input_goes_stale_after_its_timeout():
    dog = Watchdog(CFG, require_depth=True)
    dog.rgb(1.0)
    dog.depth(1.0)
    dog.odom(1.0)
    assert dog.faults(1.2) == ()
    assert dog.faults(1.25) == (ODOM_STALE,)
    assert dog.faults(1.31) == (RGB_STALE, DEPTH_STALE, ODOM_STALE)


def test_e_stop_latches_until_released():
    dog = Watchdog(CFG, require_depth=False)
    dog.rgb(0.0)
    dog.odom(0.0)
    dog.e_stop = True
    assert dog.faults(0.1) == (E_STOP,)
    assert dog.faults(0.1) == (E_STOP,)
    dog.e_stop = False
    assert dog.faults(0.1) == ()
