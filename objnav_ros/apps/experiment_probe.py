"""Probe an experiment's run folder: more policies on its held-out episodes, paired with frozen.

    python -m objnav_ros.apps.experiment_probe --out out/experiment frozen@0 frozen@0.5 \
        runs/my_adapter@1.0

Each ``POLICY@TEMPERATURE`` is ``frozen``, a run of the experiment (``awr_s0``) or an adapter
folder, decoded at that temperature on the same episodes as the experiment's evaluation
(houses, episodes, camera and actions from ``OUT/config.json``). One JSON line per policy:
SR with its Wilson interval, the paired gain against the experiment's own frozen base with
its bootstrap interval, collisions per episode. Nothing in ``OUT`` is changed.

``--houses finetune`` runs them in the fine-tuning houses instead (as many episodes per
house), the frozen base too, to pair with: does a gain in the houses an adapter was trained
in carry to the held-out ones?
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

from objnav_ros.apps.experiment import RUN_CONFIG, read_run_config
from objnav_training.experiment_report import success_vector
from objnav_training.stats import paired_bootstrap, wilson

HOUSES = ("eval", "finetune")
FROZEN = Path("eval", "policies", "frozen.json")  # the run's frozen evaluation, in OUT


def parse_policy(spec: str) -> tuple[str, float]:
    """``NAME@TEMPERATURE`` -> (name, temperature); ValueError naming the spec."""
    name, sep, temperature = spec.rpartition("@")
    try:
        value = float(temperature)
    except ValueError:
        value = -1.0
    if not sep or not name or value < 0:
        raise ValueError(f"policy {spec!r}: expected NAME@TEMPERATURE with TEMPERATURE >= 0")
    return name, value


def probe(out: Path, specs: list[str], progress: bool = True,
          houses: str = HOUSES[0]) -> list[dict]:
    """Evaluate ``specs`` on the run's evaluation episodes (or in its fine-tuning houses)."""
    from objnav_training.experiment_eval import evaluate_policies
    from objnav_training.experiment_run import eval_setup, named_policies

    config, model = read_run_config(out)
    named = named_policies(config, out, model)
    held_out = houses == HOUSES[0]
    pair = f"frozen@{config.eval_temperature}"
    todo = {} if held_out else {pair: named["frozen"]}
    for spec in specs:
        name, temperature = parse_policy(spec)
        if name in named:
            settings = named[name]
        elif (Path(name) / "adapter_config.json").is_file():
            settings = dataclasses.replace(named["frozen"], adapter_path=str(Path(name).resolve()))
        else:
            raise ValueError(f"policy {spec!r}: neither a policy of {out} nor an adapter folder")
        todo[spec] = dataclasses.replace(settings, temperature=temperature)
    setup = eval_setup(config, out, () if held_out else config.finetune_houses)
    results = evaluate_policies(setup, todo, progress=progress, blank_for=())
    frozen = (json.loads((out / FROZEN).read_text())["rows"] if held_out
              else results[pair].rows())
    summaries = []
    for spec, evaluated in results.items():
        rows = evaluated.rows()
        wins = success_vector(rows)
        low, high = wilson(int(wins.sum()), len(wins))
        gain, gain_low, gain_high = paired_bootstrap(wins, success_vector(frozen))
        summaries.append({
            "policy": spec, "houses": list(setup.house_seeds), "episodes": len(rows),
            "sr": 100 * wins.mean(),
            "sr_low": 100 * low, "sr_high": 100 * high, "gain_points": 100 * gain,
            "gain_low": 100 * gain_low, "gain_high": 100 * gain_high,
            "collisions_per_episode": sum(r["collisions"] for r in rows) / len(rows),
            "successes": [int(w) for w in wins]})
    return summaries


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="experiment_probe", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("out/experiment"),
                        help="the experiment's run folder (evaluated already)")
    parser.add_argument("policies", nargs="+", metavar="POLICY@TEMPERATURE")
    parser.add_argument("--houses", choices=HOUSES, default=HOUSES[0],
                        help="eval: the held-out episodes; finetune: the fine-tuning houses, "
                             "paired with the frozen base evaluated there too")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    needed = FROZEN if args.houses == HOUSES[0] else RUN_CONFIG
    if not (args.out / needed).is_file():
        parser.exit(2, f"experiment_probe: {args.out / needed}: missing; run objnav-experiment "
                       f"--out {args.out} first\n")
    try:
        for summary in probe(args.out, args.policies, not args.quiet, args.houses):
            print(json.dumps(summary), flush=True)
    except ValueError as err:
        parser.exit(2, f"experiment_probe: {err}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
