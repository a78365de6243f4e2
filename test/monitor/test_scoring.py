import pytest

from objnav_ros.monitor import Score, Verdict, Window, score


def v(kind, start, end):
    return Verdict(kind, start, end, 1.0, "")


def test_event_level_matching_by_overlap():
    windows = [Window("stuck", 10, 20), Window("stuck", 40, 50), Window("collision", 5, 5)]
    verdicts = [v("stuck", 1, 10), v("stuck", 21, 30), v("stuck", 45, 45), v("stuck", 48, 60),
                v("collision", 5, 5)]
    s = score(verdicts, windows, "stuck")
    assert s == Score(verdicts=4, matched_verdicts=3, windows=2, found_windows=2)
    assert (s.precision, s.recall) == (0.75, 1.0)
    assert score(verdicts, windows, "oscillation") == Score()
    assert (Score().precision, Score().recall) == (1.0, 1.0)
    total = s + score(verdicts, windows, "collision")
    assert (total.verdicts, total.found_windows) == (5, 3)


def test_window_validation():
    with pytest.raises(ValueError, match="kind"):
        Window("spin", 1, 2)
    with pytest.raises(ValueError, match="start_step"):
        Window("stuck", 5, 2)
