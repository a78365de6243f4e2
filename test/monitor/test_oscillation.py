import pytest

from objnav_ros.monitor import OscillationConfig, OscillationDetector
from test.monitor.walk import D, F, L, R, U, run, walk

AROUND_L, AROUND_R = [L] * 6, [R] * 6


def steps(actions, detector=None, **kwargs):
    return [step for step, _ in run(detector or OscillationDetector(), walk(actions, **kwargs))]


def test_left_right_dithering_is_reported_at_the_third_reversal():
    found = run(OscillationDetector(), walk([F, L, R, L, R, L, R, L, R]))
    assert [step for step, _ in found] == [5]  # L R L R = steps 2..5
    verdict = found[0][1]
    assert (verdict.kind, verdict.start_step, verdict.end_step) == ("oscillation", 2, 5)
    assert verdict.severity == 1.0
    assert "3 turn reversals in place" in verdict.detail


def test_fewer_reversals_looks_and_a_glance_are_not_oscillations():
    assert steps([L, R, L, F, F, R, L, R]) == []
    assert steps([L, L, L, R, R, R, R, R, R, L, L, L, F]) == []  # glance left, right, back
    assert steps([L, U, R, D, L, U, R]) == [7]  # looking up or down does not break it


def test_swings_up_to_60_degrees_count_wider_sweeps_are_looking_around():
    found = run(OscillationDetector(), walk([F, L, L, R, R, L, L, R, R]))
    assert [(step, v.start_step) for step, v in found] == [(8, 2)]
    assert steps([L, L, L, R, R, R, L, L, L, R, R, R]) == []
    assert steps([L] * 12 + [R, L, R]) == []  # a full look-around, then a glance: 2
    wide = OscillationDetector(OscillationConfig(max_swing_deg=90.0))
    assert steps([L, L, L, R, R, R, L, L, L, R, R, R], wide) == [10]


def test_zigzag_forward_is_progress_not_oscillation():
    assert steps([L, F, R, F, L, F, R, F, L, F, R, F]) == []


def test_blocked_forwards_keep_the_agent_in_place():
    assert steps([L, F, R, F, L, F, R], blocked={1, 3, 5}) == [7]


@pytest.mark.parametrize("turn_back", [AROUND_L, AROUND_R])
def test_two_forward_turn_around_two_forward_is_an_oscillation(turn_back):
    actions = [F, F] + AROUND_L + [F, F] + turn_back + [F, F] + AROUND_L + [F, F]
    found = run(OscillationDetector(), walk(actions))
    assert [step for step, _ in found] == [17]  # first forward of the third leg
    verdict = found[0][1]
    assert verdict.start_step == 1  # first forward of the first leg
    assert verdict.severity == pytest.approx(0.5)  # roamed 0.5 m of the 1 m area
    assert "2 travel reversals" in verdict.detail


def test_a_single_turn_around_or_a_long_detour_is_not_an_oscillation():
    assert steps([F, F, F] + AROUND_L + [F, F, F, F, F]) == []
    # back and forth over 2.5 m legs leaves the 1 m area
    assert steps(([F] * 10 + AROUND_L) * 4) == []


def test_reported_once_per_pattern_and_again_after_leaving():
    dither = [L, R, L, R, L, R, L, R, L, R]
    assert steps(dither + [F, F] + dither) == [4]  # still inside the area: same pattern
    assert steps(dither + [F] * 5 + dither) == [4, 19]  # 1.25 m away: a new pattern


def test_a_long_pause_ends_the_pattern():
    dither = [L, R, L, R]
    pause = [U, D] * 11  # 22 steps without a reversal
    assert steps(dither + pause + dither) == [4, 30]
    assert steps([L, R] + pause + [L, R]) == []  # reversals too far apart


def test_reset_forgets_counted_reversals():
    detector = OscillationDetector()
    records = walk([L, R, L, R])
    run(detector, records[:3])
    detector.reset()
    assert run(detector, records[3:]) == []


def test_thresholds_are_settings():
    strict = OscillationDetector(OscillationConfig(turn_reversals=1))
    assert steps([L, R], strict) == [2]
    loose = OscillationDetector(OscillationConfig(reversal_angle_deg=90.0))
    assert steps([F, L, L, L, F, L, L, L, F], loose) == [9]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"turn_reversals": 0}, "turn_reversals"),
     ({"in_place_radius": -0.1}, "in_place_radius"),
     ({"max_swing_deg": -1.0}, "max_swing_deg"),
     ({"travel_reversals": "2"}, "travel_reversals"),
     ({"reversal_angle_deg": 45.0}, "reversal_angle_deg"),
     ({"reversal_angle_deg": 181.0}, "reversal_angle_deg"),
     ({"area_radius": float("inf")}, "area_radius"),
     ({"window_steps": 0}, "window_steps")],
)
def test_config_rejects_bad_values_by_name(kwargs, field):
    with pytest.raises(ValueError, match=field):
        OscillationConfig(**kwargs)
