import math

import numpy as np
import pytest

from objnav_ros.core.actions import Action, action_space
from objnav_ros.sim import EmbeddedSimulator, EpisodeDoneError, SimConfig

# simple_room's big box covers x 1.37..3.37, y -2.39..-0.39; its floor top is z = 0.145.
BOX_SOUTH_Y = -2.39
RADIUS = 0.18


def test_walking_into_a_wall_collides_and_stops_short(room_sim, point_episode):
    room_sim.reset(point_episode((2.4, -3.6), 90.0, (-4.0, 4.0), room_sim.nav.floor_z))
    hits = [room_sim.step(Action.MOVE_FORWARD) for _ in range(6)]
    flags = [obs.collided for obs in hits]
    assert flags[:3] == [False, False, False] and all(flags[4:])
    last = hits[-1].pose
    assert BOX_SOUTH_Y - 0.3 < last.y < BOX_SOUTH_Y - RADIUS
    assert last.x == pytest.approx(2.4, abs=1e-6)
    assert room_sim.metrics().collisions == sum(flags)


def test_an_oblique_move_into_a_wall_slides_along_it(room_sim, point_episode):
    room_sim.reset(point_episode((2.0, -2.75), 60.0, (-4.0, 4.0), room_sim.nav.floor_z))
    before = room_sim.pose
    obs = room_sim.step(Action.MOVE_FORWARD)
    moved = np.subtract((obs.pose.x, obs.pose.y), (before.x, before.y))
    assert obs.collided
    assert 0.0 < np.linalg.norm(moved) < 0.25
    commanded_x = 0.25 * math.cos(math.radians(60.0))
    assert moved[0] == pytest.approx(commanded_x, abs=1e-3)  # the along-wall part survives
    assert obs.pose.y < BOX_SOUTH_Y - RADIUS


def test_geodesic_distance_and_shortest_path_agree(room_sim):
    open_floor = room_sim.geodesic_distance((-4.0, -4.0), [(-4.0, 3.0)])
    assert open_floor == pytest.approx(7.0, rel=1e-3)
    start, goal = (2.4, -4.0), (2.4, 1.0)  # straight through the box: must go around
    geodesic = room_sim.geodesic_distance(start, [goal])
    path = room_sim.shortest_path(start, goal)
    assert path[0] == start and path[-1] == goal
    length = sum(math.dist(a, b) for a, b in zip(path, path[1:], strict=False))
    assert 5.0 < length <= geodesic <= length * 1.03
    nav = room_sim.nav
    for a, b in zip(path, path[1:], strict=False):
        assert nav.segments_free(a, np.array([b]))[0]


def test_shortest_path_leads_to_the_nearest_goal(room_sim):
    goals = [(4.0, 4.0), (-3.0, -3.5)]
    path = room_sim.shortest_path((-4.0, -4.0), goals)
    assert path[-1] == goals[1]
    assert room_sim.geodesic_distance((-4.0, -4.0), goals) == pytest.approx(
        room_sim.geodesic_distance((-4.0, -4.0), [goals[1]])
    )


def test_stop_far_from_goal_fails_and_ends_the_episode(room_sim, point_episode):
    room_sim.reset(point_episode((-4.0, -4.0), 0.0, (4.0, 4.0), room_sim.nav.floor_z))
    room_sim.step(Action.MOVE_FORWARD)
    room_sim.step(Action.STOP)
    state = room_sim.metrics()
    assert state.done and not state.success and state.spl == 0.0
    assert (state.end_reason, state.step) == ("stop", 2)
    assert state.path_length == pytest.approx(0.25)
    with pytest.raises(EpisodeDoneError, match="reset"):
        room_sim.step(Action.TURN_LEFT)


def test_episode_ends_at_max_steps(simple_room, point_episode):
    with EmbeddedSimulator(simple_room, SimConfig(width=8, height=8, max_steps=3)) as sim:
        sim.reset(point_episode((-4.0, -4.0), 0.0, (4.0, 4.0), sim.nav.floor_z))
        for _ in range(3):
            sim.step(Action.TURN_LEFT)
        state = sim.metrics()
        assert state.done and state.end_reason == "max_steps" and not state.success
        with pytest.raises(EpisodeDoneError):
            sim.step(Action.TURN_LEFT)


def test_turns_use_the_action_space_amounts(simple_room, point_episode):
    config = SimConfig(width=8, height=8, action_space=action_space("seed"))
    with EmbeddedSimulator(simple_room, config) as sim:
        sim.reset(point_episode((-4.0, -4.0), 0.0, (4.0, 4.0), sim.nav.floor_z))
        assert sim.step(Action.TURN_LEFT).pose.yaw == pytest.approx(math.radians(15.0))
        assert sim.step(Action.MOVE_FORWARD).pose.x == pytest.approx(
            -4.0 + 0.4 * math.cos(math.radians(15.0))
        )
        with pytest.raises(ValueError, match="STOP is not in the action space"):
            sim.step(Action.STOP)


def test_stepping_before_reset_is_a_clear_error(simple_room):
    with EmbeddedSimulator(simple_room, SimConfig(width=8, height=8)) as sim:
        with pytest.raises(RuntimeError, match="reset"):
            sim.step(Action.MOVE_FORWARD)


def test_start_off_the_navigable_area_is_refused(room_sim, point_episode):
    with pytest.raises(ValueError, match="navigable area"):
        room_sim.reset(point_episode((2.4, -1.4), 0.0, (4.0, 4.0)))  # inside the box
