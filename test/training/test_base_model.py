import numpy as np
import pytest

from objnav_training.base_data import FrameConfig, FrameSet
from objnav_training.base_model import BaseModelConfig, bc_sampling


def frames(on_path, visible) -> FrameSet:
    n = len(on_path)
    return FrameSet(rgb=np.zeros((n, 2, 2, 3), np.uint8), goal=["bed"] * n,
                    expert=np.ones(n, np.int8), history=[()] * n,
                    on_path=np.asarray(on_path), goal_visible=np.asarray(visible),
                    asked=["bed"] * n, caption=["not visible"] * n,
                    house=np.zeros(n, np.int64), regions=np.zeros((n, 1, 1, 1), bool))


def config(**kwargs) -> BaseModelConfig:
    return BaseModelConfig("-", FrameConfig((1, 2)), validation_houses=1, **kwargs)


def test_behaviour_cloning_draws_the_expert_path_and_optionally_the_exploring_frames():
    data = frames([True, True, False, False], [True, False, True, False])
    rows, p = bc_sampling(data, config(visible_weight=3.0))
    assert rows.tolist() == [0, 1] and p == pytest.approx([0.75, 0.25])
    rows, p = bc_sampling(data, config(visible_weight=3.0, off_path_weight=0.5))
    assert rows.tolist() == [0, 1, 2, 3]
    assert p == pytest.approx(np.array([3.0, 1.0, 1.5, 0.5]) / 6.0)
    with pytest.raises(ValueError, match="^off_path_weight"):
        config(off_path_weight=-1.0)


def test_frontier_teacher_labels_are_the_explorers_own_decisions(tmp_path):
    from objnav_ros.policy.explorer import DepthExplorer
    from objnav_ros.policy.factory import explorer_config
    from objnav_ros.sim import EmbeddedSimulator
    from objnav_ros.sim.scene_source import SceneSource
    from objnav_training.base_data import render_frames

    frame_config = FrameConfig((5,), 1, 56, 56, "seed", 30, noise=1.0, teacher="frontier",
                               cache_dir=str(tmp_path))
    data = render_frames(frame_config, progress=False)
    path = np.flatnonzero(data.on_path)
    assert len(path) > 5 and len(path) < len(data)  # the explorer's path, then a random one
    sim_config = frame_config.sim_config(5)
    source = SceneSource(seed=5, n_episodes=1, cache_dir=str(tmp_path))
    with EmbeddedSimulator(source.scene_path(), sim_config) as sim:
        episode = source.load_episodes(sim_config, sim.random_episode)[0]
        obs = sim.reset(episode)
        explorer = DepthExplorer(sim_config.action_space, explorer_config(sim_config))
        for i in path:
            action = explorer.select_action(obs).action
            assert int(action) == int(data.expert[i])
            obs = sim.step(action)
    with pytest.raises(ValueError, match="^teacher"):
        FrameConfig((1,), teacher="oracle")
