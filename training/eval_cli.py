r"""objnav-eval: the frozen policy vs fine-tuned adapters, side by side, in the simulator.

    objnav-eval --model MODEL --adapter runs/awr/adapter --out runs/eval --seed 1 \
        --n-episodes 20 --action-preset seed

Per policy: expert-path action accuracy (on ``--expert-bags``, else along the shortest-path
expert's paths of the evaluation episodes), closed-loop success rate and SPL, valid-action
percentage, and the monitor's stuck / oscillation counts. Writes ``eval.json``, ``eval.md``,
``eval.png``, ``episodes.json`` and top-down maps of the first ``--maps`` episodes. Evaluate
on held-out data: another ``--seed`` (house) than the training bags, or an ``--episode-file``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

from objnav_ros.core.actions import ACTION_PRESET, Action, action_space
from objnav_ros.core.paths import writable_dir
from objnav_ros.core.schema import add_flag, add_flags, flag_values
from objnav_ros.core.types import Observation
from objnav_ros.monitor import MonitorConfig
from objnav_ros.policy.config import VLMPolicyConfig
from objnav_ros.policy.factory import PolicySettings, check_adapter, make_policy
from objnav_ros.sim import EmbeddedSimulator, SimConfig, save_topdown
from objnav_ros.sim.scene_source import SceneSource
from objnav_training.contract import common_contract
from objnav_training.evaluate import expert_path_accuracy, summarize, transition_steps
from objnav_training.evaluate_sim import closed_loop, expert_steps
from objnav_training.report import markdown_table, write_comparison

PROG = "objnav-eval"
BASELINES = ("random", "frontier")


WORLD = ("scene", "episode_file", "n_episodes", "seed", "cache_dir")
CAMERA = ("width", "height", "max_steps")
VLM = ("model_path", "mode", "device", "dtype", "min_pixels", "max_pixels")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.splitlines()[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    add = parser.add_argument
    add_flags(parser, VLMPolicyConfig, VLM, required=("model_path",))
    add("--adapter", action="append", default=[], metavar="[NAME=]DIR",
        help="a fine-tuned adapter to compare (repeatable)")
    add("--baseline", nargs="*", choices=BASELINES, default=[], help="also evaluate these")
    add("--out", required=True, type=Path, help="output folder")
    add_flag(parser, "action_preset", ACTION_PRESET, ACTION_PRESET.default)
    add_flags(parser, SceneSource, WORLD)
    add_flags(parser, SimConfig, CAMERA)
    add("--expert-bags", nargs="*", default=[],
        help="held-out expert bags for EPA; empty = the simulator expert's paths")
    add("--maps", type=int, default=3, help="top-down maps of the first N episodes per policy")
    return parser


def policies(args: argparse.Namespace, sim: SimConfig) -> dict[str, PolicySettings]:
    """Named settings: 'frozen', each adapter (NAME=DIR, default 'finetuned'), baselines.

    Each acts under the simulator's run contract; an adapter trained under another is
    refused here (one line), before any policy runs.
    """
    space = sim.action_space
    vlm = PolicySettings(kind="vlm", actions=space, seed=args.seed, sim=sim,
                         **flag_values(args, VLMPolicyConfig, VLM))
    named = {"frozen": vlm}
    for i, spec in enumerate(args.adapter):
        default = "finetuned" if len(args.adapter) == 1 else f"finetuned{i + 1}"
        name, _, path = spec.partition("=") if "=" in spec else (default, "", spec)
        named[name] = dataclasses.replace(vlm, adapter_path=path)
        check_adapter(named[name])
    for kind in args.baseline:
        named[kind] = PolicySettings(kind=kind, actions=space, seed=args.seed, sim=sim)
    return named


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        config = SimConfig(**flag_values(args, SimConfig, CAMERA), seed=args.seed,
                           action_space=action_space(args.action_preset))
        source = SceneSource(**flag_values(args, SceneSource, WORLD))
        named = policies(args, config)
        writable_dir(args.out / "maps", "--out")
    except ValueError as err:
        print(f"{PROG}: error: {err}", file=sys.stderr)
        return 2
    bag_episodes = []
    if args.expert_bags:
        from objnav_training.dataset import load_episodes

        bag_episodes, _ = load_episodes(args.expert_bags)  # logs each skipped bag or episode
        if not bag_episodes:
            print(f"{PROG}: error: no episodes in {args.expert_bags}", file=sys.stderr)
            return 1
        try:
            common_contract(bag_episodes, config.contract(), "the simulator's")
        except ValueError as err:
            print(f"{PROG}: error: --expert-bags {err}", file=sys.stderr)
            return 2
    summaries, rows = {}, {}
    with EmbeddedSimulator(source.scene_path(), config) as sim:
        episodes = source.load_episodes(config, sim.random_episode)

        def expert_path() -> Iterable[tuple[Observation, Action]]:
            if bag_episodes:
                return transition_steps(bag_episodes)
            return (pair for episode in episodes for pair in expert_steps(sim, episode))

        for name, settings in named.items():
            try:
                summaries[name], rows[name] = _evaluate(name, settings, sim, episodes,
                                                        expert_path, args)
            except ValueError as err:  # ModelLoadError included: one line naming the folder
                print(f"{PROG}: error: {name}: {err}", file=sys.stderr)
                return 2
    files = write_comparison(summaries, args.out)
    (args.out / "episodes.json").write_text(json.dumps(rows, indent=2))
    print(markdown_table(summaries), end="")
    print(f"report: {files['markdown']} {files['png']} {files['json']}")
    return 0


def _evaluate(name: str, settings: PolicySettings, sim: EmbeddedSimulator, episodes: list,
              expert_path: Callable[[], Iterable[tuple[Observation, Action]]],
              args: argparse.Namespace) -> tuple[dict, list[dict]]:
    policy = make_policy(settings)
    epa = expert_path_accuracy(policy, expert_path())
    results = closed_loop(policy, sim, episodes, MonitorConfig())
    for episode, result in list(zip(episodes, results, strict=True))[: args.maps]:
        save_topdown(args.out / "maps" / f"{name}_{episode.episode_id}.png", sim.nav,
                     sim.scene.objects, episode, result.trajectory)
    rows = [{k: v for k, v in dataclasses.asdict(r).items() if k != "trajectory"}
            for r in results]
    return summarize(results, epa), rows


if __name__ == "__main__":
    sys.exit(main())
