"""The semantic sensor of the embedded simulator: goal-category ids on the goal's pixels only."""

import dataclasses
import math

import numpy as np
import pytest
import trimesh

from objnav_ros.core.actions import Action
from objnav_ros.sim import CATEGORIES, EmbeddedSimulator, SimConfig
from objnav_ros.sim.base import semantic_id
from objnav_ros.sim.embedded import triangle_labels

W, H = 160, 120


@pytest.fixture(scope="module")
def semantic_sim(house_path):
    with EmbeddedSimulator(house_path, SimConfig(width=W, height=H, semantic=True)) as sim:
        yield sim


def facing(sim, goal):
    """An episode started on a view point of ``goal``, looking at the object's centre."""
    episode = sim.random_episode(0)
    episode = dataclasses.replace(episode, object_category=goal.category, goals=(goal,))
    x, y = goal.view_points[len(goal.view_points) // 2]
    yaw = math.atan2(goal.position[1] - y, goal.position[0] - x)
    return dataclasses.replace(episode, start_position=(x, y, 0.0), start_yaw=yaw)


def world_points(obs, sim):
    """Floor-plane (x, y) of every pixel that hit something (level camera)."""
    focal = (W / 2) / math.tan(math.radians(sim.config.hfov_deg) / 2)
    v, u = np.nonzero(obs.depth > 0)
    forward = obs.depth[v, u].astype(np.float64)
    left = -(u - (W - 1) / 2) / focal * forward
    c, s = math.cos(obs.pose.yaw), math.sin(obs.pose.yaw)
    xy = np.stack([obs.pose.x + c * forward - s * left, obs.pose.y + s * forward + c * left], 1)
    return v, u, xy


def inside(xy, footprint, tolerance):
    xmin, ymin, xmax, ymax = footprint
    return ((xy[:, 0] >= xmin - tolerance) & (xy[:, 0] <= xmax + tolerance)
            & (xy[:, 1] >= ymin - tolerance) & (xy[:, 1] <= ymax + tolerance))


def test_ids_follow_the_category_list():
    assert [semantic_id(c) for c in CATEGORIES] == list(range(1, len(CATEGORIES) + 1))
    assert semantic_id("goal") == 0


def test_triangle_labels_are_exactly_the_object_nodes(house_path, house_sim):
    scene = trimesh.load(house_path, force="scene")
    faces = {}
    for node in scene.graph.nodes_geometry:
        if node.startswith("object_"):
            category = node[len("object_"):].rsplit("_", 1)[0]
            count = len(scene.geometry[scene.graph[node][1]].faces)
            faces[semantic_id(category)] = faces.get(semantic_id(category), 0) + count
    labels = triangle_labels(house_sim.scene)
    assert {int(k): int(n) for k, n in zip(*np.unique(labels[labels > 0], return_counts=True),
                                           strict=True)} == faces


def test_semantic_image_is_off_by_default(house_sim):
    assert house_sim.reset(house_sim.random_episode(0)).semantic is None


def test_goal_pixels_are_labelled_and_walls_are_not(semantic_sim):
    goals = {g.object_id: g for i in range(6) for g in semantic_sim.random_episode(i).goals}
    assert len({g.category for g in goals.values()}) >= 2
    for goal in goals.values():
        obs = semantic_sim.reset(facing(semantic_sim, goal))
        assert obs.semantic.shape == (H, W) and obs.semantic.dtype == np.uint8
        v, u, xy = world_points(obs, semantic_sim)
        labels = obs.semantic[v, u]
        ident = semantic_id(goal.category)
        footprint = next(o.footprint for o in semantic_sim.scene.objects
                         if o.object_id == goal.object_id)
        on_goal = labels == ident
        assert on_goal.sum() > 0.02 * W * H  # a view point sees its object
        assert inside(xy[on_goal], footprint, 0.05).all()  # labels lie on the object
        on_any_object = np.zeros(len(xy), dtype=bool)
        for obj in semantic_sim.scene.objects:
            on_any_object |= inside(xy, obj.footprint, 0.05)
        assert not labels[~on_any_object].any()  # walls, floor: no label
        assert not obs.semantic[obs.depth == 0].any()  # nothing hit: no label


def test_semantic_image_follows_every_step(semantic_sim):
    obs = semantic_sim.reset(semantic_sim.random_episode(1))
    for action in (Action.TURN_LEFT, Action.MOVE_FORWARD, Action.LOOK_DOWN):
        obs = semantic_sim.step(action)
        assert obs.semantic is not None and obs.semantic.shape == (H, W)
        assert set(np.unique(obs.semantic)) <= set(range(len(CATEGORIES) + 1))


def test_semantic_flag_must_be_a_bool():
    with pytest.raises(ValueError, match="semantic"):
        SimConfig(semantic=1)
