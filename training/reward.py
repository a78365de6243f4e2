"""Per-step rewards of an episode: progress, success bonus, collision / oscillation / step costs.

For transition t with distance d_t before and d_{t+1} after its action::

    r_t = progress_scale * (d_t - d_{t+1})
          + success_bonus        once: the first step ending within success_distance_m, or flagged
          - collision_penalty    if the action collided
          - oscillation_penalty  if the monitor's oscillation detector completes a pattern at t
          - step_cost

d is the geodesic distance to the goal where the transition knows it (simulation) and the
Euclidean distance to the episode's final position otherwise (the seed's rule: it assumes the
episode ends at the goal, as expert and teleop episodes do). Oscillation uses the same
:class:`~objnav_ros.monitor.Monitor` code as the monitor node, with the MOVE_FORWARD length of
the episode's run contract.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from objnav_ros.core.schema import check_settings, like, section, setting
from objnav_ros.monitor import OSCILLATION, Monitor, MonitorConfig, OscillationConfig, StepRecord
from objnav_ros.sim.config import SimConfig
from objnav_training.transitions import EpisodeData, Transition

COMPONENTS = ("progress", "success", "collision", "oscillation", "step")


def _term(default: float, description: str):
    return setting(default, description, min_value=0.0, max_value=1e6)


@dataclass(frozen=True)
class RewardConfig:
    """Reward terms (see the module docstring); progress and success default to the seed's."""

    progress_scale: float = _term(0.1, "Reward per metre of distance decrease (seed: 0.1).")
    success_bonus: float = _term(5.0, "Reward of the first step ending within the success "
                                 "distance (seed: 5).")
    success_distance_m: float = like(SimConfig, "success_distance_m")
    collision_penalty: float = _term(0.1, "Cost of a step that collided.")
    oscillation_penalty: float = _term(0.5, "Cost of each oscillation the monitor detects.")
    step_cost: float = _term(0.01, "Cost of every step.")
    oscillation: OscillationConfig = section(OscillationConfig, flags=None)

    def __post_init__(self) -> None:
        check_settings(self)


SEED_REWARD = RewardConfig(collision_penalty=0.0, oscillation_penalty=0.0, step_cost=0.0)
"""The seed experiment's reward: progress and success bonus only."""


def _distances(t: Transition, final: tuple[float, float]) -> tuple[float, float]:
    """(before, after) distance: geodesic where both are known, else Euclidean to ``final``."""
    if math.isfinite(t.distance_to_goal) and math.isfinite(t.next_distance_to_goal):
        return t.distance_to_goal, t.next_distance_to_goal
    before = math.hypot(t.pose.x - final[0], t.pose.y - final[1])
    return before, math.hypot(t.next_pose.x - final[0], t.next_pose.y - final[1])


def oscillation_steps(transitions: tuple[Transition, ...], config: OscillationConfig,
                      forward_m: float) -> np.ndarray:
    """True at each transition where the monitor reports an oscillation."""
    monitor = Monitor(MonitorConfig(oscillation=config))
    flags = np.zeros(len(transitions), dtype=bool)
    for i, t in enumerate(transitions):
        # Transitions carry no stamps: the step number is the clock (the detector counts steps).
        record = StepRecord(i + 1, float(i + 1), t.action, t.pose, t.next_pose, t.collided,
                            forward_m)
        flags[i] = any(v.kind == OSCILLATION for v in monitor.update(record))
    return flags


def reward_components(episode: EpisodeData, config: RewardConfig) -> dict[str, np.ndarray]:
    """Each signed reward term per transition of ``episode`` (keys: :data:`COMPONENTS`)."""
    forward_m = episode.contract.forward_m
    if not forward_m:
        raise ValueError(f"{episode.source_file}: episode {episode.episode_id}: its run contract "
                         "has no forward_m")
    transitions = episode.transitions
    final = (episode.final_pose.x, episode.final_pose.y)
    n = len(transitions)
    progress, success = np.zeros(n), np.zeros(n)
    rewarded = False
    for i, t in enumerate(transitions):
        before, after = _distances(t, final)
        progress[i] = config.progress_scale * (before - after)
        if not rewarded and (t.success or after <= config.success_distance_m):
            success[i] = config.success_bonus
            rewarded = True
    collided = np.array([t.collided for t in transitions], dtype=bool)
    return {
        "progress": progress,
        "success": success,
        "collision": -config.collision_penalty * collided,
        "oscillation": -config.oscillation_penalty
        * oscillation_steps(transitions, config.oscillation, forward_m),
        "step": np.full(n, -config.step_cost),
    }


def calculate_reward(episode: EpisodeData, config: RewardConfig | None = None) -> np.ndarray:
    """Reward of every transition of ``episode`` (float64, step order)."""
    parts = reward_components(episode, config or RewardConfig())
    return np.sum([parts[name] for name in COMPONENTS], axis=0)
