import dataclasses

import pytest

from objnav_ros.monitor import StuckConfig, StuckDetector
from test.monitor.walk import D, F, L, R, U, run, walk

AROUND = [L] * 6


def steps(actions, detector=None, **kwargs):
    return [step for step, _ in run(detector or StuckDetector(), walk(actions, **kwargs))]


def test_pinned_against_a_wall_is_stuck_after_the_blocked_forward_allowance():
    found = run(StuckDetector(), walk([F] * 20, blocked=set(range(20))))
    assert [step for step, _ in found] == [6]  # reported once, at the 6th blocked forward
    verdict = found[0][1]
    assert (verdict.kind, verdict.start_step, verdict.end_step) == ("stuck", 1, 6)
    assert verdict.severity == 1.0
    assert "6 blocked forwards" in verdict.detail


def test_turns_and_looks_between_blocked_forwards_do_not_hide_it():
    actions = [F, L, F, R, F, U, D, F, F, F]
    assert steps(actions, blocked={0, 2, 4, 7, 8, 9}) == [10]


def test_progress_ends_the_spell_and_a_new_one_is_reported_again():
    actions = [F] * 10 + [F, F] + [F] * 10
    blocked = set(range(10)) | set(range(12, 22))
    found = run(StuckDetector(), walk(actions, blocked=blocked))
    assert [(step, v.start_step) for step, v in found] == [(6, 1), (18, 13)]


def test_looking_around_is_not_stuck_but_spinning_for_long_is():
    scan = [L] * 12 + [U, D] + [R] * 12  # two full look-arounds: 26 steps
    assert steps(scan + [F] + scan) == []  # one free forward in between
    assert steps([L] * 60) == [40]
    assert steps(scan + [F] + scan, blocked={26}) == [40]  # a blocked forward is no break


def test_walking_back_and_forth_freely_is_not_stuck():
    # one step forward, one back, forever: never 0.5 m away, but every forward is free
    assert steps(([F] + AROUND) * 12) == []
    nav2_like = StuckDetector(StuckConfig(movement_time_allowance=10.0))
    # 10 s after the first step's time (0.5 s per step)
    assert steps(([F] + AROUND) * 12, nav2_like) == [21]


def test_two_full_steps_reach_the_radius_despite_rounding():
    # each second forward lands 0.5 m (up to rounding) from the last baseline
    assert steps(([F, F] + AROUND) * 8, StuckDetector(StuckConfig(idle_step_allowance=7))) == []


def test_sliding_forwards_count_as_blocked_until_they_add_up_to_progress():
    # 0.1 m per forward: blocked (< half of 0.25 m), progress after 5 of them
    slides = [dataclasses.replace(r, forward_m=0.25) for r in walk([F] * 20, forward_m=0.1)]
    assert run(StuckDetector(), slides) == []
    strict = StuckDetector(StuckConfig(blocked_forward_allowance=4))
    assert [s for s, _ in run(strict, slides)] == [4, 9, 14, 19]


def test_partial_moves_lower_the_severity():
    records = walk([F] + [F] * 10, blocked=set(range(1, 11)))
    _, verdict = run(StuckDetector(), records)[0]
    assert verdict.severity == pytest.approx(0.5)


def test_reset_starts_a_fresh_baseline():
    detector = StuckDetector()
    records = walk([F] * 12, blocked=set(range(12)))
    assert [s for s, _ in run(detector, records[:6])] == [6]
    assert detector.active
    detector.reset()
    assert not detector.active
    assert [s for s, _ in run(detector, records[6:])] == [12]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"required_movement_radius": 0.0}, "required_movement_radius"),
     ({"blocked_forward_allowance": 0}, "blocked_forward_allowance"),
     ({"blocked_forward_allowance": 2.5}, "blocked_forward_allowance"),
     ({"idle_step_allowance": True}, "idle_step_allowance"),
     ({"movement_time_allowance": -1.0}, "movement_time_allowance")],
)
def test_config_rejects_bad_values_by_name(kwargs, field):
    with pytest.raises(ValueError, match=field):
        StuckConfig(**kwargs)


def test_config_accepts_ints_for_floats():
    assert StuckConfig(required_movement_radius=1).required_movement_radius == 1.0
