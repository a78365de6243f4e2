"""What an adapter was trained with, written beside it and checked before it is used.

``objnav-train`` writes ``objnav_adapter.json`` into the adapter folder: the action preset and
amounts, the prompt, the image size bounds and a fingerprint of the base model. The policy
(node, ``objnav-eval``, ``objnav-experiment``) refuses an adapter whose record disagrees with
how it is about to run, with one line naming the adapter, the field and both values.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from pathlib import Path

from objnav_ros.core.actions import ActionSpace
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


def adapter_record(model_path: str | Path, space: ActionSpace, preset: str, prompt: str,
                   min_pixels: int, max_pixels: int, **extra) -> dict:
    """The record of an adapter trained on ``model_path`` with these settings."""
    return {"base_model": model_fingerprint(model_path), "base_model_path": str(model_path),
            "action_preset": preset, "action_space": _space(space), "prompt": prompt,
            "min_pixels": min_pixels, "max_pixels": max_pixels, **extra}


def write_record(adapter_dir: str | Path, record: dict) -> Path:
    path = Path(adapter_dir) / RECORD
    path.write_text(json.dumps(record, indent=2, default=str))
    return path


def _space(space: ActionSpace) -> dict:
    values = asdict(space)
    values["actions"] = [a.name for a in space.actions]
    return values


def check_record(adapter_dir: str | Path, model_path: str | Path, space: ActionSpace,
                 prompt: str, min_pixels: int = 0, max_pixels: int = 0) -> None:
    """ModelLoadError when the adapter's record disagrees; adapters without one pass."""
    path = Path(adapter_dir) / RECORD
    if not path.is_file():
        return
    check_model_folder(model_path)
    try:
        record = json.loads(path.read_text())
    except (OSError, ValueError) as err:
        raise ModelLoadError("adapter_path", adapter_dir, f"unreadable {RECORD} ({err})",
                             "the JSON record objnav-train writes") from None
    now = {"base_model": model_fingerprint(model_path), "action_space": _space(space),
           "prompt": prompt, "min_pixels": min_pixels, "max_pixels": max_pixels}
    for field, value in now.items():
        if field in record and record[field] != value:
            raise ModelLoadError(
                "adapter_path", adapter_dir,
                f"{RECORD} says it was trained with {field} {record[field]!r}, "
                f"but this run uses {value!r}", f"the {field} the adapter was trained with")
