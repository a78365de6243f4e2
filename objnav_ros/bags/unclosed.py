"""Recordings that were never closed: MCAP files cut short, folders without metadata.yaml.

An MCAP file without summary and footer (power cut, killed recorder) is read the way
rosbag2's MCAP plugin reads it: one scan (``mcap``'s stream reader) indexes every complete
chunk; the cut-off tail is left out and counted. A folder without metadata.yaml whose storage
files are named after it (``<name>.mcap``, or ``<name>_0.mcap``, ``<name>_1.mcap``... as
rosbag2 splits) is one recording, its files read in order as one bag. :class:`BagReader` is
rosbags' Reader with both.
"""

from __future__ import annotations

import heapq
import re
from collections import Counter
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path

from mcap.records import Channel, Chunk, Header, Message, Schema
from mcap.stream_reader import StreamReader, breakup_chunk
from rosbags.interfaces import (
    Connection,
    ConnectionExtRosbag2,
    MessageDefinition,
    MessageDefinitionFormat,
)
from rosbags.rosbag2 import Reader, ReaderError
from rosbags.rosbag2.metadata import ReaderMetadata, parse_qos
from rosbags.rosbag2.reader import DirectoryReader
from rosbags.rosbag2.storage_mcap import McapReader
from rosbags.rosbag2.storage_sqlite3 import Sqlite3Reader

MAGIC = b"\x89MCAP0\r\n"
MAXSIZE = 2**63 - 1
EMPTY = ReaderMetadata(0, MAXSIZE, 0, 0, None, None, None, None)


def recording_files(folder: Path) -> list[Path]:
    """The storage files of the recording in ``folder`` (named after it), in recording order."""
    pattern = re.compile(re.escape(folder.name) + r"(?:_(\d+))?(\.mcap|\.db3)")
    found = [(int(m[1]) if m[1] else -1, child) for child in folder.iterdir()
             if (m := pattern.fullmatch(child.name)) and child.is_file()]
    return [path for _, path in sorted(found)]


def is_closed_mcap(path: Path) -> bool:
    """True when ``path`` ends with the MCAP magic (its footer was written)."""
    with path.open("rb") as stream:
        size = stream.seek(0, 2)
        if size < 2 * len(MAGIC):
            return False
        stream.seek(size - len(MAGIC))
        return stream.read() == MAGIC


@dataclass(frozen=True)
class _Chunk:
    offset: int
    start: int
    end: int
    counts: Counter


def _connection(channel: Channel, schema: Schema | None, count: int, owner) -> Connection:
    fmt = MessageDefinitionFormat.MSG if schema and schema.encoding == "ros2msg" else (
        MessageDefinitionFormat.IDL if schema else MessageDefinitionFormat.NONE)
    return Connection(
        id=channel.id, topic=channel.topic, msgtype=schema.name if schema else "",
        msgdef=MessageDefinition(fmt, schema.data.decode() if schema else ""),
        digest=channel.metadata.get("topic_type_hash", ""), msgcount=count,
        ext=ConnectionExtRosbag2(channel.message_encoding,
                                 parse_qos(channel.metadata.get("offered_qos_profiles", ""))),
        owner=owner)


class UnclosedMcapReader:
    """An MCAP file without summary/footer, indexed by one scan of its complete chunks."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.connections: list[Connection] = []
        self.metadata = EMPTY
        self.chunks: list[_Chunk] = []
        self.lost_bytes = 0  # the tail after the last complete record
        self.stream = None

    def open(self) -> None:
        self.stream = self.path.open("rb")
        try:
            self._scan()
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        stream, self.stream = self.stream, None
        if stream is not None:
            stream.close()

    def _scan(self) -> None:
        size = self.stream.seek(0, 2)
        self.stream.seek(0)
        records = iter(StreamReader(self.stream, emit_chunks=True,
                                    record_size_limit=size).records)
        schemas: dict[int, Schema] = {}
        channels: dict[int, Channel] = {}
        complete = 0
        while True:
            offset = self.stream.tell()
            try:
                record = next(records)
                inside = breakup_chunk(record) if isinstance(record, Chunk) else []
            except Exception:  # noqa: BLE001 - the footer, or a tail cut off anywhere
                break
            if isinstance(record, Header) and record.profile != "ros2":
                raise ReaderError(f"profile is {record.profile!r}, not ros2")
            if isinstance(record, Message):
                raise ReaderError("messages outside chunks cannot be indexed by a scan")
            messages = [r for r in inside if isinstance(r, Message)]
            for item in (record, *inside):
                if isinstance(item, Schema):
                    schemas[item.id] = item
                elif isinstance(item, Channel):
                    channels[item.id] = item
            if messages:
                self.chunks.append(_Chunk(offset, min(m.log_time for m in messages),
                                          max(m.log_time for m in messages),
                                          Counter(m.channel_id for m in messages)))
            complete = self.stream.tell()
        self.lost_bytes = size - complete
        counts = sum((c.counts for c in self.chunks), Counter())
        self.connections = [_connection(channel, schemas.get(channel.schema_id),
                                        counts[channel.id], self)
                            for channel in channels.values()]
        if self.chunks:
            start = min(c.start for c in self.chunks)
            end = max(c.end for c in self.chunks)
            self.metadata = EMPTY._replace(duration=end - start + 1, start_time=start,
                                           end_time=end + 1, message_count=counts.total())

    def messages(self, connections: Collection[Connection], start: int | None = None,
                 stop: int | None = None) -> Iterator[tuple[Connection, int, bytes]]:
        """Messages of ``connections`` in log-time order (chunks are read when reached)."""
        wanted = {c.id: c for c in connections}
        low, high = start or 0, MAXSIZE if stop is None else stop
        sources = [self._chunk_messages(i, chunk, wanted, low, high)
                   for i, chunk in enumerate(self.chunks)
                   if chunk.start < high and chunk.end >= low
                   and any(cid in wanted for cid in chunk.counts)]
        for timestamp, _, _, connection, data in heapq.merge(*sources):
            if connection is not None:
                yield connection, timestamp, data

    def _chunk_messages(self, index: int, chunk: _Chunk, wanted: dict, low: int, high: int):
        yield chunk.start, index, -1, None, None  # read the chunk only once its time comes
        self.stream.seek(chunk.offset)
        record = next(iter(StreamReader(self.stream, skip_magic=True, emit_chunks=True).records))
        found = [(m.log_time, index, n, wanted[m.channel_id], m.data)
                 for n, m in enumerate(breakup_chunk(record))
                 if isinstance(m, Message) and m.channel_id in wanted
                 and low <= m.log_time < high]
        yield from sorted(found, key=lambda m: (m[0], m[2]))


def mcap_reader(path: Path):
    """The reader of ``path``: rosbags' when closed, else an :class:`UnclosedMcapReader`."""
    return McapReader(path) if is_closed_mcap(path) else UnclosedMcapReader(path)


class SplitReader:
    """A folder's recording files without metadata.yaml, read in order as one bag."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.files = recording_files(self.path)
        if not self.files:
            raise ReaderError(f"no metadata.yaml and no {self.path.name}[_N].mcap/.db3 here")
        self.storages: list = []
        self.connections: list[Connection] = []
        self.metadata = EMPTY

    def open(self) -> None:
        try:
            for path in self.files:
                storage = (mcap_reader if path.suffix == ".mcap" else Sqlite3Reader)(path)
                storage.open()
                self.storages.append(storage)
        except BaseException:
            self.close()
            raise
        joined: dict[tuple[str, str], Connection] = {}
        for storage in self.storages:
            for c in storage.connections:
                first = joined.get((c.topic, c.msgtype))
                joined[(c.topic, c.msgtype)] = c._replace(
                    id=len(joined) + 1, owner=self) if first is None else first._replace(
                    msgcount=first.msgcount + c.msgcount)
        self.connections = list(joined.values())
        metas = [s.metadata for s in self.storages if s.metadata.message_count]
        if metas:
            start = min(m.start_time for m in metas)
            end = max(m.end_time for m in metas)
            self.metadata = EMPTY._replace(duration=end - start, start_time=start, end_time=end,
                                           message_count=sum(m.message_count for m in metas))

    def close(self) -> None:
        storages, self.storages = self.storages, []
        for storage in storages:
            storage.close()

    def messages(self, connections: Collection[Connection], start: int | None = None,
                 stop: int | None = None) -> Iterator[tuple[Connection, int, bytes]]:
        """Messages of ``connections``, file after file."""
        wanted = {(c.topic, c.msgtype): c for c in connections}
        for storage in self.storages:
            mine = [c for c in storage.connections if (c.topic, c.msgtype) in wanted]
            if mine:
                for c, timestamp, data in storage.messages(mine, start, stop):
                    yield wanted[(c.topic, c.msgtype)], timestamp, data


def _folder(path: Path):
    return DirectoryReader(path) if (path / "metadata.yaml").exists() else SplitReader(path)


class BagReader(Reader):
    """rosbags' Reader that also reads unclosed MCAP files and folders without metadata.yaml."""

    STORAGE_PLUGINS = {"dir": _folder, ".mcap": mcap_reader, ".db3": Sqlite3Reader}

    def notes(self) -> list[str]:
        """One line per thing read from a recording that was never closed."""
        notes = []
        if isinstance(self.storage, SplitReader):
            names = ", ".join(f.name for f in self.storage.files)
            notes.append(f"{self.path}: no metadata.yaml (never closed?); read as one "
                         f"recording: {names}")
        for storage in getattr(self.storage, "storages", [self.storage]):
            if isinstance(storage, UnclosedMcapReader):
                notes.append(
                    f"{storage.path}: never closed (no MCAP summary/footer): recovered "
                    f"{storage.metadata.message_count} messages from {len(storage.chunks)} "
                    f"complete chunks; {storage.lost_bytes} bytes cut off after them are lost")
        return notes
