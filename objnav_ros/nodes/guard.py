"""Subscription callbacks that drop a bad message instead of ending the node.

A callback (or the conversion it calls, see :mod:`objnav_ros.nodes.convert`) refuses a
message by raising ValueError; the guard logs it (once per topic, then throttled), counts it
for /diagnostics and returns, so the node keeps serving.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable

from rclpy.node import Node

from objnav_ros.core.rejects import Rejects


class MessageGuard:
    def __init__(self, node: Node, log_period_s: float = 10.0) -> None:
        self.node = node
        self.rejects = Rejects(log_period_s)

    def __call__(self, topic: str, callback: Callable) -> Callable:
        """``callback`` for messages on ``topic``, with refused messages dropped."""

        @functools.wraps(callback)
        def guarded(msg, *args):
            try:
                return callback(msg, *args)
            except ValueError as exc:
                self.refuse(getattr(exc, "topic", topic), exc)
                return None

        return guarded

    def refuse(self, topic: str, problem: Exception | str) -> None:
        """Count (and maybe log) one dropped message of ``topic``."""
        if self.rejects.add(topic, time.monotonic()):
            self.node.get_logger().warning(
                f"dropped a bad message on {topic} ({self.rejects.counts[topic]} so far): "
                f"{problem}")

    def values(self) -> dict[str, str]:
        """Counts for the node's /diagnostics."""
        return self.rejects.values()
