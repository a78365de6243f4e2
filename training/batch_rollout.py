"""Closed-loop episodes and expert-path accuracy, many episodes at once for batched policies.

Each slot is its own simulator of the same scene running one episode
(:func:`objnav_ros.sim.runner.run_episodes`); at every step the observations of the running
slots that share one policy object go to its ``select_actions`` together (one forward pass
for the VLM). A policy with per-episode state (the frontier explorer) needs one instance per
slot; a stateless one gives the same results however many slots run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace

import numpy as np

from objnav_ros.core.actions import Action
from objnav_ros.core.types import Observation
from objnav_ros.monitor import OSCILLATION, STUCK, Monitor, MonitorConfig
from objnav_ros.policy.decision import Policy
from objnav_ros.sim import Episode, Simulator
from objnav_ros.sim.runner import EpisodeRunner, run_episodes
from objnav_training.evaluate import EpisodeResult, PathAccuracy


def episode_result(runner: EpisodeRunner, monitor: Monitor) -> EpisodeResult:
    """The runner's finished episode with ``monitor``'s counts over its steps."""
    monitor.judge(runner.steps, runner.sim.config.action_space.forward_m)
    state = runner.state
    return EpisodeResult(
        episode_id=state.episode_id, success=state.success, spl=state.spl, steps=state.step,
        path_length=state.path_length, final_distance=state.distance_to_goal,
        decisions=len(runner.steps), valid=runner.valid, collisions=state.collisions,
        stuck=monitor.counts[STUCK], oscillation=monitor.counts[OSCILLATION],
        trajectory=runner.sim.trajectory)


def batched_closed_loop(sims: Sequence[Simulator], policy_for_slot: Callable[[int], Policy],
                        episodes: Sequence[Episode], monitor: MonitorConfig | None = None
                        ) -> list[EpisodeResult]:
    """Results of every episode (in order), run ``len(sims)`` at a time in lock-step."""
    watcher = Monitor(monitor)
    runners = [EpisodeRunner(sim) for sim in sims]
    policies = [policy_for_slot(i) for i in range(len(sims))]
    results = {number: episode_result(runner, watcher)
               for number, runner in run_episodes(runners, policies, episodes)}
    return [results[n] for n in range(len(episodes))]


def blank(obs: Observation, value: int = 128) -> Observation:
    """The observation with a uniform grey image (what vision adds is what this loses)."""
    return replace(obs, rgb=np.full_like(obs.rgb, value))


def batched_path_accuracy(policy: Policy, steps: Iterable[tuple[Observation, Action]],
                          batch: int = 64,
                          transform: Callable[[Observation], Observation] | None = None
                          ) -> PathAccuracy:
    """EPA like :func:`objnav_training.evaluate.expert_path_accuracy`, ``batch`` steps a call."""
    correct = valid = total = 0
    pending: list[tuple[Observation, Action]] = []

    def flush() -> None:
        nonlocal correct, valid, total
        decisions = policy.select_actions([obs for obs, _ in pending])
        for (_, expert), decision in zip(pending, decisions, strict=True):
            correct += decision.action == expert
            valid += decision.valid
            total += 1
        pending.clear()

    for obs, expert in steps:
        if expert not in policy.actions:
            continue
        pending.append((transform(obs) if transform else obs, expert))
        if len(pending) == batch:
            flush()
    if pending:
        flush()
    return PathAccuracy(correct, valid, total)
