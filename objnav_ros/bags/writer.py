"""One rosbag2 bag written with rosbags: metadata.yaml v9, cdr, RIHS01 hashes, offered QoS.

``ros2 bag info``, ``ros2 bag play`` and Foxglove read these bags; so does the independent
``mcap_ros2`` decoder (MCAP schemas carry the full ``ros2msg`` definitions). MCAP channels
carry ``offered_qos_profiles`` and ``topic_type_hash`` metadata, as rosbag2 writes them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from io import BytesIO
from pathlib import Path

from rosbags.interfaces import Connection, Qos
from rosbags.rosbag2 import StoragePlugin, Writer
from rosbags.rosbag2.storage_mcap import Channel, McapWriter, write_channel, write_string

from objnav_ros.core.bagtypes import PACKAGE, msg_dir, typestore

STORAGES: dict[str, StoragePlugin] = {"mcap": StoragePlugin.MCAP,
                                      "sqlite3": StoragePlugin.SQLITE3}
METADATA_VERSION = 9
DEPENDENCY = "=" * 80 + "\nMSG: "


@functools.cache
def message_definition(msgtype: str) -> str:
    """The ``ros2msg`` text stored for ``msgtype``: the type, then each dependency.

    objnav_ros types keep their own .msg text: rosbags' generated text writes an empty string
    constant as ``string END_NONE=``, which message parsers (rosbags' own included) reject.
    """
    text, _ = typestore().generate_msgdef(msgtype, ros_version=2)
    package, _, name = msgtype.split("/")
    if package == PACKAGE:
        _, sep, dependencies = text.partition(DEPENDENCY)
        text = (msg_dir() / f"{name}.msg").read_text().rstrip("\n") + "\n" + sep + dependencies
    return text


class _McapWriter(McapWriter):
    def add_connection(self, connection: Connection, offered_qos_profiles: str) -> None:
        """The channel with rosbag2's metadata: offered QoS and the RIHS01 type hash."""
        metadata = BytesIO()
        for key, value in (("offered_qos_profiles", offered_qos_profiles),
                           ("topic_type_hash", connection.digest)):
            write_string(metadata, key)
            write_string(metadata, value)
        self.channels.append(Channel(connection.id, connection.msgtype, connection.topic,
                                     connection.ext.serialization_format, metadata.getvalue()))
        self.channel_stats[connection.id] = 0
        write_channel(self.chunk.bio, self.channels[-1], self.schemas)


class _Writer(Writer):
    STORAGE_PLUGINS = {**Writer.STORAGE_PLUGINS, StoragePlugin.MCAP: _McapWriter}


def safe_name(text: str) -> str:
    """``text`` usable in a folder name (other characters become ``-``)."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-.") or "x"


def free_path(folder: Path, name: str) -> Path:
    """``folder/name``, or ``name_2``, ``name_3``... when it exists (never overwrite a bag)."""
    path, n = folder / name, 1
    while path.exists():
        n += 1
        path = folder / f"{name}_{n}"
    return path


class BagWriter:
    """A bag opened for writing; a topic's connection is added with its first message."""

    def __init__(self, path: Path, storage: str = "mcap") -> None:
        if storage not in STORAGES:
            raise ValueError(f"storage: expected one of {sorted(STORAGES)}, got {storage!r}")
        self.path = Path(path)
        self.writer = _Writer(self.path, version=METADATA_VERSION,
                              storage_plugin=STORAGES[storage])
        self.writer.open()
        self.connections: dict[str, Connection] = {}
        self.count = 0

    def write(self, topic: str, msgtype: str, data: bytes, timestamp_ns: int,
              offered_qos: Sequence[Qos] = ()) -> None:
        """Append one serialised message (ValueError for a type the type store lacks)."""
        connection = self.connections.get(topic)
        if connection is None:
            if msgtype not in typestore().fielddefs:
                raise ValueError(f"{topic}: type {msgtype} is unknown to the bag type store")
            connection = self.writer.add_connection(
                topic, msgtype, msgdef=message_definition(msgtype),
                rihs01=typestore().hash_rihs01(msgtype), offered_qos_profiles=list(offered_qos))
            self.connections[topic] = connection
        self.writer.write(connection, timestamp_ns, data)
        self.count += 1

    def close(self) -> None:
        """Finish the storage file and write metadata.yaml."""
        self.writer.close()
