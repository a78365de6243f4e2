import math

import pytest

from objnav_ros.core.actions import Action, action_space
from objnav_ros.policy.decision import Decision, Policy
from objnav_ros.sim import EmbeddedSimulator, ShortestPathExpert, SimConfig
from objnav_training.evaluate import (
    EpisodeResult,
    PathAccuracy,
    expert_path_accuracy,
    summarize,
    transition_steps,
)
from objnav_training.evaluate_sim import closed_loop, expert_episode, expert_steps

from .conftest import SEED_SPACE


class ExpertPolicy(Policy):
    """Scripted: the simulator's shortest-path expert."""

    def __init__(self, sim, actions):
        super().__init__(actions)
        self.expert = ShortestPathExpert(sim)

    def _decide(self, obs):
        return Decision(self.expert.next_action(), True)


class Scripted(Policy):
    """Cycles through ``script``; every ``invalid_every``-th answer is invalid (fallback)."""

    def __init__(self, actions, script, invalid_every=0):
        super().__init__(actions)
        self.script, self.invalid_every, self.count = script, invalid_every, 0

    def _decide(self, obs):
        self.count += 1
        valid = not self.invalid_every or self.count % self.invalid_every
        return Decision(self.script[(self.count - 1) % len(self.script)], bool(valid))


def result(success, spl, **fields):
    base = dict(episode_id="e", steps=10, path_length=1.0, final_distance=0.5, decisions=10,
                valid=10, collisions=0, stuck=0, oscillation=0)
    return EpisodeResult(success=success, spl=spl, **{**base, **fields})


def test_summary_by_hand():
    results = [result(True, 0.8, valid=5, stuck=2), result(False, 0.0, oscillation=1, collisions=3)]
    summary = summarize(results, PathAccuracy(correct=3, valid=4, total=4))
    assert summary["success_rate"] == 50.0
    assert summary["spl"] == pytest.approx(0.4)
    assert summary["epa"] == 75.0
    assert summary["valid_action_percent"] == 75.0  # 15 of 20 decisions
    assert (summary["stuck_events"], summary["stuck_episodes"]) == (2, 1)
    assert (summary["oscillation_events"], summary["oscillation_episodes"]) == (1, 1)
    assert summary["collisions"] == 3
    assert math.isnan(summarize([], PathAccuracy())["success_rate"])


def test_expert_drives_to_success_with_its_own_spl_and_full_epa(seed_sim):
    episodes = [seed_sim.random_episode(i) for i in range(2)]
    expert = ExpertPolicy(seed_sim, SEED_SPACE.actions)
    results = closed_loop(expert, seed_sim, episodes)
    for episode, r in zip(episodes, results, strict=True):
        data = expert_episode(seed_sim, episode)  # the same path, recorded
        walked = sum(t.pose.distance_to(t.next_pose) for t in data.transitions)
        spl = seed_sim.metrics().shortest_path_length / max(walked, seed_sim.metrics()
                                                           .shortest_path_length)
        assert r.success and r.steps == len(data.transitions) == r.decisions == r.valid
        assert r.spl == pytest.approx(spl)
        assert r.final_distance <= seed_sim.config.success_distance_m
    # lazily: the scripted expert reads the simulator at each yielded step
    epa = expert_path_accuracy(expert, (pair for episode in episodes
                                        for pair in expert_steps(seed_sim, episode)))
    assert epa.total == sum(r.steps for r in results) and epa.percent == 100.0
    summary = summarize(results, epa)
    assert summary["success_rate"] == 100.0 and summary["stuck_events"] == 0


def test_turning_in_place_fails_gets_stuck_and_scores_its_epa(house):
    config = SimConfig(width=64, height=48, action_space=SEED_SPACE, max_steps=60)
    with EmbeddedSimulator(house, config) as sim:
        episode = sim.random_episode(0)
        left = Scripted(SEED_SPACE.actions, [Action.TURN_LEFT], invalid_every=4)
        [r] = closed_loop(left, sim, [episode])
        assert not r.success and r.spl == 0.0 and r.steps == 60
        assert r.valid == 45 and r.stuck == 1 and r.path_length == 0.0
        expert_actions = [a for _, a in expert_steps(sim, episode)]
        epa = expert_path_accuracy(left, expert_steps(sim, episode))
        assert epa.correct == expert_actions.count(Action.TURN_LEFT)
        assert epa.total == len(expert_actions)


def test_left_right_dithering_counts_as_oscillation(seed_sim):
    dither = Scripted(SEED_SPACE.actions, [Action.TURN_LEFT, Action.TURN_RIGHT])
    [r] = closed_loop(dither, seed_sim, [seed_sim.random_episode(0)])
    assert r.oscillation >= 1 and not r.success


def test_stop_ends_the_episode_where_the_action_space_has_stop(house):
    space = action_space("habitat")
    with EmbeddedSimulator(house, SimConfig(width=64, height=48, action_space=space)) as sim:
        episode = sim.random_episode(0)
        [r] = closed_loop(ExpertPolicy(sim, space.actions), sim, [episode])
        assert r.success and 0 < r.spl <= 1
        data = expert_episode(sim, episode)
        assert data.transitions[-1].action is Action.STOP and data.transitions[-1].success
        [early] = closed_loop(Scripted(space.actions, [Action.STOP]), sim, [episode])
        assert (early.success, early.spl, early.steps) == (False, 0.0, 1)


def test_recorded_expert_episode_is_consistent(expert_data):
    for data in expert_data:
        ts = data.transitions
        assert [t.step for t in ts] == list(range(len(ts)))
        assert all(a.next_pose == b.pose for a, b in zip(ts, ts[1:], strict=False))
        assert all(a.next_distance_to_goal == b.distance_to_goal
                   for a, b in zip(ts, ts[1:], strict=False))
        assert ts[-1].done and ts[-1].success and not any(t.done for t in ts[:-1])
        assert ts[0].rgb().shape == (48, 64, 3)


def test_transition_steps_feed_epa_from_recorded_episodes(expert_data):
    pairs = list(transition_steps(expert_data))
    assert [a for _, a in pairs] == [t.action for e in expert_data for t in e.transitions]
    forward = Scripted(SEED_SPACE.actions, [Action.MOVE_FORWARD])
    epa = expert_path_accuracy(forward, iter(pairs))
    assert epa.correct == sum(a is Action.MOVE_FORWARD for _, a in pairs)
