import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from objnav_ros.core.types import Pose2D
from objnav_ros.robot.config import ControllerConfig
from objnav_ros.robot.controller import STOP, MotionController, MotionGoal, nominal_duration
from test.robot.kinematics import DiffDrive

CFG = ControllerConfig()
DT = 0.05  # 20 Hz control
SUBSTEPS = 5


def drive(goal, base, config=CFG, limit_s=20.0):
    """Run the controller on ``base`` until it settles; return (controller, commands, t)."""
    ctl = MotionController(config)
    t = 0.0
    ctl.start(goal, base.pose, t)
    commands = []
    while not ctl.settled and t < limit_s:
        t += DT
        cmd = ctl.update(base.pose, t)
        commands.append(cmd)
        for _ in range(SUBSTEPS):
            base.step(cmd.linear, cmd.angular, DT / SUBSTEPS)
    return ctl, commands, t


def assert_limited(commands, config=CFG, dt=DT):
    previous = STOP
    for cmd in commands:
        assert abs(cmd.linear) <= config.max_linear_mps
        assert abs(cmd.angular) <= config.max_angular_rps
        assert abs(cmd.linear - previous.linear) <= config.max_linear_accel * dt + 1e-12
        assert abs(cmd.angular - previous.angular) <= config.max_angular_accel * dt + 1e-12
        previous = cmd


@pytest.mark.parametrize("lag_s", [0.0, 0.15])
@pytest.mark.parametrize("distance", [0.25, 0.4, 1.0])
def test_forward_ends_within_tolerance_in_time(distance, lag_s):
    base = DiffDrive(x=1.0, y=-2.0, yaw=0.7, lag_s=lag_s)
    ctl, commands, t = drive(MotionGoal(distance, turn=False), base)
    assert ctl.settled
    moved = math.hypot(base.x - 1.0, base.y + 2.0)
    assert moved == pytest.approx(distance, abs=CFG.position_tolerance_m)
    assert base.pose.yaw == pytest.approx(0.7, abs=0.01)
    assert t < 2 * nominal_duration(MotionGoal(distance, False), CFG) + 1.0
    if distance == 1.0:
        assert max(c.linear for c in commands) == pytest.approx(CFG.max_linear_mps)
    assert_limited(commands)


@pytest.mark.parametrize("lag_s", [0.0, 0.15])
@pytest.mark.parametrize("degrees", [30, -30, 15, 90, 180, -180])
def test_turn_ends_within_tolerance_also_across_pi(degrees, lag_s):
    base = DiffDrive(yaw=3.0, lag_s=lag_s)
    ctl, commands, _ = drive(MotionGoal(math.radians(degrees), turn=True), base)
    assert ctl.settled
    turned = base.yaw - 3.0
    assert math.degrees(turned) == pytest.approx(degrees, abs=CFG.yaw_tolerance_deg)
    assert (base.x, base.y) == (0.0, 0.0)
    assert all(c.linear == 0.0 for c in commands)
    assert_limited(commands)


def test_forward_holds_the_start_heading_on_a_veering_base():
    held = DiffDrive(angular_bias=0.2)
    drive(MotionGoal(1.0, turn=False), held)
    free = DiffDrive(angular_bias=0.2)
    drive(MotionGoal(1.0, turn=False), free, ControllerConfig(heading_gain=0.0))
    assert abs(held.yaw) < abs(free.yaw) / 2


def test_overshoot_is_driven_back():
    ctl = MotionController(CFG)
    ctl.start(MotionGoal(0.25, turn=False), Pose2D(0, 0, 0), 0.0)
    pushed = Pose2D(0.4, 0.0, 0.0)
    commands = [ctl.update(pushed, 0.05 * k) for k in range(1, 20)]
    assert commands[-1].linear < 0 and not ctl.settled


def test_settles_only_after_resting_within_tolerance_for_settle_s():
    ctl = MotionController(ControllerConfig(settle_s=0.2))
    ctl.start(MotionGoal(0.25, turn=False), Pose2D(0, 0, 0), 0.0)
    there = Pose2D(0.25, 0.0, 0.0)
    ctl.update(there, 0.05)
    assert ctl.command == STOP and not ctl.settled
    ctl.update(there, 0.2)
    assert not ctl.settled
    ctl.update(Pose2D(0.2, 0.0, 0.0), 0.22)  # drifted back out: control resumes
    assert ctl.command.linear > 0 and not ctl.settled
    ctl.update(there, 0.3)  # braked to zero: rest starts
    ctl.update(there, 0.45)
    assert ctl.command == STOP and not ctl.settled
    ctl.update(there, 0.5)
    assert ctl.settled


def test_no_goal_same_time_and_stop():
    ctl = MotionController(CFG)
    assert ctl.update(Pose2D(0, 0, 0), 1.0) == STOP and not ctl.active
    ctl.start(MotionGoal(0.5, turn=True), Pose2D(0, 0, 0), 1.0)
    first = ctl.update(Pose2D(0, 0, 0), 1.1)
    assert first.angular == pytest.approx(CFG.max_angular_accel * 0.1)
    assert ctl.update(Pose2D(0, 0, 0), 1.1) == first  # time did not advance
    assert ctl.update(Pose2D(0, 0, 0), 1.0) == first  # nor went back
    ctl.stop()
    assert ctl.command == STOP and not ctl.active


# --- property: whatever the poses and times, the limits hold ---
positive = st.floats(0.05, 5.0)
configs = st.builds(ControllerConfig, max_linear_mps=positive, max_angular_rps=positive,
                    max_linear_accel=positive, max_angular_accel=positive,
                    min_linear_mps=st.floats(0.0, 0.05), min_angular_rps=st.floats(0.0, 0.05),
                    linear_gain=st.floats(0.01, 100.0), angular_gain=st.floats(0.01, 100.0),
                    heading_gain=st.floats(0.0, 100.0), settle_s=st.floats(0.0, 1.0))
coord = st.floats(-1e4, 1e4, allow_nan=False)
poses = st.builds(Pose2D, coord, coord, st.floats(-100.0, 100.0))
steps = st.lists(st.tuples(st.floats(-0.1, 2.0), poses), min_size=1, max_size=60)


@settings(max_examples=300, deadline=None)
@given(configs, st.floats(-10.0, 10.0), st.booleans(), poses, steps)
def test_velocity_and_acceleration_limits_hold_for_any_input(config, amount, turn, start, steps):
    ctl = MotionController(config)
    t = 0.0
    ctl.start(MotionGoal(amount, turn), start, t)
    previous = STOP
    for dt, pose in steps:
        cmd = ctl.update(pose, t + dt)
        assert math.isfinite(cmd.linear) and math.isfinite(cmd.angular)
        assert abs(cmd.linear) <= config.max_linear_mps
        assert abs(cmd.angular) <= config.max_angular_rps
        if dt > 0:
            elapsed, t = (t + dt) - t, t + dt  # what the controller sees, rounding included
            assert abs(cmd.linear - previous.linear) <= config.max_linear_accel * elapsed + 1e-12
            assert abs(cmd.angular - previous.angular) <= config.max_angular_accel * elapsed + 1e-12
        else:
            assert cmd == previous
        previous = cmd
