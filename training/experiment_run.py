"""The evaluation stage of ``objnav-experiment``: every policy on the same held-out episodes.

Writes ``OUT/eval/episodes.json`` (one row per policy and episode), ``OUT/eval/epa.json``
(expert-path accuracy with the real and a blank image) and trajectory maps of the first
episodes of each house for the frozen base and every AWR adapter.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from objnav_training.experiment_eval import EvalSetup, evaluate_policies

from objnav_ros.core.actions import PRESETS
from objnav_ros.policy.factory import PolicySettings
from objnav_ros.sim.scene_source import SceneSource

MAPS_PER_HOUSE = 1


def eval_setup(config, out: Path) -> EvalSetup:
    """The held-out houses and episodes of an experiment (houses cached in ``OUT/cache``)."""
    return EvalSetup(config.eval_houses, config.eval_episodes, config.width, config.height,
                     config.action_preset, config.max_steps, str(out / "cache" / "objnav_ros"))


def adapter_names(config) -> list[str]:
    """``<weighting>_s<seed>`` of every training run, in table order."""
    return [f"{w}_s{s}" for w in config.weightings for s in config.seeds]


def named_policies(config, out: Path, model: str) -> dict[str, PolicySettings]:
    """frozen, every adapter, random and frontier, all on the experiment's actions."""
    space = PRESETS[config.action_preset]
    vlm = PolicySettings(kind="vlm", actions=space, model_path=model, device=config.device,
                         temperature=config.eval_temperature)
    named = {"frozen": vlm}
    for name in adapter_names(config):
        named[name] = replace(vlm, adapter_path=str(out / "train" / name / "adapter"))
    named["random"] = PolicySettings(kind="random", actions=space)
    named["frontier"] = PolicySettings(kind="frontier", actions=space)
    return named


def check_held_out(setup: EvalSetup, config) -> None:
    """Refuse to evaluate on a house any training stage used (scene ids compared)."""
    trained = {SceneSource(seed=h).generated_name for h in config.training_houses()}
    if overlap := setup.scene_ids() & trained:
        raise ValueError(f"eval_houses: {sorted(overlap)} were used in training")


def evaluate_experiment(config, out: Path, model: str, progress: bool = True) -> Path:
    """Run the evaluation stage; returns the episodes file."""
    setup = eval_setup(config, out)
    check_held_out(setup, config)
    maps = out / "eval" / "maps"
    maps.mkdir(parents=True, exist_ok=True)
    firsts = [f"{h}_{i}" for h in config.eval_houses for i in range(MAPS_PER_HOUSE)]
    results = evaluate_policies(setup, named_policies(config, out, model), maps, firsts,
                                progress)
    rows = [row for evaluation in results.values() for row in evaluation.rows()]
    epa = {name: {"epa": e.epa.percent, "steps": e.epa.total,
                  "epa_blank": e.epa_blank.percent if e.epa_blank else None}
           for name, e in results.items() if e.epa is not None}
    (out / "eval" / "episodes.json").write_text(json.dumps(rows, indent=1))
    (out / "eval" / "epa.json").write_text(json.dumps(epa, indent=2))
    return out / "eval" / "episodes.json"
