"""The navigable floor of a scene as a 2D grid: collision-checked moves and geodesic paths.

How the grid is made from the triangles (single storey, like a habitat navmesh island):

- the floor level is the lowest height band (``max_step`` thick) of walkable triangles
  (normal within 45 degrees of +z, habitat's ``agent_max_slope``) that holds at least half
  the area of the largest band, so ceilings and table tops never win;
- floor cells: walkable triangles within ``max_step`` of that level, rasterized;
- obstacle cells: every triangle clipped to the slab between ``level + max_step`` and
  ``level + agent height``, projected onto the floor and rasterized with its outline (so
  vertical walls count); the projection of a closed mesh (a volume, e.g. a box whose top
  and bottom lie outside the slab) is filled, so its inside is an obstacle too;
- navigable cells: floor cells whose centre lies at least ``radius + cell / 2`` from every
  obstacle or floor-less cell (the cylinder agent never overlaps either).

Geodesic distances are Dijkstra distances over 16-neighbour moves between navigable cell
centres (no corner cutting): at most 2.7 % longer than the true any-angle distance.
Shortest paths follow those moves and are then pulled taut by line-of-sight checks.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw
from scipy import ndimage
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra
from trimesh.intersections import slice_faces_plane

XY = tuple[float, float]

WALKABLE_NORMAL_Z = math.cos(math.radians(45.0))
"""Steepest walkable floor: habitat's default ``agent_max_slope`` (45 degrees)."""

_EDGES = (  # (dy, dx, cells a straight move between the two centres also crosses)
    (0, 1, ()),
    (1, 0, ()),
    (1, 1, ((0, 1), (1, 0))),
    (1, -1, ((0, -1), (1, 0))),
    (1, 2, ((0, 1), (1, 1))),
    (2, 1, ((1, 0), (1, 1))),
    (1, -2, ((0, -1), (1, -1))),
    (2, -1, ((1, 0), (1, -1))),
)
_FIELD_CACHE_SIZE = 8
_CLEARANCE_EPS_M = 1e-9  # rounding slack so a slide along a border stays on it
_SEARCH_STEPS = 14  # binary search of a blocked move: 2**-14 of its length


@dataclass(frozen=True)
class _GoalField:
    distance: np.ndarray  # per node, metres to the nearest goal node
    predecessor: np.ndarray  # per node, next node towards that goal (-9999 at goals)
    goal_point: dict[int, XY]  # goal node -> the goal point it stands for


class NavGrid:
    """Navigable area of one floor; cell ``(row, col)`` centres at ``origin + (col, row) * cell``.

    ``clearance`` holds, per cell centre, the metres to the nearest obstacle or floor-less
    cell centre; the agent may stand wherever its bilinear interpolation is at least
    ``min_clearance``, so the navigable area has smooth, rounded borders to slide along.
    """

    def __init__(
        self,
        clearance: np.ndarray,
        min_clearance: float,
        obstacle: np.ndarray,
        origin: XY,
        cell: float,
        floor_z: float,
    ) -> None:
        self.clearance = np.asarray(clearance, dtype=np.float64)
        self.min_clearance = float(min_clearance)
        self.navigable = self.clearance >= self.min_clearance
        """Cells whose centre is navigable (the nodes of the geodesic graph)."""
        self.obstacle = np.asarray(obstacle, dtype=bool)
        self.origin = (float(origin[0]), float(origin[1]))
        self.cell = float(cell)
        self.floor_z = float(floor_z)
        labels, count = ndimage.label(self.navigable, structure=np.ones((3, 3)))
        if count == 0:
            raise ValueError("the scene has no navigable cell for this agent")
        sizes = np.bincount(labels.ravel())[1:]
        self.island = labels == 1 + int(np.argmax(sizes))
        """The largest connected navigable region (where episodes start)."""
        self._node = np.full(self.navigable.shape, -1, dtype=np.int64)
        self._node[self.navigable] = np.arange(int(self.navigable.sum()))
        self._cells = np.argwhere(self.navigable)
        self._graph = _grid_graph(self.navigable, self._node, self.cell)
        _, nearest = ndimage.distance_transform_edt(~self.navigable, return_indices=True)
        self._nearest_navigable = nearest
        self._fields: OrderedDict[bytes, _GoalField] = OrderedDict()

    @classmethod
    def from_triangles(
        cls,
        triangles: np.ndarray,
        *,
        volume_id: np.ndarray | None = None,
        cell: float,
        radius: float,
        height: float,
        max_step: float,
    ) -> NavGrid:
        """Build the grid of a cylinder agent (radius, height, max step) on a triangle soup.

        ``volume_id`` numbers the closed mesh holding each triangle (-1: open surface).
        """
        tris = np.asarray(triangles, dtype=np.float64)
        volumes = np.full(len(tris), -1) if volume_id is None else np.asarray(volume_id)
        cross = np.cross(tris[:, 1] - tris[:, 0], tris[:, 2] - tris[:, 0])
        double_area = np.linalg.norm(cross, axis=1)
        walkable = (double_area > 0) & (cross[:, 2] >= WALKABLE_NORMAL_Z * double_area)
        if not walkable.any():
            raise ValueError("the scene has no walkable (upward-facing) surface")
        floor_z = _floor_level(tris[walkable], double_area[walkable], max_step)
        z = tris[:, :, 2]
        on_floor = walkable & (np.abs(z - floor_z) <= max_step).all(axis=1)
        floor_tris = tris[on_floor]

        pad = math.ceil(radius / cell) + 2
        lo = floor_tris[:, :, :2].reshape(-1, 2).min(axis=0) - pad * cell
        hi = floor_tris[:, :, :2].reshape(-1, 2).max(axis=0) + pad * cell
        shape = (
            int(math.ceil((hi[1] - lo[1]) / cell)) + 1,
            int(math.ceil((hi[0] - lo[0]) / cell)) + 1,
        )
        origin = (float(lo[0]), float(lo[1]))

        floor = _rasterize(floor_tris, shape, origin, cell)
        z_low, z_high = floor_z + max_step, floor_z + height
        obstacle = _rasterize(_clip_to_slab(tris[volumes < 0], z_low, z_high), shape, origin, cell)
        for volume in np.unique(volumes[volumes >= 0]):
            band = _clip_to_slab(tris[volumes == volume], z_low, z_high)
            if len(band):
                _fill_volume(obstacle, band, origin, cell)
        clearance = ndimage.distance_transform_edt(floor & ~obstacle) * cell
        return cls(clearance, radius + cell / 2, obstacle, origin, cell, floor_z)

    # --- cells and points -------------------------------------------------------------

    def cell_of(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Row and column of the cells holding ``points`` (..., 2); may lie off the grid."""
        pts = np.asarray(points, dtype=np.float64)
        col = np.floor((pts[..., 0] - self.origin[0]) / self.cell + 0.5).astype(np.int64)
        row = np.floor((pts[..., 1] - self.origin[1]) / self.cell + 0.5).astype(np.int64)
        return row, col

    def center_of(self, row: np.ndarray, col: np.ndarray) -> np.ndarray:
        """World ``(x, y)`` of cell centres."""
        return np.stack(
            [
                self.origin[0] + np.asarray(col) * self.cell,
                self.origin[1] + np.asarray(row) * self.cell,
            ],
            axis=-1,
        )

    def is_navigable(self, points: np.ndarray) -> np.ndarray:
        """Whether the agent may stand at each point (..., 2)."""
        return self._clearance_at(points) >= self.min_clearance - _CLEARANCE_EPS_M

    def _clearance_at(self, points: np.ndarray) -> np.ndarray:
        """Bilinear interpolation of the clearance at points (..., 2); 0 off the grid."""
        pts = np.asarray(points, dtype=np.float64)
        coords = [
            ((pts[..., 1] - self.origin[1]) / self.cell).ravel(),
            ((pts[..., 0] - self.origin[0]) / self.cell).ravel(),
        ]
        values = ndimage.map_coordinates(self.clearance, coords, order=1, mode="constant", cval=0.0)
        return values.reshape(pts.shape[:-1])

    def snap(self, point: Sequence[float]) -> XY:
        """The point itself when navigable, else the centre of the nearest navigable cell."""
        p = np.asarray(point[:2], dtype=np.float64)
        if self.is_navigable(p):
            return (float(p[0]), float(p[1]))
        x, y = self.center_of(*self._snap_cells(p[None]))[0]
        return (float(x), float(y))

    def _snap_cells(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Row and column of the navigable cell nearest to each point (n, 2)."""
        shape = self.navigable.shape
        row, col = self.cell_of(points)
        row = np.clip(row, 0, shape[0] - 1)
        col = np.clip(col, 0, shape[1] - 1)
        return self._nearest_navigable[0, row, col], self._nearest_navigable[1, row, col]

    def sample_point(self, rng: np.random.Generator) -> XY:
        """Centre of a uniformly drawn cell of the largest island."""
        cells = np.argwhere(self.island)
        row, col = cells[rng.integers(len(cells))]
        x, y = self.center_of(row, col)
        return (float(x), float(y))

    # --- motion -------------------------------------------------------------------------

    def segments_free(self, start: Sequence[float], ends: np.ndarray) -> np.ndarray:
        """Whether the straight moves from ``start`` to each of ``ends`` (k, 2) stay navigable."""
        a = np.asarray(start[:2], dtype=np.float64)
        b = np.asarray(ends, dtype=np.float64).reshape(-1, 2)
        longest = float(np.max(np.linalg.norm(b - a, axis=1), initial=0.0))
        samples = max(2, math.ceil(longest / (self.cell / 2)) + 1)
        t = np.linspace(0.0, 1.0, samples)
        points = a + t[None, :, None] * (b - a)[:, None, :]
        return self.is_navigable(points).all(axis=1)

    def try_move(self, start: Sequence[float], delta: Sequence[float]) -> XY:
        """Where a commanded move ends, sliding along obstacles like habitat's navmesh.

        The full move when it is free; else the agent stops at the obstacle and slides on
        with the rest of the move along the obstacle's tangent or along either axis,
        whichever ends closest to the commanded target.
        """
        a = np.asarray(start[:2], dtype=np.float64)
        d = np.asarray(delta[:2], dtype=np.float64)
        t = self._free_fraction(a, d)
        contact = a + t * d
        if t < 1.0:
            rest = (1.0 - t) * d
            normal = self._obstacle_normal(contact)
            slides = [rest * (1.0, 0.0), rest * (0.0, 1.0)]
            into = float(rest @ normal)
            if into < 0.0:
                slides.insert(0, rest - into * normal)
            ends = [contact] + [contact + self._free_fraction(contact, s) * s for s in slides]
            contact = min(ends, key=lambda end: float(np.linalg.norm(a + d - end)))
        return (float(contact[0]), float(contact[1]))

    def _free_fraction(self, a: np.ndarray, d: np.ndarray) -> float:
        if self.segments_free(a, (a + d)[None])[0]:
            return 1.0
        lo, hi = 0.0, 1.0
        for _ in range(_SEARCH_STEPS):
            mid = (lo + hi) / 2
            if self.segments_free(a, (a + mid * d)[None])[0]:
                lo = mid
            else:
                hi = mid
        return lo

    def _obstacle_normal(self, point: np.ndarray) -> np.ndarray:
        """Unit vector away from the nearest obstacle: the gradient of the clearance."""
        h = self.cell / 4
        probes = point + np.array([[h, 0.0], [-h, 0.0], [0.0, h], [0.0, -h]])
        right, left, up, down = self._clearance_at(probes)
        normal = np.array([right - left, up - down])
        norm = np.linalg.norm(normal)
        return normal / norm if norm > 0 else normal

    # --- geodesics ----------------------------------------------------------------------

    def geodesic_distance(self, start: Sequence[float], goals: Sequence[Sequence[float]]) -> float:
        """Metres from ``start`` to the nearest of ``goals``; inf when none is reachable."""
        field = self._field(goals)
        return self._distance_via(field, start)[0]

    def shortest_path(self, start: Sequence[float], goals: Sequence[Sequence[float]]) -> list[XY]:
        """Taut path ``[start, ..., goal]`` to the nearest goal; empty when none is reachable.

        The path ends at the goal point itself when it is navigable, else at the centre of
        the navigable cell nearest to it.
        """
        field = self._field(goals)
        distance, node = self._distance_via(field, start)
        if not math.isfinite(distance):
            return []
        chain = [node]
        while field.predecessor[chain[-1]] >= 0:
            chain.append(int(field.predecessor[chain[-1]]))
        points = [np.asarray(start[:2], dtype=np.float64)]
        points += list(self.center_of(*self._cells[chain].T))
        goal = np.asarray(field.goal_point[chain[-1]])
        if self.is_navigable(goal):
            points.append(goal)
        return [(float(x), float(y)) for x, y in self._pull_taut(np.stack(points))]

    def _field(self, goals: Sequence[Sequence[float]]) -> _GoalField:
        points = np.asarray(goals, dtype=np.float64).reshape(-1, 2)
        if len(points) == 0:
            raise ValueError("goals must hold at least one (x, y) point")
        key = points.tobytes()
        if key in self._fields:
            self._fields.move_to_end(key)
            return self._fields[key]
        nodes = self._node[self._snap_cells(points)]
        goal_point: dict[int, XY] = {}
        for node, (x, y) in zip(nodes.tolist(), points.tolist(), strict=True):
            goal_point.setdefault(node, (x, y))
        distance, predecessor, _ = dijkstra(
            self._graph, indices=sorted(goal_point), return_predecessors=True, min_only=True
        )
        field = _GoalField(distance, predecessor, goal_point)
        self._fields[key] = field
        if len(self._fields) > _FIELD_CACHE_SIZE:
            self._fields.popitem(last=False)
        return field

    def _distance_via(self, field: _GoalField, start: Sequence[float]) -> tuple[float, int]:
        """Geodesic distance from a point through its best neighbouring cell, and that cell."""
        p = np.asarray(start[:2], dtype=np.float64)
        row, col = self.cell_of(p)
        rows, cols = np.mgrid[row - 1 : row + 2, col - 1 : col + 2]
        centres = self.center_of(rows, cols).reshape(-1, 2)
        usable = self.is_navigable(centres)
        if not usable.any():
            return self._distance_via(field, self.snap(p))
        nodes = self._node[self.cell_of(centres[usable])]
        via = field.distance[nodes] + np.linalg.norm(centres[usable] - p, axis=1)
        best = int(np.argmin(via))
        return float(via[best]), int(nodes[best])

    def _pull_taut(self, points: np.ndarray) -> np.ndarray:
        """Drop every path point that a straight navigable line can skip."""
        kept = [0]
        while kept[-1] < len(points) - 1:
            anchor = kept[-1]
            visible = self.segments_free(points[anchor], points[anchor + 1 :])
            blocked = np.flatnonzero(~visible)
            reach = len(visible) if len(blocked) == 0 else max(int(blocked[0]), 1)
            kept.append(anchor + reach)
        return points[kept]

    # --- goal objects -------------------------------------------------------------------

    def view_points(self, footprint: Sequence[float], radius: float, spacing: float) -> list[XY]:
        """Island cells within ``radius`` of a footprint that see it over no obstacle.

        ``footprint`` is ``(xmin, ymin, xmax, ymax)``; the cells are thinned to a lattice of
        ``spacing`` metres (all of them are kept when the lattice would hold none).
        """
        xmin, ymin, xmax, ymax = footprint
        cells = np.argwhere(self.island)
        centres = self.center_of(cells[:, 0], cells[:, 1])
        nearest = np.stack(
            [np.clip(centres[:, 0], xmin, xmax), np.clip(centres[:, 1], ymin, ymax)], axis=1
        )
        close = np.linalg.norm(centres - nearest, axis=1) <= radius
        cells, centres, nearest = cells[close], centres[close], nearest[close]
        if len(cells) == 0:
            return []
        t = np.linspace(0.0, 1.0, max(2, math.ceil(radius / (self.cell / 2)) + 1))
        samples = centres[:, None, :] + t[None, :, None] * (nearest - centres)[:, None, :]
        margin = 1.5 * self.cell
        own = (
            (samples[..., 0] >= xmin - margin)
            & (samples[..., 0] <= xmax + margin)
            & (samples[..., 1] >= ymin - margin)
            & (samples[..., 1] <= ymax + margin)
        )
        row, col = self.cell_of(samples)
        row = np.clip(row, 0, self.obstacle.shape[0] - 1)
        col = np.clip(col, 0, self.obstacle.shape[1] - 1)
        hits = self.obstacle[row, col] & ~own
        seen = ~hits.any(axis=1)
        cells, centres = cells[seen], centres[seen]
        step = max(1, round(spacing / self.cell))
        on_lattice = (cells[:, 0] % step == 0) & (cells[:, 1] % step == 0)
        if on_lattice.any():
            centres = centres[on_lattice]
        return [(float(x), float(y)) for x, y in centres]


def _floor_level(walkable: np.ndarray, double_area: np.ndarray, max_step: float) -> float:
    heights = walkable[:, :, 2].mean(axis=1)
    bins = np.floor((heights - heights.min()) / max_step).astype(np.int64)
    area = np.bincount(bins, weights=double_area)
    level_bin = int(np.flatnonzero(area >= 0.5 * area.max())[0])
    chosen = bins == level_bin
    return float(np.average(heights[chosen], weights=double_area[chosen]))


def _clip_to_slab(tris: np.ndarray, z_low: float, z_high: float) -> np.ndarray:
    """The parts of triangles between two heights, as triangles."""
    vertices = tris.reshape(-1, 3)
    faces = np.arange(len(vertices)).reshape(-1, 3)
    inside = (tris[:, :, 2].max(axis=1) >= z_low) & (tris[:, :, 2].min(axis=1) <= z_high)
    if not inside.any():
        return np.zeros((0, 3, 3))
    vertices, faces = slice_faces_plane(vertices, faces[inside], [0, 0, 1], [0, 0, z_low])[:2]
    vertices, faces = slice_faces_plane(vertices, faces, [0, 0, -1], [0, 0, z_high])[:2]
    return vertices[faces]


def _fill_volume(obstacle: np.ndarray, band: np.ndarray, origin: XY, cell: float) -> None:
    """Mark the cells of a closed mesh's floor projection, inside included, as obstacles."""
    pixels = (band[:, :, :2] - origin) / cell
    col0, row0 = np.maximum(np.floor(pixels.reshape(-1, 2).min(axis=0)).astype(int) - 1, 0)
    col1, row1 = np.ceil(pixels.reshape(-1, 2).max(axis=0)).astype(int) + 2
    window = (slice(row0, min(row1, obstacle.shape[0])), slice(col0, min(col1, obstacle.shape[1])))
    crop_shape = obstacle[window].shape
    if min(crop_shape) == 0:
        return
    crop_origin = (origin[0] + col0 * cell, origin[1] + row0 * cell)
    obstacle[window] |= ndimage.binary_fill_holes(_rasterize(band, crop_shape, crop_origin, cell))


def _rasterize(tris: np.ndarray, shape: tuple[int, int], origin: XY, cell: float) -> np.ndarray:
    """Cells touched by the floor projections of triangles (outlines included)."""
    image = Image.new("1", (shape[1], shape[0]))
    draw = ImageDraw.Draw(image)
    pixels = (np.asarray(tris)[:, :, :2] - origin) / cell
    for triangle in pixels.tolist():
        draw.polygon([tuple(v) for v in triangle], fill=1, outline=1)
    return np.array(image, dtype=bool)


def _grid_graph(navigable: np.ndarray, node: np.ndarray, cell: float) -> csr_matrix:
    """Symmetric sparse graph of 16-neighbour moves between navigable cells."""
    rows_n, cols_n = navigable.shape
    pad = 2
    padded = np.zeros((rows_n + 2 * pad, cols_n + 2 * pad), dtype=bool)
    padded[pad:-pad, pad:-pad] = navigable

    def shifted(dy: int, dx: int) -> np.ndarray:
        return padded[pad + dy : pad + dy + rows_n, pad + dx : pad + dx + cols_n]

    sources, targets, weights = [], [], []
    for dy, dx, crossed in _EDGES:
        ok = navigable & shifted(dy, dx)
        for cy, cx in crossed:
            ok &= shifted(cy, cx)
        ys, xs = np.nonzero(ok)
        sources.append(node[ys, xs])
        targets.append(node[ys + dy, xs + dx])
        weights.append(np.full(len(ys), cell * math.hypot(dy, dx)))
    src, dst, w = np.concatenate(sources), np.concatenate(targets), np.concatenate(weights)
    n = int(navigable.sum())
    return csr_matrix(
        (np.concatenate([w, w]), (np.concatenate([src, dst]), np.concatenate([dst, src]))),
        shape=(n, n),
    )
