"""Advantage-weighted regression of the action answer, with a learned value baseline.

Per batch (CORL / cleanrl style, readable top to bottom)::

    A = normalise(G - V(s))                      G: discounted or TD(lambda) return
    w = min(exp(A / beta), w_max)                under torch.no_grad()
    loss = -mean(w * log pi(a|s))                actor: the taken (or expert-labelled) action
         + value_coef * mean((V(s) - G)^2)       value head
         - entropy_coef * mean(H(pi(.|s)))       over the allowed actions
         + l2_coef * sum(lora_weight^2)

``log pi(a|s)`` is the policy's score-mode log-probability (answer tokens only). Other
weightings: ``bc`` (w = 1, behaviour cloning) and ``batch_softmax_seed``, the seed's scheme,
which is not AWR: immediate rewards z-scored within the batch and softmaxed (times the batch
size, so that weights average 1). Transitions carrying a DAgger label (the expert's action)
are supervised samples with w = 1: their return belongs to the action taken, not the label.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import torch
import torch.nn.functional as F  # noqa: N812

from objnav_ros.core.schema import check_settings, setting

WEIGHTINGS = ("awr", "bc", "batch_softmax_seed")
NORMALISATIONS = ("running", "batch", "none")
EPS = 1e-8


def _coefficient(default: float, description: str):
    return setting(default, description, min_value=0.0, max_value=1e6)


@dataclass(frozen=True)
class AWRConfig:
    """Weighting of the actor loss and the coefficients of the other loss terms."""

    weighting: str = setting("awr", "Actor loss weights: awr (exp(A / beta)), bc (1) or "
                             "batch_softmax_seed (the seed's scheme).", choices=WEIGHTINGS)
    beta: float = setting(1.0, "AWR temperature of exp(A / beta), on normalised advantages.",
                          min_value=1e-6, max_value=1e6)
    w_max: float = setting(20.0, "AWR weights are clipped here.", min_value=1e-6, max_value=1e6)
    advantage_norm: str = setting("running", "Advantage normalisation: running mean/std over "
                                  "batches, per batch, or none.", choices=NORMALISATIONS)
    value_coef: float = _coefficient(0.5, "Weight of the value loss.")
    entropy_coef: float = _coefficient(1e-3, "Entropy bonus (seed: 1e-3).")
    l2_coef: float = _coefficient(1e-5, "L2 penalty on the LoRA weights (seed: 1e-5).")

    def __post_init__(self) -> None:
        check_settings(self)


class RunningMeanStd:
    """Mean and variance of every value seen so far (parallel update, as in cleanrl)."""

    def __init__(self) -> None:
        self.mean, self.var, self.count = 0.0, 1.0, EPS

    def update(self, x: torch.Tensor) -> None:
        batch_mean, batch_var, n = x.mean().item(), x.var(unbiased=False).item(), x.numel()
        delta, total = batch_mean - self.mean, self.count + n
        self.mean += delta * n / total
        squares = self.var * self.count + batch_var * n + delta**2 * self.count * n / total
        self.var = squares / total
        self.count = total

    def state_dict(self) -> dict[str, float]:
        return {"mean": self.mean, "var": self.var, "count": self.count}

    def load_state_dict(self, state: dict[str, float]) -> None:
        self.mean, self.var, self.count = state["mean"], state["var"], state["count"]


def normalise(advantages: torch.Tensor, how: str, stats: RunningMeanStd) -> torch.Tensor:
    """Advantages shifted and scaled by running or batch statistics (or left as they are)."""
    if how == "running":
        stats.update(advantages)
        return (advantages - stats.mean) / math.sqrt(stats.var + EPS)
    if how == "batch":
        return (advantages - advantages.mean()) / (advantages.std(unbiased=False) + EPS)
    return advantages


def awr_loss(
    config: AWRConfig,
    logp: torch.Tensor,
    taken: torch.Tensor,
    values: torch.Tensor,
    returns: torch.Tensor,
    rewards: torch.Tensor,
    supervised: torch.Tensor,
    lora_weights: Iterable[torch.Tensor],
    stats: RunningMeanStd,
) -> tuple[torch.Tensor, dict[str, float]]:
    """Loss of one batch and its metrics.

    ``logp`` (B, A): log pi over the allowed actions; ``taken`` (B,): column to imitate;
    ``values`` (B,): V(s); ``returns`` (B,): targets G; ``rewards`` (B,): immediate rewards
    (batch_softmax_seed only); ``supervised`` (B,) bool: DAgger-labelled samples (w = 1).
    """
    with torch.no_grad():
        advantages = returns - values
        scaled = normalise(advantages, config.advantage_norm, stats) / config.beta
        if config.weighting == "awr":
            raw = torch.exp(scaled)
        elif config.weighting == "bc":
            raw = torch.ones_like(returns)
        else:  # batch_softmax_seed
            z = (rewards - rewards.mean()) / (rewards.std(unbiased=False) + EPS)
            raw = torch.softmax(z, dim=0) * len(z)
        weights = torch.where(supervised, torch.ones_like(raw), raw.clamp(max=config.w_max))

    logp_taken = logp.gather(1, taken[:, None]).squeeze(1)
    actor = -(weights * logp_taken).mean()
    value = F.mse_loss(values, returns)
    entropy = -(logp.exp() * logp).sum(dim=1).mean()
    l2 = torch.stack([w.float().pow(2).sum() for w in lora_weights]).sum()
    loss = actor + config.value_coef * value - config.entropy_coef * entropy + config.l2_coef * l2

    metrics = {
        "loss/total": loss.item(),
        "loss/actor": actor.item(),
        "loss/value": value.item(),
        "loss/l2": l2.item(),
        "policy/entropy": entropy.item(),
        "policy/accuracy": (logp.argmax(dim=1) == taken).float().mean().item(),
        "awr/weight_mean": weights.mean().item(),
        "awr/weight_max": weights.max().item(),
        "awr/clipped_frac": ((raw > config.w_max) & ~supervised).float().mean().item(),
        "awr/advantage_mean": advantages.mean().item(),
        "awr/advantage_std": advantages.std(unbiased=False).item(),
        "value/mean": values.mean().item(),
        "value/return_mean": returns.mean().item(),
    }
    return loss, metrics
