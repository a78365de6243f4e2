"""What every policy returns, and the interface every policy implements (lerobot-shaped)."""

from __future__ import annotations

import abc
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from objnav_ros.core.actions import Action
from objnav_ros.core.types import Observation


@dataclass(frozen=True)
class Decision:
    """One chosen action with the evidence behind it.

    ``valid`` is False when the model's answer could not be parsed into an allowed action and
    ``action`` is the configured fallback; ``probabilities`` is filled in score mode only.
    """

    action: Action
    valid: bool
    probabilities: dict[Action, float] = field(default_factory=dict)
    text: str = ""
    source: str = ""


@dataclass
class DecisionStats:
    """Running count of decisions and of valid (parsable, allowed) answers."""

    decisions: int = 0
    valid: int = 0

    def record(self, decision: Decision) -> None:
        self.decisions += 1
        self.valid += int(decision.valid)

    @property
    def valid_percent(self) -> float:
        """Percentage of valid answers; NaN before the first decision."""
        return 100.0 * self.valid / self.decisions if self.decisions else math.nan


def allowed_actions(actions: Sequence[Action]) -> tuple[Action, ...]:
    """Validate an allowed-action list: non-empty, no duplicates."""
    acts = tuple(Action(a) for a in actions)
    if not acts:
        raise ValueError("actions: at least one allowed action is required")
    if len(set(acts)) != len(acts):
        raise ValueError(f"actions: duplicates in {[a.name for a in acts]}")
    return acts


class Policy(abc.ABC):
    """``reset()`` at episode start, then ``select_action(obs)`` once per step.

    ``needs_depth`` / ``needs_pose``: whether ``obs.depth`` / ``obs.pose`` must be real (a node
    may leave them empty, e.g. no depth camera, for policies that do not read them).
    ``needs_semantic``: whether the policy reads ``obs.semantic`` when a node can supply it;
    such a policy must still work when it is None (no semantic camera, e.g. a real robot).
    """

    name = "policy"
    needs_depth = False
    needs_pose = False
    needs_semantic = False

    def __init__(self, actions: Sequence[Action]) -> None:
        self.actions = allowed_actions(actions)
        self.stats = DecisionStats()

    def reset(self) -> None:  # noqa: B027 - stateless policies need no reset
        """Forget per-episode state (the decision counters keep running)."""

    def select_action(self, obs: Observation) -> Decision:
        """Decide the next action for ``obs`` and count whether the answer was valid."""
        decision = self._decide(obs)
        self.stats.record(decision)
        return decision

    def select_actions(self, observations: Sequence[Observation]) -> list[Decision]:
        """One decision per observation of independent episodes (a batch where supported).

        Only for policies without per-episode state; the VLM policy scores them in one batch.
        """
        decisions = self._decide_batch(observations)
        for decision in decisions:
            self.stats.record(decision)
        return decisions

    def _decide_batch(self, observations: Sequence[Observation]) -> list[Decision]:
        return [self._decide(obs) for obs in observations]

    @abc.abstractmethod
    def _decide(self, obs: Observation) -> Decision:
        """Policy-specific decision for one observation."""
