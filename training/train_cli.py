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

from objnav_ros.core.actions import PRESETS
from objnav_ros.core.paths import writable_dir
from objnav_ros.policy.config import DTYPES, LoraSettings
from objnav_ros.policy.loader import check_model_folder
from objnav_training.awr import NORMALISATIONS, WEIGHTINGS, AWRConfig
from objnav_training.bag_index import BagTopics
from objnav_training.reward import RewardConfig
from objnav_training.trainer_config import PRECISIONS, TrainConfig

PROG = "objnav-train"


def build_parser() -> argparse.ArgumentParser:
    defaults, awr, reward, lora = (TrainConfig("-", "-"), AWRConfig(), RewardConfig(),
                                   LoraSettings())
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.splitlines()[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    add = parser.add_argument
    add("--bags", nargs="+", required=True, help="rosbag2 bags or folders holding them")
    for topic in fields(BagTopics):
        add(f"--{topic.name.replace('_', '-')}-topic", default=topic.default,
            help=f"{topic.name.replace('_', ' ')} topic in the bags (a relative name also "
            "matches /name and one /<ns>/name; depth, goal, monitor events: empty = none)")
    add("--model", required=True, help="local Qwen2.5-VL model folder")
    add("--out", required=True, help="output folder (adapter/, checkpoints/, logs/, ...)")
    add("--actions", choices=sorted(PRESETS), default=defaults.actions,
        help="action preset the policy runs with")
    add("--prompt-file", default="", help="prompt template; empty = packaged one")
    add("--dtype", choices=DTYPES, default=defaults.dtype,
        help="base weights; auto = bfloat16 on CUDA, float32 on CPU")
    add("--steps", type=int, default=defaults.steps, help="optimizer steps; 0 = --epochs epochs")
    add("--epochs", type=int, default=defaults.epochs, help="epochs when --steps is 0")
    add("--batch-size", type=int, default=defaults.batch_size, help="transitions per batch")
    add("--accumulate", type=int, default=defaults.accumulate_grad_batches,
        help="batches per optimizer step (gradient accumulation)")
    add("--lr", type=float, default=defaults.lr, help="LoRA learning rate (seed: 1e-5)")
    add("--value-lr", type=float, default=defaults.value_lr, help="value head learning rate")
    add("--weighting", choices=WEIGHTINGS, default=awr.weighting, help="actor loss weights")
    add("--beta", type=float, default=awr.beta, help="AWR temperature: w = exp(A / beta)")
    add("--w-max", type=float, default=awr.w_max, help="AWR weight clip")
    add("--advantage-norm", choices=NORMALISATIONS, default=awr.advantage_norm,
        help="advantage normalisation")
    add("--entropy-coef", type=float, default=awr.entropy_coef, help="entropy bonus")
    add("--l2-coef", type=float, default=awr.l2_coef, help="L2 penalty on the LoRA weights")
    add("--value-coef", type=float, default=awr.value_coef, help="value loss weight")
    add("--gamma", type=float, default=defaults.gamma, help="discount")
    add("--td-lambda", type=float, default=defaults.td_lambda,
        help="TD(lambda) of the return targets; 1 = Monte Carlo returns")
    add("--no-expert-labels", action="store_true",
        help="imitate the action taken even where a DAgger expert label exists")
    add("--progress-scale", type=float, default=reward.progress_scale,
        help="reward per metre of progress")
    add("--success-bonus", type=float, default=reward.success_bonus, help="success reward")
    add("--collision-penalty", type=float, default=reward.collision_penalty, help="per collision")
    add("--oscillation-penalty", type=float, default=reward.oscillation_penalty,
        help="per oscillation the monitor detects")
    add("--step-cost", type=float, default=reward.step_cost, help="cost of every step")
    add("--lora-r", type=int, default=lora.r, help="LoRA rank")
    add("--lora-alpha", type=int, default=lora.alpha, help="LoRA alpha")
    add("--lora-dropout", type=float, default=lora.dropout, help="LoRA dropout")
    add("--lora-targets", nargs="+", default=list(lora.target_modules),
        help="language-model modules that get LoRA")
    add("--lora-vision-merger", action="store_true",
        help="also put LoRA on the vision merger's two linear layers")
    add("--init-adapter", default="", help="continue from this adapter (e.g. a DAgger round)")
    add("--num-workers", type=int, default=defaults.num_workers, help="DataLoader processes")
    add("--seed", type=int, default=defaults.seed, help="random seed")
    add("--accelerator", default=defaults.accelerator, help="Lightning accelerator")
    add("--devices", default=defaults.devices, help="Lightning devices: auto, a count, or ids")
    add("--strategy", default=defaults.strategy, help="Lightning strategy, e.g. ddp")
    add("--precision", choices=PRECISIONS, default=defaults.precision,
        help="auto = bf16-mixed on CUDA, 32-true on CPU")
    add("--checkpoint-every", type=int, default=defaults.checkpoint_every,
        help="optimizer steps between checkpoints")
    add("--resume", default="", help="checkpoint to continue: a .ckpt file or 'last'")
    add("--log-every", type=int, default=defaults.log_every, help="steps between log rows")
    add("--no-progress-bar", action="store_true", help="quiet output")
    return parser


def config_from_args(args: argparse.Namespace) -> TrainConfig:
    """The validated TrainConfig of parsed arguments (ValueError naming a bad field)."""
    return TrainConfig(
        model_path=args.model,
        out_dir=args.out,
        actions=args.actions,
        prompt_file=args.prompt_file,
        dtype=args.dtype,
        lora=LoraSettings(args.lora_r, args.lora_alpha, args.lora_dropout,
                          tuple(args.lora_targets), args.lora_vision_merger),
        init_adapter=args.init_adapter,
        awr=AWRConfig(args.weighting, args.beta, args.w_max, args.advantage_norm,
                      args.value_coef, args.entropy_coef, args.l2_coef),
        reward=RewardConfig(progress_scale=args.progress_scale, success_bonus=args.success_bonus,
                            collision_penalty=args.collision_penalty,
                            oscillation_penalty=args.oscillation_penalty,
                            step_cost=args.step_cost),
        gamma=args.gamma,
        td_lambda=args.td_lambda,
        use_expert_labels=not args.no_expert_labels,
        lr=args.lr,
        value_lr=args.value_lr,
        batch_size=args.batch_size,
        accumulate_grad_batches=args.accumulate,
        steps=args.steps,
        epochs=args.epochs,
        num_workers=args.num_workers,
        seed=args.seed,
        accelerator=args.accelerator,
        devices=args.devices,
        strategy=args.strategy,
        precision=args.precision,
        checkpoint_every=args.checkpoint_every,
        resume=args.resume,
        log_every=args.log_every,
        progress_bar=not args.no_progress_bar,
    )


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
