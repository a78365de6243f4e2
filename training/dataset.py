"""Bags -> episodes -> transitions (:mod:`objnav_training.transitions`), images decoded lazily.

Pairing is by header stamp, never by arrival: an observation is the EpisodeStatus, RGB,
depth and odometry sharing one stamp; its action is the first NavAction echoing its
``observation_seq`` (or its stamp when the seq is 0); the next observation (step + 1) gives
``next_pose``, ``collided``, ``done``, ``success`` and ``next_distance_to_goal``. A bag may hold
one episode (recorder ``split:=episode``) or many (``split:=session``, ``ros2 bag record``).
An episode's run contract (action amounts, camera model) is the one its statuses carry: it
must be there and stay the same through the episode.

:func:`load_episodes` never stops at a bad bag: each problem is one :class:`BagError` line
naming the file (empty, missing topic, truncated/corrupt, a step without its action...), logged
and returned beside every episode that did load. Labels come from ``<bag>/labels.json``
(:mod:`objnav_ros.bags.labels`): failure windows go to ``EpisodeData.labels["windows"]``,
relabels to ``Transition.expert_action``; recorded monitor events to
``EpisodeData.labels["monitor_events"]``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import asdict, fields
from pathlib import Path

from objnav_ros.bags.labels import Labels, read_labels
from objnav_ros.bags.reader import BagError, find_bags
from objnav_ros.core.actions import Action
from objnav_ros.core.contract import AMOUNTS, RunContract
from objnav_training.bag_index import (
    DEFAULT_TOPICS,
    BagIndex,
    BagTopics,
    StatusRecord,
    index_bag,
)
from objnav_training.transitions import EpisodeData, Transition

__all__ = ["BagError", "BagTopics", "load_episodes", "read_bag"]
log = logging.getLogger(__name__)
ACTION_IDS = frozenset(int(a) for a in Action)


def _runs(statuses: Iterable[StatusRecord]) -> list[list[StatusRecord]]:
    """Observations per episode run, in stamp order (a new id or a lower step starts a run)."""
    runs: list[list[StatusRecord]] = []
    for status in sorted(statuses, key=lambda s: s.stamp):
        last = runs[-1][-1] if runs else None
        if last is None or status.episode_id != last.episode_id or status.step < last.step:
            runs.append([])
        runs[-1].append(status)
    return runs


class _Episode:
    """Builds one run's transitions from the index; BagError names the first gap."""

    def __init__(self, index: BagIndex, run: list[StatusRecord], relabels: dict[int, Action]):
        self.index, self.run, self.relabels = index, run, relabels
        self.episode_id = run[0].episode_id
        self.by_step: dict[int, list[StatusRecord]] = {}
        for status in run:
            self.by_step.setdefault(status.step, []).append(status)

    def fail(self, problem: str) -> BagError:
        return BagError(self.index.path, f"episode {self.episode_id}: {problem}")

    def topic(self, role: str) -> str:
        return self.index.topics[role]

    def answer(self, step: int, by_seq: dict, by_stamp: dict):
        """(observation, action) of ``step``: the first valid action answering one of its."""
        found = []
        for status in self.by_step[step]:
            record = by_seq.get(status.seq) if status.seq else by_stamp.get(status.stamp)
            if record is not None:
                found.append((record[0], status, record[1]))
        if not found:
            seq = self.by_step[step][0].seq
            raise self.fail(f"step {step} (observation seq {seq}) has no action on "
                            f"{self.topic('action')}")
        _, status, action = min(found, key=lambda f: f[0])
        return status, action

    def piece(self, table: dict, status: StatusRecord, role: str):
        try:
            return table[status.stamp]
        except KeyError:
            raise self.fail(f"step {status.step}: no message on {self.topic(role)} with the "
                            f"observation's stamp {status.stamp / 1e9:.9f} s") from None

    def goal(self, status: StatusRecord) -> str:
        if status.goal:
            return status.goal
        earlier = [g for t, g in self.index.goals if t <= status.timestamp]
        goals = earlier or [g for _, g in self.index.goals]
        if not goals:
            raise self.fail(f"no goal: EpisodeStatus.object_category is empty and there is no "
                            f"{self.index.topics.get('goal', 'goal topic')}")
        return goals[-1] if earlier else goals[0]

    def contract(self) -> RunContract:
        """The run contract every status of the episode carries (at least the amounts)."""
        first = self.run[0].contract
        missing = first.missing(AMOUNTS)
        if missing:
            raise self.fail(f"{self.topic('status')} carries no run contract (contract."
                            f"{missing[0]} is 0): recorded before the contract existed, "
                            "re-record it")
        for status in self.run[1:]:
            now = status.contract
            changed = [f.name for f in fields(now)
                       if getattr(now, f.name) != getattr(first, f.name)]
            if changed:
                name = changed[0]
                raise self.fail(f"the run contract changes at step {status.step}: contract."
                                f"{name} {getattr(first, name)} -> {getattr(now, name)}")
        return first

    def build(self, by_seq: dict, by_stamp: dict, labels: dict) -> EpisodeData:
        contract = self.contract()
        steps = sorted(self.by_step)
        for a, b in zip(steps, steps[1:], strict=False):
            if b != a + 1:
                raise self.fail(f"observations missing between step {a} and step {b}")
        transitions = []
        for step in steps[:-1]:
            status, action = self.answer(step, by_seq, by_stamp)
            after = self.by_step[step + 1][0]
            transitions.append(Transition(
                episode_id=self.episode_id, step=step, goal=self.goal(status),
                action=Action.from_id(action.action),
                pose=self.piece(self.index.poses, status, "odom"),
                next_pose=self.piece(self.index.poses, after, "odom"),
                collided=after.collided, done=after.done,
                rgb=self.piece(self.index.rgb, status, "rgb"),
                depth=(self.piece(self.index.depth, status, "depth")
                       if "depth" in self.index.topics else None),
                distance_to_goal=status.distance_to_goal,
                next_distance_to_goal=after.distance_to_goal,
                success=after.done and after.success,
                expert_action=self.relabels.get(step), source=action.source))
            if after.done:
                break
        if not transitions:
            raise self.fail("no complete step recorded (a single observation)")
        missing = sorted(set(self.relabels) - {t.step for t in transitions})
        if missing:
            raise self.fail(f"labels.json relabels steps {missing}, which have no transition")
        return EpisodeData(self.episode_id, self.index.path, tuple(transitions), labels,
                           contract)


def _episode_labels(index: BagIndex, labels: Labels, episode_id: str) -> dict:
    result = {}
    windows = [asdict(w) for w in labels.windows_of(episode_id)]
    if windows:
        result["windows"] = windows
    events = [e for e in index.events if e["episode_id"] == episode_id]
    if events:
        result["monitor_events"] = events
    return result


def read_bag(path: str | Path, topics: BagTopics = DEFAULT_TOPICS
             ) -> tuple[list[EpisodeData], list[BagError]]:
    """Episodes of one bag, and one error per episode that could not be rebuilt.

    Raises BagError when the bag as a whole is unusable (cannot open, empty, missing topic,
    truncated or corrupt, malformed labels.json, or no EpisodeStatus at all).
    """
    try:
        labels = read_labels(path) if Path(path).is_dir() else Labels()
    except (OSError, ValueError) as exc:
        raise BagError(path, f"labels.json: {exc}") from exc
    index = index_bag(path, topics)
    runs = _runs(index.statuses.values())
    unknown = sorted(labels.episodes - {run[0].episode_id for run in runs})
    if unknown:
        raise BagError(path, f"labels.json names episodes not in the bag: {unknown}")
    by_seq: dict[int, tuple[int, object]] = {}
    by_stamp: dict[int, tuple[int, object]] = {}
    for order, action in enumerate(index.actions):
        if action.action in ACTION_IDS:  # INVALID (255) was never executed
            if action.seq:
                by_seq.setdefault(action.seq, (order, action))
            by_stamp.setdefault(action.stamp, (order, action))
    episodes, errors = [], []
    for run in runs:
        episode = _Episode(index, run, labels.relabels_of(run[0].episode_id))
        try:
            episodes.append(episode.build(by_seq, by_stamp,
                                          _episode_labels(index, labels, episode.episode_id)))
        except BagError as exc:
            errors.append(exc)
    return episodes, errors


def load_episodes(paths: Iterable[str | Path] | str | Path, topics: BagTopics = DEFAULT_TOPICS,
                  logger: logging.Logger = log) -> tuple[list[EpisodeData], list[BagError]]:
    """Episodes of every bag at or below ``paths``; bad bags/episodes are logged and skipped."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    bags, errors = find_bags(paths)
    episodes: list[EpisodeData] = []
    for bag in bags:
        try:
            found, problems = read_bag(bag, topics)
        except BagError as exc:
            found, problems = [], [exc]
        episodes += found
        errors += problems
    for error in errors:
        logger.warning("skipped: %s", error)
    return episodes, errors
