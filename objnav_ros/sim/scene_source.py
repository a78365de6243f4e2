"""Which scene and episodes a run uses: given files, or a generated house and episodes.

Processes that must agree on the world (simulator bridge, expert, evaluation) resolve the
same :class:`SceneSource` and get the same files: a generated house is written once to a
deterministic cache path (atomically, so concurrent processes are safe) and generated
episodes are drawn by index from the scene with the same seed.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from objnav_ros.core.schema import check_settings, like, setting
from objnav_ros.sim.config import SEED, SimConfig
from objnav_ros.sim.embedded import build_navgrid, episode_config
from objnav_ros.sim.episodes import Episode, EpisodeSampler, load_episodes
from objnav_ros.sim.house import HouseConfig, generate_house, write_house
from objnav_ros.sim.scene import load_scene


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "objnav_ros"


@dataclass(frozen=True)
class SceneSource:
    """The world of a run: ``n_episodes`` counts episodes, ``episode_file`` names a file."""

    scene: str = setting("", "Scene file (.glb); empty = a generated house of the seed.")
    episode_file: str = setting(
        "", "ObjectNav episode file (.json/.json.gz); empty = episodes drawn on the scene.")
    seed: int = SEED.field()
    n_rooms: int = like(HouseConfig, "n_rooms")
    n_episodes: int = setting(10, "Episodes drawn when no episode file is given.",
                              min_value=1, max_value=100_000)
    cache_dir: str = setting("", "Folder of generated houses; empty = ~/.cache/objnav_ros.")

    def __post_init__(self) -> None:
        check_settings(self)
        for name in ("scene", "episode_file"):
            if getattr(self, name) and not Path(getattr(self, name)).is_file():
                raise ValueError(f"{name}: file {getattr(self, name)!r} does not exist")

    @property
    def generated_name(self) -> str:
        """File name (the scene id) of the house generated for this seed."""
        return f"house_seed{self.seed}_rooms{self.n_rooms}.glb"

    def scene_path(self) -> Path:
        """The scene file, generating the house first when none was given."""
        if self.scene:
            return Path(self.scene)
        folder = Path(self.cache_dir) if self.cache_dir else default_cache_dir()
        path = folder / self.generated_name
        if not path.exists():
            folder.mkdir(parents=True, exist_ok=True)
            house = generate_house(HouseConfig(n_rooms=self.n_rooms, seed=self.seed))
            with tempfile.TemporaryDirectory(dir=folder) as tmp:
                os.replace(write_house(house, Path(tmp) / path.name), path)
        return path

    def load_episodes(self, config: SimConfig,
                      draw: Callable[[int], Episode] | None = None) -> list[Episode]:
        """Episodes from the file, or ``n_episodes`` drawn on the scene with ``config.seed``.

        ``draw`` is an already built :meth:`EmbeddedSimulator.random_episode`; without it the
        scene is loaded here and episodes are drawn the same way.
        """
        if self.episode_file:
            return load_episodes(self.episode_file)
        if draw is None:
            scene = load_scene(self.scene_path())
            nav = build_navgrid(scene, config)
            draw = EpisodeSampler(scene, nav, episode_config(config)).sample
        return [draw(i) for i in range(self.n_episodes)]
