"""Synthetic observations for policy tests."""

from __future__ import annotations

import numpy as np

from objnav_ros.core.types import Observation, Pose2D


def frame(seed: int = 0, goal: str = "chair", shape=(96, 128)) -> Observation:
    """A random RGB-D observation."""
    rng = np.random.default_rng(seed)
    rgb = rng.integers(0, 256, (*shape, 3), dtype=np.uint8)
    depth = rng.uniform(0.5, 4.0, shape).astype(np.float32)
    return Observation(rgb, depth, Pose2D(0.0, 0.0, 0.0), False, 0, goal)
