"""A tiny 2-D room with box obstacles rendered as pinhole depth: a test bench for baselines."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from objnav_ros.core.actions import Action, ActionSpace
from objnav_ros.core.types import Observation, Pose2D

Box = tuple[float, float, float, float, float]  # x0, y0, x1, y1, height


@dataclass
class RoomWorld:
    space: ActionSpace
    size: tuple[float, float] = (8.0, 6.0)
    boxes: tuple[Box, ...] = ((2.0, 1.5, 3.0, 2.5, 0.5), (5.0, 3.5, 6.5, 4.0, 1.0),
                              (3.5, 4.5, 4.0, 6.0, 2.5), (4.0, 0.0, 4.3, 2.5, 2.5))
    hfov_deg: float = 79.0
    camera_height_m: float = 0.88
    radius_m: float = 0.18
    shape: tuple[int, int] = (48, 64)
    pose: Pose2D = Pose2D(1.0, 1.0, 0.3)
    step: int = 0
    collided: bool = False
    _segments: list = field(default_factory=list)

    def __post_init__(self) -> None:
        w, h = self.size
        boxes = [(0.0, 0.0, w, h, 2.5)] + list(self.boxes)
        for x0, y0, x1, y1, top in boxes:
            corners = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
            for a, b in zip(corners, corners[1:] + corners[:1], strict=True):
                self._segments.append((np.array(a), np.array(b), top))

    def _hits(self, origin: np.ndarray, direction: np.ndarray) -> list[tuple[float, float]]:
        hits = []
        for a, b, top in self._segments:
            edge = b - a
            denom = direction[0] * edge[1] - direction[1] * edge[0]
            if abs(denom) < 1e-12:
                continue
            rel = a - origin
            t = (rel[0] * edge[1] - rel[1] * edge[0]) / denom
            s = (rel[0] * direction[1] - rel[1] * direction[0]) / denom
            if t > 1e-6 and 0 <= s <= 1:
                hits.append((t, top))
        return sorted(hits)

    def depth(self) -> np.ndarray:
        rows, cols = self.shape
        focal = (cols / 2) / math.tan(math.radians(self.hfov_deg) / 2)
        down = (np.arange(rows) - (rows - 1) / 2) / focal
        floor = np.where(down > 0, self.camera_height_m / np.maximum(down, 1e-9), np.inf)
        out = np.zeros(self.shape, dtype=np.float32)
        origin = np.array([self.pose.x, self.pose.y])
        for u in range(cols):
            angle = math.atan(((cols - 1) / 2 - u) / focal)
            heading = self.pose.yaw + angle
            column = np.zeros(rows)
            done = np.zeros(rows, dtype=bool)
            for t, top in self._hits(origin, np.array([math.cos(heading), math.sin(heading)])):
                z = t * math.cos(angle)
                height = self.camera_height_m - down * z
                hit = ~done & (floor > z) & (height >= 0) & (height <= top)
                column[hit] = z
                done |= hit
            below = ~done & np.isfinite(floor)
            column[below] = floor[below]
            out[:, u] = np.where(column > 10.0, 0.0, column)
        return out

    def observe(self) -> Observation:
        rgb = np.zeros((*self.shape, 3), dtype=np.uint8)
        return Observation(rgb, self.depth(), self.pose, self.collided, self.step, "chair")

    def _free(self, x: float, y: float) -> bool:
        point = np.array([x, y])
        for a, b, _ in self._segments:
            edge = b - a
            s = np.clip(np.dot(point - a, edge) / np.dot(edge, edge), 0, 1)
            if np.linalg.norm(point - (a + s * edge)) < self.radius_m:
                return False
        w, h = self.size
        inside_box = any(x0 < x < x1 and y0 < y < y1 for x0, y0, x1, y1, _ in self.boxes)
        return 0 < x < w and 0 < y < h and not inside_box

    def act(self, action: Action) -> None:
        p = self.pose
        self.step += 1
        self.collided = False
        if action is Action.MOVE_FORWARD:
            x = p.x + self.space.forward_m * math.cos(p.yaw)
            y = p.y + self.space.forward_m * math.sin(p.yaw)
            if self._free(x, y):
                self.pose = Pose2D(x, y, p.yaw)
            else:
                self.collided = True
        elif action in (Action.TURN_LEFT, Action.TURN_RIGHT):
            sign = 1 if action is Action.TURN_LEFT else -1
            self.pose = Pose2D(p.x, p.y, p.yaw + sign * math.radians(self.space.turn_deg))


def run_episode(policy, world: RoomWorld, steps: int) -> dict:
    """Coverage (distinct 0.5 m cells), collisions and the longest run without moving."""
    policy.reset()
    cells, collisions, still, longest = set(), 0, 0, 0
    for _ in range(steps):
        before = world.pose
        world.act(policy.select_action(world.observe()).action)
        collisions += world.collided
        moved = before.distance_to(world.pose) > 1e-6
        still = 0 if moved else still + 1
        longest = max(longest, still)
        cells.add((int(world.pose.x // 0.5), int(world.pose.y // 0.5)))
    return {"cells": len(cells), "collisions": collisions, "longest_still": longest}
