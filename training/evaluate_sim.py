"""Episodes in the in-process simulator: expert paths (EPA, training data) and closed-loop runs.

Action spaces without STOP (the ``seed`` preset) are handled by the simulator itself: an
episode ends as a success once the agent is within the success distance.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from objnav_ros.core.actions import Action
from objnav_ros.core.types import Observation
from objnav_ros.monitor import MonitorConfig
from objnav_ros.policy.decision import Policy
from objnav_ros.sim import Episode, ShortestPathExpert, Simulator
from objnav_ros.sim.runner import EpisodeRunner
from objnav_training.batch_rollout import batched_closed_loop
from objnav_training.evaluate import EpisodeResult
from objnav_training.transitions import EpisodeData, Transition


def expert_steps(sim: Simulator, episode: Episode) -> Iterator[tuple[Observation, Action]]:
    """Observations along the expert's path with its action on each; the action runs on resume."""
    return _expert_walk(EpisodeRunner(sim), episode)


def _expert_walk(runner: EpisodeRunner, episode: Episode
                 ) -> Iterator[tuple[Observation, Action]]:
    runner.start(episode)
    expert = ShortestPathExpert(runner.sim)
    while not runner.done:
        action = expert.next_action()
        yield runner.obs, action
        runner.step(action)


def expert_episode(sim: Simulator, episode: Episode) -> EpisodeData:
    """The expert's episode as training data (frames held in memory, geodesic distances known)."""
    runner = EpisodeRunner(sim)
    observations = [obs for obs, _ in _expert_walk(runner, episode)]
    final = runner.state
    distance = final.shortest_path_length  # before the first step
    transitions = []
    for i, (obs, step) in enumerate(zip(observations, runner.steps, strict=True)):
        last = i == len(observations) - 1
        transitions.append(Transition(
            episode_id=episode.episode_id, step=i, goal=obs.goal_category, action=step.action,
            pose=step.pose_before, next_pose=step.pose, collided=step.collided, done=last,
            rgb=lambda rgb=obs.rgb: rgb, depth=lambda depth=obs.depth: depth,
            distance_to_goal=distance, next_distance_to_goal=step.distance_to_goal,
            success=last and final.success, source="expert"))
        distance = step.distance_to_goal
    return EpisodeData(episode.episode_id, "simulator", tuple(transitions),
                       contract=sim.config.contract())


def closed_loop(policy: Policy, sim: Simulator, episodes: Sequence[Episode],
                monitor: MonitorConfig | None = None) -> list[EpisodeResult]:
    """Closed-loop results of ``policy`` on each episode, in order, one at a time."""
    return batched_closed_loop([sim], lambda _: policy, episodes, monitor)
