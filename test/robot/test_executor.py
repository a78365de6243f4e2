import math

import pytest

from objnav_ros.core.actions import Action, action_space
from objnav_ros.robot.config import ControllerConfig, ExecutorConfig, SafetyConfig, TiltConfig
from objnav_ros.robot.controller import STOP
from objnav_ros.robot.executor import END_MAX_STEPS, END_STOP, Result
from objnav_ros.robot.safety import E_STOP, ODOM_STALE, RGB_STALE
from test.robot.kinematics import DiffDrive
from test.robot.rig import Rig

SETTLE = ControllerConfig().settle_s


def test_first_status_names_an_image_received_after_the_goal():
    rig = Rig()
    rig.advance(0.5)
    assert rig.statuses == [] and rig.core.state() == "waiting_for_goal"
    goal_t = rig.t
    assert rig.core.on_goal("chair", goal_t)
    status = rig.until_status()
    assert status.stamp_ns >= goal_t * 1e9 and status.observation_seq == 1
    assert (status.step, status.done, status.collided) == (0, False, False)
    assert status.episode_id == "robot-test-1" and status.object_category == "chair"
    assert math.isclose(status.path_length, 0.0)
    assert rig.core.state() == "waiting_for_action"
    assert not rig.core.on_goal("chair", rig.t)  # repeat before any step: same episode
    assert not rig.core.on_goal("  ", rig.t)


def test_no_status_until_odometry_arrives():
    rig = Rig()
    rig.odom_on = False
    rig.core.on_goal("chair", 0.0)
    rig.advance(1.0)
    assert rig.statuses == [] and ODOM_STALE in rig.core.watchdog.faults(rig.t)
    rig.odom_on = True
    assert rig.until_status(1.0).observation_seq == 1


@pytest.mark.parametrize("action, dx, dyaw_deg", [
    (Action.MOVE_FORWARD, 0.25, 0.0), (Action.TURN_LEFT, 0.0, 30.0),
    (Action.TURN_RIGHT, 0.0, -30.0)])
def test_lock_step_motion_then_a_status_after_it_settled(action, dx, dyaw_deg):
    rig = Rig()
    rig.started()
    assert rig.act(action, seq=1).result is Result.ACCEPTED
    assert rig.core.state() == "moving"
    status = rig.until_status()
    settled_at = max(t for t, c in rig.commands if c != STOP) + SETTLE
    assert status.stamp_ns / 1e9 >= settled_at - 1e-9
    assert (status.observation_seq, status.step, status.collided) == (2, 1, False)
    assert rig.base.x == pytest.approx(dx, abs=0.02)
    assert math.degrees(rig.base.yaw) == pytest.approx(dyaw_deg, abs=2.0)
    assert rig.core.counts["completed"] == 1
    assert status.path_length == pytest.approx(dx, abs=0.02)


def test_a_motion_is_never_preempted_by_another_and_old_answers_are_stale():
    rig = Rig()
    rig.started()
    rig.act(Action.MOVE_FORWARD)
    rig.advance(0.3)
    assert rig.act(Action.TURN_LEFT).result is Result.BUSY
    rig.until_status()
    assert rig.act(Action.TURN_LEFT, seq=1).result is Result.STALE
    assert rig.act(Action.TURN_LEFT, seq=0).result is Result.ACCEPTED  # seq unknown: teleop
    assert rig.core.counts["rejected_busy"] == rig.core.counts["rejected_stale"] == 1


def test_unknown_action_ids_are_rejected_and_counted():
    rig = Rig()
    rig.started()
    for action_id in (6, 255):
        response = rig.act(action_id)
        assert response.result is Result.UNKNOWN and "unknown action id" in response.detail
    assert rig.core.counts["rejected_unknown_action"] == 2 and rig.core.episode.step == 0


def test_stop_preempts_at_once_and_ends_the_episode():
    rig = Rig()
    rig.started()
    rig.act(Action.MOVE_FORWARD)
    rig.advance(0.5)
    assert rig.command != STOP
    stop_t = rig.t
    assert rig.act(Action.STOP, seq=12345).result is Result.ACCEPTED  # any seq: always taken
    assert rig.command == STOP
    status = rig.until_status()
    assert status.done and status.end_reason == END_STOP and status.step == 2
    assert status.stamp_ns / 1e9 >= stop_t + SETTLE - 1e-9
    assert rig.act(Action.MOVE_FORWARD).result is Result.NO_EPISODE
    assert rig.core.state() == "episode_done"
    assert rig.core.on_goal("chair", rig.t)  # a new goal starts a new episode
    status = rig.until_status()
    assert (status.episode_id, status.step, status.done) == ("robot-test-2", 0, False)


def test_look_without_tilt_unit_is_ignored_but_the_loop_goes_on():
    rig = Rig()
    rig.started()
    response = rig.act(Action.LOOK_UP)
    assert response.result is Result.IGNORED and response.tilt_rad is None
    assert rig.until_status().step == 1 and rig.core.counts["ignored_look"] == 1


def test_look_commands_the_tilt_within_limits_and_waits_for_it():
    rig = Rig(ExecutorConfig(tilt=TiltConfig(min_deg=-45.0, max_deg=45.0, settle_s=0.4)))
    rig.started()
    tilts = []
    for action in (Action.LOOK_UP, Action.LOOK_UP, Action.LOOK_DOWN):
        t = rig.t
        tilts.append(rig.act(action).tilt_rad)
        assert rig.until_status().stamp_ns / 1e9 >= t + 0.4 - 1e-9
    assert [round(math.degrees(r)) for r in tilts] == [30, 45, 15]


@pytest.mark.parametrize("fault", ["e_stop", "camera", "odom"])
def test_a_fault_stops_the_base_at_the_next_tick_and_aborts_the_action(fault):
    rig = Rig()
    rig.started()
    rig.act(Action.MOVE_FORWARD)
    rig.advance(0.5)
    assert rig.command.linear > 0
    t0 = rig.t
    if fault == "e_stop":
        rig.core.on_e_stop(True)
    elif fault == "camera":
        rig.camera_on = False
    else:
        rig.odom_on = False
    rig.advance(0.6)
    first_zero = min(t for t, c in rig.commands if t > t0 and c == STOP)
    limit = {"e_stop": 0.0, "camera": 0.3, "odom": 0.2}[fault] + 0.05 + 1e-9
    assert first_zero - t0 <= limit
    assert rig.core.counts["aborted"] == 1 and rig.core.summary(rig.t).level == "WARN"
    assert len(rig.statuses) == 1  # no report while the fault lasts
    rig.core.on_e_stop(False)
    rig.camera_on = rig.odom_on = True
    status = rig.until_status()
    assert status.step == 1 and not status.collided and status.observation_seq == 2


def test_action_during_a_fault_is_aborted_and_reported_when_it_clears():
    rig = Rig()
    rig.started()
    rig.core.on_e_stop(True)
    response = rig.act(Action.MOVE_FORWARD)
    assert response.result is Result.ABORTED and E_STOP in response.detail
    rig.advance(1.0)
    assert rig.base.x == 0.0 and len(rig.statuses) == 1
    assert rig.core.summary(rig.t).values["faults"] == E_STOP
    rig.core.on_e_stop(False)
    assert rig.until_status().step == 1


def test_blocked_base_times_out_and_reports_a_collision():
    safety = SafetyConfig(timeout_factor=1.0, timeout_margin_s=0.5)
    rig = Rig(ExecutorConfig(safety=safety), DiffDrive(blocked=True))
    rig.started()
    start = rig.t
    rig.act(Action.MOVE_FORWARD)
    status = rig.until_status()
    allowance = 0.25 / 0.3 + 0.3 / 0.5 + 0.5
    moving = [t for t, c in rig.commands if t > start and c != STOP]
    assert max(moving) <= start + allowance + 1e-9
    assert max(moving) >= start + allowance - 0.05 - 1e-9
    assert status.collided and rig.core.counts["timed_out"] == 1 and not status.done


def test_max_steps_ends_the_episode():
    rig = Rig(ExecutorConfig(max_steps=2))
    rig.started()
    rig.act(Action.TURN_LEFT)
    assert not rig.until_status().done
    rig.act(Action.TURN_RIGHT)
    status = rig.until_status()
    assert status.done and status.end_reason == END_MAX_STEPS


def test_new_goal_mid_motion_halts_and_starts_a_new_episode():
    rig = Rig()
    rig.started()
    rig.act(Action.MOVE_FORWARD)
    rig.advance(0.4)
    assert rig.core.on_goal("bed", rig.t)
    rig.command = rig.core.tick(rig.t)
    assert rig.command == STOP
    status = rig.until_status()
    assert (status.episode_id, status.object_category, status.step) == ("robot-test-2", "bed", 0)


def test_observation_needs_depth_of_the_same_stamp_unless_not_required():
    for required in (True, False):
        rig = Rig(ExecutorConfig(require_depth=required))
        rig.core.on_goal("chair", 0.0)
        for k in range(1, 30):
            t = k * 0.02
            rig.core.on_odom(rig.base.pose, t, k)
            rig.core.on_rgb(k, "camera", t)
            rig.core.on_depth(k + 1000, t)  # never the RGB stamp
            assert rig.core.take_status(t) is None or not required
        assert (rig.core.observation_seq == 0) == required


def test_status_stamps_strictly_increase_even_if_the_camera_repeats_one():
    rig = Rig(ExecutorConfig(require_depth=False, safety=SafetyConfig(image_timeout_s=2.0)))
    rig.core.on_goal("chair", 0.0)
    rig.core.on_odom(rig.base.pose, 0.0, 0)
    rig.core.on_rgb(5, "camera", 0.0)
    assert rig.core.take_status(0.0).stamp_ns == 5
    rig.core.on_action(Action.TURN_LEFT, 1, 0.0)
    assert rig.core.state() == "moving"
    rig.core.on_goal("bed", 0.01)
    rig.core.on_rgb(5, "camera", 0.5)
    rig.core.on_odom(rig.base.pose, 0.5, 500_000_000)
    assert rig.core.take_status(0.5) is None  # same stamp as the last report
    rig.core.on_rgb(6, "camera", 0.5)
    assert rig.core.take_status(0.5).stamp_ns == 6


def test_non_finite_odometry_is_dropped():
    rig = Rig()
    rig.core.on_odom(DiffDrive().pose, 0.0, 0)
    rig.core.on_odom(type(rig.base.pose)(math.nan, 0.0, 0.0), 0.1, 100_000_000)
    assert rig.core.pose.x == 0.0
    assert ODOM_STALE in rig.core.watchdog.faults(0.25)


def test_seed_preset_amounts_are_used():
    rig = Rig(ExecutorConfig(actions=action_space("seed")))
    rig.started()
    rig.act(Action.MOVE_FORWARD)
    rig.until_status()
    assert rig.base.x == pytest.approx(0.4, abs=0.02)


def test_summary_reports_state_faults_and_counts():
    rig = Rig()
    summary = rig.core.summary(0.0)
    assert summary.level == "WARN" and RGB_STALE in summary.message
    rig.started()
    summary = rig.core.summary(rig.t)
    assert summary.level == "OK" and summary.values["state"] == "waiting_for_action"
    assert summary.values["episode_id"] == "robot-test-1"


def test_unanswered_observation_is_reported_again_and_any_since_the_action_is_fresh():
    rig = Rig(ExecutorConfig(reobserve_s=2.0))
    rig.started()
    rig.act(Action.TURN_LEFT)
    assert rig.until_status().observation_seq == 2
    rig.advance(1.9)
    assert len(rig.statuses) == 2
    again = rig.until_status(0.5)
    assert (again.observation_seq, again.step) == (3, 1) and rig.core.counts["reobserved"] == 1
    assert again.stamp_ns > rig.statuses[1].stamp_ns
    assert rig.act(Action.TURN_LEFT, seq=1).result is Result.STALE  # before the last action
    assert rig.act(Action.TURN_LEFT, seq=4).result is Result.STALE  # not reported yet
    assert rig.act(Action.TURN_LEFT, seq=2).result is Result.ACCEPTED  # slow policy: still valid
    assert rig.act(Action.TURN_LEFT, seq=3).result is Result.BUSY


def test_no_reobservation_when_off():
    rig = Rig(ExecutorConfig(reobserve_s=0.0))
    rig.started()
    rig.advance(20.0)
    assert len(rig.statuses) == 1
