import math
from dataclasses import replace

import numpy as np
import pytest

from objnav_ros.core.actions import Action
from objnav_ros.core.contract import RunContract
from objnav_ros.core.types import Pose2D
from objnav_ros.monitor import OscillationConfig
from objnav_training.reward import SEED_REWARD, RewardConfig, calculate_reward, reward_components
from objnav_training.transitions import EpisodeData

from .toy import HABITAT, step, straight, turns

ONLY_PROGRESS = RewardConfig(success_bonus=0.0, collision_penalty=0.0, oscillation_penalty=0.0,
                             step_cost=0.0)


def test_euclidean_progress_to_final_position_and_success_once():
    parts = reward_components(straight(4, forward_m=0.5), SEED_REWARD)
    np.testing.assert_allclose(parts["progress"], [0.05] * 4)  # 0.1 x 0.5 m per step
    np.testing.assert_array_equal(parts["success"], [0, 5, 0, 0])  # first end within 1.0 m
    np.testing.assert_allclose(calculate_reward(straight(4, 0.5), SEED_REWARD),
                               [0.05, 5.05, 0.05, 0.05])


def test_geodesic_distance_is_used_where_known():
    pose = Pose2D(0, 0, 0)  # poses say nothing: only the geodesic distances move
    episode = EpisodeData("g", "g.bag", (
        step(0, Action.MOVE_FORWARD, pose, pose, distance_to_goal=5.0, next_distance_to_goal=4.0),
        step(1, Action.TURN_LEFT, pose, pose, distance_to_goal=4.0, next_distance_to_goal=4.5),
    ), contract=HABITAT)
    np.testing.assert_allclose(reward_components(episode, ONLY_PROGRESS)["progress"], [0.1, -0.05])


def test_unknown_geodesic_falls_back_to_euclidean():
    episode = straight(2, 1.0, distance_to_goal=math.nan, next_distance_to_goal=3.0)
    np.testing.assert_allclose(reward_components(episode, ONLY_PROGRESS)["progress"], [0.1, 0.1])


def test_success_flag_pays_the_bonus_where_distances_never_get_close():
    pose = Pose2D(0, 0, 0)
    episode = EpisodeData("s", "s.bag", (
        step(0, Action.MOVE_FORWARD, pose, pose, distance_to_goal=9, next_distance_to_goal=8),
        step(1, Action.MOVE_FORWARD, pose, pose, distance_to_goal=8, next_distance_to_goal=7,
             success=True, done=True),
    ), contract=HABITAT)
    np.testing.assert_array_equal(reward_components(episode, RewardConfig())["success"], [0, 5])


def test_collision_and_step_cost():
    config = RewardConfig(collision_penalty=0.3, step_cost=0.02)
    parts = reward_components(straight(2, 1.0, collided=True), config)
    np.testing.assert_allclose(parts["collision"], [-0.3, -0.3])
    np.testing.assert_allclose(parts["step"], [-0.02, -0.02])


def test_oscillation_penalty_comes_from_the_monitor_detector():
    left, right = Action.TURN_LEFT, Action.TURN_RIGHT
    episode = turns([left, right, left, right, left])
    parts = reward_components(episode, RewardConfig(oscillation_penalty=0.5))
    # the monitor's default: 3 reversals in place (L-R-L-R) make one oscillation, reported once
    np.testing.assert_array_equal(parts["oscillation"], [0, 0, 0, -0.5, 0])
    seed_rule = RewardConfig(oscillation=OscillationConfig(turn_reversals=2))  # L-R-L
    assert reward_components(episode, seed_rule)["oscillation"][2] == -0.5
    assert not reward_components(turns([left] * 5), RewardConfig())["oscillation"].any()


def test_an_episode_without_the_run_contracts_forward_length_is_refused():
    episode = replace(straight(2), contract=RunContract(width=64, height=48, hfov_deg=79.0))
    with pytest.raises(ValueError, match="^toy.bag: episode toy: its run contract has no "
                                         "forward_m"):
        calculate_reward(episode)


def test_seed_reward_has_no_penalties():
    assert SEED_REWARD.collision_penalty == SEED_REWARD.oscillation_penalty == 0
    assert SEED_REWARD.step_cost == 0
    assert (SEED_REWARD.progress_scale, SEED_REWARD.success_bonus) == (0.1, 5.0)


@pytest.mark.parametrize("name, value", [("step_cost", -1.0), ("success_bonus", math.nan),
                                         ("success_distance_m", 0.0), ("oscillation", 3)])
def test_config_errors_name_the_field(name, value):
    with pytest.raises(ValueError, match=name):
        RewardConfig(**{name: value})
