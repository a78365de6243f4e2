"""Shared fixtures of the simulator tests: habitat's simple_room and one generated house."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from objnav_ros.sim import (
    EmbeddedSimulator,
    Episode,
    HouseConfig,
    ObjectGoal,
    SimConfig,
    generate_house,
    write_house,
)

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="session")
def simple_room() -> Path:
    return DATA / "simple_room.glb"


@pytest.fixture(scope="session")
def house_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("house")
    return write_house(generate_house(HouseConfig(n_rooms=4, seed=0)), folder / "house.glb")


@pytest.fixture(scope="session")
def house_sim(house_path: Path):
    with EmbeddedSimulator(house_path, SimConfig(width=64, height=48)) as sim:
        yield sim


@pytest.fixture(scope="session")
def room_sim(simple_room: Path):
    with EmbeddedSimulator(simple_room, SimConfig(width=160, height=120)) as sim:
        yield sim


@pytest.fixture(scope="session")
def point_episode():
    """Factory of episodes with one goal point, for scenes without labelled objects."""
    return _point_episode


def _point_episode(
    start: tuple[float, float], yaw_deg: float, goal: tuple[float, float], floor_z: float = 0.0
) -> Episode:
    return Episode(
        episode_id="test",
        scene_id="scene.glb",
        start_position=(start[0], start[1], floor_z),
        start_yaw=math.radians(yaw_deg),
        object_category="goal",
        goals=(ObjectGoal("goal", "goal", (goal[0], goal[1], floor_z)),),
    )
