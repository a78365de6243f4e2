import json
import shutil

import numpy as np
import pytest

from objnav_ros.sim import CATEGORIES, generate_house, load_scene, write_house
from objnav_ros.sim.house import HouseConfig
from objnav_ros.sim.objects import object_node_name, parse_object_node


def test_simple_room_loads_z_up(simple_room):
    scene = load_scene(simple_room)
    lo, hi = scene.bounds
    assert scene.triangles.shape == (84, 3, 3)
    assert hi[0] - lo[0] == pytest.approx(10.53, abs=0.01)
    assert hi[1] - lo[1] == pytest.approx(10.85, abs=0.01)
    assert hi[2] - lo[2] == pytest.approx(2.21, abs=0.01)  # floor slab to box top: z is up
    assert scene.colors.min() >= 0.0 and scene.colors.max() <= 1.0
    assert scene.objects == ()


def test_bare_glb_is_z_up_and_stage_config_up_is_honoured(simple_room, tmp_path):
    with_config = load_scene(simple_room)
    bare = tmp_path / "simple_room.glb"
    shutil.copy(simple_room, bare)
    np.testing.assert_allclose(load_scene(bare).triangles, with_config.triangles)

    bare.with_name("simple_room.stage_config.json").write_text(json.dumps({"up": [0, 1, 0]}))
    y_up = load_scene(bare)  # the file's y becomes z, its -z becomes y
    np.testing.assert_allclose(y_up.triangles[..., 2], with_config.triangles[..., 1], atol=1e-6)
    np.testing.assert_allclose(y_up.triangles[..., 1], -with_config.triangles[..., 2], atol=1e-6)


def test_y_up_house_loads_like_z_up_house(tmp_path):
    house = generate_house(HouseConfig(n_rooms=2, seed=3))
    z_up = load_scene(write_house(house, tmp_path / "z.glb", up="z"))
    y_up_path = write_house(house, tmp_path / "y.glb", up="y")
    assert json.loads(y_up_path.with_name("y.stage_config.json").read_text())["up"] == [0, 1, 0]
    y_up = load_scene(y_up_path)
    np.testing.assert_allclose(y_up.triangles, z_up.triangles, atol=1e-5)
    assert [o.object_id for o in y_up.objects] == [o.object_id for o in z_up.objects]
    for a, b in zip(y_up.objects, z_up.objects, strict=True):
        np.testing.assert_allclose(a.footprint, b.footprint, atol=1e-5)
    forced_z = load_scene(y_up_path, up=(0, 0, 1))  # ignoring the config leaves y up
    assert forced_z.bounds[1, 2] - forced_z.bounds[0, 2] > 5.0


def test_objects_are_recovered_from_node_names(house_path):
    scene = load_scene(house_path)
    assert {o.category for o in scene.objects} == set(CATEGORIES)
    lo, hi = scene.bounds
    for obj in scene.objects:
        assert parse_object_node(obj.object_id) == obj.category
        xmin, ymin, xmax, ymax = obj.footprint
        assert lo[0] <= xmin < xmax <= hi[0] and lo[1] <= ymin < ymax <= hi[1]
        assert xmin <= obj.center[0] <= xmax and ymin <= obj.center[1] <= ymax


def test_object_node_names_round_trip():
    assert object_node_name("tv_monitor", 3) == "object_tv_monitor_3"
    assert parse_object_node("object_tv_monitor_3") == "tv_monitor"
    assert parse_object_node("object_chair") is None
    assert parse_object_node("wall_3") is None


def test_missing_scene_is_one_clear_error(tmp_path):
    missing = tmp_path / "nowhere.glb"
    with pytest.raises(FileNotFoundError) as info:
        load_scene(missing)
    assert str(missing) in str(info.value) and "\n" not in str(info.value)


def test_broken_scene_is_one_clear_error(tmp_path):
    broken = tmp_path / "broken.glb"
    broken.write_bytes(b"not a glb at all")
    with pytest.raises(ValueError) as info:
        load_scene(broken)
    assert str(broken) in str(info.value) and "\n" not in str(info.value)
    other = tmp_path / "scene.obj"
    other.write_text("")
    with pytest.raises(ValueError, match=r"\.glb or \.gltf"):
        load_scene(other)


def test_bad_stage_config_names_file_and_field(simple_room, tmp_path):
    scene = tmp_path / "room.glb"
    shutil.copy(simple_room, scene)
    config = tmp_path / "room.stage_config.json"
    config.write_text(json.dumps({"up": "z"}))
    with pytest.raises(ValueError, match=r"room\.stage_config\.json.*'up'"):
        load_scene(scene)
