"""What an adapter was trained with, written beside it and checked before it is used.

``objnav-train`` writes ``objnav_adapter.json`` into the adapter folder: a fingerprint of the
base model, the action preset and its allowed actions, the run contract of the training bags
(action amounts and camera model, :mod:`objnav_ros.core.contract`), the prompt and the image
size bounds. The policy (node, ``objnav-eval``, ``objnav-mine``, ``objnav-experiment``)
refuses an adapter whose record disagrees with how it is about to run, with one line naming
the adapter, the field and both values; contract fields the run does not know are skipped.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

from objnav_ros.core.actions import Action
from objnav_ros.core.contract import RunContract
from objnav_ros.policy.loader import ModelLoadError, check_model_folder

RECORD = "objnav_adapter.json"
_CHUNK = 1 << 20


def model_fingerprint(model_path: str | Path) -> str:
    """sha256 of config.json and, per weight file, its size and first/middle/last MiB."""
    folder = Path(model_path)
    digest = hashlib.sha256((folder / "config.json").read_bytes())
    for weights in sorted(folder.glob("*.safetensors")):
        size = weights.stat().st_size
        digest.update(f"{weights.name}:{size}".encode())
        with open(weights, "rb") as handle:
            for offset in sorted({0, max(0, size // 2 - _CHUNK // 2), max(0, size - _CHUNK)}):
                handle.seek(offset)
                digest.update(handle.read(_CHUNK))
    return digest.hexdigest()


def adapter_record(model_path: str | Path, actions: Sequence[Action], preset: str,
                   contract: RunContract, prompt: str, min_pixels: int, max_pixels: int,
                   **extra) -> dict:
    """The record of an adapter trained on ``model_path`` with these settings."""
    return {"base_model": model_fingerprint(model_path), "base_model_path": str(model_path),
            "action_preset": preset, "actions": [a.name for a in actions],
            "run_contract": contract.to_dict(), "prompt": prompt,
            "min_pixels": min_pixels, "max_pixels": max_pixels, **extra}


def write_record(adapter_dir: str | Path, record: dict) -> Path:
    path = Path(adapter_dir) / RECORD
    path.write_text(json.dumps(record, indent=2, default=str))
    return path


def check_record(adapter_dir: str | Path, model_path: str | Path, actions: Sequence[Action],
                 contract: RunContract, prompt: str, min_pixels: int = 0,
                 max_pixels: int = 0) -> None:
    """ModelLoadError when the adapter's record disagrees; adapters without one pass."""
    path = Path(adapter_dir) / RECORD
    if not path.is_file():
        return
    check_model_folder(model_path)
    try:
        record = json.loads(path.read_text())
        trained = RunContract.from_dict(record.get("run_contract", {}))
    except (OSError, ValueError, TypeError, AttributeError) as err:
        raise ModelLoadError("adapter_path", adapter_dir, f"unreadable {RECORD} ({err})",
                             "the JSON record objnav-train writes") from None

    def refuse(field: str, was: object, now: object) -> ModelLoadError:
        return ModelLoadError("adapter_path", adapter_dir,
                              f"{RECORD} says it was trained with {field} {was!r}, "
                              f"but this run uses {now!r}",
                              f"the {field} the adapter was trained with")

    for field, value in (("base_model", model_fingerprint(model_path)),
                         ("actions", [a.name for a in actions])):
        if field in record and record[field] != value:
            raise refuse(field, record[field], value)
    mismatch = trained.differences(contract)
    if mismatch:
        field, was, now = mismatch[0]
        raise refuse(f"run contract {field}", was, now)
    for field, value in (("prompt", prompt), ("min_pixels", min_pixels),
                         ("max_pixels", max_pixels)):
        if field in record and record[field] != value:
            raise refuse(field, record[field], value)
