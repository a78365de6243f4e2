"""Lock-step observation assembly: the newest complete observation of the current session."""

from objnav_ros.core.types import Pose2D
from objnav_ros.policy.lockstep import KEEP_FRAMES, LockStep, Mark

A, B = b"bridge-a", b"bridge-b"  # participants
MS = 1_000_000


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
