"""Opening bags for the dataset: one-line errors, topic lookup, and lazily decoded frames.

Accepts what the recorder writes and what ``ros2 bag record`` writes: a rosbag2 folder
(metadata.yaml + MCAP or sqlite3 files), a bare ``.mcap`` / ``.db3`` file, or a recording that
was never closed (:mod:`.unclosed`: a folder without metadata.yaml whose files, split or not,
are read as one bag; MCAP files without footer, their complete chunks recovered and logged).
"""

from __future__ import annotations

import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from rosbags.rosbag2 import Reader

from objnav_ros.bags.messages import deserialize, header_stamp_ns
from objnav_ros.bags.unclosed import BagReader, recording_files
from objnav_ros.core.images import depth_from_image, rgb_from_image

STORAGE_SUFFIXES = (".mcap", ".db3")
OPEN_READERS = 256  # readers kept open per process for lazy frames (a bag per episode)
log = logging.getLogger(__name__)


class BagError(ValueError):
    """A bag that cannot be used; the message is one line naming the bag and the problem."""

    def __init__(self, bag: str | Path, problem: str) -> None:
        self.bag = str(bag)
        self.problem = " ".join(str(problem).split())
        super().__init__(f"{self.bag}: {self.problem}")

    def __reduce__(self):
        return type(self), (self.bag, self.problem)


def describe(exc: BaseException) -> str:
    """``Type: message`` on one line."""
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def is_bag(path: Path) -> bool:
    if path.is_dir():
        return (path / "metadata.yaml").is_file() or bool(recording_files(path))
    return path.is_file() and path.suffix in STORAGE_SUFFIXES


def find_bags(paths: Iterable[str | Path]) -> tuple[list[Path], list[BagError]]:
    """Bags at or below ``paths`` (sorted per folder), and the paths that hold none."""
    found: list[Path] = []
    errors: list[BagError] = []

    def walk(path: Path) -> int:
        if path.is_dir() and not (path / "metadata.yaml").is_file():
            joined = recording_files(path)  # one recording; other files are bags of their own
            found.extend([path] if joined else [])
            return bool(joined) + sum(walk(child) for child in sorted(path.iterdir())
                                      if child not in joined)
        if is_bag(path):
            found.append(path)
            return 1
        return 0

    for raw in paths:
        path = Path(raw)
        if not path.exists():
            errors.append(BagError(path, "does not exist"))
        elif walk(path) == 0:
            errors.append(BagError(path, "no rosbag2 bag here (no metadata.yaml, .mcap or .db3)"))
    return found, errors


@contextmanager
def open_bag(path: str | Path) -> Iterator[Reader]:
    """An open rosbags Reader; BagError for anything that stops it from opening."""
    try:
        reader = BagReader(Path(path))
        reader.open()
    except Exception as exc:  # noqa: BLE001 - every reader failure becomes one line
        raise BagError(path, f"cannot open (truncated or corrupt?): {describe(exc)}") from exc
    for note in reader.notes():
        log.warning("%s", note)
    try:
        yield reader
    finally:
        reader.close()


def resolve_topic(reader: Reader, topic: str) -> str | None:
    """The bag's name for ``topic``: exact if absolute, else ``/topic`` or one ``/ns/topic``."""
    names = sorted(reader.topics)
    if topic.startswith("/"):
        return topic if topic in names else None
    if f"/{topic}" in names:
        return f"/{topic}"
    if topic in names:
        return topic
    matches = [n for n in names if n.endswith(f"/{topic}")]
    return matches[0] if len(matches) == 1 else None


# --- lazy frames ---
_READERS: OrderedDict[tuple[int, str], tuple[Reader, threading.Lock]] = OrderedDict()
_READERS_LOCK = threading.Lock()


def _cached_reader(path: str) -> tuple[Reader, threading.Lock]:
    """An open reader of ``path`` for this process (re-opened after fork; LRU of 8)."""
    key = (os.getpid(), path)
    with _READERS_LOCK:
        entry = _READERS.get(key)
        if entry is not None:
            _READERS.move_to_end(key)
            return entry
        reader = BagReader(Path(path))
        reader.open()
        entry = _READERS[key] = (reader, threading.Lock())
        while len(_READERS) > OPEN_READERS:
            (pid, _), (old, _) = _READERS.popitem(last=False)
            if pid == os.getpid():
                old.close()
        return entry


def read_message(path: str, topic: str, timestamp: int, stamp: int):
    """The message on ``topic`` logged at ``timestamp`` whose header stamp is ``stamp``."""
    try:
        reader, lock = _cached_reader(path)
        with lock:
            connections = [c for c in reader.connections if c.topic == topic]
            for connection, _, raw in reader.messages(connections, timestamp, timestamp + 1):
                if header_stamp_ns(raw, connection.msgtype) == stamp:
                    return deserialize(raw, connection.msgtype)
    except Exception as exc:  # noqa: BLE001 - the bag changed or broke after indexing
        raise BagError(path, f"cannot read {topic} at {timestamp}: {describe(exc)}") from exc
    raise BagError(path, f"no message on {topic} at {timestamp} with stamp {stamp}")


@dataclass(frozen=True)
class FrameRef:
    """An image in a bag, decoded only when called (picklable: DataLoader workers re-open)."""

    path: str
    topic: str
    timestamp: int  # bag (log) time, ns
    stamp: int  # header stamp, ns
    depth: bool = False

    def __call__(self) -> np.ndarray:
        msg = read_message(self.path, self.topic, self.timestamp, self.stamp)
        what = f"{self.path}:{self.topic}"
        try:
            return depth_from_image(msg, what) if self.depth else rgb_from_image(msg, what)
        except ValueError as exc:
            raise BagError(self.path, str(exc)) from exc
