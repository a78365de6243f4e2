"""Load a glTF/GLB scene with trimesh into Z-up world triangles, colours and labelled objects.

Up axis: when ``<name>.stage_config.json`` (habitat's stage config) lies beside
``<name>.glb``, its ``up`` and ``front`` vectors decide it (``up`` goes to +z, ``front`` to
+y); a bare .glb is Z-up, as habitat treats it. An explicit ``up`` argument wins over both.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import trimesh

from objnav_ros.sim.coords import default_front, up_front_rotation
from objnav_ros.sim.objects import ObjectInstance, parse_object_node

SCENE_SUFFIXES = (".glb", ".gltf")


@dataclass(frozen=True)
class SceneMesh:
    """A scene as flat triangle soup in the Z-up world frame."""

    path: Path
    triangles: np.ndarray  # (T, 3, 3) float32 vertex positions, metres, counter-clockwise front
    colors: np.ndarray  # (T, 3, 3) float32 vertex RGB in [0, 1]
    double_sided: np.ndarray  # (T,) bool: the glTF material's doubleSided (else back faces cull)
    volume_id: np.ndarray  # (T,) int: which closed (watertight) node holds it; -1: open surface
    objects: tuple[ObjectInstance, ...]

    @property
    def bounds(self) -> np.ndarray:
        """Axis-aligned bounds ``[[xmin, ymin, zmin], [xmax, ymax, zmax]]``."""
        flat = self.triangles.reshape(-1, 3)
        return np.stack([flat.min(axis=0), flat.max(axis=0)])


def stage_config_path(scene_path: Path) -> Path:
    """Where habitat looks for the stage config of a scene file."""
    return scene_path.with_name(scene_path.name.rsplit(".", 1)[0] + ".stage_config.json")


def scene_axes(scene_path: Path) -> tuple[list[float], list[float]]:
    """The ``(up, front)`` vectors of a scene file (stage config, else Z-up)."""
    config_path = stage_config_path(scene_path)
    if not config_path.is_file():
        return [0.0, 0.0, 1.0], [0.0, 1.0, 0.0]
    try:
        config = json.loads(config_path.read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError(f"{config_path}: not readable JSON ({exc})") from None
    up = _vector(config, "up", config_path, [0.0, 0.0, 1.0])
    front = _vector(config, "front", config_path, default_front(up))
    return up, front


def load_scene(path: str | Path, up: Sequence[float] | None = None) -> SceneMesh:
    """Load a .glb/.gltf scene; raise FileNotFoundError or ValueError with one clear line."""
    scene_path = Path(path)
    if not scene_path.is_file():
        raise FileNotFoundError(f"scene file not found: {scene_path}")
    if scene_path.suffix.lower() not in SCENE_SUFFIXES:
        raise ValueError(f"scene {scene_path}: expected a .glb or .gltf file")
    if up is None:
        up_axis, front_axis = scene_axes(scene_path)
    else:
        up_axis, front_axis = list(up), default_front(up)
    rotation = up_front_rotation(up_axis, front_axis)
    try:
        loaded = trimesh.load(scene_path, force="scene")
    except Exception as exc:  # trimesh raises many types for a broken file
        raise ValueError(f"scene {scene_path}: cannot load ({type(exc).__name__}: {exc})") from None

    triangles, colors, double_sided, volume_id, objects = [], [], [], [], []
    for node in loaded.graph.nodes_geometry:
        transform, geometry_name = loaded.graph[node]
        mesh = loaded.geometry[geometry_name]
        if not isinstance(mesh, trimesh.Trimesh) or len(mesh.faces) == 0:
            continue
        vertices = trimesh.transform_points(mesh.vertices, transform) @ rotation.T
        faces = mesh.faces if np.linalg.det(transform[:3, :3]) > 0 else mesh.faces[:, ::-1]
        tris = vertices[faces]
        triangles.append(tris)
        colors.append(_vertex_colors(mesh)[faces])
        material = getattr(mesh.visual, "material", None)
        double_sided.append(np.full(len(faces), bool(getattr(material, "doubleSided", False))))
        closed = mesh.is_watertight or trimesh.Trimesh(mesh.vertices, mesh.faces).is_watertight
        volume_id.append(np.full(len(faces), len(triangles) - 1 if closed else -1))
        category = parse_object_node(node)
        if category is not None:
            objects.append(_instance(node, category, tris.reshape(-1, 3)))
    if not triangles:
        raise ValueError(f"scene {scene_path}: holds no triangles")
    return SceneMesh(
        path=scene_path,
        triangles=np.concatenate(triangles).astype(np.float32),
        colors=np.concatenate(colors).astype(np.float32),
        double_sided=np.concatenate(double_sided),
        volume_id=np.concatenate(volume_id),
        objects=tuple(sorted(objects, key=lambda o: o.object_id)),
    )


def _vertex_colors(mesh: trimesh.Trimesh) -> np.ndarray:
    """Per-vertex RGB in [0, 1] (texture and material colours baked to vertices)."""
    visual = mesh.visual.to_color() if mesh.visual.kind == "texture" else mesh.visual
    rgba = np.asarray(visual.vertex_colors, dtype=np.float32)
    rgb = np.broadcast_to(rgba[..., :3], (len(mesh.vertices), 3))
    return rgb / 255.0


def _instance(node: str, category: str, points: np.ndarray) -> ObjectInstance:
    lo, hi = points.min(axis=0), points.max(axis=0)
    center = (lo + hi) / 2
    return ObjectInstance(
        object_id=node,
        category=category,
        center=(float(center[0]), float(center[1]), float(center[2])),
        footprint=(float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1])),
    )


def _vector(config: dict, key: str, path: Path, default: list[float]) -> list[float]:
    if key not in config:
        return default
    value = config[key]
    if (
        not isinstance(value, list)
        or len(value) != 3
        or not all(isinstance(v, int | float) for v in value)
        or not any(value)
    ):
        raise ValueError(f"{path}: field {key!r} must be a non-zero list of 3 numbers")
    return [float(v) for v in value]
