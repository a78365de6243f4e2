"""Decoding serialised (CDR) messages with the objnav_ros type store."""

from __future__ import annotations

import functools

from objnav_ros.core.bagtypes import typestore

HEADER = "std_msgs/msg/Header"
NS_PER_S = 1_000_000_000


def deserialize(raw: bytes | memoryview, msgtype: str):
    """The rosbags message object of ``raw`` (a CDR payload of ``msgtype``)."""
    return typestore().deserialize_cdr(raw, msgtype)


@functools.cache
def has_header(msgtype: str) -> bool:
    """True when ``msgtype``'s first field is a std_msgs/Header (unknown types: False)."""
    fields = typestore().fielddefs.get(msgtype)
    return bool(fields and fields[1] and fields[1][0][1][-1] == HEADER)


def stamp_ns(stamp) -> int:
    """A builtin_interfaces/Time as integer nanoseconds (the exact key frames are paired by)."""
    return int(stamp.sec) * NS_PER_S + int(stamp.nanosec)


def header_stamp_ns(raw: bytes | memoryview, msgtype: str) -> int | None:
    """Header stamp of ``raw`` in ns without decoding the rest (None when it has no header)."""
    if not has_header(msgtype) or len(raw) < 4:
        return None
    store = typestore()
    msgdef = store.get_msgdef(HEADER)
    decode = msgdef.deserialize_cdr_le if raw[1] else msgdef.deserialize_cdr_be
    header, _ = decode(memoryview(raw)[4:], 0, msgdef.cls, store)
    return stamp_ns(header.stamp)
