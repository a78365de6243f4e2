"""Counts of refused input messages, and when to log them (once per kind, then throttled).

Pure: the node passes the time in (:class:`objnav_ros.nodes.guard.MessageGuard`).
"""

from __future__ import annotations

from collections import Counter


class Rejects:
    """Per-kind counts of refused messages.

    A kind is logged at its first refusal and then at most once every ``log_period_s``.
    """

    def __init__(self, log_period_s: float = 10.0) -> None:
        self.log_period_s = log_period_s
        self.counts: Counter[str] = Counter()
        self._logged_at: dict[str, float] = {}

    def add(self, kind: str, now_s: float) -> bool:
        """Count one refusal of ``kind`` at ``now_s``; True when it should be logged."""
        self.counts[kind] += 1
        last = self._logged_at.get(kind)
        if last is not None and now_s - last < self.log_period_s:
            return False
        self._logged_at[kind] = now_s
        return True

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def values(self) -> dict[str, str]:
        """Diagnostic key/values: the total and one ``bad_messages <kind>`` per kind."""
        return {"bad_messages": str(self.total),
                **{f"bad_messages {kind}": str(n) for kind, n in sorted(self.counts.items())}}
