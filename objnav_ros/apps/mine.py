"""``objnav-mine``: run a policy in the in-process simulator and keep its failures as bags.

Each oscillation / stuck / collision verdict of the monitor's detectors becomes one MCAP
bag in ``--out`` (the detected steps plus ``--context`` steps each side) with a
``labels.json`` of the window and the shortest-path expert's action on every step;
``summary.json`` and ``summary.png`` count the windows per kind and per episode.
"""

from __future__ import annotations

import argparse
import sys

from tqdm import tqdm

from objnav_ros.core.actions import PRESETS
from objnav_ros.core.paths import writable_dir
from objnav_ros.mining import Miner, MinerConfig
from objnav_ros.policy.factory import POLICY_TYPES


def parse_args(argv):
    d = MinerConfig()
    parser = argparse.ArgumentParser(
        prog="objnav-mine",
        description="Mine failure windows of a policy as labelled rosbag2 bags (DAgger data).")
    parser.add_argument("--out", default=d.out, help="output folder (default %(default)s)")
    parser.add_argument("--policy", choices=POLICY_TYPES, default=d.policy)
    parser.add_argument("--model", default="", help="vlm: model path")
    parser.add_argument("--adapter", default="", help="vlm: LoRA adapter path")
    parser.add_argument("--seed", type=int, default=d.seed, help="house/episode/policy seed")
    parser.add_argument("--n-episodes", type=int, default=d.n_episodes)
    parser.add_argument("--scene", default="", help="scene file (.glb); default: generated")
    parser.add_argument("--episodes", default="", help="episode file; default: generated")
    parser.add_argument("--width", type=int, default=d.width, help="image width (px)")
    parser.add_argument("--height", type=int, default=d.height, help="image height (px)")
    parser.add_argument("--max-steps", type=int, default=d.max_steps)
    parser.add_argument("--action-preset", choices=sorted(PRESETS), default=d.action_preset)
    parser.add_argument("--context", type=int, default=d.context,
                        help="steps kept before and after a failure (default %(default)s)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser, parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    parser, args = parse_args(argv)
    try:
        config = MinerConfig(
            out=args.out, policy=args.policy, model=args.model, adapter=args.adapter,
            seed=args.seed, n_episodes=args.n_episodes, scene=args.scene,
            episodes=args.episodes, width=args.width, height=args.height,
            max_steps=args.max_steps, action_preset=args.action_preset, context=args.context)
        writable_dir(config.out, "--out")
        miner = Miner(config)
    except ValueError as exc:
        parser.exit(2, f"objnav-mine: {exc}\n")
    for episode in tqdm(miner.episodes, unit="episode", desc="mine", disable=args.quiet):
        miner.mine(episode)
    json_path, png_path = miner.finish()
    print(miner.summary.table())
    print(f"objnav-mine: {miner.summary.windows} window(s) from {len(miner.episodes)} "
          f"episode(s) in {config.out}; summary: {json_path.name}, {png_path.name}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
