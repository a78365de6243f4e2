"""Short content hashes that tell whether a stage's inputs changed since it last ran."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path


def settings_hash(value: object) -> str:
    """16 hex digits of the sha256 of ``value`` as sorted JSON (``str`` for other types)."""
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()[:16]


def tree_fingerprint(folders: Iterable[str | Path]) -> str:
    """:func:`settings_hash` of every file's path, size and modification time below ``folders``."""
    files = sorted((str(f), f.stat().st_size, f.stat().st_mtime_ns)
                   for folder in folders for f in Path(folder).rglob("*") if f.is_file())
    return settings_hash(files)
