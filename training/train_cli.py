r"""objnav-train: fit the policy's LoRA adapter offline with AWR on recorded rosbag2 bags.

    objnav-train --bags bags/ --model MODEL --out runs/awr
    objnav-train --bags bags/ --model MODEL --out runs/awr --resume last     # continue
    objnav-train --bags bags/ --model MODEL --out runs/ddp --accelerator gpu --devices 4 \
        --strategy ddp                                                       # 4-GPU DDP

The adapter lands in ``OUT/adapter``: give it to the policy node as ``adapter_path``.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import fields

from objnav_ros.core.paths import writable_dir
from objnav_ros.core.schema import add_flags, from_flags
from objnav_ros.policy.loader import check_model_folder
from objnav_training.bag_index import BagTopics
from objnav_training.trainer_config import TrainConfig

PROG = "objnav-train"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.splitlines()[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    add = parser.add_argument
    add("--bags", nargs="+", required=True, help="rosbag2 bags or folders holding them")
    for topic in fields(BagTopics):
        add(f"--{topic.name.replace('_', '-')}-topic", default=topic.default,
            help=f"{topic.name.replace('_', ' ')} topic in the bags (a relative name also "
            "matches /name and one /<ns>/name; depth, goal, monitor events: empty = none)")
    add_flags(parser, TrainConfig, required=("model_path", "out_dir"))
    return parser


def config_from_args(args: argparse.Namespace) -> TrainConfig:
    """The validated TrainConfig of parsed arguments (ValueError naming a bad field)."""
    return from_flags(TrainConfig, args)


def topics_from_args(args: argparse.Namespace) -> BagTopics:
    """The bag topic names of parsed arguments (ValueError for an empty required one)."""
    return BagTopics(**{t.name: getattr(args, f"{t.name}_topic") for t in fields(BagTopics)})


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        config = config_from_args(args)
        topics = topics_from_args(args)
        check_model_folder(config.model_path)  # fail fast, before the bags are read
        writable_dir(config.out_dir, "--out")
    except ValueError as err:
        print(f"{PROG}: error: {err}", file=sys.stderr)
        return 2
    from objnav_training.dataset import load_episodes
    from objnav_training.trainer import train

    episodes, errors = load_episodes(args.bags, topics)  # logs each skipped bag or episode
    if errors:
        print(f"{PROG}: {len(errors)} bag problem(s) skipped", file=sys.stderr)
    if not episodes:
        print(f"{PROG}: error: no episodes in {args.bags}", file=sys.stderr)
        return 1
    try:
        result = train(config, episodes)
    except ValueError as err:  # ModelLoadError included: one line naming the folder
        print(f"{PROG}: error: {err}", file=sys.stderr)
        return 2
    if result.module.global_rank == 0:  # once, not by every process of a DDP run
        print(f"adapter:     {result.adapter_dir}")
        print(f"checkpoint:  {result.checkpoint}")
        print(f"steps:       {result.global_step}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
