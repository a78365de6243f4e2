"""Precision and recall of the default detectors on labelled simulator trajectories.

Event level (objnav_ros.monitor.scoring): a verdict matches a labelled window of its kind
when their step ranges overlap; precision = matched verdicts / verdicts, recall = windows
matched / windows, summed over all episodes.
"""

import dataclasses
from collections import Counter

import pytest

from objnav_ros.monitor import KINDS, Monitor, Score, Window, score
from test.monitor.trajectories import SCENARIOS, generate_all

SEEDS = 10  # episodes per scenario: 60 oscillation and 60 stuck windows
LOST_M = 0.05  # a collision that cost at least this much of the step (ObjectNav's 0.2/0.25)

@pytest.fixture(scope="module")
def trajectories():
    return generate_all(SEEDS)


def evaluate(trajectories, *, hide_flag=False):
    totals = dict.fromkeys(KINDS, Score())
    lossy = Score()
    for trajectory in trajectories:
        records = trajectory.records
        if hide_flag:
            records = [dataclasses.replace(r, collided=None) for r in records]
        monitor = Monitor()
        verdicts = [v for record in records for v in monitor.update(record)]
        for kind in KINDS:
            totals[kind] += score(verdicts, trajectory.windows, kind)
        lossy += score(verdicts, lossy_collisions(trajectory), "collision")
    return totals, lossy


def lossy_collisions(trajectory):
    """Collision windows holding a step that fell at least LOST_M short of its command."""
    short = {r.step for r in trajectory.records if r.forward_m - r.progress_m >= LOST_M}
    return [w for w in trajectory.windows if w.kind == "collision"
            and short & set(range(w.start_step, w.end_step + 1))]


def test_every_scenario_yields_labelled_windows(trajectories):
    assert Counter(t.scenario for t in trajectories) == dict.fromkeys(SCENARIOS, SEEDS)
    windows = Counter(w.kind for t in trajectories for w in t.windows)
    assert windows["oscillation"] >= 50 and windows["stuck"] >= 50 and windows["collision"] >= 100
    assert all(isinstance(w, Window) for t in trajectories for w in t.windows)
    normal = [t for t in trajectories if t.scenario == "normal"]
    assert not any(w.kind != "collision" for t in normal for w in t.windows)


@pytest.mark.parametrize("kind", KINDS)
def test_default_detectors_reach_95_percent_precision_and_recall(trajectories, kind):
    totals, _ = evaluate(trajectories)
    result = totals[kind]
    assert result.precision >= 0.95 and result.recall >= 0.95, result


def test_collision_fallback_without_the_flag(trajectories):
    totals, lossy = evaluate(trajectories, hide_flag=True)
    # grazes that still advance 0.2 m are the simulator's collisions but not the fallback's
    assert totals["collision"].precision >= 0.95, totals["collision"]
    assert lossy.recall >= 0.95, lossy
