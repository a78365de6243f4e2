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

