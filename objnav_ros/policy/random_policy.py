"""Uniformly random baseline over the allowed actions (seeded)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from objnav_ros.core.actions import Action
from objnav_ros.core.types import Observation
from objnav_ros.policy.decision import Decision, Policy


class RandomPolicy(Policy):
    """Each step one allowed action, uniformly at random from ``rng`` (a Generator or a seed)."""

    name = "random"

    def __init__(
        self, actions: Sequence[Action], rng: np.random.Generator | int | None = 0
    ) -> None:
        super().__init__(actions)
        self._rng = np.random.default_rng(rng)

    def _decide(self, obs: Observation) -> Decision:
        action = self.actions[int(self._rng.integers(len(self.actions)))]
        return Decision(action, True, source=self.name)
