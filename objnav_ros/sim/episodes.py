"""ObjectNav episodes: the Episode record, seeded generation on a nav grid, JSON I/O.

Files use habitat-lab's ObjectNav dataset layout (``.json`` or ``.json.gz``)::

    {"episodes": [{"episode_id", "scene_id", "start_position": [X, Y, Z],
                   "start_rotation": [x, y, z, w], "object_category", "goals": [],
                   "info": {"geodesic_distance", "euclidean_distance",
                            "closest_goal_object_id"}}, ...],
     "goals_by_category": {"<basename(scene_id)>_<category>": [
         {"object_id", "object_name", "object_category", "position": [X, Y, Z],
          "view_points": [{"agent_state": {"position": [X, Y, Z],
                                           "rotation": [x, y, z, w]}, "iou": 1.0}]}]},
     "category_to_task_category_id": {"chair": 0, ...}}

Positions there are habitat's Y-up ``[X, Y, Z] = (x, z, -y)`` of the Z-up world and
rotations ``[x, y, z, w]`` quaternions about +Y (see :mod:`objnav_ros.sim.coords`).
Episodes holding their goals inline (``"goals": [...]``) are read as well. In memory,
everything is in the Z-up world frame. ``info.geodesic_distance`` is the shortest-path
length from the start to the nearest goal view point, the ``L`` of SPL.
"""

from __future__ import annotations

import gzip
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from objnav_ros.core.types import Pose2D
from objnav_ros.sim.coords import (
    habitat_quaternion_to_yaw,
    habitat_to_world,
    world_to_habitat,
    yaw_to_habitat_quaternion,
)
from objnav_ros.sim.navgrid import NavGrid
from objnav_ros.sim.objects import CATEGORIES
from objnav_ros.sim.scene import SceneMesh

XY = tuple[float, float]


class EpisodeFileError(ValueError):
    """An episodes file that cannot be read; the message names the file and the field."""


@dataclass(frozen=True)
class ObjectGoal:
    """One goal object instance and the navigable points it is seen from (world frame)."""

    object_id: str
    category: str
    position: tuple[float, float, float]
    view_points: tuple[XY, ...] = ()


@dataclass(frozen=True)
class Episode:
    """One ObjectNav episode in the Z-up world frame (metres, radians)."""

    episode_id: str
    scene_id: str
    start_position: tuple[float, float, float]
    start_yaw: float
    object_category: str
    goals: tuple[ObjectGoal, ...]
    geodesic_distance: float = math.nan
    euclidean_distance: float = math.nan

    def __post_init__(self) -> None:
        if not self.goals:
            raise ValueError(f"episode {self.episode_id}: goals must not be empty")
        wrong = [g.object_id for g in self.goals if g.category != self.object_category]
        if wrong:
            raise ValueError(
                f"episode {self.episode_id}: goals {wrong} are not {self.object_category!r}"
            )
        if not all(math.isfinite(v) for v in (*self.start_position, self.start_yaw)):
            raise ValueError(f"episode {self.episode_id}: start must be finite")
        object.__setattr__(self, "goals", tuple(self.goals))

    @property
    def start_pose(self) -> Pose2D:
        return Pose2D(self.start_position[0], self.start_position[1], self.start_yaw)

    def goal_points(self) -> tuple[XY, ...]:
        """Where the agent may end: every goal's view points, or its centre when it has none."""
        points: list[XY] = []
        for goal in self.goals:
            points.extend(goal.view_points or [(goal.position[0], goal.position[1])])
        return tuple(points)


@dataclass(frozen=True)
class EpisodeConfig:
    """How episodes are drawn: geodesic range of the start, view points, seed."""

    min_geodesic_m: float = 2.0
    max_geodesic_m: float = 30.0
    view_point_radius_m: float = 0.5
    view_point_spacing_m: float = 0.2
    max_tries: int = 200
    seed: int = 0

    def __post_init__(self) -> None:
        if not 0 <= self.min_geodesic_m < self.max_geodesic_m:
            raise ValueError(
                f"min_geodesic_m must be in [0, max_geodesic_m={self.max_geodesic_m}), "
                f"got {self.min_geodesic_m}"
            )
        if not self.view_point_radius_m > 0:
            raise ValueError(f"view_point_radius_m must be > 0, got {self.view_point_radius_m}")
        if not self.view_point_spacing_m > 0:
            raise ValueError(f"view_point_spacing_m must be > 0, got {self.view_point_spacing_m}")
        if self.max_tries < 1:
            raise ValueError(f"max_tries must be >= 1, got {self.max_tries}")
        if self.seed < 0:
            raise ValueError(f"seed must be >= 0, got {self.seed}")


class EpisodeSampler:
    """Draws reproducible episodes: episode ``i`` depends only on (seed, i) and the scene."""

    def __init__(
        self,
        scene: SceneMesh,
        nav: NavGrid,
        config: EpisodeConfig | None = None,
        scene_id: str | None = None,
    ) -> None:
        self.config = config or EpisodeConfig()
        self.nav = nav
        self.scene_id = scene_id or scene.path.name
        goals: dict[str, list[ObjectGoal]] = {}
        for obj in scene.objects:
            view_points = nav.view_points(
                obj.footprint, self.config.view_point_radius_m, self.config.view_point_spacing_m
            )
            if view_points:
                goal = ObjectGoal(obj.object_id, obj.category, obj.center, tuple(view_points))
                goals.setdefault(obj.category, []).append(goal)
        if not goals:
            raise ValueError(
                f"scene {scene.path}: no reachable labelled object "
                "(nodes named object_<category>_<n>)"
            )
        self.goals_by_category = {name: tuple(goals[name]) for name in sorted(goals)}

    def sample(self, index: int) -> Episode:
        """Episode ``index``: a random category and a start within the geodesic range."""
        rng = np.random.default_rng([self.config.seed, index])
        categories = list(self.goals_by_category)
        for _ in range(self.config.max_tries):
            category = categories[int(rng.integers(len(categories)))]
            goals = self.goals_by_category[category]
            start = self.nav.sample_point(rng)
            points = [p for goal in goals for p in goal.view_points]
            geodesic = self.nav.geodesic_distance(start, points)
            if self.config.min_geodesic_m <= geodesic <= self.config.max_geodesic_m:
                return Episode(
                    episode_id=str(index),
                    scene_id=self.scene_id,
                    start_position=(start[0], start[1], self.nav.floor_z),
                    start_yaw=float(rng.uniform(-math.pi, math.pi)),
                    object_category=category,
                    goals=goals,
                    geodesic_distance=geodesic,
                    euclidean_distance=min(math.dist(start, goal.position[:2]) for goal in goals),
                )
        raise ValueError(
            f"episode {index}: no start {self.config.min_geodesic_m}.."
            f"{self.config.max_geodesic_m} m from a goal in {self.config.max_tries} tries"
        )


def generate_episodes(
    scene: SceneMesh,
    nav: NavGrid,
    count: int,
    config: EpisodeConfig | None = None,
    scene_id: str | None = None,
) -> list[Episode]:
    """Episodes ``0 .. count-1`` of a scene."""
    sampler = EpisodeSampler(scene, nav, config, scene_id)
    return [sampler.sample(i) for i in range(count)]


# --- habitat-layout JSON ------------------------------------------------------------------


def goals_key(scene_id: str, category: str) -> str:
    """Key of a scene's category in habitat's ``goals_by_category``."""
    return f"{Path(scene_id).name}_{category}"


def episodes_to_dict(episodes: Iterable[Episode]) -> dict[str, Any]:
    """The habitat ObjectNav dataset dict of some episodes."""
    records: list[dict[str, Any]] = []
    goals_by_category: dict[str, list[dict[str, Any]]] = {}
    categories = list(CATEGORIES)
    for episode in episodes:
        key = goals_key(episode.scene_id, episode.object_category)
        goal_records = [_goal_record(goal, episode.start_position[2]) for goal in episode.goals]
        if goals_by_category.setdefault(key, goal_records) != goal_records:
            raise ValueError(f"episode {episode.episode_id}: goals differ from others of {key!r}")
        if episode.object_category not in categories:
            categories.append(episode.object_category)
        closest = min(episode.goals, key=lambda g: math.dist(episode.start_position, g.position))
        records.append(
            {
                "episode_id": episode.episode_id,
                "scene_id": episode.scene_id,
                "start_position": world_to_habitat(episode.start_position),
                "start_rotation": yaw_to_habitat_quaternion(episode.start_yaw),
                "object_category": episode.object_category,
                "goals": [],
                "info": {
                    "geodesic_distance": _json_number(episode.geodesic_distance),
                    "euclidean_distance": _json_number(episode.euclidean_distance),
                    "closest_goal_object_id": closest.object_id,
                },
            }
        )
    return {
        "episodes": records,
        "goals_by_category": goals_by_category,
        "category_to_task_category_id": {name: i for i, name in enumerate(categories)},
    }


def save_episodes(episodes: Iterable[Episode], path: str | Path) -> Path:
    """Write episodes to ``.json`` or ``.json.gz`` (chosen by the file name)."""
    out = Path(path)
    text = json.dumps(episodes_to_dict(episodes))
    if out.name.endswith(".json.gz"):
        out.write_bytes(gzip.compress(text.encode(), mtime=0))
    elif out.suffix == ".json":
        out.write_text(text)
    else:
        raise ValueError(f"episodes file {out}: name must end in .json or .json.gz")
    return out


def load_episodes(path: str | Path) -> list[Episode]:
    """Read a habitat ObjectNav ``.json`` / ``.json.gz``; EpisodeFileError names file and field."""
    source = Path(path)
    try:
        raw = source.read_bytes()
        if source.name.endswith(".gz"):
            raw = gzip.decompress(raw)
        data = json.loads(raw)
    except FileNotFoundError:
        raise EpisodeFileError(f"{source}: file not found") from None
    except (OSError, EOFError, ValueError) as exc:
        raise EpisodeFileError(f"{source}: not readable JSON ({exc})") from None
    return episodes_from_dict(data, str(source))


def episodes_from_dict(data: Any, source: str = "<episodes>") -> list[Episode]:
    """Episodes of a habitat ObjectNav dataset dict (``source`` names it in errors)."""
    reader = _Reader(source)
    records = reader.list_of(reader.get(reader.mapping(data, ""), "episodes", ""), "episodes")
    goals_by_category = data.get("goals_by_category", {})
    return [
        reader.episode(record, f"episodes[{i}]", goals_by_category)
        for i, record in enumerate(records)
    ]


@dataclass
class _Reader:
    source: str
    _goal_cache: dict[str, tuple[ObjectGoal, ...]] = field(default_factory=dict)

    def fail(self, where: str, problem: str) -> EpisodeFileError:
        return EpisodeFileError(f"{self.source}: {where or 'top level'}: {problem}")

    def mapping(self, value: Any, where: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(where, f"expected an object, got {type(value).__name__}")
        return value

    def list_of(self, value: Any, where: str) -> list[Any]:
        if not isinstance(value, list):
            raise self.fail(where, f"expected a list, got {type(value).__name__}")
        return value

    def get(self, record: dict[str, Any], key: str, where: str) -> Any:
        if key not in record:
            raise self.fail(f"{where}.{key}" if where else key, "missing")
        return record[key]

    def numbers(self, record: dict[str, Any], key: str, where: str, count: int) -> list[float]:
        value = self.get(record, key, where)
        ok = isinstance(value, list) and len(value) == count
        if not ok or not all(isinstance(v, int | float) and math.isfinite(v) for v in value):
            raise self.fail(f"{where}.{key}", f"expected {count} finite numbers, got {value!r}")
        return [float(v) for v in value]

    def text(self, record: dict[str, Any], key: str, where: str) -> str:
        value = self.get(record, key, where)
        if not isinstance(value, str | int) or isinstance(value, bool) or value == "":
            raise self.fail(f"{where}.{key}", f"expected a non-empty string, got {value!r}")
        return str(value)

    def episode(self, value: Any, where: str, goals_by_category: Any) -> Episode:
        record = self.mapping(value, where)
        scene_id = self.text(record, "scene_id", where)
        category = self.text(record, "object_category", where)
        rotation = self.numbers(record, "start_rotation", where, 4)
        if not any(rotation):
            raise self.fail(f"{where}.start_rotation", "is a zero quaternion")
        inline = record.get("goals") or []
        if inline:
            goals = self.goals(inline, f"{where}.goals", category)
        else:
            key = goals_key(scene_id, category)
            table = self.mapping(goals_by_category, "goals_by_category")
            if key not in table:
                raise self.fail(f"{where}.goals", f"empty and goals_by_category has no {key!r}")
            if key not in self._goal_cache:
                self._goal_cache[key] = self.goals(
                    table[key], f"goals_by_category[{key!r}]", category
                )
            goals = self._goal_cache[key]
        info = self.mapping(record.get("info") or {}, f"{where}.info")
        try:
            return Episode(
                episode_id=self.text(record, "episode_id", where),
                scene_id=scene_id,
                start_position=habitat_to_world(self.numbers(record, "start_position", where, 3)),
                start_yaw=habitat_quaternion_to_yaw(rotation),
                object_category=category,
                goals=goals,
                geodesic_distance=self.number_or_nan(info, "geodesic_distance", f"{where}.info"),
                euclidean_distance=self.number_or_nan(info, "euclidean_distance", f"{where}.info"),
            )
        except ValueError as exc:
            raise self.fail(where, str(exc)) from None

    def goals(self, value: Any, where: str, category: str) -> tuple[ObjectGoal, ...]:
        records = self.list_of(value, where)
        if not records:
            raise self.fail(where, "holds no goal")
        return tuple(
            self.goal(record, f"{where}[{j}]", category) for j, record in enumerate(records)
        )

    def goal(self, value: Any, where: str, category: str) -> ObjectGoal:
        record = self.mapping(value, where)
        name_key = "object_name" if "object_name" in record else "object_id"
        view_points = []
        for k, view in enumerate(
            self.list_of(record.get("view_points") or [], f"{where}.view_points")
        ):
            state = self.mapping(
                self.get(
                    self.mapping(view, f"{where}.view_points[{k}]"),
                    "agent_state",
                    f"{where}.view_points[{k}]",
                ),
                f"{where}.view_points[{k}].agent_state",
            )
            x, y, _ = habitat_to_world(
                self.numbers(state, "position", f"{where}.view_points[{k}].agent_state", 3)
            )
            view_points.append((x, y))
        return ObjectGoal(
            object_id=self.text(record, name_key, where),
            category=str(record.get("object_category", category)),
            position=habitat_to_world(self.numbers(record, "position", where, 3)),
            view_points=tuple(view_points),
        )

    def number_or_nan(self, record: dict[str, Any], key: str, where: str) -> float:
        value = record.get(key)
        if value is None:
            return math.nan
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise self.fail(f"{where}.{key}", f"expected a number, got {value!r}")
        return float(value)


def _goal_record(goal: ObjectGoal, floor_z: float) -> dict[str, Any]:
    views = []
    for x, y in goal.view_points:
        yaw = math.atan2(goal.position[1] - y, goal.position[0] - x)
        state = {
            "position": world_to_habitat((x, y, floor_z)),
            "rotation": yaw_to_habitat_quaternion(yaw),
        }
        views.append({"agent_state": state, "iou": 1.0})
    return {
        "object_id": goal.object_id,
        "object_name": goal.object_id,
        "object_category": goal.category,
        "position": world_to_habitat(goal.position),
        "view_points": views,
    }


def _json_number(value: float) -> float | None:
    return value if math.isfinite(value) else None
