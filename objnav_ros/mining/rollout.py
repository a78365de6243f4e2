"""One closed-loop episode with the monitor watching, every observation kept."""

from __future__ import annotations

from dataclasses import dataclass

from objnav_ros.core.types import Observation
from objnav_ros.monitor import Monitor, Verdict
from objnav_ros.policy.decision import Decision, Policy
from objnav_ros.sim import Episode, Simulator
from objnav_ros.sim.episode_state import EpisodeState
from objnav_ros.sim.runner import EpisodeRunner, run_episodes


@dataclass(frozen=True)
class Frame:
    """Observation ``obs.step`` with the simulator's state then; ``decision`` answers it."""

    obs: Observation
    state: EpisodeState
    decision: Decision | None = None  # None on the last observation


@dataclass(frozen=True)
class Rollout:
    """An episode's frames (index = step) and the monitor's verdicts (steps = actions, 1-based)."""

    episode: Episode
    frames: tuple[Frame, ...]
    verdicts: tuple[Verdict, ...]

    @property
    def actions(self) -> int:
        """Actions taken (observations are ``0..actions``)."""
        return len(self.frames) - 1


def rollout(policy: Policy, sim: Simulator, episode: Episode, monitor: Monitor) -> Rollout:
    """Let ``policy`` drive ``episode`` (:mod:`objnav_ros.sim.runner`), ``monitor`` judging.

    Without STOP in the action space the simulator ends the episode on arrival.
    """
    frames: list[Frame] = []

    def keep(runner: EpisodeRunner, decision: Decision) -> None:
        frames.append(Frame(runner.obs, runner.state, decision))

    runner = EpisodeRunner(sim)
    for _ in run_episodes([runner], [policy], [episode], on_decision=keep):
        frames.append(Frame(runner.obs, runner.state))
    verdicts = monitor.judge(runner.steps, sim.config.action_space.forward_m)
    return Rollout(episode, tuple(frames), tuple(verdicts))

