import pytest

from objnav_ros.core.actions import Action, ActionSpace, action_space
from objnav_ros.sim import EmbeddedSimulator, ShortestPathExpert, SimConfig


def run_expert(sim) -> None:
    expert = ShortestPathExpert(sim)
    while not sim.metrics().done:
        sim.step(expert.next_action())


@pytest.mark.parametrize("index", range(6))
def test_expert_reaches_the_goal_with_spl_one(house_sim, index):
    episode = house_sim.random_episode(index)
    house_sim.reset(episode)
    run_expert(house_sim)
    state = house_sim.metrics()
    assert state.end_reason == "stop"
    assert state.success
    assert state.distance_to_goal <= house_sim.config.success_distance_m
    assert state.shortest_path_length == episode.geodesic_distance
    assert state.path_length <= state.shortest_path_length
    assert state.spl == 1.0


def test_expert_works_with_other_action_amounts(house_path):
    actions = ActionSpace(forward_m=0.4, turn_deg=15.0)
    config = SimConfig(width=16, height=16, action_space=actions, seed=7)
    with EmbeddedSimulator(house_path, config) as sim:
        for index in range(3):
            sim.reset(sim.random_episode(index))
            run_expert(sim)
            state = sim.metrics()
            assert state.success and state.spl == 1.0


def test_expert_stops_once_within_success_distance(house_sim):
    house_sim.reset(house_sim.random_episode(0))
    expert = ShortestPathExpert(house_sim)
    actions = []
    while not house_sim.metrics().done:
        actions.append(expert.next_action())
        house_sim.step(actions[-1])
    assert actions.count(Action.STOP) == 1 and actions[-1] is Action.STOP
    assert Action.MOVE_FORWARD in actions


def test_without_stop_the_episode_ends_on_arrival(house_path):
    """The seed preset has no STOP: arriving within the success distance ends the episode."""
    config = SimConfig(width=16, height=16, action_space=action_space("seed"), seed=2)
    with EmbeddedSimulator(house_path, config) as sim:
        sim.reset(sim.random_episode(0))
        expert = ShortestPathExpert(sim)
        actions = []
        while not sim.metrics().done:
            actions.append(expert.next_action())
            sim.step(actions[-1])
        state = sim.metrics()
        assert Action.STOP not in actions
        assert state.success and state.end_reason == "stop" and state.spl == 1.0
        assert state.distance_to_goal <= config.success_distance_m
        with pytest.raises(ValueError, match="not in the action space"):
            sim.step(Action.STOP)
