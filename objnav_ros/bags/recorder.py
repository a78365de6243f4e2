"""The recorder's engine: DDS callbacks queue raw messages, one thread writes the bags.

A callback only counts and queues (:meth:`Recorder.submit`); the writer thread routes each
message to its bag (one per session, or one per episode via :class:`EpisodeRouter`) and
writes the serialised bytes unchanged. Drops = messages received but not written (queue over
``queue_max_bytes``, a late message for a finished episode's bag, a failed write); missing =
gaps in a publisher's sequence numbers (never received), counted from 1 for a publisher that
appeared more than ``settle_s`` after the start (one found earlier may have published before
the recording began: its first message received is its baseline). :meth:`Recorder.close`
drains the queue and closes every bag, so nothing received is lost on shutdown. Time is
passed in.
"""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rosbags.interfaces import Qos

from objnav_ros.bags.messages import NS_PER_S, deserialize, header_stamp_ns
from objnav_ros.bags.router import EpisodeKey, EpisodeRouter
from objnav_ros.bags.writer import STORAGES, BagWriter, free_path, safe_name
from objnav_ros.core.schema import check_settings, setting

SPLITS = ("episode", "session")
POLL_S = 0.05


@dataclass(frozen=True)
class RecorderConfig:
    output_dir: str = setting("bags", "Folder the bags are written to (created).",
                              rule=lambda v: None if v else "must not be empty")
    session: str = ""  # bag name (split session) or bag name prefix (split episode)
    storage: str = setting("mcap", "Bag storage: mcap or sqlite3.", choices=tuple(STORAGES))
    split: str = setting("episode", "episode: one bag per episode (boundaries from "
                         "EpisodeStatus); session: one bag.", choices=SPLITS)
    status_topic: str = "/objnav/episode_status"  # resolved name; episode boundaries
    queue_max_bytes: int = 1 << 30
    hold_s: float = setting(2.0, "split episode: longest wait of a message for the "
                            "EpisodeStatus of its stamp (s).", min_value=0.0, max_value=60.0)
    close_delay_s: float = setting(1.0, "split episode: an episode's bag closes this long after "
                                   "the next episode began (s).", min_value=0.0, max_value=600.0)
    status_file: str = setting("", "JSON file written once recording started and again with "
                               "counts, drops and bags when it stops; empty = none.")
    settle_s: float = 2.0  # publishers found this soon after the start may predate it

    def __post_init__(self) -> None:
        check_settings(self)
        if not self.session:
            raise ValueError("session: must not be empty")
        if self.queue_max_bytes < 1:
            raise ValueError(f"queue_max_bytes must be >= 1, got {self.queue_max_bytes}")
        if self.settle_s < 0:
            raise ValueError(f"settle_s: must be >= 0, got {self.settle_s}")


@dataclass(frozen=True)
class Incoming:
    """One message as DDS delivered it."""

    topic: str  # resolved name
    msgtype: str  # e.g. sensor_msgs/msg/Image
    data: bytes  # CDR, written unchanged
    received_ns: int  # bag timestamp (the recorder's clock at reception)
    publisher: bytes = b""  # publisher gid
    sequence: int | None = None  # publication sequence number
    sent_ns: int | None = None  # DDS source timestamp (None: received_ns stands in)


@dataclass
class TopicStats:
    """Counts of one topic; each field is changed by one thread only."""

    received: int = 0
    written: int = 0
    queue_full: int = 0  # dropped in the callback: the writer fell behind
    late: int = 0  # its episode's bag was already closed
    failed: int = 0  # the write raised (unknown type, disk full...)
    missing: int = 0  # sequence gaps: published but never received

    @property
    def dropped(self) -> int:
        """Received but not written."""
        return self.queue_full + self.late + self.failed


@dataclass
class RecorderStats:
    topics: dict[str, TopicStats] = field(default_factory=dict)
    bags: list[str] = field(default_factory=list)  # closed bags
    episodes_done: int = 0  # EpisodeStatus with done seen (once per observation)
    publishers: dict[str, int] = field(default_factory=dict)  # discovered, per topic

    @property
    def drops(self) -> int:
        return sum(t.dropped for t in list(self.topics.values()))

    @property
    def missing(self) -> int:
        return sum(t.missing for t in list(self.topics.values()))

    def to_dict(self) -> dict:
        topics = dict(self.topics)
        return {"episodes_done": self.episodes_done, "publishers": dict(self.publishers),
                "drops": self.drops,
                "missing": self.missing, "bags": list(self.bags),
                "topics": {name: {**asdict(t), "dropped": t.dropped}
                           for name, t in sorted(topics.items())}}


_STOP = object()


class Recorder:
    def __init__(self, config: RecorderConfig, clock: Callable[[], int],
                 log: Callable[[str], None] = print, info: Callable[[str], None] = print) -> None:
        """``clock``: ns (bag time base); ``log``: problems; ``info``: each bag written."""
        self.config = config
        self.clock = clock
        self.log = log
        self.info = info
        self.stats = RecorderStats()
        self.offered: dict[str, list[Qos]] = {}
        self.queue: queue.SimpleQueue = queue.SimpleQueue()
        self.queued_bytes = 0
        self.lock = threading.Lock()
        self.last_sequence: dict[tuple[str, bytes], int] = {}
        self.found: dict[tuple[str, bytes], int] = {}  # publisher -> when first seen (ns)
        self.started_ns: int | None = None
        self.router: EpisodeRouter[Incoming] = EpisodeRouter(
            int(config.hold_s * NS_PER_S), int(config.close_delay_s * NS_PER_S))
        self.bags: dict[EpisodeKey | None, BagWriter] = {}
        self.finished: set[EpisodeKey | None] = set()
        self.failed_topics: set[str] = set()
        self.last_done: tuple[str, int] | None = None
        self.status_lock = threading.Lock()
        self.thread = threading.Thread(target=self._run, name="bag-writer", daemon=True)
        self.closed = False

    # --- called from DDS callbacks / the node ---
    def start(self) -> None:
        """Start the writer thread (and write the status file: recording)."""
        Path(self.config.output_dir).mkdir(parents=True, exist_ok=True)
        self.started_ns = self.clock()
        self.thread.start()
        self._write_status("recording")

    def offer(self, topic: str, profiles: Sequence[Qos]) -> None:
        """Record the QoS profiles ``topic``'s publishers offer (stored with its connection)."""
        self.offered[topic] = list(profiles)

    def set_publishers(self, gids: dict[str, list[bytes]], now: int) -> None:
        """Note the publishers (gids) discovered per topic at ``now`` (status file: counts)."""
        for topic, found in gids.items():
            for gid in found:
                self.found.setdefault((topic, gid), now)
        counts = {topic: len(found) for topic, found in gids.items()}
        if counts != self.stats.publishers:
            self.stats.publishers = dict(counts)
            if self.thread.is_alive():
                self._write_status("recording")

    def submit(self, msg: Incoming) -> bool:
        """Count and queue ``msg``; False when it was dropped because the queue is full."""
        stats = self._topic(msg.topic)
        stats.received += 1
        if msg.sequence is not None:
            key = (msg.topic, msg.publisher)
            last = self.last_sequence.get(key)
            if last is None and not self._may_predate(key, msg.received_ns):
                last = 0  # sequence numbers start at 1
            if last is not None and msg.sequence > last + 1:
                stats.missing += msg.sequence - last - 1
            self.last_sequence[key] = max(msg.sequence, last or 0)
        with self.lock:
            if self.closed or self.queued_bytes + len(msg.data) > self.config.queue_max_bytes:
                stats.queue_full += 1
                return False
            self.queued_bytes += len(msg.data)
        self.queue.put(msg)
        return True

    def _may_predate(self, key: tuple[str, bytes], now: int) -> bool:
        """Whether the publisher ``key``, first met now, may have published before the start."""
        first = min(self.found.get(key, now), now)
        return (self.started_ns is None
                or first <= self.started_ns + int(self.config.settle_s * NS_PER_S))

    def close(self) -> RecorderStats:
        """Write everything queued, close every bag; safe to call twice."""
        with self.lock:
            already, self.closed = self.closed, True
        if not already and self.thread.is_alive():
            self.queue.put(_STOP)
            self.thread.join()
            self._write_status("closed")
        return self.stats

    def _write_status(self, state: str) -> None:
        """Write ``state`` and the counts so far to the status file (atomically)."""
        if not self.config.status_file:
            return
        target = Path(self.config.status_file)
        body = {"state": state, "output_dir": self.config.output_dir,
                "session": self.config.session, "storage": self.config.storage,
                "split": self.config.split, **self.stats.to_dict()}
        with self.status_lock:
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(target.name + ".tmp")
            tmp.write_text(json.dumps(body, indent=1))
            tmp.replace(target)

    # --- writer thread ---
    def _topic(self, topic: str) -> TopicStats:
        stats = self.stats.topics.get(topic)
        if stats is None:
            stats = self.stats.topics[topic] = TopicStats()
        return stats

    def _run(self) -> None:
        while True:
            try:
                msg = self.queue.get(timeout=POLL_S)
            except queue.Empty:
                msg = None
            if msg is _STOP:
                break
            now = self.clock()
            if msg is not None:
                with self.lock:
                    self.queued_bytes -= len(msg.data)
                self._route(msg, now)
            if self.config.split == "episode":
                routed, finished = self.router.expire(now)
                self._write_all(routed)
                for key in finished:
                    self._finish(key)
        self._write_all(self.router.flush())
        for key in list(self.bags):
            self._finish(key)

    def _route(self, msg: Incoming, now: int) -> None:
        try:
            stamp = header_stamp_ns(msg.data, msg.msgtype)
            status = (deserialize(msg.data, msg.msgtype)
                      if msg.topic == self.config.status_topic else None)
        except Exception as exc:  # noqa: BLE001 - a malformed message is recorded as is
            self.log(f"cannot read the header of a message on {msg.topic}: {exc}")
            stamp, status = None, None
        sent = msg.received_ns if msg.sent_ns is None else msg.sent_ns
        if self.config.split == "session":
            self._write(None, msg)
        elif status is not None:
            self._write_all(self.router.status(msg, stamp, status.episode_id, int(status.step),
                                               now, sent))
        else:
            self._write_all(self.router.message(msg, stamp, now, sent))
        if status is not None and status.done and self.last_done != (status.episode_id, stamp):
            self.last_done = (status.episode_id, stamp)
            self.stats.episodes_done += 1
            self._write_status("recording")

    def _write_all(self, routed: list[tuple[EpisodeKey, Incoming]]) -> None:
        for key, msg in routed:
            self._write(key, msg)

    def _write(self, key: EpisodeKey | None, msg: Incoming) -> None:
        stats = self._topic(msg.topic)
        if key in self.finished:
            stats.late += 1
            self.log(f"late message on {msg.topic} for a finished bag dropped")
            return
        try:
            bag = self.bags.get(key) or self._open(key)
            bag.write(msg.topic, msg.msgtype, msg.data, msg.received_ns,
                      self.offered.get(msg.topic, ()))
        except Exception as exc:  # noqa: BLE001 - keep recording the other topics
            stats.failed += 1
            if msg.topic not in self.failed_topics:
                self.failed_topics.add(msg.topic)
                self.log(f"cannot write {msg.topic}: {exc}")
            return
        stats.written += 1

    def _open(self, key: EpisodeKey | None) -> BagWriter:
        name = self.config.session
        if key is not None:
            name += f"_{key.index:03d}" + (f"_{safe_name(key.episode_id)}" if key.episode_id
                                           else "")
        bag = BagWriter(free_path(Path(self.config.output_dir), name), self.config.storage)
        self.bags[key] = bag
        return bag

    def _finish(self, key: EpisodeKey | None) -> None:
        self.finished.add(key)
        bag = self.bags.pop(key, None)
        if bag is None:
            return
        bag.close()
        self.stats.bags.append(str(bag.path))
        self.info(f"wrote {bag.path} ({bag.count} messages)")
