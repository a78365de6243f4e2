import math

import pytest

from objnav_ros.core.actions import Action
from objnav_ros.core.types import Pose2D
from objnav_ros.monitor import StepRecord, Verdict

P0 = Pose2D(0.0, 0.0, math.pi / 2)


def test_record_coerces_action_ids_and_measures_progress_along_the_heading():
    record = StepRecord(3, 1.5, 1, P0, Pose2D(0.1, 0.2, math.pi / 2))
    assert record.action is Action.MOVE_FORWARD
    assert record.progress_m == pytest.approx(0.2)
    back = StepRecord(3, 1.5, Action.MOVE_FORWARD, P0, Pose2D(0.0, -0.1, 0.0))
    assert back.progress_m == pytest.approx(-0.1)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"step": -1}, "step"),
        ({"step": 1.0}, "step"),
        ({"step": True}, "step"),
        ({"time_s": math.nan}, "time_s"),
        ({"action": 7}, "action id"),
        ({"forward_m": 0.0}, "forward_m"),
        ({"forward_m": math.inf}, "forward_m"),
        ({"collided": 1}, "collided"),
    ],
)
def test_record_rejects_bad_fields_by_name(kwargs, field):
    args = {"step": 1, "time_s": 0.0, "action": Action.STOP, "pose_before": P0, "pose": P0}
    with pytest.raises(ValueError, match=field):
        StepRecord(**(args | kwargs))


def test_verdict_validation():
    Verdict("stuck", 2, 2, 1.0, "")
    with pytest.raises(ValueError, match="kind"):
        Verdict("wobble", 1, 2, 0.5, "")
    with pytest.raises(ValueError, match="start_step"):
        Verdict("stuck", 3, 2, 0.5, "")
    with pytest.raises(ValueError, match="severity"):
        Verdict("stuck", 1, 2, 1.5, "")
