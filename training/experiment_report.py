"""The report of ``objnav-experiment``: every run, intervals, targets, charts and maps.

Reads ``OUT/eval`` and ``OUT/train`` and writes ``OUT/report``: ``report.json`` (everything,
machine-readable), ``policies.csv`` (one row per policy), ``README.md`` (tables and pictures),
``sr.png`` (success rates with 95 % Wilson intervals), ``curves.png`` (training curves of every
run) and ``maps/`` (the same episodes driven by the frozen base and the AWR adapters).
"""

from __future__ import annotations

import csv
import json
import math
import shutil
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from objnav_training.experiment_run import adapter_names
from objnav_training.report import read_curves
from objnav_training.stats import paired_bootstrap, wilson

TARGETS = {"base_vs_random_points": 10.0, "blank_epa_drop_points": 10.0,
           "sr_gain_awr_points": 15.0}


def policy_summary(rows: Sequence[dict], epa: dict | None) -> dict:
    """SR with its Wilson interval, SPL, failures per episode, EPA (real and blank image)."""
    n = len(rows)
    wins = sum(bool(r["success"]) for r in rows)
    low, high = wilson(wins, n)
    return {
        "episodes": n,
        "successes": wins,
        "sr": 100.0 * wins / n,
        "sr_low": 100.0 * low,
        "sr_high": 100.0 * high,
        "spl": float(np.mean([r["spl"] for r in rows])),
        "collisions_per_episode": float(np.mean([r["collisions"] for r in rows])),
        "stuck_episodes": sum(r["stuck"] > 0 for r in rows),
        "oscillation_episodes": sum(r["oscillation"] > 0 for r in rows),
        "mean_steps": float(np.mean([r["steps"] for r in rows])),
        "valid_percent": 100.0 * sum(r["valid"] for r in rows) / max(1, sum(r["decisions"]
                                                                            for r in rows)),
        "epa": epa["epa"] if epa else math.nan,
        "epa_blank": epa["epa_blank"] if epa and epa["epa_blank"] is not None else math.nan,
    }


def success_vector(rows: Sequence[dict]) -> np.ndarray:
    """Successes ordered by (house, episode id): the pairing key across policies."""
    ordered = sorted(rows, key=lambda r: (r["house"], int(r["episode_id"])))
    return np.array([float(r["success"]) for r in ordered])


def analyse(config, rows: Sequence[dict], epa: dict) -> dict:
    """Per policy, per weighting (mean and spread over seeds), paired gains and targets."""
    by_policy: dict[str, list[dict]] = {}
    for row in rows:
        by_policy.setdefault(row["policy"], []).append(row)
    policies = {name: policy_summary(group, epa.get(name)) for name, group in by_policy.items()}
    frozen = success_vector(by_policy["frozen"])
    for name in by_policy:
        gain, low, high = paired_bootstrap(100 * success_vector(by_policy[name]), 100 * frozen)
        policies[name].update(gain_points=gain, gain_low=low, gain_high=high)
    weightings = {}
    for weighting in config.weightings:
        names = [f"{weighting}_s{s}" for s in config.seeds]
        srs = [policies[n]["sr"] for n in names]
        mean_success = np.mean([success_vector(by_policy[n]) for n in names], axis=0)
        gain, low, high = paired_bootstrap(100 * mean_success, 100 * frozen)
        weightings[weighting] = {
            "runs": names, "sr_mean": float(np.mean(srs)), "sr_min": float(np.min(srs)),
            "sr_max": float(np.max(srs)), "sr_std": float(np.std(srs)),
            "gain_points": gain, "gain_low": low, "gain_high": high,
            "collisions_per_episode": float(np.mean([policies[n]["collisions_per_episode"]
                                                     for n in names])),
            "epa_mean": float(np.mean([policies[n]["epa"] for n in names])),
            "improved_runs": sum(policies[n]["gain_points"] > 0 for n in names),
        }
    return {"policies": policies, "weightings": weightings, "targets": targets(policies,
                                                                               weightings)}


def targets(policies: dict, weightings: dict) -> dict:
    """Each target of the experiment with the measured value and whether it is met."""
    frozen, random = policies["frozen"], policies["random"]
    checks = {
        "base_vs_random_points": (frozen["sr"] - random["sr"], TARGETS["base_vs_random_points"]),
        "blank_epa_drop_points": (frozen["epa"] - frozen["epa_blank"],
                                  TARGETS["blank_epa_drop_points"]),
    }
    awr = weightings.get("awr")
    if awr:
        checks["sr_gain_awr_points"] = (awr["gain_points"], TARGETS["sr_gain_awr_points"])
        checks["paired_ci_low_points"] = (awr["gain_low"], 0.0)
        if "bc" in weightings:
            checks["awr_minus_bc_points"] = (awr["sr_mean"] - weightings["bc"]["sr_mean"], 0.0)
        checks["frozen_minus_awr_collisions"] = (
            frozen["collisions_per_episode"] - awr["collisions_per_episode"], 0.0)
    return {name: {"value": value, "target": f">= {goal}" if name != "paired_ci_low_points"
                   else f"> {goal}", "met": bool(value > goal if name == "paired_ci_low_points"
                                                 else value >= goal)}
            for name, (value, goal) in checks.items()}


def plot_sr(policies: dict, png: Path) -> None:
    """Bars of SR with 95 % Wilson intervals, one per policy."""
    names = list(policies)
    figure = Figure(figsize=(max(6, 0.55 * len(names)), 4), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot(1, 1, 1)
    sr = [policies[n]["sr"] for n in names]
    errors = [[s - policies[n]["sr_low"] for s, n in zip(sr, names, strict=True)],
              [policies[n]["sr_high"] - s for s, n in zip(sr, names, strict=True)]]
    colours = ["tab:grey" if n in ("random", "frontier") else
               "tab:blue" if n == "frozen" else "tab:orange" for n in names]
    axes.bar(range(len(names)), sr, yerr=errors, capsize=3, color=colours)
    axes.set_xticks(range(len(names)))
    axes.set_xticklabels(names, rotation=60, ha="right", fontsize=8)
    axes.set_ylabel("success rate % (95 % Wilson)")
    figure.tight_layout()
    figure.savefig(png)


def plot_curves(train_dir: Path, names: Sequence[str], png: Path) -> None:
    """Actor loss and accuracy of every training run."""
    figure = Figure(figsize=(12, 4), dpi=100)
    FigureCanvasAgg(figure)
    panels = [figure.add_subplot(1, 2, k + 1) for k in range(2)]
    for name in names:
        for log in sorted((train_dir / name / "logs").glob("version_*/metrics.csv")):
            curves = read_curves(log)
            for axes, key in zip(panels, ("loss/actor", "policy/accuracy"), strict=True):
                if curves.get(key):
                    axes.plot(*zip(*curves[key], strict=True), label=name, linewidth=1)
    for axes, key in zip(panels, ("loss/actor", "policy/accuracy"), strict=True):
        axes.set_title(key)
        axes.set_xlabel("optimizer step")
        if axes.lines:
            axes.legend(fontsize=6)
    figure.tight_layout()
    figure.savefig(png)


def _fmt(value: float, digits: int = 1) -> str:
    return "n/a" if value is None or (isinstance(value, float) and math.isnan(value)) \
        else f"{value:.{digits}f}"


def markdown(config, result: dict, base: dict, command: str) -> str:
    """The report page: policies, weightings, targets, pictures."""
    p, w = result["policies"], result["weightings"]
    lines = ["# objnav-experiment report", "", f"Command: `{command}`", "",
             f"Evaluation: {len(config.eval_houses)} held-out houses (seeds "
             f"{', '.join(map(str, config.eval_houses))}), {p['frozen']['episodes']} episodes, "
             f"the same for every policy; VLM decoding: "
             + ("greedy (argmax)" if config.eval_temperature == 0 else
                f"sampled from pi(a|s) at temperature {config.eval_temperature}") + ".", "",
             "| policy | SR % [95 % Wilson] | paired SR gain vs frozen, points [bootstrap 95 %] "
             "| SPL | EPA % | EPA blank % | collisions / ep | stuck eps | oscillation eps |",
             "|---|---|---|---|---|---|---|---|---|"]
    for name, s in p.items():
        gain = "" if name == "frozen" else (f"{_fmt(s['gain_points'])} "
                                            f"[{_fmt(s['gain_low'])}, {_fmt(s['gain_high'])}]")
        lines.append(f"| {name} | {_fmt(s['sr'])} [{_fmt(s['sr_low'])}, {_fmt(s['sr_high'])}] "
                     f"| {gain} | {_fmt(s['spl'], 3)} | {_fmt(s['epa'])} | "
                     f"{_fmt(s['epa_blank'])} | {_fmt(s['collisions_per_episode'], 2)} | "
                     f"{s['stuck_episodes']} | {s['oscillation_episodes']} |")
    lines += ["", f"Per weighting ({len(config.seeds)} training seeds):", "",
              "| weighting | SR mean % | SR min-max | std | seed-mean gain vs frozen [95 %] "
              "| runs improved | collisions / ep |", "|---|---|---|---|---|---|---|"]
    for name, s in w.items():
        lines.append(f"| {name} | {_fmt(s['sr_mean'])} | {_fmt(s['sr_min'])}-{_fmt(s['sr_max'])} "
                     f"| {_fmt(s['sr_std'])} | {_fmt(s['gain_points'])} [{_fmt(s['gain_low'])}, "
                     f"{_fmt(s['gain_high'])}] | {s['improved_runs']}/{len(s['runs'])} | "
                     f"{_fmt(s['collisions_per_episode'], 2)} |")
    lines += ["", "Targets:", "", "| target | measured | goal | met |", "|---|---|---|---|"]
    for name, t in result["targets"].items():
        lines.append(f"| {name} | {_fmt(t['value'])} | {t['target']} | "
                     f"{'yes' if t['met'] else 'NO'} |")
    if base:
        lines += ["", "Base model (held-out base houses): " + ", ".join(
            f"{k} {_fmt(v) if isinstance(v, float) else v}" for k, v in base.items()) + "."]
    lines += ["", "![success rates](sr.png)", "", "![training curves](curves.png)", "",
              "Trajectories (the first episode of each house: frozen base, AWR, AWR + DAgger, "
              f"seed {config.seeds[0]}):", ""]
    return "\n".join(lines) + "\n"


def write_report(config, out: Path, model: str, command: str = "objnav-experiment") -> Path:
    """All report files under ``OUT/report``; returns README.md."""
    report = out / "report"
    report.mkdir(parents=True, exist_ok=True)
    rows = json.loads((out / "eval" / "episodes.json").read_text())
    epa = json.loads((out / "eval" / "epa.json").read_text())
    result = analyse(config, rows, epa)
    base_file = Path(model) / "base_model.json"
    base = json.loads(base_file.read_text())["metrics"] if base_file.is_file() else {}
    runs = {name: json.loads((out / "train" / name / "metrics.json").read_text())
            for name in adapter_names(config) if (out / "train" / name / "metrics.json").is_file()}
    minutes = {p.stem: json.loads(p.read_text())["minutes"]
               for p in sorted((out / "stages").glob("*.json"))}
    (report / "report.json").write_text(json.dumps(
        {**result, "base_model": base, "training_runs": runs, "stage_minutes": minutes,
         "model": model}, indent=2, default=float))
    with open(report / "policies.csv", "w", newline="") as handle:
        fields = ["policy", *next(iter(result["policies"].values()))]
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows({"policy": n, **s} for n, s in result["policies"].items())
    plot_sr(result["policies"], report / "sr.png")
    plot_curves(out / "train", adapter_names(config), report / "curves.png")
    shutil.rmtree(report / "maps", ignore_errors=True)
    shown = ("frozen", *(f"{w}_s{config.seeds[0]}" for w in ("awr", "awr_dagger")))
    maps = [m for m in sorted((out / "eval" / "maps").glob("*.png"))
            if m.stem.split("_", 2)[-1] in shown]
    (report / "maps").mkdir()
    for m in maps:
        shutil.copy2(m, report / "maps" / m.name)
    page = markdown(config, result, base, command)
    lines = [f"![{m.stem}](maps/{m.name})" for m in sorted((report / "maps").glob("*.png"))]
    (report / "README.md").write_text(page + "\n".join(lines) + "\n")
    return report / "README.md"
