"""The executor node over loopback DDS against a simulated base and camera.

Bounds are asserted on the nodes' own clock: send / publish times recorded by the test
nodes and receipt times of every Twist at the base. "Eventually" waits are generous.
"""

import math

import pytest
from diagnostic_msgs.msg import DiagnosticStatus

from objnav_ros.core.actions import Action
from objnav_ros.msg import EpisodeStatus
from objnav_ros.robot.executor import END_MAX_STEPS, END_STOP
from test.robot.ros_rig import now_s, running, stamp_s, wait_for, wait_status

pytestmark = pytest.mark.ros
BOUND_S = 0.5
LIMITS = {"controller.max_linear_mps": 0.25, "controller.max_angular_rps": 0.8}
# Where staleness is not under test, lenient timeouts keep a stalled CPU from aborting.
LENIENT = {"safety.image_timeout_s": 2.0, "safety.odom_timeout_s": 2.0}


def moving(robot):
    return [(r, v, w) for r, v, w in robot.twists if v or w]


def test_status_constants_match_the_message():
    assert (END_STOP, END_MAX_STEPS) == (EpisodeStatus.END_STOP, EpisodeStatus.END_MAX_STEPS)


def test_forward_and_turns_end_within_tolerance_and_limits_hold(rclpy_context):
    params = {"goal": "chair", **LENIENT, **LIMITS}
    with running(rclpy_context, params) as (robot, driver, node):
        first = wait_status(driver, 1)
        assert (first.step, first.object_category, first.done) == (0, "chair", False)
        assert math.isnan(first.distance_to_goal)
        expected = [(0.25, 0.0), (0.25, 30.0), (0.25, 0.0)]
        for seq, action in enumerate((Action.MOVE_FORWARD, Action.TURN_LEFT,
                                      Action.TURN_RIGHT), start=1):
            driver.act(action)
            status = wait_status(driver, seq + 1)
            x_ref, yaw_ref = expected[seq - 1]
            assert node.core.counts["completed"] == seq, dict(node.core.counts)
            assert robot.base.x == pytest.approx(x_ref, abs=0.02)
            assert math.degrees(robot.base.yaw) == pytest.approx(yaw_ref, abs=2.0)
            # the observation is a camera frame taken after the base came to rest
            assert stamp_s(status) in robot.image_stamps
            assert stamp_s(status) > max(r for r, _, _ in moving(robot))
            assert (status.step, status.collided, status.done) == (seq, False, False)
        assert len(robot.twists) > 40
        assert max(abs(v) for _, v, _ in robot.twists) <= 0.25
        assert max(abs(w) for _, _, w in robot.twists) <= 0.8
        assert max(abs(v) for _, v, _ in robot.twists) > 0.2  # it did cruise
        driver.act(Action.STOP)
        last = wait_status(driver, 5)
        assert last.done and last.end_reason == "stop" and last.step == 4


@pytest.mark.parametrize("cause", ["images_stop", "e_stop", "volatile_e_stop",
                                   "frozen_image_stamp", "frozen_odom_stamp"])
def test_base_gets_zero_twist_within_half_a_second(rclpy_context, cause):
    params = {"goal": "chair", "forward_m": 2.0, "diagnostics_period_s": 0.2, **LIMITS,
              **(LENIENT if "e_stop" in cause else {})}
    with running(rclpy_context, params) as (robot, driver, _):
        wait_status(driver, 1)
        driver.act(Action.MOVE_FORWARD)
        wait_for(lambda: len(moving(robot)) > 5, what="motion")
        if cause == "images_stop":
            robot.camera_on = False
            start = wait_for(lambda: robot.image_stamps[-1] if not robot.camera_on else None)
        elif cause.startswith("frozen"):  # messages keep coming, their stamp stands still
            start = robot.frozen["odom" if "odom" in cause else "image"] = now_s(robot)
        else:
            start = driver.e_stop(True, "volatile" if cause.startswith("volatile") else "latched")
        zero = wait_for(lambda: robot.first_zero_after(start), what="zero Twist")
        assert zero - start <= BOUND_S
        assert not [r for r, v, w in moving(robot) if r > zero], "moved again while stopped"
        fault = ("e_stop" if "e_stop" in cause else
                 "odom_stale" if "odom" in cause else "rgb_stale")
        wait_for(lambda: [d for d in driver.diagnostics if d.name == "executor: base"
                          and d.level == DiagnosticStatus.WARN and fault in d.message],
                 what=f"a WARN diagnostic naming {fault}")
        robot.camera_on = True
        robot.frozen.clear()
        driver.e_stop(False, "volatile" if cause.startswith("volatile") else "latched")
        status = wait_status(driver, 2)
        assert status.step == 1 and not status.collided
        assert robot.base.x < 1.5  # aborted short of the 2 m


def test_action_time_out_stops_a_blocked_base(rclpy_context):
    params = {"goal": "chair", "safety.timeout_factor": 1.0, "safety.timeout_margin_s": 0.5,
              **LENIENT, **LIMITS}
    allowance = 0.25 / 0.25 + 0.25 / 0.5 + 0.5  # nominal trapezoid + margin
    with running(rclpy_context, params, blocked=True) as (robot, driver, _):
        wait_status(driver, 1)
        sent = driver.act(Action.MOVE_FORWARD)
        status = wait_status(driver, 2)
        zero = robot.first_zero_after(max(r for r, _, _ in moving(robot)))
        assert sent + allowance < zero <= sent + allowance + BOUND_S
        assert status.collided and status.step == 1 and robot.base.x == 0.0
