"""Returns of offline episodes: discounted (Monte Carlo) and TD(lambda) with a value cache.

An episode's last transition ends it: nothing is bootstrapped after it (a truncated bag is
treated as if it ended there).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def discounted_returns(rewards: Sequence[float], gamma: float) -> np.ndarray:
    """G_t = r_t + gamma * G_{t+1}, with G after the last step = 0."""
    returns = np.zeros(len(rewards))
    following = 0.0
    for t in reversed(range(len(rewards))):
        following = rewards[t] + gamma * following
        returns[t] = following
    return returns


def lambda_returns(
    rewards: Sequence[float], values: Sequence[float], gamma: float, lam: float
) -> np.ndarray:
    """TD(lambda) returns of one episode; ``values[t]`` = V(s_t).

    G_t = r_t + gamma * ((1 - lam) * V(s_{t+1}) + lam * G_{t+1}), with V and G after the last
    step = 0: lam = 1 gives :func:`discounted_returns`, lam = 0 one-step TD targets.
    """
    returns = np.zeros(len(rewards))
    following_return, following_value = 0.0, 0.0
    for t in reversed(range(len(rewards))):
        following_return = rewards[t] + gamma * (
            (1 - lam) * following_value + lam * following_return
        )
        returns[t] = following_return
        following_value = values[t]
    return returns


class ReturnTable:
    """Return targets of every transition (flat index over episodes) for the value and actor.

    TD(lambda) bootstraps on a cache of V(s) that holds the value head's latest output for
    each state (:meth:`update_values` after every batch). The cache starts at the Monte Carlo
    returns, so the first targets are exactly the discounted returns. Under DDP each process
    keeps its own cache (refreshed by the states it sees).
    """

    def __init__(self, rewards: Sequence[np.ndarray], gamma: float, lam: float) -> None:
        if not 0 <= gamma <= 1:
            raise ValueError(f"gamma: must be in [0, 1], got {gamma}")
        if not 0 <= lam <= 1:
            raise ValueError(f"lam: must be in [0, 1], got {lam}")
        self.gamma, self.lam = gamma, lam
        lengths = [len(r) for r in rewards]
        self.starts = np.concatenate([[0], np.cumsum(lengths)]).astype(int)
        self.episode = np.repeat(np.arange(len(lengths)), lengths)
        self.rewards = np.concatenate([np.asarray(r, dtype=float) for r in rewards] or [[]])
        self.mc_returns = np.concatenate(
            [discounted_returns(r, gamma) for r in rewards] or [[]]
        )
        self.values = self.mc_returns.copy()

    def __len__(self) -> int:
        return len(self.rewards)

    def targets(self, indices: Sequence[int]) -> np.ndarray:
        """TD(lambda) returns of the transitions at ``indices`` from the current value cache."""
        indices = np.asarray(indices, dtype=int)
        out = np.empty(len(indices))
        for episode in np.unique(self.episode[indices]):
            span = slice(self.starts[episode], self.starts[episode + 1])
            returns = lambda_returns(self.rewards[span], self.values[span], self.gamma, self.lam)
            mine = self.episode[indices] == episode
            out[mine] = returns[indices[mine] - span.start]
        return out

    def update_values(self, indices: Sequence[int], values: Sequence[float]) -> None:
        """Remember V(s) just computed for the transitions at ``indices``."""
        self.values[np.asarray(indices, dtype=int)] = values
