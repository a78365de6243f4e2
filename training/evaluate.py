"""Evaluation metrics: expert-path action accuracy (EPA) and the summary of closed-loop episodes.

EPA asks the policy at every step along an expert's path (the expert's action is what gets
executed) and counts how often its action equals the expert's. Closed-loop episodes
(:mod:`objnav_training.evaluate_sim`) give success rate, SPL, valid-action percentage and the
monitor's stuck / oscillation counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from objnav_ros.core.actions import Action
from objnav_ros.core.types import Observation, Pose2D
from objnav_ros.policy.decision import Policy
from objnav_training.trainer_data import label, recent_actions
from objnav_training.transitions import EpisodeData


@dataclass(frozen=True)
class PathAccuracy:
    """Policy answers along expert paths: how many matched the expert, and how many were valid."""

    correct: int = 0
    valid: int = 0
    total: int = 0

    @property
    def percent(self) -> float:
        return 100.0 * self.correct / self.total if self.total else float("nan")


def expert_path_accuracy(
    policy: Policy, steps: Iterable[tuple[Observation, Action]]
) -> PathAccuracy:
    """EPA of ``policy`` over (observation, expert action) pairs; other actions are skipped."""
    correct = valid = total = 0
    for obs, expert_action in steps:
        if expert_action not in policy.actions:
            continue
        decision = policy.select_action(obs)
        correct += decision.action == expert_action
        valid += decision.valid
        total += 1
    return PathAccuracy(correct, valid, total)


def transition_steps(episodes: Sequence[EpisodeData]) -> Iterator[tuple[Observation, Action]]:
    """(observation, expert action) of every recorded transition (DAgger labels preferred)."""
    for episode in episodes:
        collided = False
        for t, history in zip(episode.transitions, recent_actions(episode.transitions),
                              strict=True):
            rgb = t.rgb()
            depth = t.depth() if t.depth is not None else np.zeros(rgb.shape[:2], np.float32)
            yield Observation(rgb, depth, t.pose, collided, t.step, t.goal,
                              episode_id=t.episode_id, recent_actions=history), label(t, True)
            collided = t.collided


@dataclass(frozen=True)
class EpisodeResult:
    """One closed-loop episode: outcome, answers, monitor counts, and the path taken."""

    episode_id: str
    success: bool
    spl: float
    steps: int
    path_length: float
    final_distance: float
    decisions: int
    valid: int
    collisions: int
    stuck: int
    oscillation: int
    trajectory: tuple[tuple[Pose2D, bool], ...] = ()


def summarize(results: Sequence[EpisodeResult], epa: PathAccuracy) -> dict[str, float]:
    """Aggregate metrics of one policy (percentages 0-100, counts of events and of episodes)."""
    n = len(results)
    decisions = sum(r.decisions for r in results)

    def mean(values) -> float:
        return float(np.mean(values)) if n else float("nan")

    return {
        "episodes": n,
        "success_rate": 100.0 * mean([r.success for r in results]),
        "spl": mean([r.spl for r in results]),
        "epa": epa.percent,
        "epa_steps": epa.total,
        "valid_action_percent": (
            100.0 * sum(r.valid for r in results) / decisions if decisions else float("nan")
        ),
        "mean_steps": mean([r.steps for r in results]),
        "collisions": sum(r.collisions for r in results),
        "stuck_events": sum(r.stuck for r in results),
        "stuck_episodes": sum(r.stuck > 0 for r in results),
        "oscillation_events": sum(r.oscillation for r in results),
        "oscillation_episodes": sum(r.oscillation > 0 for r in results),
    }
