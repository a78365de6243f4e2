"""Pairing by stamp: poses, the policy's observations (LockStep), the monitor's steps."""

from objnav_ros.core.actions import Action
from objnav_ros.core.types import Pose2D
from objnav_ros.monitor import EpisodeStart, StepPairer, StepRecord
from objnav_ros.monitor.pairing import KEEP_FRAMES, LockStep, Mark, Poses

F, L = Action.MOVE_FORWARD, Action.TURN_LEFT
P = [Pose2D(0.25 * i, 0.0, 0.0) for i in range(5)]

A, B = b"bridge-a", b"bridge-b"  # participants
MS = 1_000_000


# --- poses ---


def test_the_nearest_pose_within_the_tolerance_the_earlier_on_a_tie():
    poses = Poses(keep=10)
    for t, pose in ((1.0, P[0]), (3.0, P[2]), (2.0, P[1])):  # out of order
        poses.add(t, pose)
    assert poses.nearest(2.4, 0.5) == P[1] and poses.nearest(2.5, 0.5) == P[1]
    assert poses.nearest(2.6, 0.5) == P[2] and poses.nearest(5.0, 0.5) is None
    assert poses.nearest(3.2, 0.5) == P[2]
    assert poses.nearest(3.2, 0.5, settled=True) is None  # nothing stamped at or after yet
    assert Poses(keep=1).nearest(0.0, 1.0) is None


def test_poses_stamped_far_ahead_are_evicted_in_turn_and_sources_can_be_forgotten():
    poses = Poses(keep=3)
    for k in range(5):
        poses.add(1e6 + k, P[4], "clock gone wrong")
    poses.add(1.0, P[0], A)
    poses.add(2.0, P[1], B)
    assert poses.nearest(1.0, 0.1) == P[0] and poses.nearest(2.0, 0.1) == P[1]
    poses.forget({A})
    assert poses.nearest(1.0, 0.1) is None and poses.nearest(2.0, 0.1) == P[1]


# --- observations ---


def status(lock, seq, stamp_ms, source=A, episode="ep1", step=None):
    mark = Mark(stamp_ms * MS, seq, episode, seq if step is None else step)
    return lock.add_status(mark, f"status {seq}", source)


def observation(lock, seq, stamp_ms, source=A, **kw):
    lock.add_image("rgb", stamp_ms * MS, f"rgb {stamp_ms}", source)
    return status(lock, seq, stamp_ms, source, **kw)


def answer(lock):
    """Answer what is ready, as the node does; the status answered (or None)."""
    ready = lock.ready({"rgb"})
    if ready is None:
        return None
    lock.answered(ready[0])
    return ready[0].status


def test_each_observation_is_answered_once_and_a_republish_is_not_answered_again():
    lock = LockStep(needs_pose=False, odom_tolerance_ns=0)
    assert observation(lock, 1, 100).session == "first observation"
    assert answer(lock) == "status 1"
    assert not observation(lock, 1, 100).session  # the bridge republishes it
    assert answer(lock) is None
    observation(lock, 2, 200)
    assert answer(lock) == "status 2"


def test_a_restarted_bridge_is_followed_although_its_clock_starts_over():
    lock = LockStep(needs_pose=False, odom_tolerance_ns=0)
    for seq in range(1, 30):
        observation(lock, seq, seq * 100)
        answer(lock)
    change = observation(lock, 1, 100, source=B)  # new process: new participant, seq and stamps
    assert "another publisher" in change.session and change.episode
    assert answer(lock) == "status 1"


def test_the_retired_bridge_is_ignored_once_another_took_over():
    lock = LockStep(needs_pose=False, odom_tolerance_ns=0)
    observation(lock, 5, 500, source=A)
    observation(lock, 1, 100, source=B)
    assert answer(lock) == "status 1"
    assert observation(lock, 6, 600, source=A).session == ""  # still talking: ignored
    lock.add_image("rgb", 200 * MS, "rgb from A", A)
    status(lock, 2, 200, source=B)
    assert lock.ready({"rgb"}) is None  # A's image does not complete B's observation
    lock.add_image("rgb", 200 * MS, "rgb from B", B)
    frame, _ = lock.ready({"rgb"})
    assert (frame.status, frame.images["rgb"]) == ("status 2", "rgb from B")


def test_time_or_sequence_going_back_on_one_source_starts_a_new_session():
    lock = LockStep(needs_pose=False, odom_tolerance_ns=0)
    observation(lock, 7, 700)
    answer(lock)
    assert "time went back" in observation(lock, 8, 300).session  # e.g. a clock step
    assert answer(lock) == "status 8"
    assert "observation_seq went back" in observation(lock, 1, 900).session
    assert answer(lock) == "status 1"
    assert "time went back" in observation(lock, 2, 900).session  # stamp did not advance
    assert answer(lock) == "status 2"


def test_images_from_the_new_bridge_that_came_before_its_first_status_are_used():
    lock = LockStep(needs_pose=True, odom_tolerance_ns=10 * MS)
    lock.add_pose(500 * MS, Pose2D(5.0, 0.0, 0.0), A)
    observation(lock, 5, 500, source=A)
    answer(lock)
    lock.add_pose(100 * MS, Pose2D(1.0, 0.0, 0.0), B)  # B publishes odometry and images first
    lock.add_image("rgb", 100 * MS, "rgb 100", B)
    status(lock, 1, 100, source=B)
    frame, pose = lock.ready({"rgb"})
    assert (frame.status, pose) == ("status 1", Pose2D(1.0, 0.0, 0.0))


def test_an_episode_restart_is_reported_without_a_new_session():
    lock = LockStep(needs_pose=False, odom_tolerance_ns=0)
    observation(lock, 1, 100, step=0)
    observation(lock, 2, 200, step=1)
    change = observation(lock, 3, 300, step=0)  # the bridge reset the episode
    assert change.episode and not change.session
    assert observation(lock, 4, 400, episode="ep2", step=0).episode
    assert not observation(lock, 5, 500, episode="ep2", step=1).episode


def test_discarded_images_wait_for_the_republish():
    lock = LockStep(needs_pose=False, odom_tolerance_ns=0)
    observation(lock, 1, 100)
    frame, _ = lock.ready({"rgb"})
    lock.discard_images(frame)  # the node could not convert them
    assert lock.ready({"rgb"}) is None
    observation(lock, 1, 100)  # republished
    assert answer(lock) == "status 1"


def test_images_stamped_in_the_future_do_not_evict_current_ones():
    lock = LockStep(needs_pose=False, odom_tolerance_ns=0)
    for k in range(3 * KEEP_FRAMES):
        lock.add_image("rgb", (10**6 + k) * MS, "from the future", None)
    observation(lock, 1, 100)
    assert answer(lock) == "status 1"
    observation(lock, 2, 200)
    assert answer(lock) == "status 2"


def test_the_newest_complete_observation_wins_and_older_ones_are_dropped():
    lock = LockStep(needs_pose=False, odom_tolerance_ns=0)
    observation(lock, 1, 100)
    status(lock, 2, 200)  # its image is late
    observation(lock, 3, 300)
    assert answer(lock) == "status 3"
    lock.add_image("rgb", 200 * MS, "late", A)
    assert answer(lock) is None


def test_pose_is_the_nearest_odometry_within_the_tolerance():
    lock = LockStep(needs_pose=True, odom_tolerance_ns=50 * MS)
    observation(lock, 1, 1000)
    assert lock.ready({"rgb"}) is None
    lock.add_pose(900 * MS, Pose2D(0.0, 0.0, 0.0), A)
    assert lock.ready({"rgb"}) is None
    lock.add_pose(1040 * MS, Pose2D(1.0, 0.0, 0.0), A)
    assert lock.ready({"rgb"})[1] == Pose2D(1.0, 0.0, 0.0)


# --- steps ---


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
