import pytest

from objnav_ros.core.actions import action_space
from objnav_ros.core.contract import RunContract
from objnav_ros.policy import DepthExplorer, RandomPolicy
from objnav_ros.policy.factory import POLICY_TYPES, PolicySettings, follow, make_policy


def test_baselines_from_settings():
    seed = action_space("seed")
    explorer = make_policy(PolicySettings(kind="frontier", actions=seed))
    assert isinstance(explorer, DepthExplorer) and explorer.needs_depth and explorer.needs_pose
    random = make_policy(PolicySettings(kind="random", actions=seed, seed=3))
    assert isinstance(random, RandomPolicy) and random.actions == seed.actions
    assert not random.needs_depth and set(POLICY_TYPES) >= {"vlm", "frontier", "random"}


def test_a_built_explorer_follows_the_streams_run_contract():
    settings = PolicySettings(kind="frontier")
    explorer = make_policy(settings)
    new = settings.following(RunContract(forward_m=0.6, width=320, height=240, hfov_deg=40.0,
                                         camera_height_m=0.5))
    assert new.sim.width == 320 and settings.following(RunContract()) == settings
    assert new.contract() == RunContract(0.6, 30.0, 30.0, 320, 240, 40.0, 0.5)
    follow(explorer, new)
    assert explorer.space.forward_m == 0.6 and explorer.config.hfov_deg == 40.0
    assert explorer.config.camera_height_m == 0.5


def test_vlm_from_settings(tiny_trained):
    policy = make_policy(PolicySettings(kind="vlm", model_path=str(tiny_trained), mode="generate",
                                        max_new_tokens=4, fallback_action="stop"))
    assert policy.name == "vlm-generate" and not policy.needs_depth and not policy.needs_pose
    assert policy.config.fallback_action == "stop" and policy.config.max_new_tokens == 4


def test_invalid_settings_name_the_field(tmp_path):
    with pytest.raises(ValueError, match="^kind"):
        PolicySettings(kind="oracle")
    with pytest.raises(ValueError, match="^model_path"):
        make_policy(PolicySettings(kind="vlm", model_path=str(tmp_path / "none")))
