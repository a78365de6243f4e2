import math

import numpy as np
import pytest
import trimesh

from objnav_ros.core.actions import Action
from objnav_ros.sim import EmbeddedSimulator, SimConfig


@pytest.fixture(scope="module")
def wall_scene(tmp_path_factory):
    """A 10 m floor (top at z = 0) with a wall whose near face is the plane x = 3."""
    scene = trimesh.Scene()
    floor = trimesh.creation.box(extents=(10, 10, 0.1))
    floor.apply_translation((0, 0, -0.05))
    wall = trimesh.creation.box(extents=(0.2, 10, 2.5))
    wall.apply_translation((3.1, 0, 1.25))
    scene.add_geometry(floor, node_name="floor")
    scene.add_geometry(wall, node_name="wall")
    path = tmp_path_factory.mktemp("wall") / "wall.glb"
    path.write_bytes(scene.export(file_type="glb"))
    return path


@pytest.fixture(scope="module")
def wall_sim(wall_scene):
    with EmbeddedSimulator(wall_scene, SimConfig(width=128, height=96)) as sim:
        yield sim


@pytest.mark.parametrize(("width", "height"), [(640, 480), (256, 256)])
def test_simple_room_renders_rgb_and_depth(simple_room, point_episode, width, height):
    with EmbeddedSimulator(simple_room, SimConfig(width=width, height=height)) as sim:
        obs = sim.reset(point_episode((-3.0, -3.0), 45.0, (4.0, 4.0), sim.nav.floor_z))
    assert obs.rgb.shape == (height, width, 3) and obs.rgb.dtype == np.uint8
    assert obs.depth.shape == (height, width) and obs.depth.dtype == np.float32
    assert obs.rgb.mean() > 30 and len(np.unique(obs.rgb.reshape(-1, 3), axis=0)) > 3
    hit = obs.depth > 0
    assert 0.3 < hit.mean() < 1.0  # the floor and boxes, and black beyond the room's edge
    assert obs.depth[hit].min() > 0.5 and obs.depth.max() < 16.0
    assert not obs.rgb[~hit].any()  # nothing hit: black and depth 0


@pytest.mark.parametrize("distance", [1.0, 2.5, 4.0])
def test_depth_at_image_centre_is_distance_to_wall(wall_sim, point_episode, distance):
    obs = wall_sim.reset(point_episode((3.0 - distance, 0.0), 0.0, (-4.0, 0.0)))
    assert obs.pose.x == pytest.approx(3.0 - distance)
    np.testing.assert_allclose(obs.depth[46:50, 62:66], distance, atol=0.02)
    # the optical-axis depth of a plane facing the camera is the same all across it
    np.testing.assert_allclose(obs.depth[30, 5:-5], distance, atol=0.02)


def test_looking_down_sees_the_floor_at_its_slant_range(wall_sim, point_episode):
    wall_sim.reset(point_episode((0.0, 0.0), 180.0, (-4.0, 0.0)))
    obs = wall_sim.step(Action.LOOK_DOWN)
    assert obs.camera_tilt_deg == -30.0
    slant = 0.88 / math.sin(math.radians(30.0))
    assert obs.depth[47:49, 63:65].mean() == pytest.approx(slant, abs=0.02)


def test_tilt_is_clamped(wall_sim, point_episode):
    wall_sim.reset(point_episode((0.0, 0.0), 0.0, (-4.0, 0.0)))
    tilts = [wall_sim.step(Action.LOOK_UP).camera_tilt_deg for _ in range(3)]
    assert tilts == [30.0, 60.0, 60.0]
    assert wall_sim.step(Action.LOOK_DOWN).camera_tilt_deg == 30.0


def test_walls_of_different_orientation_are_shaded_differently(house_sim):
    obs = house_sim.reset(house_sim.random_episode(0))
    colours = {tuple(c) for c in obs.rgb.reshape(-1, 3)}
    assert len(colours) >= 4
