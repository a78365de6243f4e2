r"""``objnav-experiment``: measure whether offline LoRA fine-tuning finds objects more often.

    objnav-experiment                       # CPU: stand-in base (cached) -> ... -> report
    objnav-experiment --model /models/SpaceQwen2.5-VL-3B-Instruct --device cuda \
        --width 640 --height 480            # the real-scale recipe (skips the base stage)

Stages, each the command a user would run, each resumable (a finished stage is skipped when
its settings are unchanged; ``--redo STAGE`` runs it again):

1. ``base``: the stand-in base model (``make base-model``; cached) unless ``--model``;
2. ``collect``: through the ROS graph (``objnav-collect``) in the fine-tuning houses: the
   demonstrator's episodes (``--demonstrator``: the frontier explorer, the base's teacher,
   or the shortest-path expert) and the base policy's own (sampled) episodes, as bags;
3. ``mine``: the failure miner (``objnav-mine``) on the base policy (sampled as in
   collect): whole episodes (or only failure windows, ``--dagger-keep``) with a teacher's
   action on every step (DAgger; ``--dagger-relabeller``: the frontier explorer, the base's
   teacher, or the shortest-path expert);
4. ``train``: ``objnav-train`` from the frozen base for every variant x training seed, on
   the same bags (``awr_dagger`` adds the mined windows; ``awr_merger``, not in the default
   list, also adapts the vision merger); a run whose inputs did not change is kept;
5. ``evaluate``: every adapter, the frozen base, random and frontier on the same held-out
   episodes (houses no training stage used); a policy evaluated earlier is kept;
6. ``report``: ``OUT/report/README.md`` with table, intervals, charts, curves and maps.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path

from objnav_ros.core.actions import ACTION_PRESET
from objnav_ros.core.dds import loopback_env
from objnav_ros.core.fingerprint import settings_hash, tree_fingerprint
from objnav_ros.core.schema import add_flag, check_settings, declaration, like, setting
from objnav_ros.mining.config import MinerConfig
from objnav_ros.policy.config import VLMPolicyConfig
from objnav_ros.sim.config import SimConfig
from objnav_training.base_data import FrameConfig
from objnav_training.trainer_config import TrainConfig

STAGES = ("base", "collect", "mine", "train", "evaluate", "report")
WEIGHTINGS = ("bc", "awr", "awr_dagger", "batch_softmax_seed", "awr_merger")
"""Training variants: objnav-train's weightings; awr_dagger adds the mined relabels, awr_merger
puts LoRA on the vision merger too."""
DEFAULT_BASE_DIR = Path("out/base-model")
DEMONSTRATORS = ("expert", "frontier")
RUN_CONFIG = "config.json"  # OUT/config.json: the run's settings and model


@dataclass(frozen=True)
class ExperimentConfig:
    """Houses, episode counts and training sizes; house seed ranges never overlap."""

    base_houses: tuple[int, ...] = tuple(range(1000, 1024))
    base_episodes: int = 10  # per base house
    base_teacher: str = like(FrameConfig, "teacher", "frontier")
    base_vl_steps: int = 1500
    base_bc_steps: int = setting(
        1500, "Behaviour-cloning steps of the stand-in base (after its vision-language steps); "
        "fewer leave the base further from its teacher.", min_value=0, max_value=1_000_000)
    base_off_path_weight: float = 1.0  # BC also on the exploring rollouts (against copying)
    finetune_houses: tuple[int, ...] = setting(
        (2000, 2001, 2002, 2003), "House seeds of the fine-tuning data (collect and mine); "
        "disjoint from the base and evaluation houses.")
    demonstrator: str = setting(
        "frontier", "Who records the demonstrations in the fine-tuning houses: frontier (the "
        "explorer with ground-truth semantics: the base's teacher and the DAgger relabeller) "
        "or expert (shortest path).", choices=DEMONSTRATORS)
    expert_episodes: int = 6  # demonstrations per fine-tuning house
    policy_episodes: int = 8
    mine_episodes: int = 8
    dagger_keep: str = like(MinerConfig, "keep", "episodes")
    dagger_relabeller: str = like(MinerConfig, "relabeller", "frontier")
    eval_houses: tuple[int, ...] = (9000, 9001, 9002, 9003, 9004)
    eval_episodes: int = 20  # per evaluation house
    weightings: tuple[str, ...] = setting(
        WEIGHTINGS[:4], f"Training variants, each x every seed, from {list(WEIGHTINGS)}; runs "
        "and evaluations done earlier on the same inputs are kept.",
        rule=lambda v: None if set(v) <= set(WEIGHTINGS) else f"expected names from "
        f"{list(WEIGHTINGS)}, got {sorted(set(v) - set(WEIGHTINGS))}")
    seeds: tuple[int, ...] = (0, 1, 2)
    train_steps: int = setting(200, "Optimiser steps of every training run.", min_value=1,
                               max_value=1_000_000)
    batch_size: int = 32
    lr: float = like(TrainConfig, "lr", 2e-3)
    lora_r: int = 16
    lora_targets: tuple[str, ...] = ("q_proj", "k_proj", "v_proj", "o_proj")
    collect_temperature: float = 1.0  # the base policy's own episodes are sampled
    eval_temperature: float = 1.0
    width: int = like(SimConfig, "width", 112)
    height: int = like(SimConfig, "height", 84)
    max_steps: int = like(SimConfig, "max_steps", 150)
    action_preset: str = ACTION_PRESET.field("seed")
    device: str = like(VLMPolicyConfig, "device")

    def __post_init__(self) -> None:
        check_settings(self)
        ranges = {"base_houses": self.base_houses, "finetune_houses": self.finetune_houses,
                  "eval_houses": self.eval_houses}
        for name, seeds in ranges.items():
            if not seeds:
                raise ValueError(f"{name}: at least one house is required")
        if set(self.eval_houses) & (set(self.base_houses) | set(self.finetune_houses)):
            raise ValueError("eval_houses: must be disjoint from base_houses and finetune_houses")
        for name in ("expert_episodes", "policy_episodes", "mine_episodes", "eval_episodes",
                     "batch_size", "base_episodes"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name}: must be >= 1, got {getattr(self, name)}")
        if not self.seeds:
            raise ValueError("seeds: at least one training seed is required")

    def training_houses(self) -> set[int]:
        return set(self.base_houses) | set(self.finetune_houses)


SMOKE = ExperimentConfig(
    base_houses=(1000, 1001), base_episodes=2, base_vl_steps=4, base_bc_steps=4,
    finetune_houses=(2000,), expert_episodes=1, policy_episodes=1, mine_episodes=1,
    eval_houses=(9000,), eval_episodes=2, weightings=("bc", "awr_dagger"), seeds=(0,),
    train_steps=3, batch_size=4, max_steps=20)
DEMO = replace(
    ExperimentConfig(), base_houses=tuple(range(1000, 1010)), base_episodes=6,
    base_vl_steps=900, base_bc_steps=600, finetune_houses=(2000, 2001), expert_episodes=4,
    policy_episodes=6, mine_episodes=6, eval_houses=(9000, 9001), eval_episodes=10,
    weightings=("bc", "awr", "awr_dagger"), seeds=(0,), train_steps=150)
PRESETS = {"full": ExperimentConfig(), "demo": DEMO, "smoke": SMOKE}
FLAGS = ("device", "width", "height", "action_preset", "lr", "weightings", "base_teacher",
         "demonstrator", "dagger_keep", "dagger_relabeller", "finetune_houses", "train_steps",
         "base_bc_steps")
"""Settings a flag sets over the preset's."""


class Runner:
    """Runs the stages in order; each leaves ``OUT/stages/<stage>.json`` when it finished."""

    def __init__(self, config: ExperimentConfig, out: Path, model: str, base_dir: Path,
                 redo: tuple[str, ...] = (), quiet: bool = False,
                 stop_after: str = STAGES[-1]) -> None:
        self.config, self.out, self.quiet, self.redo = config, out, quiet, set(redo)
        self.forced = set(redo)  # asked for: runs and evaluations done earlier are not kept
        self.last = STAGES.index(stop_after)
        self.model = model or str(base_dir)
        self.command = "objnav-experiment " + " ".join(sys.argv[1:])
        self.own_base = not model
        domain = int(os.environ.get("ROS_DOMAIN_ID") or 60 + os.getpid() % 40)
        self.env = loopback_env(domain_id=domain)
        self.env["XDG_CACHE_HOME"] = str(out / "cache")  # generated houses live with the run
        self.env["PYTHONUNBUFFERED"] = "1"

    def stage_done(self, stage: str, settings: object) -> bool:
        marker = self.out / "stages" / f"{stage}.json"
        if stage in self.redo or not marker.is_file():
            return False
        return json.loads(marker.read_text()).get("settings") == settings_hash(settings)

    def run(self) -> Path:
        began = time.monotonic()
        c = self.config
        world = {"width": c.width, "height": c.height, "max_steps": c.max_steps,
                 "action_preset": c.action_preset}
        steps: list[tuple[str, object, Callable[[], None]]] = [
            ("base", base_config(c, self.model).record() if self.own_base else self.model,
             self.base),
            ("collect", [world, c.finetune_houses, c.demonstrator, c.expert_episodes,
                         c.policy_episodes, c.collect_temperature, self.model], self.collect),
            ("mine", [world, c.finetune_houses, c.mine_episodes, c.dagger_keep,
                      c.dagger_relabeller, c.collect_temperature, self.model], self.mine),
            ("train", [c.weightings, c.seeds, c.train_steps, c.batch_size, c.lr, c.lora_r,
                       c.lora_targets], self.train),
            ("evaluate", [world, c.eval_houses, c.eval_episodes, c.eval_temperature,
                          c.weightings, c.seeds], self.evaluate),
            ("report", asdict(c), self.report),
        ]
        for number, (stage, settings, action) in enumerate(steps[: self.last + 1], 1):
            if self.stage_done(stage, settings):
                self.say(f"[{number}/{len(steps)}] {stage}: done earlier, skipped")
                continue
            self.say(f"[{number}/{len(steps)}] {stage}")
            start = time.monotonic()
            if action() is not False:  # new outputs: every later stage depends on them
                self.redo.update(STAGES[STAGES.index(stage) + 1:])
            marker = self.out / "stages" / f"{stage}.json"
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.write_text(json.dumps({"settings": settings_hash(settings),
                                          "minutes": (time.monotonic() - start) / 60}))
        minutes = (time.monotonic() - began) / 60
        self.say(f"finished {STAGES[self.last]} in {minutes:.1f} min: {self.out}")
        return self.out / "report" / "README.md"

    def say(self, text: str) -> None:
        print(f"== {text}", flush=True)

    def fresh(self, name: str) -> Path:
        """Empty stage output folder ``OUT/name`` (the previous one moves to ``OUT/replaced``).

        A re-run stage replaces its outputs; nothing recorded is deleted.
        """
        folder = self.out / name
        if folder.exists():
            n = 1
            while (target := self.out / "replaced" / f"{name}.{n}").exists():
                n += 1
            target.parent.mkdir(parents=True, exist_ok=True)
            folder.rename(target)
            self.say(f"previous {name}/ moved to {target}")
        return folder

    def tool(self, module: str, *args: str, threads: int = 0) -> None:
        """Run one stage command; ``threads`` > 0 caps its torch/OpenMP threads."""
        command = [sys.executable, "-m", module, *args]
        self.say("$ " + " ".join(command))
        env = {**self.env, "OMP_NUM_THREADS": str(threads)} if threads else self.env
        if subprocess.run(command, env=env).returncode:
            raise SystemExit(f"objnav-experiment: {module} failed; rerun to resume here")

    def world_args(self) -> list[str]:
        c = self.config
        return ["--width", str(c.width), "--height", str(c.height), "--max-steps",
                str(c.max_steps), "--action-preset", c.action_preset]

    # --- stages ---------------------------------------------------------------------------

    def base(self) -> bool:
        """Build the stand-in base; False when the cached folder was reused unchanged."""
        from objnav_ros.policy.adapter_record import model_fingerprint
        from objnav_training.base_model import train_base_model

        folder = Path(self.model)
        before = model_fingerprint(folder) if (folder / "config.json").is_file() else ""
        train_base_model(base_config(self.config, self.model), progress=not self.quiet)
        return model_fingerprint(folder) != before

    def collect(self) -> None:
        c = self.config
        bags = self.fresh("bags")
        for house in c.finetune_houses:
            for who, count, extra in (
                    (c.demonstrator, c.expert_episodes, []),
                    ("policy", c.policy_episodes,
                     [f"model_path:={self.model}", f"temperature:={c.collect_temperature}",
                      f"device:={c.device}"])):
                out = bags / who / f"house{house}"
                self.tool("objnav_ros.apps.collect", "--n-episodes", str(count), "--out", str(out),
                          "--policy", "vlm" if who == "policy" else who, "--seed",
                          str(house), "--prefix", f"{who}_h{house}", *self.world_args(),
                          *(["--quiet"] if self.quiet else []), *extra,
                          threads=1)  # the graph's processes share the cores

    def mine(self) -> None:
        c = self.config
        mined = self.fresh("mined")
        for house in c.finetune_houses:
            self.tool("objnav_ros.apps.mine", "--out", str(mined / f"house{house}"),
                      "--policy", "vlm", "--model", self.model, "--seed", str(house),
                      "--n-episodes", str(c.mine_episodes), "--keep", c.dagger_keep,
                      "--relabeller", c.dagger_relabeller,
                      "--temperature", str(c.collect_temperature), *self.world_args(),
                      *(["--quiet"] if self.quiet else []))

    def train(self) -> None:
        """Every variant x seed; a run whose inputs (bags, base, arguments) are the same is kept."""
        from objnav_ros.policy.adapter_record import RECORD, model_fingerprint

        c = self.config
        bags = [str(self.out / "bags" / c.demonstrator), str(self.out / "bags" / "policy")]
        base = model_fingerprint(self.model)
        for variant in c.weightings:
            for seed in c.seeds:
                data = bags + ([str(self.out / "mined")] if variant == "awr_dagger" else [])
                run = self.out / "train" / f"{variant}_s{seed}"
                args = ["--bags", *data, "--model", self.model, "--out", str(run),
                        "--weighting", variant if variant in ("bc", "batch_softmax_seed")
                        else "awr", *(["--lora-vision-merger"] if variant == "awr_merger" else []),
                        "--seed", str(seed), "--steps", str(c.train_steps),
                        "--batch-size", str(c.batch_size), "--accumulate", "1",
                        "--lr", str(c.lr), "--lora-r", str(c.lora_r),
                        "--lora-alpha", str(2 * c.lora_r), "--lora-targets", *c.lora_targets,
                        "--action-preset", c.action_preset, "--num-workers", "0",
                        "--checkpoint-every", str(c.train_steps),
                        *(["--accelerator", "gpu"] if c.device.startswith("cuda") else [])]
                key = settings_hash([args, base, tree_fingerprint(data)])
                marker = run / "run.json"
                if ("train" not in self.forced and marker.is_file()
                        and json.loads(marker.read_text()).get("key") == key
                        and (run / "adapter" / RECORD).is_file()):
                    self.say(f"{run.name}: trained earlier on the same inputs, kept")
                    continue
                self.tool("objnav_training.train_cli", *args,
                          *(["--no-progress-bar"] if self.quiet else []))
                marker.write_text(json.dumps({"key": key}))

    def evaluate(self) -> None:
        from objnav_training.experiment_run import evaluate_experiment

        evaluate_experiment(self.config, self.out, self.model, progress=not self.quiet,
                            keep="evaluate" not in self.forced)

    def report(self) -> None:
        from objnav_training.experiment_report import write_report

        write_report(self.config, self.out, self.model, command=self.command)


def read_run_config(out: Path) -> tuple[ExperimentConfig, str]:
    """The settings and the model of the run in ``out`` (``OUT/config.json``, as main wrote it)."""
    saved = json.loads((out / RUN_CONFIG).read_text())
    names = {f.name for f in fields(ExperimentConfig)}
    config = ExperimentConfig(**{k: tuple(v) if isinstance(v, list) else v
                                 for k, v in saved.items() if k in names})
    return config, saved["model"]


def base_config(config: ExperimentConfig, out_dir: str):
    """The stand-in base model's settings for an experiment (same camera and actions)."""
    from objnav_training.base_model import BaseModelConfig

    frames = FrameConfig(config.base_houses, config.base_episodes, config.width, config.height,
                         config.action_preset, config.max_steps, teacher=config.base_teacher)
    return BaseModelConfig(out_dir=out_dir, frames=frames, vl_steps=config.base_vl_steps,
                           bc_steps=config.base_bc_steps,
                           off_path_weight=config.base_off_path_weight,
                           validation_houses=max(1, len(config.base_houses) // 12))


def default_base_dir(preset: str, config: ExperimentConfig) -> Path:
    """Where the stand-in base is cached: ``out/base-model/<preset>``.

    A base with other settings than the preset's gets ``<preset>-<hash of its settings>``, so
    that it never replaces the preset's cached base.
    """
    settings = base_config(config, "").record()
    folder = DEFAULT_BASE_DIR.resolve() / preset
    if settings == base_config(PRESETS[preset], "").record():
        return folder
    return folder.with_name(f"{preset}-{settings_hash(settings)[:8]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="objnav-experiment", description=__doc__.splitlines()[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path("out/experiment"), help="run folder")
    parser.add_argument("--preset", choices=sorted(PRESETS), default="full",
                        help="sizes: full (the README's run), demo (make demo), smoke (tests)")
    parser.add_argument("--model", default="",
                        help="a real Qwen2.5-VL folder; empty = the stand-in base model")
    parser.add_argument("--base-dir", type=Path, default=None,
                        help="where the stand-in base is cached (default out/base-model, "
                             "or OUT/base-model for the smoke preset)")
    for name in FLAGS:
        add_flag(parser, name, declaration(ExperimentConfig, name), "the preset's",
                 given_only=True)
    parser.add_argument("--redo", nargs="*", choices=STAGES, default=[],
                        help="run these stages again (and everything after them)")
    parser.add_argument("--stop-after", choices=STAGES, default="report",
                        help="last stage to run (make base-model: base)")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    args = parser.parse_args(argv)
    overrides = {name: getattr(args, name) for name in FLAGS if hasattr(args, name)}
    try:
        config = replace(PRESETS[args.preset], **overrides)
    except ValueError as err:
        parser.exit(2, f"objnav-experiment: error: {err}\n")
    out = args.out.resolve()
    base_dir = args.base_dir or (out / "base-model" if args.preset == "smoke"
                                 else default_base_dir(args.preset, config))
    out.mkdir(parents=True, exist_ok=True)
    (out / RUN_CONFIG).write_text(json.dumps(
        {"preset": args.preset, "model": args.model or str(base_dir), **asdict(config)},
        indent=2, default=str))
    Runner(config, out, args.model, base_dir, tuple(args.redo), args.quiet,
           args.stop_after).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
