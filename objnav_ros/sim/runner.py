"""The one episode loop: the bridge, the evaluation, the miner and expert paths all run it.

:class:`EpisodeRunner` holds one simulator: ``start(episode)`` resets it, ``step(action)``
executes one action and keeps a :class:`Step` record of it, and the episode ends when the
simulator says (STOP, arrival where the action space has no STOP, ``max_steps``).
:func:`run_episodes` lets policies drive many runners at once: at every step the
observations of the running episodes that share one policy object go to its
``select_actions`` together (one forward pass for a VLM), and a runner whose episode ended
takes the next one. One runner is the closed loop of one episode at a time; the bridge,
whose actions arrive as messages, calls the runner itself.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from objnav_ros.core.actions import Action
from objnav_ros.core.types import Observation, Pose2D
from objnav_ros.sim.base import Simulator
from objnav_ros.sim.episode_state import EpisodeState
from objnav_ros.sim.episodes import Episode


class Choice(Protocol):
    """A policy's answer as the loop reads it (:class:`objnav_ros.policy.decision.Decision`)."""

    action: Action
    valid: bool


class Driver(Protocol):
    """A policy as the loop drives it (:class:`objnav_ros.policy.decision.Policy`)."""

    def reset(self) -> None: ...

    def select_actions(self, observations: Sequence[Observation]) -> Sequence[Choice]: ...


@dataclass(frozen=True)
class Step:
    """One executed action (the per-step record every caller reads).

    ``step`` counts actions (1 = the first); ``valid`` says whether the decision behind the
    action was a valid answer (a fallback ran if not); ``distance_to_goal`` is the geodesic
    distance (m) after the action.
    """

    step: int
    action: Action
    valid: bool
    pose_before: Pose2D
    pose: Pose2D
    collided: bool
    distance_to_goal: float


class EpisodeRunner:
    """One simulator running one episode at a time, with the record of its steps."""

    def __init__(self, sim: Simulator) -> None:
        self.sim = sim
        self.episode: Episode | None = None
        self.obs: Observation | None = None  # the observation to act on
        self.steps: list[Step] = []

    def start(self, episode: Episode) -> Observation:
        """Reset the simulator to ``episode`` (again, for a restart); its first observation."""
        self.obs = self.sim.reset(episode)
        self.episode = episode
        self.steps = []
        return self.obs

    @property
    def state(self) -> EpisodeState:
        """Where the episode stands (steps, done, success, SPL, distance to goal)."""
        return self.sim.metrics()

    @property
    def done(self) -> bool:
        return self.state.done

    @property
    def last_action(self) -> Action | None:
        """The episode's latest action (None before its first)."""
        return self.steps[-1].action if self.steps else None

    @property
    def valid(self) -> int:
        """Steps of this episode whose decision was valid."""
        return sum(step.valid for step in self.steps)

    def refusal(self, action: Action) -> str:
        """Why ``action`` cannot be executed now; empty when it can."""
        if self.episode is None:
            return "no episode has started yet"
        space = self.sim.config.action_space
        if action not in space:
            return f"{action.name} is not in the action space {space.names}"
        if self.done:
            return f"episode {self.episode.episode_id} is over"
        return ""

    def step(self, action: Action, valid: bool = True) -> Step:
        """Execute ``action`` (ValueError / EpisodeDoneError as :meth:`Simulator.step`)."""
        before = self.sim.pose
        obs = self.obs = self.sim.step(action)
        step = Step(obs.step, Action.from_id(action), valid, before, obs.pose, obs.collided,
                    self.state.distance_to_goal)
        self.steps.append(step)
        return step


def run_episodes(
    runners: Sequence[EpisodeRunner],
    policies: Sequence[Driver],
    episodes: Sequence[Episode],
    on_decision: Callable[[EpisodeRunner, Choice], object] | None = None,
) -> Iterator[tuple[int, EpisodeRunner]]:
    """``policies[i]`` drives ``runners[i]`` through ``episodes``; yields (index, runner).

    Each episode is yielded as it ends, while its runner still holds it (the runner's next
    episode starts on resuming). Episodes go to runners in order as they become free;
    ``on_decision`` sees each answer before it is executed. A policy with per-episode state
    needs a runner of its own.
    """
    if len(runners) != len(policies):
        raise ValueError(f"policies: one per runner ({len(runners)}), got {len(policies)}")
    queue = deque(enumerate(episodes))
    number: dict[int, int] = {}

    def start(i: int) -> None:
        number[i], episode = queue.popleft()
        runners[i].start(episode)
        policies[i].reset()

    running = list(range(min(len(runners), len(queue))))
    for i in running:
        start(i)
    while running:
        groups: dict[int, list[int]] = {}
        for i in running:
            groups.setdefault(id(policies[i]), []).append(i)
        for members in groups.values():
            choices = policies[members[0]].select_actions([runners[i].obs for i in members])
            for i, choice in zip(members, choices, strict=True):
                if on_decision is not None:
                    on_decision(runners[i], choice)
                runners[i].step(choice.action, choice.valid)
        still = []
        for i in running:
            if runners[i].done:
                yield number[i], runners[i]
                if not queue:
                    continue
                start(i)
            still.append(i)
        running = still
