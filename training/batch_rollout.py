"""Closed-loop episodes and expert-path accuracy, many episodes at once for batched policies.

Each slot is its own simulator of the same scene running one episode; at every step the
observations of the running slots that share one policy object go to its
``select_actions`` together (one forward pass for the VLM). Results equal those of
:func:`objnav_training.evaluate_sim.run_episode` for a policy without per-episode state,
which is why a stateful policy (the frontier explorer) gets one instance per slot.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from objnav_ros.core.actions import Action
from objnav_ros.core.types import Observation
from objnav_ros.monitor import OSCILLATION, STUCK, Monitor, MonitorConfig, StepRecord
from objnav_ros.policy.decision import Policy
from objnav_ros.sim import Episode, Simulator
from objnav_training.evaluate import EpisodeResult, PathAccuracy


@dataclass
class _Slot:
    sim: Simulator
    policy: Policy
    monitor: Monitor
    episode: Episode | None = None
    obs: Observation | None = None
    decisions: int = 0
    valid: int = 0


def _result(slot: _Slot) -> EpisodeResult:
    state = slot.sim.metrics()
    return EpisodeResult(
        episode_id=slot.episode.episode_id, success=state.success, spl=state.spl,
        steps=state.step, path_length=state.path_length, final_distance=state.distance_to_goal,
        decisions=slot.decisions, valid=slot.valid, collisions=state.collisions,
        stuck=slot.monitor.counts[STUCK], oscillation=slot.monitor.counts[OSCILLATION],
        trajectory=slot.sim.trajectory)


def batched_closed_loop(sims: Sequence[Simulator], policy_for_slot: Callable[[int], Policy],
                        episodes: Sequence[Episode], monitor: MonitorConfig | None = None
                        ) -> list[EpisodeResult]:
    """Results of every episode (in order), run ``len(sims)`` at a time in lock-step."""
    slots = [_Slot(sim, policy_for_slot(i), Monitor(monitor)) for i, sim in enumerate(sims)]
    results: dict[int, EpisodeResult] = {}
    queue = list(enumerate(episodes))
    owner: dict[int, int] = {}

    def start(slot_index: int) -> None:
        slot = slots[slot_index]
        number, episode = queue.pop(0)
        owner[slot_index] = number
        slot.episode, slot.decisions, slot.valid = episode, 0, 0
        slot.obs = slot.sim.reset(episode)
        slot.policy.reset()
        slot.monitor.reset()

    running = []
    for i in range(min(len(slots), len(queue))):
        start(i)
        running.append(i)
    while running:
        groups: dict[int, list[int]] = {}
        for i in running:
            groups.setdefault(id(slots[i].policy), []).append(i)
        for members in groups.values():
            decisions = slots[members[0]].policy.select_actions([slots[i].obs for i in members])
            for i, decision in zip(members, decisions, strict=True):
                slot = slots[i]
                slot.decisions += 1
                slot.valid += decision.valid
                before = slot.sim.pose
                slot.obs = slot.sim.step(decision.action)
                slot.monitor.update(StepRecord(
                    slot.obs.step, float(slot.obs.step), decision.action, before, slot.obs.pose,
                    slot.obs.collided, slot.sim.config.action_space.forward_m))
        still = []
        for i in running:
            if not slots[i].sim.metrics().done:
                still.append(i)
                continue
            results[owner[i]] = _result(slots[i])
            if queue:
                start(i)
                still.append(i)
        running = still
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
