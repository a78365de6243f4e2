"""The simulator's shortest-path expert as a policy (simulation only, privileged).

It plans on the nav grid of the same scene the simulator runs (resolved from the same
:class:`SceneSource`) from the observation's pose, which in simulation is the world pose
(the bridge's odometry frame is the world frame), toward the goals of the observation's
episode.
"""

from __future__ import annotations

from objnav_ros.core.actions import ActionSpace
from objnav_ros.core.types import Observation
from objnav_ros.policy.decision import Decision, Policy
from objnav_ros.sim.base import as_points
from objnav_ros.sim.config import SimConfig
from objnav_ros.sim.embedded import build_navgrid, episode_config
from objnav_ros.sim.episodes import Episode, EpisodeSampler, load_episodes
from objnav_ros.sim.expert import expert_action
from objnav_ros.sim.scene import load_scene
from objnav_ros.sim.scene_source import SceneSource


class ExpertPolicy(Policy):
    name = "expert"
    needs_pose = True

    def __init__(self, space: ActionSpace, source: SceneSource, config: SimConfig) -> None:
        super().__init__(space.actions)
        self.space = space
        self.success_distance_m = config.success_distance_m
        scene = load_scene(source.scene_path())
        self.nav = build_navgrid(scene, config)
        self._episodes: dict[str, Episode] = {}
        if source.episode_file:
            self._episodes = {e.episode_id: e for e in load_episodes(source.episode_file)}
            self._sampler = None
        else:
            self._sampler = EpisodeSampler(scene, self.nav, episode_config(config))

    def episode(self, episode_id: str) -> Episode:
        """The episode an observation belongs to (generated episodes are drawn by index)."""
        if episode_id not in self._episodes:
            if self._sampler is None or not episode_id.isdigit():
                raise ValueError(f"expert: unknown episode {episode_id!r}")
            self._episodes[episode_id] = self._sampler.sample(int(episode_id))
        return self._episodes[episode_id]

    def _decide(self, obs: Observation) -> Decision:
        goals = as_points(self.episode(obs.episode_id).goal_points())
        start = (obs.pose.x, obs.pose.y)
        action = expert_action(obs.pose, self.nav.geodesic_distance(start, goals),
                               self.nav.shortest_path(start, goals), self.space,
                               self.success_distance_m)
        return Decision(action, True, source=self.name)
