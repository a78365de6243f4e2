"""Pair the messages of one moment by stamp (pure: no rclpy): one module for every stream.

Both nodes that pair streams take poses from :class:`Poses`: the odometry message nearest
to a stamp within a tolerance. The policy node gathers observations with
:class:`LockStep`; the monitor node assembles executed steps with :class:`StepPairer`.

Observations (:class:`LockStep`). An observation is the EpisodeStatus of one stamp, the
camera images of that stamp (RGB, and depth / semantic when needed) and the odometry pose
nearest to it. Rule: the policy answers the newest complete observation of the current
bridge session, each at most once.

Session. The EpisodeStatus stream defines it: its source (the publisher's DDS participant,
or None when unknown) and its clock. A status starts a new session when it comes from
another source (a restarted or a different bridge) or when its ``observation_seq`` or stamp
goes back (a reset or stepped clock); the session's statuses and answered mark are dropped
and the new one is followed. A source replaced by another is retired: whatever it still
sends (another bridge on the same domain) is ignored.

Pieces are kept in arrival order and the oldest is evicted, so images stamped in the future
never push current ones out. An observation is marked answered only once the node has used
it; when its images fail to convert the node discards them, and a republished observation
completes it again.

Steps (:class:`StepPairer`), two ways to tell that a step completed:

- ``status`` (simulator): the bridge publishes an EpisodeStatus after every step. A
  status with step n+1 in the same episode completes step n+1; its action is the
  NavAction that answered the previous status's observation (same ``observation_seq``;
  with seq 0, the last action received since the previous status); its poses are the
  odometry stamped at the two statuses' stamps, ``collided`` is the status's flag and the
  forward length is the ``forward_m`` of the status's run contract (the amount the
  executing node used).
  A new ``episode_id`` or a smaller step number starts a new episode; a repeated status
  is ignored.
- ``action`` (real robot, no EpisodeStatus): each NavAction answers an observation, so
  the next NavAction completes the previous one's step; poses are the odometry at the two
  actions' stamps and ``collided`` is unknown. The action after a STOP starts a new episode.

A step whose stream carries no forward length (action pairing, a status with 0) uses
``forward_m``.

A step's pose at stamp t is taken once odometry stamped at or after t has arrived (so a
late message is never missed). A step waits until its action and poses are known; when the
next step arrives first, the waiting one is dropped (counted in ``dropped``).
"""

from __future__ import annotations

import bisect
from collections import OrderedDict, deque
from collections.abc import Collection, Hashable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from objnav_ros.core.actions import Action
from objnav_ros.core.types import Pose2D
from objnav_ros.monitor.records import StepRecord

KEEP_FRAMES = 8  # observations being gathered
KEEP_ODOMETRY = 200  # odometry messages the policy keeps
KEEP_RETIRED = 16
_POSES = 2000  # odometry messages the monitor keeps (40 s at 50 Hz)
_ACTIONS = 64  # actions kept by observation_seq


class Poses:
    """Odometry poses by stamp (in any one unit), each with its source.

    The ``keep`` latest arrivals are kept, so poses stamped far ahead never push current ones
    out.
    """

    def __init__(self, keep: int) -> None:
        self._keep = keep
        self._arrivals = 0
        self._keys: list[tuple[float, int]] = []  # (stamp, arrival), sorted
        self._entries: dict[tuple[float, int], tuple[Pose2D, Hashable | None]] = {}

    def add(self, stamp: float, pose: Pose2D, source: Hashable | None = None) -> None:
        key = (stamp, self._arrivals)
        self._arrivals += 1
        bisect.insort(self._keys, key)
        self._entries[key] = (pose, source)
        if len(self._entries) > self._keep:
            self._remove(next(iter(self._entries)))  # the oldest arrival

    def nearest(self, stamp: float, tolerance: float, *, settled: bool = False
                ) -> Pose2D | None:
        """The pose stamped nearest ``stamp`` within ``tolerance`` (the earlier on a tie).

        With ``settled``, None until a pose stamped at or after ``stamp`` has arrived.
        """
        index = bisect.bisect_left(self._keys, (stamp, -1))
        if settled and index == len(self._keys):
            return None
        near = self._keys[max(index - 1, 0):index + 1]
        if not near:
            return None
        best = min(near, key=lambda key: abs(key[0] - stamp))
        return self._entries[best][0] if abs(best[0] - stamp) <= tolerance else None

    def forget(self, sources: Collection[Hashable]) -> None:
        """Drop the poses of ``sources``."""
        for key in [k for k, (_, source) in self._entries.items() if source in sources]:
            self._remove(key)

    def _remove(self, key: tuple[float, int]) -> None:
        del self._entries[key]
        del self._keys[bisect.bisect_left(self._keys, key)]


@dataclass(frozen=True)
class Mark:
    """Where an EpisodeStatus stands in its stream."""

    stamp_ns: int
    seq: int
    episode_id: str
    step: int


@dataclass
class Frame:
    """The pieces of one stamp: the status and images (opaque to this module)."""

    stamp_ns: int
    status: Any = None
    images: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, Hashable] = field(default_factory=dict)  # image kind -> source


@dataclass(frozen=True)
class Change:
    """What a status changed: ``session`` names why a new session began (empty: none)."""

    session: str = ""
    episode: bool = False


class LockStep:
    """Gather pieces by stamp; :meth:`ready` gives the observation to answer, if any."""

    def __init__(self, needs_pose: bool, odom_tolerance_ns: int) -> None:
        self.needs_pose = needs_pose
        self.odom_tolerance_ns = odom_tolerance_ns
        self.source: Hashable | None = None
        self.sessions = 0
        self.answered_ns = -1
        self.frames: dict[int, Frame] = {}
        self._last: Mark | None = None
        self._retired: deque[Hashable] = deque(maxlen=KEEP_RETIRED)
        self._odometry = Poses(KEEP_ODOMETRY)

    # --- pieces ---
    def add_status(self, mark: Mark, status: Any, source: Hashable | None) -> Change:
        """File a status; a status from a retired source is ignored (no change)."""
        if source is not None and source in self._retired:
            return Change()
        reason = self._new_session(mark, source)
        if reason:
            self._start_session(source)
        last, self._last = self._last, mark
        episode = bool(reason) or mark.episode_id != last.episode_id or mark.step < last.step
        if mark.stamp_ns > self.answered_ns:
            self._frame(mark.stamp_ns).status = status
        return Change(reason, episode)

    def add_image(self, kind: str, stamp_ns: int, image: Any, source: Hashable | None) -> None:
        if source is not None and source in self._retired:
            return
        frame = self._frame(stamp_ns)
        frame.images[kind], frame.sources[kind] = image, source

    def add_pose(self, stamp_ns: int, pose: Pose2D, source: Hashable | None) -> None:
        if source is None or source not in self._retired:
            self._odometry.add(stamp_ns, pose, source)

    # --- the observation to answer ---
    def ready(self, image_kinds: set[str]) -> tuple[Frame, Pose2D] | None:
        """The newest frame with a status, ``image_kinds`` and (when needed) a pose."""
        for stamp_ns in sorted(self.frames, reverse=True):
            frame = self.frames[stamp_ns]
            if frame.status is None or not image_kinds <= frame.images.keys():
                continue
            pose = self.pose_at(stamp_ns) if self.needs_pose else Pose2D(0.0, 0.0, 0.0)
            if pose is not None:
                return frame, pose
        return None

    def answered(self, frame: Frame) -> None:
        """``frame`` was used: it and everything older are never answered again."""
        self.answered_ns = max(self.answered_ns, frame.stamp_ns)
        self.frames = {k: f for k, f in self.frames.items() if k > self.answered_ns}

    def discard_images(self, frame: Frame) -> None:
        """``frame``'s images were unusable: wait for new ones (a republish) instead."""
        frame.images.clear()
        frame.sources.clear()

    def pose_at(self, stamp_ns: int) -> Pose2D | None:
        """Odometry pose nearest to ``stamp_ns`` within the tolerance."""
        return self._odometry.nearest(stamp_ns, self.odom_tolerance_ns)

    # --- helpers ---
    def _new_session(self, mark: Mark, source: Hashable | None) -> str:
        last = self._last
        if last is None:
            return "first observation"
        if source != self.source:
            return "observations from another publisher (a restarted or different bridge)"
        if mark.seq < last.seq:
            return f"observation_seq went back from {last.seq} to {mark.seq}"
        if mark.stamp_ns < last.stamp_ns or (mark.seq > last.seq
                                             and mark.stamp_ns == last.stamp_ns):
            return (f"time went back from {last.stamp_ns / 1e9:.3f} s to "
                    f"{mark.stamp_ns / 1e9:.3f} s")
        return ""

    def _start_session(self, source: Hashable | None) -> None:
        if self._last is not None and source != self.source and self.source is not None:
            self._retired.append(self.source)
        self.source = source
        self.sessions += 1
        self.answered_ns = -1
        for frame in self.frames.values():
            frame.status = None
            for kind in [k for k, s in frame.sources.items() if s in self._retired]:
                del frame.images[kind], frame.sources[kind]
        self.frames = {k: f for k, f in self.frames.items() if f.images}
        self._odometry.forget(self._retired)

    def _frame(self, stamp_ns: int) -> Frame:
        frame = self.frames.get(stamp_ns)
        if frame is None:
            frame = self.frames[stamp_ns] = Frame(stamp_ns)
            while len(self.frames) > KEEP_FRAMES:  # oldest arrival first, whatever its stamp
                del self.frames[next(iter(self.frames))]
        return frame


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
        self._poses = Poses(_POSES)
        self._actions: OrderedDict[int, Action] = OrderedDict()
        self._since_status: Action | None = None
        self._last: _Last | None = None
        self._pending: _Pending | None = None
        self._episodes = 0

    def add_pose(self, stamp_s: float, pose: Pose2D) -> list[StepRecord | EpisodeStart]:
        """Odometry: remember the pose at ``stamp_s``."""
        self._poses.add(stamp_s, pose)
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

        ``forward_m``: its contract's MOVE_FORWARD length; 0 = not carried (``self.forward_m``).
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
        return self._poses.nearest(stamp_s, self.odom_tolerance_s, settled=True)
