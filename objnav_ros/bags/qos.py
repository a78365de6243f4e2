"""QoS for recording: subscribe the way ``ros2 bag record`` does, store what publishers offered.

Offered profiles are rosbags :class:`~rosbags.interfaces.Qos` records (``BagQos``; the enum
values equal rmw's, so a node converts an rclpy profile field by field with :func:`qos`); what
a subscription asks for is a :class:`objnav_ros.core.topics.Qos`.
"""

from __future__ import annotations

from collections.abc import Sequence

from rosbags.interfaces import Qos as BagQos
from rosbags.interfaces import (
    QosDurability,
    QosHistory,
    QosLiveliness,
    QosReliability,
    QosTime,
)

from objnav_ros.core.topics import Qos

NS_PER_S = 1_000_000_000


def _time(ns: int) -> QosTime:
    sec, nsec = divmod(int(ns), NS_PER_S)
    return QosTime(sec, nsec)


def qos(history: int, depth: int, reliability: int, durability: int, deadline_ns: int,
        lifespan_ns: int, liveliness: int, lease_ns: int, avoid_ros_conventions: bool) -> BagQos:
    """A rosbags Qos from rmw enum values and durations in ns."""
    return BagQos(QosHistory(history), int(depth), QosReliability(reliability),
                  QosDurability(durability), _time(deadline_ns), _time(lifespan_ns),
                  QosLiveliness(liveliness), _time(lease_ns), bool(avoid_ros_conventions))


def adapted(offered: Sequence[BagQos], depth: int) -> Qos:
    """Reliable only if every publisher is; transient-local only if every publisher is."""
    return Qos(
        reliable=bool(offered) and all(
            q.reliability == QosReliability.RELIABLE for q in offered),
        transient_local=bool(offered) and all(
            q.durability == QosDurability.TRANSIENT_LOCAL for q in offered),
        depth=depth,
    )


def compatible(sub: Qos, offered: Sequence[BagQos]) -> bool:
    """Whether ``sub`` matches every offered profile (else it would hear nothing from some)."""
    if sub.reliable and any(q.reliability != QosReliability.RELIABLE for q in offered):
        return False
    return not (sub.transient_local and any(
        q.durability != QosDurability.TRANSIENT_LOCAL for q in offered))

