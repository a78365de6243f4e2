import math

import numpy as np
import pytest

from objnav_ros.core.actions import Action, action_space
from objnav_ros.core.types import Observation, Pose2D
from objnav_ros.policy import Decision, DepthExplorer, ExplorerConfig, Policy, RandomPolicy
from test.policy.room_world import RoomWorld, run_episode

HABITAT = action_space("habitat")
SEED = action_space("seed")
MOTION = (Action.MOVE_FORWARD, Action.TURN_LEFT, Action.TURN_RIGHT)
H, W = 120, 160


def floor_depth(tilt_deg: float = 0.0) -> np.ndarray:
    """Planar depth of an empty floor seen by the default habitat camera; 0 = no hit."""
    cfg = ExplorerConfig()
    focal = (W / 2) / math.tan(math.radians(cfg.hfov_deg) / 2)
    down = (np.arange(H)[:, None] - (H - 1) / 2) / focal
    tilt = math.radians(tilt_deg)
    drop = np.cos(tilt) * down - np.sin(tilt)  # height lost per metre of depth
    depth = np.where(drop > 1e-6, cfg.camera_height_m / np.maximum(drop, 1e-6), 0.0)
    return np.broadcast_to(depth, (H, W)).astype(np.float32).copy()


def obs(depth: np.ndarray, tilt_deg: float = 0.0, collided: bool = False) -> Observation:
    return Observation(np.zeros((H, W, 3), np.uint8), depth, Pose2D(0, 0, 0), collided, 0, "bed",
                       tilt_deg)


@pytest.mark.parametrize("policy", [RandomPolicy(HABITAT.actions, 0), DepthExplorer(HABITAT)])
def test_baselines_obey_the_interface(policy):
    assert isinstance(policy, Policy)
    policy.reset()
    decision = policy.select_action(obs(floor_depth()))
    assert isinstance(decision, Decision) and decision.valid and decision.source == policy.name
    assert decision.action in HABITAT.actions
    assert policy.stats.decisions == 1 and policy.stats.valid_percent == 100.0


def test_random_is_seeded_and_allowed():
    def run(seed):
        policy = RandomPolicy(SEED.actions, seed)
        return [policy.select_action(obs(floor_depth())).action for _ in range(50)]

    assert run(3) == run(3) != run(4)
    assert set(run(3)) == set(SEED.actions)


def test_explorer_moves_forward_into_open_space():
    assert DepthExplorer(HABITAT).select_action(obs(floor_depth())).action is Action.MOVE_FORWARD
    tilted = obs(floor_depth(-30.0), tilt_deg=-30.0)  # looking down at the floor
    assert DepthExplorer(HABITAT).select_action(tilted).action is Action.MOVE_FORWARD


@pytest.mark.parametrize(("wall_columns", "away"), [
    (slice(0, W // 2 + 10), Action.TURN_RIGHT),  # near wall on the left
    (slice(W // 2 - 10, W), Action.TURN_LEFT),  # near wall on the right
])
def test_explorer_turns_away_from_a_near_wall(wall_columns, away):
    depth = floor_depth()
    depth[:, wall_columns] = 0.4
    assert DepthExplorer(SEED).select_action(obs(depth)).action is away


def test_explorer_keeps_turning_one_way_when_blocked():
    explorer = DepthExplorer(HABITAT)
    wall = np.full((H, W), 0.4, np.float32)
    turns = {explorer.select_action(obs(wall)).action for _ in range(5)}
    assert len(turns) == 1 and turns <= {Action.TURN_LEFT, Action.TURN_RIGHT}


def test_explorer_remembers_a_bump():
    explorer = DepthExplorer(HABITAT)
    assert explorer.select_action(obs(floor_depth())).action is Action.MOVE_FORWARD
    bumped = explorer.select_action(obs(floor_depth(), collided=True)).action
    assert bumped in (Action.TURN_LEFT, Action.TURN_RIGHT)


def test_explorer_needs_motion_actions():
    with pytest.raises(ValueError, match="^space"):
        DepthExplorer(action_space("habitat", actions=(Action.STOP, Action.MOVE_FORWARD)))
    with pytest.raises(ValueError, match="^hfov_deg"):
        ExplorerConfig(hfov_deg=180)
    with pytest.raises(ValueError, match="^robot_radius_m"):
        ExplorerConfig(robot_radius_m=0)


@pytest.mark.parametrize("space", [HABITAT, SEED], ids=["habitat", "seed"])
def test_explorer_covers_more_than_random_without_getting_stuck(space):
    start = Pose2D(1.0, 1.0, 0.3)
    explorer = run_episode(DepthExplorer(space), RoomWorld(space, pose=start), 200)
    random = run_episode(RandomPolicy(MOTION, 0), RoomWorld(space, pose=start), 200)
    assert explorer["cells"] >= 2 * random["cells"]
    assert explorer["collisions"] <= 3
    assert explorer["longest_still"] <= 360 / space.turn_deg
