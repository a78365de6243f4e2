"""Which episode's bag each recorded message belongs to, from EpisodeStatus stamps.

An episode starts at the stamp of the first EpisodeStatus with a new ``episode_id`` (or a
lower ``step``: a reset). A late status (stamped before the latest one, within an episode
of its id) goes to that episode and starts none. A stamped message belongs to the episode
whose start is the latest not after its stamp; since an observation's images and odometry are
published before its status, it waits until a status with the same or a later stamp arrived
(at most ``hold_ns``). A message without a header (goal, /tf) goes to the episode of the
first status *sent* at or after it (DDS source times, so arrival order across topics does
not matter): the goal published before an episode's first status is that episode's, the /tf
of an episode's last observation stays with it. An episode is finished ``close_delay_ns``
after the next one started. Time is passed in.
"""

from __future__ import annotations

import bisect
from collections import deque
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, order=True)
class EpisodeKey:
    """The n-th episode seen in this session (0 = messages before any EpisodeStatus)."""

    index: int
    episode_id: str


NO_EPISODE = EpisodeKey(0, "")


class EpisodeRouter(Generic[T]):
    def __init__(self, hold_ns: int, close_delay_ns: int) -> None:
        if hold_ns < 0 or close_delay_ns < 0:
            raise ValueError("hold_ns and close_delay_ns must be >= 0")
        self.hold_ns = hold_ns
        self.close_delay_ns = close_delay_ns
        self.starts: list[int] = []
        self.keys: list[EpisodeKey] = []
        self.last: tuple[str, int] | None = None  # (episode_id, step) of the latest status
        self.latest_stamp = -1
        self.sent: list[tuple[int, EpisodeKey]] = []  # (send time, episode) of each status
        self.pending: deque[tuple[int, int | None, int, T]] = deque()  # now, stamp, sent, item
        self.closing: deque[tuple[int, EpisodeKey]] = deque()

    @property
    def current(self) -> EpisodeKey:
        return self.keys[-1] if self.keys else NO_EPISODE

    def key_for(self, stamp: int | None) -> EpisodeKey:
        """The episode a message with ``stamp`` belongs to (None: the current one)."""
        if stamp is None or not self.keys:
            return self.current
        return self.keys[max(0, bisect.bisect_right(self.starts, stamp) - 1)]

    def _late(self, stamp: int, episode_id: str) -> EpisodeKey | None:
        """The episode of ``episode_id`` a status stamped before the latest one belongs to."""
        if stamp >= self.latest_stamp:
            return None
        mine = [i for i, key in enumerate(self.keys)
                if key.episode_id == episode_id and self.starts[i] <= stamp]
        return self.keys[mine[-1]] if mine else None

    def _sent_before(self, sent: int) -> EpisodeKey | None:
        """The episode of the first status sent at or after ``sent`` (None: none yet)."""
        i = bisect.bisect_left(self.sent, (sent,))
        return self.sent[i][1] if i < len(self.sent) else None

    def _route(self, stamp: int | None, sent: int) -> EpisodeKey | None:
        if stamp is None:
            return self._sent_before(sent)
        return self.key_for(stamp) if self.keys and stamp <= self.latest_stamp else None

    def status(self, item: T, stamp: int, episode_id: str, step: int, now: int,
               sent: int) -> list[tuple[EpisodeKey, T]]:
        """Route an EpisodeStatus (sent at ``sent``) and every waiting message it settles."""
        here = self._late(stamp, episode_id)
        if here is None:
            if self.last is None or episode_id != self.last[0] or step < self.last[1]:
                if self.keys:
                    self.closing.append((now + self.close_delay_ns, self.keys[-1]))
                self.keys.append(EpisodeKey(len(self.keys) + 1, episode_id))
                self.starts.append(max(stamp, self.starts[-1] if self.starts else stamp))
            self.last = (episode_id, step)
            self.latest_stamp = max(self.latest_stamp, stamp)
            here = self.key_for(stamp)
        bisect.insort(self.sent, (sent, here))
        routed, waiting = [], deque()
        for entry in self.pending:
            key = self._route(entry[1], entry[2])
            if key is None:
                waiting.append(entry)
            else:
                routed.append((key, entry[3]))
        self.pending = waiting
        routed.append((here, item))
        return routed

    def message(self, item: T, stamp: int | None, now: int,
                sent: int) -> list[tuple[EpisodeKey, T]]:
        """Route a message (sent at ``sent``) now if its episode is known, else keep it."""
        key = self._route(stamp, sent)
        if key is not None:
            return [(key, item)]
        self.pending.append((now, stamp, sent, item))
        return []

    def expire(self, now: int) -> tuple[list[tuple[EpisodeKey, T]], list[EpisodeKey]]:
        """Messages that waited ``hold_ns`` (routed as they are), and episodes now finished."""
        routed = []
        while self.pending and self.pending[0][0] + self.hold_ns <= now:
            _, stamp, _, item = self.pending.popleft()
            routed.append((self.key_for(stamp), item))
        finished = []
        while self.closing and self.closing[0][0] <= now:
            finished.append(self.closing.popleft()[1])
        return routed, finished

    def flush(self) -> list[tuple[EpisodeKey, T]]:
        """Route every waiting message (at shutdown)."""
        routed = [(self.key_for(stamp), item) for _, stamp, _, item in self.pending]
        self.pending.clear()
        return routed
