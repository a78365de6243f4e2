"""QoS for recording: subscribe the way ``ros2 bag record`` does, store what publishers offered.

Profiles are rosbags :class:`~rosbags.interfaces.Qos` records (the enum values equal rmw's,
so a node converts an rclpy profile field by field with :func:`qos`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rosbags.interfaces import (
    Qos,
    QosDurability,
    QosHistory,
    QosLiveliness,
    QosReliability,
    QosTime,
)

NS_PER_S = 1_000_000_000


@dataclass(frozen=True)
class SubscriptionQos:
    """What a recording subscription asks for."""

    reliable: bool
    transient_local: bool
    depth: int

    def __post_init__(self) -> None:
        if self.depth < 1:
            raise ValueError(f"depth must be >= 1, got {self.depth}")


def _time(ns: int) -> QosTime:
    sec, nsec = divmod(int(ns), NS_PER_S)
    return QosTime(sec, nsec)


def qos(history: int, depth: int, reliability: int, durability: int, deadline_ns: int,
        lifespan_ns: int, liveliness: int, lease_ns: int, avoid_ros_conventions: bool) -> Qos:
    """A rosbags Qos from rmw enum values and durations in ns."""
    return Qos(QosHistory(history), int(depth), QosReliability(reliability),
               QosDurability(durability), _time(deadline_ns), _time(lifespan_ns),
               QosLiveliness(liveliness), _time(lease_ns), bool(avoid_ros_conventions))


def adapted(offered: Sequence[Qos], depth: int) -> SubscriptionQos:
    """Reliable only if every publisher is; transient-local only if every publisher is."""
    return SubscriptionQos(
        reliable=bool(offered) and all(
            q.reliability == QosReliability.RELIABLE for q in offered),
        transient_local=bool(offered) and all(
            q.durability == QosDurability.TRANSIENT_LOCAL for q in offered),
        depth=depth,
    )


def compatible(sub: SubscriptionQos, offered: Sequence[Qos]) -> bool:
    """Whether ``sub`` matches every offered profile (else it would hear nothing from some)."""
    if sub.reliable and any(q.reliability != QosReliability.RELIABLE for q in offered):
        return False
    return not (sub.transient_local and any(
        q.durability != QosDurability.TRANSIENT_LOCAL for q in offered))

