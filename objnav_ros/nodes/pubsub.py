"""Publishers and subscriptions made from the topic table (``core/topics.py``).

The message class and the QoS come from the table; a node passes ``qos`` to take another
profile (the executor listens best-effort to inputs it does not control) or ``depth`` to
queue more.
"""

from __future__ import annotations

import importlib
from dataclasses import replace

from rclpy.node import Node
from rclpy.qos import DurabilityPolicy, QoSProfile, ReliabilityPolicy

from objnav_ros.core.topics import TABLE, Qos


def message_class(msgtype: str):
    """The generated Python class of ``pkg/msg/Name``."""
    package, _, name = msgtype.split("/")
    return getattr(importlib.import_module(f"{package}.msg"), name)


def profile(qos: Qos) -> QoSProfile:
    """The rclpy profile of ``qos`` (keep last; other policies at their defaults)."""
    return QoSProfile(
        depth=qos.depth,
        reliability=ReliabilityPolicy.RELIABLE if qos.reliable else ReliabilityPolicy.BEST_EFFORT,
        durability=(DurabilityPolicy.TRANSIENT_LOCAL if qos.transient_local
                    else DurabilityPolicy.VOLATILE))


def _class_and_profile(name: str, qos: Qos | None, depth: int | None):
    topic = TABLE[name]
    qos = qos or topic.qos
    return message_class(topic.msgtype), profile(replace(qos, depth=depth) if depth else qos)


def publisher(node: Node, name: str, qos: Qos | None = None, depth: int | None = None,
              **kwargs):
    """A publisher of table topic ``name``."""
    cls, qos_profile = _class_and_profile(name, qos, depth)
    return node.create_publisher(cls, name, qos_profile, **kwargs)


def subscription(node: Node, name: str, callback, qos: Qos | None = None,
                 depth: int | None = None, **kwargs):
    """A subscription to table topic ``name``."""
    cls, qos_profile = _class_and_profile(name, qos, depth)
    return node.create_subscription(cls, name, callback, qos_profile, **kwargs)
