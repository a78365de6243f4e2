"""Shortest-path expert: the next action to the nearest goal, like habitat's GreedyGeodesicFollower.

It plans on the simulator's own geodesics (so on either backend), turns towards the
first waypoint of the taut shortest path until the heading is within half a turn of it,
then moves forward, and calls STOP as soon as the simulator's distance to the goal is
within the success distance. Because it stops there rather than at the goal point, its
walked length stays below the start's geodesic distance and its SPL is 1.0 whenever its
detours (heading quantization, sliding) add up to less than the success distance.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from objnav_ros.core.actions import Action, ActionSpace
from objnav_ros.core.types import Pose2D
from objnav_ros.sim.base import XY, Simulator
from objnav_ros.sim.coords import wrap_angle

_ANGLE_EPS_RAD = 1e-6


def expert_action(pose: Pose2D, distance_to_goal: float, path: Sequence[XY],
                  space: ActionSpace, success_distance_m: float) -> Action:
    """STOP within the success distance, else turn towards / move along ``path``.

    ``path`` is the shortest path ``[start, ..., goal]`` from ``pose`` to the nearest goal.
    """
    if distance_to_goal <= success_distance_m:
        return Action.STOP
    if len(path) < 2:
        raise RuntimeError(f"no path to a goal from ({pose.x:.2f}, {pose.y:.2f})")
    target = path[1]
    reached = math.dist(target, (pose.x, pose.y)) < space.forward_m / 2
    if reached and len(path) > 2:
        target = path[2]
    error = wrap_angle(math.atan2(target[1] - pose.y, target[0] - pose.x) - pose.yaw)
    if abs(error) <= math.radians(space.turn_deg) / 2 + _ANGLE_EPS_RAD:
        return Action.MOVE_FORWARD
    return Action.TURN_LEFT if error > 0 else Action.TURN_RIGHT


class ShortestPathExpert:
    """Decides the simulator's next action from privileged geodesic information.

    With an action space lacking STOP (the ``seed`` preset), a returned STOP means "goal
    reached": end the episode instead of sending it to the simulator.
    """

    def __init__(self, sim: Simulator) -> None:
        self.sim = sim

    def next_action(self) -> Action:
        """The expert's action for the simulator's current state."""
        sim = self.sim
        pose = sim.pose
        return expert_action(
            pose, sim.metrics().distance_to_goal,
            sim.shortest_path((pose.x, pose.y), sim.goal_points),
            sim.config.action_space, sim.config.success_distance_m)
