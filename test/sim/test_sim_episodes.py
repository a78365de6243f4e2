import gzip
import json
import math

import numpy as np
import pytest

from objnav_ros.sim import (
    EpisodeConfig,
    EpisodeFileError,
    generate_episodes,
    load_episodes,
    load_scene,
    save_episodes,
)
from objnav_ros.sim.coords import (
    habitat_quaternion_to_yaw,
    habitat_to_world,
    world_to_habitat,
    yaw_to_habitat_quaternion,
)


@pytest.fixture(scope="module")
def episodes(house_sim):
    return generate_episodes(
        house_sim.scene, house_sim.nav, 8, EpisodeConfig(seed=4), scene_id="house.glb"
    )


def test_generated_episodes_are_reachable_and_seeded(house_sim, episodes):
    config = EpisodeConfig(seed=4)
    object_ids = {obj.object_id: obj.category for obj in house_sim.scene.objects}
    for episode in episodes:
        assert config.min_geodesic_m <= episode.geodesic_distance <= config.max_geodesic_m
        nearest_view = min(math.dist(episode.start_position[:2], p) for p in episode.goal_points())
        assert nearest_view <= episode.geodesic_distance + 1e-9
        assert 0 < episode.euclidean_distance < math.inf
        assert house_sim.nav.is_navigable(np.array(episode.start_position[:2]))
        for goal in episode.goals:
            assert object_ids[goal.object_id] == episode.object_category
            assert goal.view_points and house_sim.nav.is_navigable(np.array(goal.view_points)).all()
        assert house_sim.geodesic_distance(
            episode.start_position[:2], episode.goal_points()
        ) == pytest.approx(episode.geodesic_distance)
    again = generate_episodes(house_sim.scene, house_sim.nav, 8, config, scene_id="house.glb")
    assert again == episodes
    other = generate_episodes(house_sim.scene, house_sim.nav, 8, EpisodeConfig(seed=5))
    assert [e.start_position for e in other] != [e.start_position for e in episodes]


@pytest.mark.parametrize("name", ["episodes.json", "episodes.json.gz"])
def test_json_round_trip(tmp_path, episodes, name):
    path = save_episodes(episodes, tmp_path / name)
    loaded = load_episodes(path)
    assert len(loaded) == len(episodes)
    for got, want in zip(loaded, episodes, strict=True):
        assert got.start_yaw == pytest.approx(want.start_yaw, abs=1e-12)
        assert got.start_position == pytest.approx(want.start_position, abs=1e-12)
        assert got.goals == want.goals
        assert (got.episode_id, got.scene_id, got.object_category) == (
            want.episode_id,
            want.scene_id,
            want.object_category,
        )
        assert got.geodesic_distance == want.geodesic_distance
        assert got.euclidean_distance == want.euclidean_distance


def test_file_uses_habitat_objectnav_layout(tmp_path, episodes):
    data = json.loads(gzip.decompress(save_episodes(episodes, tmp_path / "e.json.gz").read_bytes()))
    assert {"episodes", "goals_by_category", "category_to_task_category_id"} <= set(data)
    record, episode = data["episodes"][0], episodes[0]
    assert {
        "episode_id",
        "scene_id",
        "start_position",
        "start_rotation",
        "object_category",
        "goals",
        "info",
    } <= set(record)
    x, y, z = episode.start_position
    assert record["start_position"] == [x, z, -y]  # habitat is Y-up
    assert math.isclose(sum(q * q for q in record["start_rotation"]), 1.0)
    assert record["info"]["geodesic_distance"] == episode.geodesic_distance
    goals = data["goals_by_category"][f"house.glb_{episode.object_category}"]
    assert {g["object_id"] for g in goals} == {g.object_id for g in episode.goals}
    view = goals[0]["view_points"][0]["agent_state"]
    assert set(view) == {"position", "rotation"}


def test_inline_goals_are_read_too(tmp_path, episodes):
    data = json.loads(save_episodes(episodes[:1], tmp_path / "e.json").read_text())
    record = data["episodes"][0]
    record["goals"] = data["goals_by_category"].popitem()[1]
    path = tmp_path / "inline.json"
    path.write_text(json.dumps({"episodes": [record]}))
    assert load_episodes(path)[0].goals == episodes[0].goals


def test_coordinate_conversions():
    assert world_to_habitat((1.0, 2.0, 3.0)) == [1.0, 3.0, -2.0]
    assert habitat_to_world([1.0, 3.0, -2.0]) == (1.0, 2.0, 3.0)
    assert yaw_to_habitat_quaternion(math.pi / 2) == [0.0, 0.0, 0.0, 1.0]  # habitat's -Z is +y
    for yaw in np.linspace(-3.1, 3.1, 13):
        assert habitat_quaternion_to_yaw(yaw_to_habitat_quaternion(yaw)) == pytest.approx(yaw)


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda d: d["episodes"][0].pop("start_rotation"), r"episodes\[0\]\.start_rotation"),
        (
            lambda d: d["episodes"][0].update(start_position=[1, 2]),
            r"episodes\[0\]\.start_position",
        ),
        (lambda d: d["episodes"][0].update(object_category=""), r"episodes\[0\]\.object_category"),
        (lambda d: d.pop("goals_by_category"), r"episodes\[0\]\.goals"),
        (lambda d: d.update(episodes={}), "episodes"),
    ],
)
def test_loader_errors_name_file_and_field(tmp_path, episodes, mutate, field):
    data = json.loads(save_episodes(episodes[:1], tmp_path / "e.json").read_text())
    mutate(data)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    with pytest.raises(EpisodeFileError, match=field) as info:
        load_episodes(path)
    message = str(info.value)
    assert message.startswith(str(path)) and "\n" not in message


def test_unreadable_episode_files(tmp_path):
    with pytest.raises(EpisodeFileError, match="file not found"):
        load_episodes(tmp_path / "missing.json")
    broken = tmp_path / "broken.json.gz"
    broken.write_bytes(b"not gzip")
    with pytest.raises(EpisodeFileError, match="broken.json.gz"):
        load_episodes(broken)
    with pytest.raises(ValueError, match="json"):
        save_episodes([], tmp_path / "episodes.txt")


def test_scene_without_objects_cannot_make_episodes(room_sim):
    with pytest.raises(ValueError, match="object_<category>_<n>"):
        generate_episodes(load_scene(room_sim.scene.path), room_sim.nav, 1)
