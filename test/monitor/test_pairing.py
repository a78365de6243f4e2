from objnav_ros.core.actions import Action
from objnav_ros.core.types import Pose2D
from objnav_ros.monitor import EpisodeStart, StepPairer, StepRecord

F, L = Action.MOVE_FORWARD, Action.TURN_LEFT
P = [Pose2D(0.25 * i, 0.0, 0.0) for i in range(5)]


def records(items):
    return [item for item in items if isinstance(item, StepRecord)]


def test_status_pairing_in_the_simulator_order():
    pairer = StepPairer()
    assert pairer.add_pose(1.0, P[0]) == []
    assert pairer.add_status("ep", 0, 7, 1.0, False) == [EpisodeStart("ep")]
    assert pairer.add_action(7, 1.0, F) == []
    assert pairer.add_pose(2.0, P[1]) == []
    (record,) = pairer.add_status("ep", 1, 8, 2.0, True)
    assert (record.step, record.time_s, record.action, record.collided) == (1, 2.0, F, True)
    assert (record.pose_before, record.pose) == (P[0], P[1])


def test_the_forward_length_comes_from_the_status_that_completes_the_step():
    pairer = StepPairer(forward_m=0.25)
    for t in (1.0, 2.0, 3.0):
        pairer.add_pose(t, P[int(t)])
    pairer.add_status("ep", 0, 1, 1.0, False, 0.4)
    pairer.add_action(1, 1.0, F)
    assert records(pairer.add_status("ep", 1, 2, 2.0, False, 0.4))[0].forward_m == 0.4
    pairer.add_action(2, 2.0, F)
    assert records(pairer.add_status("ep", 2, 3, 3.0, False))[0].forward_m == 0.25  # none


def test_status_before_its_odometry_and_action_waits_for_both():
    pairer = StepPairer()
    pairer.add_pose(1.0, P[0])
    pairer.add_status("ep", 0, 7, 1.0, False)
    assert pairer.add_status("ep", 1, 8, 2.0, False) == []  # no action, no odometry yet
    assert pairer.add_action(7, 1.0, L) == []
    assert pairer.add_pose(1.5, P[3]) == []  # odometry has not reached the stamp
    (record,) = pairer.add_pose(2.0, P[1])
    assert (record.action, record.pose) == (L, P[1])


def test_the_pose_is_the_odometry_nearest_to_the_stamp_within_tolerance():
    pairer = StepPairer(odom_tolerance_s=0.05)
    for i, t in enumerate((0.98, 1.02, 1.97, 2.06)):
        pairer.add_pose(t, P[i])
    pairer.add_status("ep", 0, 1, 1.0, False)
    pairer.add_action(1, 1.0, F)
    (record,) = pairer.add_status("ep", 1, 2, 2.0, False)
    assert (record.pose_before, record.pose) == (P[0], P[2])
    strict = StepPairer(odom_tolerance_s=0.01)
    strict.add_pose(1.0, P[0])
    strict.add_pose(2.05, P[1])
    strict.add_status("ep", 0, 1, 1.0, False)
    strict.add_action(1, 1.0, F)
    assert strict.add_status("ep", 1, 2, 2.0, False) == []


def test_unknown_sequence_numbers_use_the_last_action_since_the_status():
    pairer = StepPairer()
    for t in (1.0, 2.0, 3.0):
        pairer.add_pose(t, P[int(t)])
    pairer.add_status("ep", 0, 0, 1.0, False)
    pairer.add_action(0, 1.0, L)
    assert records(pairer.add_status("ep", 1, 0, 2.0, False))[0].action == L
    assert pairer.add_status("ep", 2, 0, 3.0, False) == []  # no action since: not pairable
    assert pairer.dropped == 1


def test_new_episode_on_new_id_or_step_reset_and_missed_statuses_are_dropped():
    pairer = StepPairer()
    pairer.add_status("a", 0, 1, 1.0, False)
    assert pairer.add_status("b", 0, 1, 1.0, False) == [EpisodeStart("b")]
    pairer.add_status("b", 1, 2, 2.0, False)
    assert pairer.add_status("b", 1, 2, 2.0, False) == []  # repeated: ignored
    assert pairer.add_status("b", 0, 3, 3.0, False) == [EpisodeStart("b")]
    assert pairer.add_status("b", 2, 4, 4.0, False) == []
    assert pairer.dropped == 1  # step 1 missing: step 2 cannot be paired


def test_a_step_still_waiting_when_the_next_completes_is_dropped():
    pairer = StepPairer()
    pairer.add_pose(1.0, P[0])
    pairer.add_status("ep", 0, 1, 1.0, False)
    pairer.add_status("ep", 1, 2, 2.0, False)  # its action never comes
    pairer.add_action(2, 2.0, F)
    pairer.add_pose(2.0, P[1])
    assert records(pairer.add_pose(3.0, P[2])) == []
    (record,) = pairer.add_status("ep", 2, 3, 3.0, False)
    assert (record.step, pairer.dropped) == (2, 1)


def test_action_pairing_for_robots_without_episode_status():
    pairer = StepPairer(forward_m=0.4)
    for i in range(4):
        pairer.add_pose(float(i), P[i])
    first = pairer.add_action(5, 0.0, F, completes_step=True)
    assert first == [EpisodeStart("1")]
    (record,) = pairer.add_action(6, 1.0, Action.STOP, completes_step=True)
    assert (record.step, record.action, record.collided, record.forward_m) == (1, F, None, 0.4)
    assert (record.pose_before, record.pose) == (P[0], P[1])
    assert pairer.add_action(7, 2.0, L, completes_step=True) == [EpisodeStart("2")]
    (record,) = pairer.add_action(8, 3.0, F, completes_step=True)
    assert (record.step, record.action, record.pose) == (1, L, P[3])
