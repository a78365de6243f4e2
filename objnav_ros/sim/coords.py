"""Conversions between habitat's Y-up frame and the Z-up world frame used here.

habitat-sim turns a Z-up scene (stage ``up`` [0, 0, 1], ``front`` [0, 1, 0]) into its
Y-up frame as ``(X, Y, Z) = (x, z, -y)``; its agent looks along its local -Z and turns
about +Y. So a habitat rotation of ``theta`` about +Y is a world yaw of
``theta + pi/2`` (habitat's identity rotation looks along world +y). Habitat stores
quaternions as ``[x, y, z, w]``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy.spatial.transform import Rotation


def habitat_to_world(position: Sequence[float]) -> tuple[float, float, float]:
    """Map a habitat ``[X, Y, Z]`` (Y-up) position to world ``(x, y, z)`` (Z-up)."""
    x, y, z = (float(v) for v in position)
    return (x, -z, y)


def world_to_habitat(position: Sequence[float]) -> list[float]:
    """Map a world ``(x, y, z)`` (Z-up) position to habitat's ``[X, Y, Z]`` (Y-up)."""
    x, y, z = (float(v) for v in position)
    return [x, z, -y]


def yaw_to_habitat_quaternion(yaw: float) -> list[float]:
    """Habitat ``[x, y, z, w]`` agent rotation for a world yaw (radians, CCW from +x)."""
    half = (yaw - math.pi / 2) / 2
    return [0.0, math.sin(half), 0.0, math.cos(half)]


def habitat_quaternion_to_yaw(quaternion: Sequence[float]) -> float:
    """World yaw in (-pi, pi] of a habitat ``[x, y, z, w]`` rotation (its heading only)."""
    forward = Rotation.from_quat(np.asarray(quaternion, dtype=float)).apply([0.0, 0.0, -1.0])
    return math.atan2(-forward[2], forward[0])


def up_front_rotation(up: Sequence[float], front: Sequence[float]) -> np.ndarray:
    """3x3 rotation taking a file's ``up`` axis to +z and its ``front`` axis to +y."""
    up_v = np.asarray(up, dtype=float)
    front_v = np.asarray(front, dtype=float)
    if up_v.shape != (3,) or front_v.shape != (3,):
        raise ValueError(f"up and front must be 3-vectors, got {list(up)} and {list(front)}")
    up_v = up_v / np.linalg.norm(up_v)
    front_v = front_v / np.linalg.norm(front_v)
    if abs(float(up_v @ front_v)) > 1e-6:
        raise ValueError(f"up {list(up)} and front {list(front)} are not perpendicular")
    return np.stack([np.cross(front_v, up_v), front_v, up_v])


def default_front(up: Sequence[float]) -> list[float]:
    """Habitat's front for an up vector: -Z for Y-up files, +Y for Z-up files."""
    up_v = np.asarray(up, dtype=float)
    if abs(up_v[2]) >= max(abs(up_v[0]), abs(up_v[1])):
        return [0.0, 1.0, 0.0]
    return [0.0, 0.0, -1.0]


def wrap_angle(angle: float) -> float:
    """Angle in radians wrapped to (-pi, pi]."""
    wrapped = math.remainder(angle, 2 * math.pi)
    return math.pi if wrapped == -math.pi else wrapped
