"""Seeded procedural houses: rooms on a grid, walls with doorways, labelled goal objects.

Rooms are cells of a grid grown at random from one room, so every room touches another;
the rooms joined while growing (plus a few more neighbours) share a doorway, so the whole
house is connected. Objects are boxes composed into the six ObjectNav categories and put
against walls, away from doorways. Node names (see :mod:`objnav_ros.sim.objects`):
``floor_<room>``, ``ceiling_<room>``, ``wall_<n>``, ``object_<category>_<n>``.
The scene is Z-up metres with the floor top at z = 0.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import trimesh

from objnav_ros.core.schema import check_settings, setting
from objnav_ros.sim.config import SEED
from objnav_ros.sim.coords import up_front_rotation
from objnav_ros.sim.objects import CATEGORIES, object_node_name
from objnav_ros.sim.scene import stage_config_path

Box = tuple[tuple[float, float, float], tuple[float, float, float], tuple[float, float, float]]
"""(size, centre, rgb) of one box; sizes and centres in metres, rgb in [0, 1]."""

# Each object faces +y with its back at y = -depth/2, its footprint centred on the origin.
_OBJECT_BOXES: dict[str, list[Box]] = {
    "chair": [
        ((0.5, 0.5, 0.06), (0.0, 0.0, 0.45), (0.80, 0.18, 0.16)),
        ((0.5, 0.06, 0.5), (0.0, -0.22, 0.73), (0.80, 0.18, 0.16)),
        ((0.05, 0.05, 0.42), (-0.2, -0.2, 0.21), (0.25, 0.12, 0.08)),
        ((0.05, 0.05, 0.42), (0.2, -0.2, 0.21), (0.25, 0.12, 0.08)),
        ((0.05, 0.05, 0.42), (-0.2, 0.2, 0.21), (0.25, 0.12, 0.08)),
        ((0.05, 0.05, 0.42), (0.2, 0.2, 0.21), (0.25, 0.12, 0.08)),
    ],
    "bed": [
        ((1.6, 2.1, 0.35), (0.0, 0.0, 0.175), (0.22, 0.30, 0.70)),
        ((1.5, 1.9, 0.2), (0.0, 0.05, 0.45), (0.92, 0.92, 0.88)),
        ((1.6, 0.08, 1.0), (0.0, -1.01, 0.5), (0.22, 0.30, 0.70)),
    ],
    "plant": [
        ((0.35, 0.35, 0.35), (0.0, 0.0, 0.175), (0.72, 0.36, 0.20)),
        ((0.6, 0.6, 0.8), (0.0, 0.0, 0.8), (0.15, 0.62, 0.20)),
    ],
    "toilet": [
        ((0.4, 0.45, 0.4), (0.0, 0.1, 0.2), (0.95, 0.95, 0.97)),
        ((0.42, 0.2, 0.45), (0.0, -0.225, 0.6), (0.85, 0.88, 0.92)),
    ],
    "tv_monitor": [
        ((1.4, 0.45, 0.5), (0.0, 0.0, 0.25), (0.35, 0.22, 0.12)),
        ((1.1, 0.06, 0.65), (0.0, -0.05, 0.9), (0.04, 0.04, 0.06)),
    ],
    "sofa": [
        ((2.0, 0.9, 0.45), (0.0, 0.0, 0.225), (0.85, 0.50, 0.15)),
        ((2.0, 0.2, 0.5), (0.0, -0.35, 0.7), (0.70, 0.38, 0.10)),
        ((0.2, 0.9, 0.25), (-0.9, 0.0, 0.575), (0.70, 0.38, 0.10)),
        ((0.2, 0.9, 0.25), (0.9, 0.0, 0.575), (0.70, 0.38, 0.10)),
    ],
}
_WALL_COLORS = ((0.86, 0.82, 0.74), (0.70, 0.80, 0.86), (0.84, 0.74, 0.78), (0.76, 0.84, 0.72))
_FLOOR_COLORS = ((0.55, 0.42, 0.30), (0.48, 0.48, 0.50), (0.62, 0.56, 0.44))
_CEILING_COLOR = (0.95, 0.95, 0.95)
_SLAB_M = 0.1  # floor and ceiling thickness
_DOOR_CLEARANCE_M = 1.0  # kept free of objects in front of each doorway, both sides
_EXTRA_DOOR_CHANCE = 0.3  # a doorway between neighbouring rooms not joined while growing
_PLACEMENT_TRIES = 60


@dataclass(frozen=True)
class HouseConfig:
    """Size and seed of a generated house (metres)."""

    n_rooms: int = setting(4, "Rooms of a generated house.", min_value=1, max_value=16)
    objects_per_room: int = setting(2, "Goal objects per room.", min_value=0, max_value=6)
    room_min_m: float = 3.5
    room_max_m: float = 5.5
    wall_height_m: float = 2.5
    wall_thickness_m: float = 0.1
    door_width_m: float = 1.0
    door_height_m: float = 2.1
    ceiling: bool = setting(True, "Close the rooms above (--no-ceiling: open).")
    seed: int = SEED.field()

    def __post_init__(self) -> None:
        check_settings(self)
        if not 3.0 <= self.room_min_m <= self.room_max_m:
            raise ValueError(
                f"room_min_m must be in [3.0, room_max_m={self.room_max_m}], got {self.room_min_m}"
            )
        if not 0 < self.wall_thickness_m < 0.5:
            raise ValueError(f"wall_thickness_m must be in (0, 0.5), got {self.wall_thickness_m}")
        if not 0.5 <= self.door_width_m <= self.room_min_m - 1.0:
            raise ValueError(
                f"door_width_m must be in [0.5, room_min_m - 1], got {self.door_width_m}"
            )
        if not 1.0 <= self.door_height_m < self.wall_height_m:
            raise ValueError(
                f"door_height_m must be in [1.0, wall_height_m={self.wall_height_m}), "
                f"got {self.door_height_m}"
            )


@dataclass(frozen=True)
class _Door:
    axis: str  # "x": wall along x (horizontal line y = const); "y": wall along y
    line: float  # the wall's constant coordinate
    start: float  # doorway interval along the wall
    end: float


def generate_house(config: HouseConfig | None = None) -> trimesh.Scene:
    """A house as a trimesh scene with named nodes (deterministic for a config)."""
    cfg = config or HouseConfig()
    rng = np.random.default_rng(cfg.seed)
    cells, joined = _grow_rooms(cfg.n_rooms, rng)
    rows = 1 + max(r for r, _ in cells)
    cols = 1 + max(c for _, c in cells)
    xs = np.concatenate([[0.0], np.cumsum(rng.uniform(cfg.room_min_m, cfg.room_max_m, cols))])
    ys = np.concatenate([[0.0], np.cumsum(rng.uniform(cfg.room_min_m, cfg.room_max_m, rows))])
    room_of = {cell: i for i, cell in enumerate(cells)}
    for a in cells:
        for b in ((a[0] + 1, a[1]), (a[0], a[1] + 1)):
            if b in room_of and rng.random() < _EXTRA_DOOR_CHANCE:
                joined.add(frozenset((a, b)))

    scene = trimesh.Scene()
    for (r, c), i in room_of.items():
        floor_color = _FLOOR_COLORS[i % len(_FLOOR_COLORS)]
        bounds = ((xs[c], ys[r], -_SLAB_M), (xs[c + 1], ys[r + 1], 0.0))
        scene.add_geometry(
            _box_between(*bounds, floor_color), node_name=f"floor_{i}", geom_name=f"floor_{i}"
        )
        if cfg.ceiling:
            top = cfg.wall_height_m
            bounds = ((xs[c], ys[r], top), (xs[c + 1], ys[r + 1], top + _SLAB_M))
            scene.add_geometry(
                _box_between(*bounds, _CEILING_COLOR),
                node_name=f"ceiling_{i}",
                geom_name=f"ceiling_{i}",
            )

    doors = _add_walls(scene, cfg, rng, room_of, joined, xs, ys)
    rooms = [(xs[c], ys[r], xs[c + 1], ys[r + 1]) for r, c in cells]
    _add_objects(scene, cfg, rng, rooms, doors)
    return scene


def write_house(scene: trimesh.Scene, path: str | Path, up: str = "z") -> Path:
    """Export a house as .glb plus its habitat stage config; ``up`` 'z' (habitat) or 'y' (glTF)."""
    out = Path(path)
    if out.suffix != ".glb":
        raise ValueError(f"house file {out}: name must end in .glb")
    if up == "z":
        axes = {"up": [0, 0, 1], "front": [0, 1, 0]}
        exported = scene
    elif up == "y":
        axes = {"up": [0, 1, 0], "front": [0, 0, -1]}
        to_file = np.eye(4)
        to_file[:3, :3] = up_front_rotation(axes["up"], axes["front"]).T
        exported = scene.copy()
        exported.apply_transform(to_file)
    else:
        raise ValueError(f"up must be 'z' or 'y', got {up!r}")
    out.write_bytes(exported.export(file_type="glb"))
    config = {"render_asset": out.name, **axes}
    stage_config_path(out).write_text(json.dumps(config, indent=2) + "\n")
    return out


def _grow_rooms(
    n_rooms: int, rng: np.random.Generator
) -> tuple[list[tuple[int, int]], set[frozenset[tuple[int, int]]]]:
    """Grid cells of the rooms (from row/col 0) and the pairs joined while growing."""
    cells = [(0, 0)]
    joined: set[frozenset[tuple[int, int]]] = set()
    while len(cells) < n_rooms:
        frontier = sorted(
            {
                (cell, (cell[0] + dr, cell[1] + dc))
                for cell in cells
                for dr, dc in ((1, 0), (-1, 0), (0, 1), (0, -1))
                if (cell[0] + dr, cell[1] + dc) not in cells
            }
        )
        parent, new = frontier[int(rng.integers(len(frontier)))]
        cells.append(new)
        joined.add(frozenset((parent, new)))
    r0 = min(r for r, _ in cells)
    c0 = min(c for _, c in cells)

    def shift(cell: tuple[int, int]) -> tuple[int, int]:
        return (cell[0] - r0, cell[1] - c0)

    return [shift(c) for c in cells], {frozenset(map(shift, pair)) for pair in joined}


def _add_walls(
    scene: trimesh.Scene,
    cfg: HouseConfig,
    rng: np.random.Generator,
    room_of: dict[tuple[int, int], int],
    joined: set[frozenset[tuple[int, int]]],
    xs: np.ndarray,
    ys: np.ndarray,
) -> list[_Door]:
    """Walls on every grid edge next to a room, with doorways between joined rooms."""
    edges = set()
    for r, c in room_of:
        edges |= {("x", r, c), ("x", r + 1, c), ("y", r, c), ("y", r, c + 1)}
    doors = []
    half = cfg.wall_thickness_m / 2
    for n, (axis, r, c) in enumerate(sorted(edges)):
        if axis == "x":  # along x at y = ys[r], between rooms (r - 1, c) and (r, c)
            line, start, end = ys[r], xs[c] - half, xs[c + 1] + half
            pair = frozenset(((r - 1, c), (r, c)))
        else:  # along y at x = xs[c], between rooms (r, c - 1) and (r, c)
            line, start, end = xs[c], ys[r] - half, ys[r + 1] + half
            pair = frozenset(((r, c - 1), (r, c)))
        color = _WALL_COLORS[int(rng.integers(len(_WALL_COLORS)))]
        pieces = [(start, end, 0.0, cfg.wall_height_m)]
        if pair in joined:
            margin = 0.3 + half
            door_start = rng.uniform(start + margin, end - margin - cfg.door_width_m)
            door = _Door(axis, float(line), door_start, door_start + cfg.door_width_m)
            doors.append(door)
            pieces = [
                (start, door.start, 0.0, cfg.wall_height_m),
                (door.end, end, 0.0, cfg.wall_height_m),
                (door.start, door.end, cfg.door_height_m, cfg.wall_height_m),
            ]
        parts = []
        for a, b, z0, z1 in pieces:
            if axis == "x":
                parts.append(_box_between((a, line - half, z0), (b, line + half, z1), color))
            else:
                parts.append(_box_between((line - half, a, z0), (line + half, b, z1), color))
        scene.add_geometry(
            trimesh.util.concatenate(parts), node_name=f"wall_{n}", geom_name=f"wall_{n}"
        )
    return doors


def _add_objects(
    scene: trimesh.Scene,
    cfg: HouseConfig,
    rng: np.random.Generator,
    rooms: list[tuple[float, float, float, float]],
    doors: list[_Door],
) -> None:
    """Place every category once (when there is room for it), then random extra ones."""
    total = cfg.objects_per_room * len(rooms)
    categories = list(rng.permutation(CATEGORIES))
    categories += [
        CATEGORIES[int(i)] for i in rng.integers(len(CATEGORIES), size=max(0, total - 6))
    ]
    keep_free = [_door_zone(door, cfg.wall_thickness_m) for door in doors]
    counts = dict.fromkeys(CATEGORIES, 0)
    for k, category in enumerate(categories[:total]):
        room = rooms[k % len(rooms)]
        placed = _place(category, room, cfg.wall_thickness_m, keep_free, rng)
        if placed is None:
            continue
        mesh, footprint = placed
        keep_free.append(footprint)
        name = object_node_name(category, counts[category])
        counts[category] += 1
        scene.add_geometry(mesh, node_name=name, geom_name=name)


def _place(
    category: str,
    room: tuple[float, float, float, float],
    wall_thickness: float,
    keep_free: list[tuple[float, float, float, float]],
    rng: np.random.Generator,
) -> tuple[trimesh.Trimesh, tuple[float, float, float, float]] | None:
    """An object with its back to a random wall of a room, clear of ``keep_free`` rectangles."""
    boxes = _OBJECT_BOXES[category]
    width = max(size[0] / 2 + abs(centre[0]) for size, centre, _ in boxes) * 2
    depth = max(size[1] / 2 + abs(centre[1]) for size, centre, _ in boxes) * 2
    inner = np.array(room) + np.array([1, 1, -1, -1]) * (wall_thickness / 2 + 0.02)
    for _ in range(_PLACEMENT_TRIES):
        side = int(
            rng.integers(4)
        )  # object faces +y, -x, -y, +x: back to south, east, north, west wall
        yaw = side * math.pi / 2
        span_x, span_y = (width, depth) if side % 2 == 0 else (depth, width)
        lo_x, hi_x = inner[0] + span_x / 2, inner[2] - span_x / 2
        lo_y, hi_y = inner[1] + span_y / 2, inner[3] - span_y / 2
        if lo_x > hi_x or lo_y > hi_y:
            return None
        x, y = rng.uniform(lo_x, hi_x), rng.uniform(lo_y, hi_y)
        x, y = {0: (x, lo_y), 1: (hi_x, y), 2: (x, hi_y), 3: (lo_x, y)}[side]
        footprint = (x - span_x / 2, y - span_y / 2, x + span_x / 2, y + span_y / 2)
        if not any(_overlap(footprint, other) for other in keep_free):
            transform = trimesh.transformations.rotation_matrix(yaw, [0, 0, 1])
            transform[:2, 3] = (x, y)
            parts = [_box(size, centre, color) for size, centre, color in boxes]
            mesh = trimesh.util.concatenate(parts)
            mesh.apply_transform(transform)
            return mesh, footprint
    return None


def _door_zone(door: _Door, wall_thickness: float) -> tuple[float, float, float, float]:
    reach = wall_thickness / 2 + _DOOR_CLEARANCE_M
    if door.axis == "x":
        return (door.start, door.line - reach, door.end, door.line + reach)
    return (door.line - reach, door.start, door.line + reach, door.end)


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _box(
    size: tuple[float, float, float], centre: tuple[float, float, float], color: tuple[float, ...]
) -> trimesh.Trimesh:
    box = trimesh.creation.box(extents=size)
    box.apply_translation(centre)
    rgba = np.array([*color, 1.0]) * 255
    box.visual = trimesh.visual.ColorVisuals(
        box, vertex_colors=np.tile(rgba.round(), (len(box.vertices), 1)).astype(np.uint8)
    )
    return box


def _box_between(
    low: tuple[float, float, float], high: tuple[float, float, float], color: tuple[float, ...]
) -> trimesh.Trimesh:
    lo, hi = np.asarray(low, dtype=float), np.asarray(high, dtype=float)
    return _box(tuple(hi - lo), tuple((hi + lo) / 2), color)
