import pytest

from objnav_ros.monitor import Monitor, MonitorConfig, StuckConfig, health
from test.monitor.walk import F, L, R, walk


def feed(monitor, records):
    return [v for record in records for v in monitor.update(record)]


def test_monitor_runs_all_detectors_and_counts_per_kind():
    monitor = Monitor()
    pinned = walk([F] * 10 + [L, R, L, R], blocked=set(range(10)), collided=True)
    verdicts = feed(monitor, pinned)
    assert [(v.kind, v.end_step) for v in verdicts] == [
        ("collision", 1), ("stuck", 6), ("oscillation", 14)]
    assert dict(monitor.counts) == {"oscillation": 1, "stuck": 1, "collision": 1}
    assert monitor.steps == 14 and monitor.stuck_active
    monitor.reset()
    assert sum(monitor.counts.values()) == 0 and monitor.steps == 0
    assert dict(monitor.totals) == {"oscillation": 1, "stuck": 1, "collision": 1}


def test_judge_scores_a_whole_episode_on_its_step_clock_from_the_start():
    monitor = Monitor()
    feed(monitor, walk([F] * 6, blocked=set(range(6))))  # an earlier episode, left stuck
    records = walk([F] * 10 + [L, R, L, R], blocked=set(range(10)), collided=True, dt=0.5)
    verdicts = monitor.judge(records, forward_m=0.25)  # records have every field judge reads
    assert [(v.kind, v.end_step) for v in verdicts] == [
        ("collision", 1), ("stuck", 6), ("oscillation", 14)]
    assert monitor.steps == 14 and dict(monitor.counts) == {
        "oscillation": 1, "stuck": 1, "collision": 1}


def test_configure_applies_new_settings_and_keeps_counts():
    monitor = Monitor()
    feed(monitor, walk([F, F], blocked={0, 1}, collided=True))
    monitor.configure(MonitorConfig(stuck=StuckConfig(blocked_forward_allowance=2)))
    verdicts = feed(monitor, walk([F, F], blocked={0, 1}, first_step=3))
    assert [(v.kind, v.end_step) for v in verdicts] == [("collision", 3), ("stuck", 4)]
    assert monitor.counts["collision"] == 2


def test_health_levels():
    monitor = Monitor()
    assert health(monitor, "ep1", 3).level == "OK"
    feed(monitor, walk([F], blocked={0}, collided=True))
    summary = health(monitor, "ep1", 3)
    assert (summary.level, summary.message) == ("WARN", "1 events this episode")
    assert summary.values["episode_id"] == "ep1" and summary.values["collision"] == "1"
    assert health(monitor, "ep1", 1).level == "ERROR"
    feed(monitor, walk([F] * 6, blocked=set(range(6)), first_step=2))
    summary = health(monitor, "ep1", 10)
    assert (summary.level, summary.values["stuck_active"]) == ("ERROR", "true")


def test_param_specs_mirror_the_configs():
    specs = {s.name: s for s in MonitorConfig.param_specs()}
    assert specs["stuck.required_movement_radius"].default == 0.5
    assert specs["collision.min_progress_ratio"].max_value == 1.0
    assert all(s.description for s in specs.values())
    values = {"stuck.blocked_forward_allowance": 5, "pairing": "status"}
    config = MonitorConfig.from_params(values)
    assert config.stuck.blocked_forward_allowance == 5 and config.oscillation.turn_reversals == 3
    with pytest.raises(ValueError, match="blocked_forward_allowance"):
        MonitorConfig.from_params({"stuck.blocked_forward_allowance": 0})
    with pytest.raises(ValueError, match="stuck"):
        MonitorConfig(stuck=None)
