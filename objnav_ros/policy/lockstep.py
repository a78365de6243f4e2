"""Which observation the policy answers, in lock-step with a bridge (pure: no rclpy).

An observation is the EpisodeStatus of one stamp, the camera images of that stamp (RGB, and
depth / semantic when needed) and the odometry pose nearest to it. Rule: the policy answers
the newest complete observation of the current bridge session, each at most once.

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
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

from objnav_ros.core.types import Pose2D

KEEP_FRAMES = 8
KEEP_ODOMETRY = 200
KEEP_RETIRED = 16


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
        self._odometry: deque[tuple[int, Pose2D, Hashable]] = deque(maxlen=KEEP_ODOMETRY)

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
            self._odometry.append((stamp_ns, pose, source))

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
        if not self._odometry:
            return None
        nearest, pose, _ = min(self._odometry, key=lambda entry: abs(entry[0] - stamp_ns))
        return pose if abs(nearest - stamp_ns) <= self.odom_tolerance_ns else None

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
        self._odometry = deque((e for e in self._odometry if e[2] not in self._retired),
                               maxlen=KEEP_ODOMETRY)

    def _frame(self, stamp_ns: int) -> Frame:
        frame = self.frames.get(stamp_ns)
        if frame is None:
            frame = self.frames[stamp_ns] = Frame(stamp_ns)
            while len(self.frames) > KEEP_FRAMES:  # oldest arrival first, whatever its stamp
                del self.frames[next(iter(self.frames))]
        return frame
