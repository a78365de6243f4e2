"""Turn the action, odometry and episode-status streams into StepRecords (no rclpy).

Two ways to tell that a step completed:

- ``status`` (simulator): the bridge publishes an EpisodeStatus after every step. A
  status with step n+1 in the same episode completes step n+1; its action is the
  NavAction that answered the previous status's observation (same ``observation_seq``;
  with seq 0, the last action received since the previous status); its poses are the
  odometry stamped at the two statuses' stamps, ``collided`` is the status's flag and the
  forward length is the status's ``forward_m`` (the amount the executing node used).
  A new ``episode_id`` or a smaller step number starts a new episode; a repeated status
  is ignored.
- ``action`` (real robot, no EpisodeStatus): each NavAction answers an observation, so
  the next NavAction completes the previous one's step; poses are the odometry at the two
  actions' stamps and ``collided`` is unknown. The action after a STOP starts a new episode.

A step whose stream carries no forward length (action pairing, a status with 0) uses
``forward_m``.

The pose at stamp t is the odometry message nearest to t within the tolerance, taken
once odometry stamped at or after t has arrived (so a late message is never missed). A
step waits until its action and poses are known; when the next step arrives first, the
waiting one is dropped (counted in ``dropped``).
"""

from __future__ import annotations

import bisect
from collections import OrderedDict
from dataclasses import dataclass
from typing import NamedTuple

from objnav_ros.core.actions import Action
from objnav_ros.core.types import Pose2D
from objnav_ros.monitor.records import StepRecord

_POSES = 2000  # odometry messages kept (40 s at 50 Hz)
_ACTIONS = 64  # actions kept by observation_seq


@dataclass(frozen=True)
class EpisodeStart:
    """Marker: the items after it belong to a new episode."""

    episode_id: str


class _Last(NamedTuple):
    """The last status (action: None) or, with action pairing, the last action."""

    step: int
    seq: int
    stamp_s: float
    action: Action | None


@dataclass(frozen=True)
class _Pending:
    step: int
    before_s: float
    after_s: float
    action: Action | None
    action_seq: int
    collided: bool | None
    forward_m: float


class StepPairer:
    """Assemble StepRecords from streams; every ``add_*`` returns what became complete."""

    def __init__(self, forward_m: float = 0.25, odom_tolerance_s: float = 0.1) -> None:
        self.forward_m = forward_m
        self.odom_tolerance_s = odom_tolerance_s
        self.dropped = 0
        self.episode_id = ""
        self._stamps: list[float] = []
        self._poses: list[Pose2D] = []
        self._actions: OrderedDict[int, Action] = OrderedDict()
        self._since_status: Action | None = None
        self._last: _Last | None = None
        self._pending: _Pending | None = None
        self._episodes = 0

    def add_pose(self, stamp_s: float, pose: Pose2D) -> list[StepRecord | EpisodeStart]:
        """Odometry: remember the pose at ``stamp_s``."""
        index = bisect.bisect(self._stamps, stamp_s)
        self._stamps.insert(index, stamp_s)
        self._poses.insert(index, pose)
        if len(self._stamps) > _POSES:
            del self._stamps[0], self._poses[0]
        return self._flush()

    def add_action(
        self, seq: int, stamp_s: float, action: Action, *, completes_step: bool = False
    ) -> list[StepRecord | EpisodeStart]:
        """A NavAction; with ``completes_step`` (action pairing) it ends the previous step."""
        if seq:
            self._actions[seq] = action
            if len(self._actions) > _ACTIONS:
                self._actions.popitem(last=False)
        self._since_status = action
        if not completes_step:
            return self._flush()
        items: list[StepRecord | EpisodeStart] = []
        last = self._last
        if last is None or last.action == Action.STOP:
            self._episodes += 1
            items.append(self._start(str(self._episodes)))
            step = 0
        else:
            step = last.step + 1
            self._queue(_Pending(step, last.stamp_s, stamp_s, last.action, 0, None,
                                 self.forward_m))
        self._last = _Last(step, seq, stamp_s, action)
        return items + self._flush()

    def add_status(
        self, episode_id: str, step: int, seq: int, stamp_s: float, collided: bool,
        forward_m: float = 0.0,
    ) -> list[StepRecord | EpisodeStart]:
        """An EpisodeStatus: a new episode, or the completion of one step.

        ``forward_m``: the status's MOVE_FORWARD length; 0 = not carried (``self.forward_m``).
        """
        items: list[StepRecord | EpisodeStart] = []
        last = self._last
        if last is not None and episode_id == self.episode_id and step == last.step:
            return []  # the same status again
        if last is None or episode_id != self.episode_id or step < last.step:
            items.append(self._start(episode_id))
        elif step != last.step + 1 or (last.seq == 0 and self._since_status is None):
            self.dropped += 1  # a status was missed, or the action cannot be told
        else:
            action = self._since_status if last.seq == 0 else None
            self._queue(_Pending(step, last.stamp_s, stamp_s, action, last.seq, collided,
                                 forward_m or self.forward_m))
        self._last = _Last(step, seq, stamp_s, None)
        self._since_status = None
        return items + self._flush()

    def _start(self, episode_id: str) -> EpisodeStart:
        self.episode_id = episode_id
        self._pending = None
        return EpisodeStart(episode_id)

    def _queue(self, pending: _Pending) -> None:
        self.dropped += self._pending is not None
        self._pending = pending

    def _flush(self) -> list[StepRecord | EpisodeStart]:
        p = self._pending
        if p is None:
            return []
        action = p.action if p.action is not None else self._actions.get(p.action_seq)
        before, after = self._pose_at(p.before_s), self._pose_at(p.after_s)
        if action is None or before is None or after is None:
            return []
        self._pending = None
        return [StepRecord(p.step, p.after_s, action, before, after, p.collided, p.forward_m)]

    def _pose_at(self, stamp_s: float) -> Pose2D | None:
        index = bisect.bisect_left(self._stamps, stamp_s)
        if index == len(self._stamps):
            return None  # odometry has not reached this time yet
        best = min(
            (i for i in (index - 1, index) if i >= 0),
            key=lambda i: abs(self._stamps[i] - stamp_s),
        )
        if abs(self._stamps[best] - stamp_s) > self.odom_tolerance_s:
            return None
        return self._poses[best]
