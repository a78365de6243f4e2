"""The one episode loop: start, step records, termination, refusals and the batched driver."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from objnav_ros.core.actions import Action, action_space
from objnav_ros.sim import EmbeddedSimulator, EpisodeDoneError, ShortestPathExpert, SimConfig
from objnav_ros.sim.runner import EpisodeRunner, run_episodes


@dataclass(frozen=True)
class Answer:
    action: Action
    valid: bool = True


class Cycle:
    """Stateless: the action for step ``obs.step`` of a script; every third answer invalid."""

    def __init__(self, script):
        self.script = script
        self.batches: list[list[tuple[str, int]]] = []
        self.resets = 0

    def reset(self):
        self.resets += 1

    def select_actions(self, observations):
        self.batches.append([(obs.episode_id, obs.step) for obs in observations])
        return [Answer(self.script[obs.step % len(self.script)], obs.step % 3 != 2)
                for obs in observations]


@pytest.fixture(scope="module")
def sim(house_path):
    config = SimConfig(width=16, height=16, max_steps=12, action_space=action_space("habitat"))
    with EmbeddedSimulator(house_path, config) as simulator:
        yield simulator


def test_each_step_is_recorded_with_poses_collision_distance_and_validity(sim):
    runner = EpisodeRunner(sim)
    first = runner.start(sim.random_episode(0))
    assert runner.obs is first and runner.steps == [] and runner.last_action is None
    for action, valid in ((Action.TURN_LEFT, True), (Action.MOVE_FORWARD, False)):
        before = sim.pose
        step = runner.step(action, valid)
        assert (step.step, step.action, step.valid) == (len(runner.steps), action, valid)
        assert (step.pose_before, step.pose) == (before, sim.pose) == (before, runner.obs.pose)
        assert step.collided == runner.obs.collided
        assert step.distance_to_goal == sim.metrics().distance_to_goal
    assert runner.last_action is Action.MOVE_FORWARD and runner.valid == 1
    runner.start(sim.random_episode(0))  # a restart forgets the steps
    assert runner.steps == [] and runner.state.step == 0


def test_episodes_end_on_stop_and_on_the_step_limit(sim):
    runner = EpisodeRunner(sim)
    runner.start(sim.random_episode(1))
    runner.step(Action.STOP)
    assert runner.done and runner.state.end_reason == "stop" and not runner.state.success
    with pytest.raises(EpisodeDoneError):
        runner.step(Action.TURN_LEFT)
    runner.start(sim.random_episode(1))
    while not runner.done:
        runner.step(Action.TURN_RIGHT)
    assert len(runner.steps) == 12 and runner.state.end_reason == "max_steps"


def test_refusals_name_why_an_action_cannot_run(house_path):
    config = SimConfig(width=16, height=16, action_space=action_space("seed"))
    with EmbeddedSimulator(house_path, config) as seed_sim:
        runner = EpisodeRunner(seed_sim)
        assert runner.refusal(Action.TURN_LEFT) == "no episode has started yet"
        episode = seed_sim.random_episode(0)
        runner.start(episode)
        assert runner.refusal(Action.TURN_LEFT) == ""
        assert "STOP is not in the action space" in runner.refusal(Action.STOP)
        expert = ShortestPathExpert(seed_sim)
        while not runner.done:  # no STOP: arriving ends the episode
            runner.step(expert.next_action())
        assert runner.state.success
        assert runner.refusal(Action.TURN_LEFT) == f"episode {episode.episode_id} is over"


def test_a_shared_policy_answers_the_running_episodes_in_one_batch(sim, house_path):
    episodes = [sim.random_episode(i) for i in range(5)]
    script = (Action.MOVE_FORWARD, Action.TURN_LEFT, Action.MOVE_FORWARD, Action.STOP)
    policy = Cycle(script)
    with EmbeddedSimulator(house_path, sim.config) as other:
        runners = [EpisodeRunner(sim), EpisodeRunner(other)]
        seen = []

        def note(runner, answer):
            assert runner.obs.step == len(runner.steps)  # before the answer runs
            seen.append((runner.episode.episode_id, answer.action))

        ended = [(n, runner.episode.episode_id, len(runner.steps), runner.valid)
                 for n, runner in run_episodes(runners, [policy, policy], episodes, note)]
    # every episode runs the script to its STOP (4 steps, the third answer invalid)
    assert sorted(ended) == [(n, e.episode_id, 4, 3) for n, e in enumerate(episodes)]
    assert [n for n, *_ in ended] == [0, 1, 2, 3, 4]  # two at a time, in order
    assert policy.resets == 5 and len(seen) == 20
    assert policy.batches[0] == [(episodes[0].episode_id, 0), (episodes[1].episode_id, 0)]
    assert [len(batch) for batch in policy.batches] == [2] * 8 + [1] * 4


def test_policies_with_episode_state_get_a_runner_each(sim, house_path):
    episodes = [sim.random_episode(i) for i in range(3)]
    policies = [Cycle((Action.TURN_LEFT, Action.STOP)), Cycle((Action.STOP,))]
    with EmbeddedSimulator(house_path, sim.config) as other:
        runners = [EpisodeRunner(sim), EpisodeRunner(other)]
        lengths = {n: len(runner.steps) for n, runner in run_episodes(runners, policies,
                                                                       episodes)}
        with pytest.raises(ValueError, match="one per runner"):
            next(run_episodes(runners, policies[:1], episodes))
    # runner 1 (STOP at once) frees first and takes episode 2
    assert lengths == {0: 2, 1: 1, 2: 1}
    assert [len(b) for b in policies[0].batches] == [1, 1]
    assert [len(b) for b in policies[1].batches] == [1, 1]
