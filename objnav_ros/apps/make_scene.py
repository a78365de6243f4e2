"""Command line: generate a house scene, its ObjectNav episodes and a top-down map."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tqdm import tqdm

from objnav_ros.core.schema import add_flags, flag_values
from objnav_ros.sim.config import SimConfig
from objnav_ros.sim.embedded import build_navgrid, episode_config
from objnav_ros.sim.episodes import EpisodeSampler, save_episodes
from objnav_ros.sim.house import HouseConfig, generate_house, write_house
from objnav_ros.sim.scene import load_scene
from objnav_ros.sim.scene_source import SceneSource
from objnav_ros.sim.topdown import save_topdown

HOUSE = ("seed", "n_rooms", "objects_per_room", "ceiling")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="objnav-make-scene",
        description="Generate a seeded house (.glb + habitat stage config), ObjectNav episodes "
        "in habitat's dataset layout and a top-down PNG of the first episode.",
    )
    parser.add_argument("--out", type=Path, required=True, help="output folder (created)")
    add_flags(parser, HouseConfig, HOUSE)
    add_flags(parser, SceneSource, ("n_episodes",), defaults={"n_episodes": 20})
    parser.add_argument(
        "--up", choices=("z", "y"), default="z", help="up axis of the .glb (z: habitat, y: glTF)"
    )
    parser.add_argument(
        "--episodes-format",
        choices=("json.gz", "json"),
        default="json.gz",
        help="episodes file type",
    )
    parser.add_argument("--name", default="house", help="base name of the scene files")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        house_config = HouseConfig(**flag_values(args, HouseConfig, HOUSE))
        sim_config = SimConfig(seed=args.seed)
        SceneSource(n_episodes=args.n_episodes)  # the count's declared range
    except ValueError as exc:
        print(f"objnav-make-scene: error: {exc}", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    scene_path = write_house(generate_house(house_config), args.out / f"{args.name}.glb", args.up)
    scene = load_scene(scene_path)
    nav = build_navgrid(scene, sim_config)
    sampler = EpisodeSampler(scene, nav, episode_config(sim_config), scene_id=scene_path.name)
    episodes = [sampler.sample(i) for i in tqdm(range(args.n_episodes), desc="episodes", unit="ep")]
    episodes_path = save_episodes(episodes, args.out / f"episodes.{args.episodes_format}")
    first = episodes[0]
    topdown_path = save_topdown(
        args.out / "topdown.png",
        nav,
        scene.objects,
        first,
        planned_path=nav.shortest_path(first.start_position[:2], first.goal_points()),
    )
    print(f"scene:    {scene_path} ({len(scene.objects)} objects)")
    print(f"episodes: {episodes_path} ({len(episodes)})")
    print(f"map:      {topdown_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
