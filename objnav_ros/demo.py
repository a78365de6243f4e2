"""``make demo``: the whole loop on CPU, each stage the command a user would run.

1. build a tiny random-weight Qwen2.5-VL (real Qwen vocabulary) -- or use ``--model``;
2. record expert episodes as rosbag2 bags through the ROS node graph (``objnav-collect``:
   simulator bridge + shortest-path expert policy + recorder over loopback DDS);
3. fine-tune only the LoRA adapter with AWR on those bags (``objnav-train``);
4. evaluate frozen vs fine-tuned (+ random and frontier baselines) in the simulator
   (``objnav-eval``): SR, SPL, EPA, valid-action %, stuck/oscillation counts;
5. write ``OUT/report/README.md`` with the table, the training curve and trajectory maps.

With a real model (``--model /models/SpaceQwen2.5-VL-3B-Instruct --width 640 --height 480``
on a GPU) the same command line does the real run.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

from objnav_ros.core.dds import loopback_env


def stage(title: str, command: list[str], env: dict) -> None:
    print(f"\n== {title}\n$ {' '.join(command)}", flush=True)
    began = time.monotonic()
    result = subprocess.run(command, env=env)
    if result.returncode:
        raise SystemExit(f"demo: stage '{title}' failed with exit status {result.returncode}")
    print(f"== {title}: done in {time.monotonic() - began:.0f} s", flush=True)


def tool(module: str) -> list[str]:
    return [sys.executable, "-m", module]


def write_report(out: Path) -> Path:
    """OUT/report/README.md: evaluation table, training curve and maps in one page."""
    report = out / "report"
    shutil.copy2(out / "train" / "training_curves.png", report / "training_curves.png")
    maps = sorted((report / "maps").glob("*.png"))
    lines = [
        "# objnav_ros demo report", "",
        "Evaluation (`objnav-eval`, same house and episodes the expert bags were recorded on):",
        "", (report / "eval.md").read_text().strip(), "",
        "![evaluation](eval.png)", "", "Training (`objnav-train`, AWR on the LoRA adapter):", "",
        "![training curve](training_curves.png)", "", "Trajectories:", "",
        *[f"![{m.stem}](maps/{m.name})" for m in maps],
    ]
    page = report / "README.md"
    page.write_text("\n".join(lines) + "\n")
    return page


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="objnav-demo", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("out/demo"))
    parser.add_argument("--model", default="", help="model folder; empty = build a tiny one")
    parser.add_argument("--episodes", type=int, default=12, help="expert episodes to record")
    parser.add_argument("--eval-episodes", type=int, default=8)
    parser.add_argument("--steps", type=int, default=400, help="AWR optimizer steps")
    parser.add_argument("--lr", type=float, default=3e-2,
                        help="LoRA learning rate (a random tiny model needs a large one; "
                             "use ~1e-4 for a pretrained 3B model)")
    parser.add_argument("--action-preset", choices=("seed", "habitat"), default="seed",
                        help="seed: 0.4 m / 15 deg / no STOP, as the seed experiment")
    parser.add_argument("--seed", type=int, default=1, help="house and episode seed")
    parser.add_argument("--width", type=int, default=160)
    parser.add_argument("--height", type=int, default=120)
    parser.add_argument("--max-steps", type=int, default=150, help="episode step limit")
    args = parser.parse_args(argv)
    out = args.out.resolve()
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    env = loopback_env(domain_id=42)
    env["XDG_CACHE_HOME"] = str(out / "cache")  # the generated house lives with the run
    sim = ["--seed", str(args.seed), "--width", str(args.width), "--height", str(args.height),
           "--max-steps", str(args.max_steps)]
    actions = ["--actions", args.action_preset]
    began = time.monotonic()

    model = args.model
    if not model:
        model = str(out / "model")
        stage("build a tiny Qwen2.5-VL (random weights, real vocabulary)",
              [*tool("objnav_ros.policy.tiny_model"), model, "--vocab", "qwen"], env)
    stage("record expert bags through the ROS graph",
          [*tool("objnav_ros.collect"), "--episodes", str(args.episodes), "--out",
           str(out / "bags"), "--policy", "expert", "--action-preset", args.action_preset, *sim],
          env)
    stage("fine-tune the LoRA adapter with AWR",
          [*tool("objnav_training.train_cli"), "--bags", str(out / "bags"), "--model", model,
           "--out", str(out / "train"), "--steps", str(args.steps), "--lr", str(args.lr),
           "--batch-size", "4", "--accumulate", "1", *actions], env)
    stage("evaluate frozen vs fine-tuned",
          [*tool("objnav_training.eval_cli"), "--model", model, "--adapter",
           str(out / "train" / "adapter"), "--baseline", "random", "frontier", "--out",
           str(out / "report"), "--n-episodes", str(args.eval_episodes), *actions, *sim], env)
    page = write_report(out)
    print(f"\ndemo finished in {time.monotonic() - began:.0f} s; report: {page}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
