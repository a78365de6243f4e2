import math

import pytest

from objnav_ros.core.types import Pose2D
from objnav_ros.monitor import CollisionConfig, CollisionDetector, StepRecord
from test.monitor.walk import F, L, R, run, walk


def test_flagged_run_is_reported_once_at_its_first_step():
    records = walk([F, F, F, F, L, F, F], blocked={1, 2, 3, 5}, collided=True)
    found = run(CollisionDetector(), records)
    assert [(step, v.start_step, v.end_step) for step, v in found] == [(2, 2, 2), (6, 6, 6)]
    assert all(v.kind == "collision" and v.severity == 1.0 for _, v in found)


def test_flag_wins_over_displacement_by_default():
    # a full step that the simulator still flags (e.g. a graze), and a short one it does not
    graze = StepRecord(1, 0.0, F, Pose2D(0, 0, 0), Pose2D(0.25, 0, 0), collided=True)
    short = StepRecord(2, 0.0, F, Pose2D(0, 0, 0), Pose2D(0.05, 0, 0), collided=False)
    found = run(CollisionDetector(), [graze, short])
    assert [step for step, _ in found] == [1]
    assert found[0][1].severity == 0.0
    ignore_flag = CollisionDetector(CollisionConfig(use_collided_flag=False))
    assert [step for step, _ in run(ignore_flag, [graze, short])] == [2]


@pytest.mark.parametrize(
    ("progress", "hit"), [(0.0, True), (0.19, True), (0.2, False), (0.25, False)]
)
def test_without_flag_a_short_forward_is_a_collision(progress, hit):
    yaw = math.radians(30)
    after = Pose2D(progress * math.cos(yaw), progress * math.sin(yaw), yaw)
    record = StepRecord(1, 0.0, F, Pose2D(0, 0, yaw), after)
    verdict = CollisionDetector().update(record)
    assert (verdict is not None) == hit
    if hit:
        assert verdict.severity == pytest.approx(1 - progress / 0.25)


def test_sliding_sideways_counts_only_the_progress_along_the_heading():
    # pushed 0.25 m at 30 degrees into a wall along x: slides 0.2165 m along it
    yaw = math.radians(60)
    slide = Pose2D(0.25 * math.cos(math.radians(30)), 0.0, yaw)
    record = StepRecord(1, 0.0, F, Pose2D(0, 0, yaw), slide)
    assert CollisionDetector().update(record) is not None


def test_commanded_distance_comes_from_the_record():
    records = walk([F, F], forward_m=0.4, blocked={1})
    assert [step for step, _ in run(CollisionDetector(), records)] == [2]


def test_turns_never_collide_without_a_flag_and_ratio_zero_disables():
    assert run(CollisionDetector(), walk([L, R, L])) == []
    off = CollisionDetector(CollisionConfig(min_progress_ratio=0.0))
    assert run(off, walk([F, F], blocked={0, 1})) == []


def test_reset_forgets_an_ongoing_contact():
    detector = CollisionDetector()
    records = walk([F, F], blocked={0, 1}, collided=True)
    assert detector.update(records[0]) is not None
    detector.reset()
    assert detector.update(records[1]) is not None


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"min_progress_ratio": 1.5}, "min_progress_ratio"),
     ({"min_progress_ratio": math.nan}, "min_progress_ratio"),
     ({"use_collided_flag": 1}, "use_collided_flag")],
)
def test_config_rejects_bad_values_by_name(kwargs, field):
    with pytest.raises(ValueError, match=field):
        CollisionConfig(**kwargs)
