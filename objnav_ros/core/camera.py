"""Pinhole camera model from resolution and horizontal field of view (habitat convention)."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class CameraModel:
    width: int
    height: int
    hfov_deg: float

    def __post_init__(self) -> None:
        if self.width <= 0 or self.height <= 0:
            raise ValueError(f"camera size must be positive, got {self.width}x{self.height}")
        if not 0 < self.hfov_deg < 180:
            raise ValueError(f"hfov_deg must be in (0, 180), got {self.hfov_deg}")

    @classmethod
    def from_focal(cls, width: int, height: int, fx: float) -> CameraModel:
        """The model of a camera with focal length ``fx`` (px), e.g. from CameraInfo's K."""
        if not fx > 0 or not math.isfinite(fx):
            raise ValueError(f"focal length fx must be > 0 (px), got {fx}")
        return cls(width, height, math.degrees(2.0 * math.atan(width / (2.0 * fx))))

    @property
    def fx(self) -> float:
        return (self.width / 2.0) / math.tan(math.radians(self.hfov_deg) / 2.0)

    @property
    def fy(self) -> float:
        return self.fx  # square pixels

    @property
    def cx(self) -> float:
        return self.width / 2.0

    @property
    def cy(self) -> float:
        return self.height / 2.0
