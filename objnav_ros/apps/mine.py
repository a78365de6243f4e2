"""``objnav-mine``: run a policy in the in-process simulator and keep its failures as bags.

Each oscillation / stuck / collision verdict of the monitor's detectors becomes one MCAP
bag in ``--out`` (the detected steps plus ``--context`` steps each side; ``--keep
episodes``: each whole episode, its windows marked) with a ``labels.json`` of the windows and
a teacher's action on every kept step (``--relabeller``: the shortest-path expert or the
frontier explorer);
``summary.json`` and ``summary.png`` count the windows per kind and per episode.
"""

from __future__ import annotations

import argparse
import sys

from tqdm import tqdm

from objnav_ros.core.paths import writable_dir
from objnav_ros.core.schema import add_flags, from_flags
from objnav_ros.mining import Miner, MinerConfig


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="objnav-mine",
        description="Mine failure windows of a policy as labelled rosbag2 bags (DAgger data).",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    add_flags(parser, MinerConfig)
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser, parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    parser, args = parse_args(argv)
    try:
        config = from_flags(MinerConfig, args)
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
