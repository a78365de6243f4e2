"""Shared fixtures: the tiny model (trained vocabulary), a generated house, expert episodes.

Everything expensive is built once per session; ``trained`` is one short AWR run on two
expert episodes recorded in-process (no ROS, no bags).
"""

from __future__ import annotations

import pytest

from objnav_ros.core.actions import action_space
from objnav_ros.policy.tiny_model import build_tiny_model
from objnav_ros.sim import EmbeddedSimulator, SimConfig
from objnav_ros.sim.scene_source import SceneSource
from objnav_training.evaluate_sim import expert_episode
from objnav_training.trainer import train
from objnav_training.trainer_config import TrainConfig

SEED_SPACE = action_space("seed")


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory):
    return build_tiny_model(tmp_path_factory.mktemp("models") / "tiny-trained", vocab="trained")


@pytest.fixture(scope="session")
def house(tmp_path_factory):
    return SceneSource(seed=0, cache_dir=str(tmp_path_factory.mktemp("houses"))).scene_path()


@pytest.fixture(scope="session")
def seed_sim(house):
    """64x48 camera, seed action preset (no STOP)."""
    with EmbeddedSimulator(house, SimConfig(width=64, height=48, action_space=SEED_SPACE)) as sim:
        yield sim


@pytest.fixture(scope="session")
def expert_data(seed_sim):
    return [expert_episode(seed_sim, seed_sim.random_episode(i)) for i in range(2)]


def tiny_config(model, out, **overrides) -> TrainConfig:
    """A fast CPU run of the tiny model (its random weights need a large learning rate)."""
    settings = dict(model_path=str(model), out_dir=str(out), action_preset="seed", lr=1e-2,
                    batch_size=8, accumulate_grad_batches=1, steps=60, num_workers=0,
                    checkpoint_every=20, log_every=5, progress_bar=False)
    return TrainConfig(**{**settings, **overrides})


@pytest.fixture(scope="session")
def trained(tiny_model, expert_data, tmp_path_factory):
    return train(tiny_config(tiny_model, tmp_path_factory.mktemp("run")), expert_data)
