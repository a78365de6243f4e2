"""One pass over a bag: every observation's pieces filed under their header stamp.

Images are not decoded: each becomes a :class:`~objnav_ros.bags.reader.FrameRef` (bag path,
topic, log time, stamp). Duplicates of a stamp (the bridge republishes an observation while
it waits for an action) keep the first message.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field, fields
from pathlib import Path

from objnav_ros.bags.messages import deserialize, header_stamp_ns, stamp_ns
from objnav_ros.bags.reader import BagError, FrameRef, describe, open_bag, resolve_topic
from objnav_ros.core import topics as default_topics
from objnav_ros.core.contract import RunContract
from objnav_ros.core.types import Pose2D
from objnav_ros.monitor import KINDS


@dataclass(frozen=True)
class BagTopics:
    """Topic names to read; relative names also match ``/name`` and one ``/<ns>/name``.

    Defaults and each role's message type come from the topic table (``core/topics.py``).
    """

    status: str = default_topics.EPISODE_STATUS
    action: str = default_topics.ACTION
    rgb: str = default_topics.RGB
    odom: str = default_topics.ODOM
    depth: str = default_topics.DEPTH  # "" = no depth
    goal: str = default_topics.GOAL  # optional: EpisodeStatus.object_category comes first
    monitor_events: str = default_topics.MONITOR_EVENTS  # optional

    def __post_init__(self) -> None:
        for name in ("status", "action", "rgb", "odom"):
            if not getattr(self, name):
                raise ValueError(f"topic {name} must not be empty")

    def required(self) -> list[str]:
        return [f.name for f in fields(self)
                if f.name not in ("goal", "monitor_events") and getattr(self, f.name)]


DEFAULT_TOPICS = BagTopics()


@dataclass(frozen=True)
class StatusRecord:
    stamp: int
    timestamp: int  # bag log time
    seq: int
    episode_id: str
    step: int
    goal: str
    collided: bool
    done: bool
    success: bool
    distance_to_goal: float
    contract: RunContract


@dataclass(frozen=True)
class ActionRecord:
    stamp: int
    seq: int
    action: int
    source: str


@dataclass
class BagIndex:
    path: str
    topics: dict[str, str]  # BagTopics field -> the bag's topic name
    statuses: dict[int, StatusRecord] = field(default_factory=dict)  # by stamp, bag order
    actions: list[ActionRecord] = field(default_factory=list)  # bag order
    poses: dict[int, Pose2D] = field(default_factory=dict)
    rgb: dict[int, FrameRef] = field(default_factory=dict)
    depth: dict[int, FrameRef] = field(default_factory=dict)
    goals: list[tuple[int, str]] = field(default_factory=list)  # (log time, category)
    events: list[dict] = field(default_factory=list)  # monitor events


def yaw_of(q) -> float:
    return math.atan2(2.0 * (q.w * q.z + q.x * q.y), 1.0 - 2.0 * (q.y * q.y + q.z * q.z))


def _resolve(reader, path: Path, wanted: BagTopics) -> dict[str, str]:
    resolved = {}
    for f in fields(wanted):
        name = getattr(wanted, f.name)
        found = resolve_topic(reader, name) if name else None
        if found:
            expected = default_topics.TABLE[getattr(DEFAULT_TOPICS, f.name)].msgtype
            if reader.topics[found].msgtype != expected:
                raise BagError(path, f"topic {found} ({f.name} topic) is a "
                               f"{reader.topics[found].msgtype}, expected {expected}")
            resolved[f.name] = found
        elif f.name in wanted.required():
            have = ", ".join(sorted(reader.topics)) or "none"
            raise BagError(path, f"missing topic {name} ({f.name} topic); the bag has: {have}")
    return resolved


def index_bag(path: str | Path, wanted: BagTopics = DEFAULT_TOPICS) -> BagIndex:
    """Index ``path``; BagError (one line) when it is empty, lacks a topic, or is corrupt."""
    path = Path(path)
    with open_bag(path) as reader:
        if reader.message_count == 0:
            raise BagError(path, "empty bag (no messages)")
        index = BagIndex(str(path), _resolve(reader, path, wanted))
        by_topic = {topic: role for role, topic in index.topics.items()}
        connections = [c for c in reader.connections if c.topic in by_topic]
        counts: Counter = Counter()
        try:
            for connection, timestamp, raw in reader.messages(connections):
                counts[connection.id] += 1
                _file(index, by_topic[connection.topic], connection, timestamp, raw)
        except BagError:
            raise
        except Exception as exc:  # noqa: BLE001 - a broken file, whatever the reader says
            raise BagError(path, f"truncated or corrupt: {describe(exc)}") from exc
        for connection in connections:
            if counts[connection.id] < connection.msgcount:
                raise BagError(path, f"truncated: read {counts[connection.id]} of "
                               f"{connection.msgcount} messages on {connection.topic}")
    return index


def _file(index: BagIndex, role: str, connection, timestamp: int, raw: bytes) -> None:
    if role in ("rgb", "depth"):
        stamp = header_stamp_ns(raw, connection.msgtype)
        frames = index.rgb if role == "rgb" else index.depth
        if stamp is not None and stamp not in frames:
            frames[stamp] = FrameRef(index.path, connection.topic, timestamp, stamp,
                                     depth=role == "depth")
        return
    msg = deserialize(raw, connection.msgtype)
    if role == "status":
        stamp = stamp_ns(msg.header.stamp)
        if stamp not in index.statuses:
            try:
                contract = RunContract.from_fields(msg.contract)
            except ValueError as exc:
                raise BagError(index.path, f"{connection.topic} at {stamp / 1e9:.9f} s: "
                               f"contract: {exc}") from None
            index.statuses[stamp] = StatusRecord(
                stamp, timestamp, int(msg.observation_seq), msg.episode_id, int(msg.step),
                msg.object_category, bool(msg.collided), bool(msg.done), bool(msg.success),
                float(msg.distance_to_goal), contract)
    elif role == "action":
        index.actions.append(ActionRecord(stamp_ns(msg.header.stamp), int(msg.observation_seq),
                                          int(msg.action), msg.source))
    elif role == "odom":
        p = msg.pose.pose
        index.poses.setdefault(stamp_ns(msg.header.stamp),
                               Pose2D(float(p.position.x), float(p.position.y),
                                      yaw_of(p.orientation)))
    elif role == "goal":
        index.goals.append((timestamp, msg.data))
    else:
        index.events.append({
            "episode_id": msg.episode_id,
            "kind": KINDS[msg.kind] if msg.kind < len(KINDS) else str(msg.kind),
            "step": int(msg.step), "start_step": int(msg.start_step),
            "end_step": int(msg.end_step), "severity": float(msg.severity),
            "detail": msg.detail})
