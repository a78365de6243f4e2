"""Episodes in the in-process simulator: expert paths (EPA, training data) and closed-loop runs.

Action spaces without STOP (the ``seed`` preset) are handled by the simulator itself: an
episode ends as a success once the agent is within the success distance.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from objnav_ros.core.actions import Action
from objnav_ros.core.types import Observation
from objnav_ros.monitor import OSCILLATION, STUCK, Monitor, MonitorConfig, StepRecord
from objnav_ros.policy.decision import Policy
from objnav_ros.sim import Episode, ShortestPathExpert, Simulator
from objnav_training.evaluate import EpisodeResult
from objnav_training.transitions import EpisodeData, Transition


def expert_steps(sim: Simulator, episode: Episode) -> Iterator[tuple[Observation, Action]]:
    """Observations along the expert's path with its action on each; the action runs on resume."""
    obs = sim.reset(episode)
    expert = ShortestPathExpert(sim)
    while not sim.metrics().done:
        action = expert.next_action()
        yield obs, action
        obs = sim.step(action)


def expert_episode(sim: Simulator, episode: Episode) -> EpisodeData:
    """The expert's episode as training data (frames held in memory, geodesic distances known)."""
    steps = [(obs, action, sim.metrics().distance_to_goal)
             for obs, action in expert_steps(sim, episode)]
    final = sim.metrics()
    success = final.success
    path = sim.trajectory
    transitions = []
    for i, (obs, action, distance) in enumerate(steps):
        last = i == len(steps) - 1
        transitions.append(Transition(
            episode_id=episode.episode_id,
            step=i,
            goal=obs.goal_category,
            action=action,
            pose=path[i][0],
            next_pose=path[i + 1][0],
            collided=path[i + 1][1],
            done=last,
            rgb=lambda rgb=obs.rgb: rgb,
            depth=lambda depth=obs.depth: depth,
            distance_to_goal=distance,
            next_distance_to_goal=final.distance_to_goal if last else steps[i + 1][2],
            success=last and success,
            source="expert",
        ))
    return EpisodeData(episode.episode_id, "simulator", tuple(transitions))


def run_episode(policy: Policy, sim: Simulator, episode: Episode, monitor: Monitor
                ) -> EpisodeResult:
    """Let ``policy`` drive one episode (invalid answers run the policy's fallback action)."""
    obs = sim.reset(episode)
    policy.reset()
    monitor.reset()
    decisions = valid = 0
    while not sim.metrics().done:
        decision = policy.select_action(obs)
        decisions += 1
        valid += decision.valid
        before = sim.pose
        obs = sim.step(decision.action)
        # The step number is the monitor's clock (its detectors count steps).
        monitor.update(StepRecord(obs.step, float(obs.step), decision.action, before, obs.pose,
                                  obs.collided, sim.config.action_space.forward_m))
    state = sim.metrics()
    return EpisodeResult(
        episode_id=episode.episode_id,
        success=state.success,
        spl=state.spl,
        steps=state.step,
        path_length=state.path_length,
        final_distance=state.distance_to_goal,
        decisions=decisions,
        valid=valid,
        collisions=state.collisions,
        stuck=monitor.counts[STUCK],
        oscillation=monitor.counts[OSCILLATION],
        trajectory=sim.trajectory,
    )


def closed_loop(policy: Policy, sim: Simulator, episodes: Sequence[Episode],
                monitor: MonitorConfig | None = None) -> list[EpisodeResult]:
    """Closed-loop results of ``policy`` on each episode, in order."""
    watcher = Monitor(monitor)
    return [run_episode(policy, sim, episode, watcher) for episode in episodes]
