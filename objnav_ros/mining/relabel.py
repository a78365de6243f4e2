"""DAgger relabels: the action a teacher takes at each step of a rollout some policy drove.

``expert``: the shortest-path expert at the step's pose (it knows the map). ``frontier``: the
depth explorer (:mod:`objnav_ros.policy.explorer`) replayed along the rollout's frames from
the first, so its obstacle and goal memory is what it would have built on that path; it needs
the simulator's semantic image. A label outside the allowed actions (the explorer's STOP where
the simulator ends the episode on arrival) is left out.
"""

from __future__ import annotations

from collections.abc import Iterable

from objnav_ros.core.actions import Action
from objnav_ros.mining.rollout import Frame, Rollout
from objnav_ros.policy.explorer import DepthExplorer
from objnav_ros.policy.factory import explorer_config
from objnav_ros.sim import Simulator
from objnav_ros.sim.expert import expert_action

RELABELLERS = ("expert", "frontier")


def relabel(sim: Simulator, frame: Frame) -> Action:
    """The shortest-path expert's action at the frame's pose (the episode must be current)."""
    pose = frame.obs.pose
    xy = (pose.x, pose.y)
    goals = sim.goal_points
    return expert_action(pose, sim.geodesic_distance(xy, goals), sim.shortest_path(xy, goals),
                         sim.config.action_space, sim.config.success_distance_m)


def relabels(sim: Simulator, run: Rollout, steps: Iterable[int], teacher: str) -> dict[int, Action]:
    """``teacher``'s action for each of ``steps`` (transitions of ``run``, the current episode)."""
    wanted = sorted(set(steps))
    if not wanted:
        return {}
    allowed = sim.config.action_space.actions
    if teacher == "expert":
        labels = {step: relabel(sim, run.frames[step]) for step in wanted}
    elif teacher == "frontier":
        if run.frames[0].obs.semantic is None:
            raise ValueError("frontier relabels need the simulator's semantic image")
        explorer = DepthExplorer(sim.config.action_space, explorer_config(sim.config))
        replay = [explorer.select_action(run.frames[s].obs).action for s in range(wanted[-1] + 1)]
        labels = {step: replay[step] for step in wanted}
    else:
        raise ValueError(f"teacher: expected one of {list(RELABELLERS)}, got {teacher!r}")
    return {step: action for step, action in labels.items() if action in allowed}
