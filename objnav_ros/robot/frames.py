"""Recent camera frames, from which the executor picks the observation after a motion."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

KEEP = 32


@dataclass(frozen=True)
class Frame:
    """An RGB image: its stamp (ns), camera frame and when it was received (s)."""

    stamp_ns: int
    frame_id: str
    received_s: float


class FrameBuffer:
    """The last :data:`KEEP` RGB frames and depth stamps."""

    def __init__(self, require_depth: bool) -> None:
        self.require_depth = require_depth
        self._rgb: deque[Frame] = deque(maxlen=KEEP)
        self._depth: deque[int] = deque(maxlen=KEEP)

    def add_rgb(self, stamp_ns: int, frame_id: str, t: float) -> None:
        self._rgb.append(Frame(stamp_ns, frame_id, t))

    def add_depth(self, stamp_ns: int) -> None:
        self._depth.append(stamp_ns)

    def latest(self, received_after: float, newer_than_ns: int) -> Frame | None:
        """The newest fitting RGB frame, or None.

        Fitting: received at or after ``received_after``, stamped later than
        ``newer_than_ns`` and, when depth is required, with a depth image of its stamp.
        """
        for frame in reversed(self._rgb):
            if frame.received_s < received_after:
                return None
            if frame.stamp_ns > newer_than_ns and (
                    not self.require_depth or frame.stamp_ns in self._depth):
                return frame
        return None
