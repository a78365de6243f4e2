"""The evaluation stage of ``objnav-experiment``: every policy on the same held-out episodes.

Writes ``OUT/eval/episodes.json`` (one row per policy and episode), ``OUT/eval/epa.json``
(expert-path accuracy with the real and a blank image) and trajectory maps of the first
episodes of each house for every policy. Each policy's results are also kept in
``OUT/eval/policies/<name>.json`` with a key of everything that shaped them (episodes, policy
settings, base model and adapter weights): a policy whose key is unchanged is not run again.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import replace
from pathlib import Path

from objnav_ros.core.actions import PRESETS
from objnav_ros.core.fingerprint import settings_hash
from objnav_ros.policy.adapter_record import model_fingerprint
from objnav_ros.policy.factory import PolicySettings
from objnav_ros.sim.scene_source import SceneSource
from objnav_training.experiment_eval import EvalSetup, evaluate_policies

MAPS_PER_HOUSE = 1


def eval_setup(config, out: Path, houses: tuple[int, ...] = ()) -> EvalSetup:
    """An experiment's held-out houses (or ``houses``) and episodes (cached in ``OUT/cache``)."""
    return EvalSetup(houses or config.eval_houses, config.eval_episodes, config.width,
                     config.height, config.action_preset, config.max_steps,
                     str(out / "cache" / "objnav_ros"))


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


def policy_key(setup: EvalSetup, settings: PolicySettings) -> str:
    """What shaped a policy's results: the episodes, its settings, the weights it loads."""
    weights = []
    if settings.kind == "vlm":
        weights.append(model_fingerprint(settings.model_path))
        if settings.adapter_path:
            adapter = Path(settings.adapter_path) / "adapter_model.safetensors"
            weights.append(hashlib.sha256(adapter.read_bytes()).hexdigest())
    return settings_hash([dataclasses.asdict(setup), dataclasses.asdict(settings), weights,
                          MAPS_PER_HOUSE])


def evaluate_experiment(config, out: Path, model: str, progress: bool = True,
                        keep: bool = True) -> Path:
    """Run the evaluation stage; ``keep``: policies evaluated earlier on the same key are kept."""
    setup = eval_setup(config, out)
    check_held_out(setup, config)
    maps = out / "eval" / "maps"
    kept = out / "eval" / "policies"
    maps.mkdir(parents=True, exist_ok=True)
    kept.mkdir(parents=True, exist_ok=True)
    named = named_policies(config, out, model)
    keys = {name: policy_key(setup, settings) for name, settings in named.items()}

    def earlier(name: str) -> dict | None:
        path = kept / f"{name}.json"
        record = json.loads(path.read_text()) if keep and path.is_file() else {}
        return record if record.get("key") == keys[name] else None

    records = {name: earlier(name) for name in named}
    firsts = [f"{h}_{i}" for h in config.eval_houses for i in range(MAPS_PER_HOUSE)]
    todo = {name: settings for name, settings in named.items() if records[name] is None}
    for name, e in evaluate_policies(setup, todo, maps, firsts, progress).items():
        epa = None if e.epa is None else {
            "epa": e.epa.percent, "steps": e.epa.total,
            "epa_blank": e.epa_blank.percent if e.epa_blank else None}
        records[name] = {"key": keys[name], "rows": e.rows(), "epa": epa}
        (kept / f"{name}.json").write_text(json.dumps(records[name], indent=1))
    rows = [row for record in records.values() for row in record["rows"]]
    epa = {name: record["epa"] for name, record in records.items() if record["epa"]}
    (out / "eval" / "episodes.json").write_text(json.dumps(rows, indent=1))
    (out / "eval" / "epa.json").write_text(json.dumps(epa, indent=2))
    return out / "eval" / "episodes.json"
