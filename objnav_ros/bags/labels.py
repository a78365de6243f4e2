"""Episode labels kept beside a bag: ``<bag folder>/labels.json`` (bags stay untouched).

Written by the failure miner, read by the dataset. Format (version 1)::

    {
      "format": "objnav_labels", "version": 1,
      "windows": [   # failure windows: steps start_step..end_step (inclusive) of an episode
        {"episode_id": "ep-3", "kind": "oscillation", "start_step": 12, "end_step": 17,
         "severity": 0.8, "detail": "L-R-L-R", "source": "failure_miner"}
      ],
      "relabels": [  # a teacher's action for a step (DAgger): Transition.expert_action;
        # source: who labelled it (the miner: "expert" or "frontier")
        {"episode_id": "ep-3", "step": 12, "expert_action": "TURN_LEFT", "source": "expert"}
      ]
    }

``kind`` is free text; the monitor's kinds are ``oscillation``, ``stuck`` and ``collision``.
``step`` is EpisodeStatus.step of the observation the action answers. Actions are
:class:`~objnav_ros.core.actions.Action` names. Unknown keys are ignored.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path

from objnav_ros.core.actions import Action

FILENAME = "labels.json"
FORMAT = "objnav_labels"
VERSION = 1


@dataclass(frozen=True)
class FailureWindow:
    episode_id: str
    kind: str
    start_step: int
    end_step: int
    severity: float = math.nan
    detail: str = ""
    source: str = ""

    def __post_init__(self) -> None:
        if not self.episode_id or not self.kind:
            raise ValueError("a window needs episode_id and kind")
        if not 0 <= self.start_step <= self.end_step:
            raise ValueError(f"window of {self.episode_id}: need 0 <= start_step <= end_step, "
                             f"got {self.start_step}..{self.end_step}")


@dataclass(frozen=True)
class Relabel:
    episode_id: str
    step: int
    expert_action: Action
    source: str = ""

    def __post_init__(self) -> None:
        if not self.episode_id:
            raise ValueError("a relabel needs episode_id")
        if self.step < 0:
            raise ValueError(f"relabel of {self.episode_id}: step must be >= 0, got {self.step}")
        object.__setattr__(self, "expert_action", Action(self.expert_action))


@dataclass(frozen=True)
class Labels:
    windows: tuple[FailureWindow, ...] = ()
    relabels: tuple[Relabel, ...] = ()
    episodes: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        ids = {w.episode_id for w in self.windows} | {r.episode_id for r in self.relabels}
        object.__setattr__(self, "episodes", frozenset(ids))

    def windows_of(self, episode_id: str) -> list[FailureWindow]:
        return [w for w in self.windows if w.episode_id == episode_id]

    def relabels_of(self, episode_id: str) -> dict[int, Action]:
        return {r.step: r.expert_action for r in self.relabels if r.episode_id == episode_id}


def labels_path(bag: str | Path) -> Path:
    return Path(bag) / FILENAME


def parse_labels(text: str) -> Labels:
    """Labels from JSON text; ValueError naming the first problem."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON ({exc})") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT or doc.get("version") != VERSION:
        raise ValueError(f'expected {{"format": "{FORMAT}", "version": {VERSION}, ...}}')
    try:
        windows = tuple(
            FailureWindow(str(w["episode_id"]), str(w["kind"]), int(w["start_step"]),
                          int(w["end_step"]), float(w.get("severity", math.nan)),
                          str(w.get("detail", "")), str(w.get("source", "")))
            for w in doc.get("windows", []))
        relabels = tuple(
            Relabel(str(r["episode_id"]), int(r["step"]), Action.from_name(r["expert_action"]),
                    str(r.get("source", "")))
            for r in doc.get("relabels", []))
    except KeyError as exc:
        raise ValueError(f"an entry lacks {exc}") from None
    except (TypeError, AttributeError) as exc:
        raise ValueError(f"malformed entry ({exc})") from None
    return Labels(windows, relabels)


def read_labels(bag: str | Path) -> Labels:
    """The bag's labels (none when it has no labels.json); ValueError when it is malformed."""
    path = labels_path(bag)
    if not path.is_file():
        return Labels()
    return parse_labels(path.read_text())


def write_labels(bag: str | Path, labels: Labels) -> Path:
    """Write ``labels`` to ``<bag>/labels.json`` (atomically); returns the path."""
    def entry(item) -> dict:
        data = asdict(item)
        if "expert_action" in data:
            data["expert_action"] = item.expert_action.name
        if isinstance(data.get("severity"), float) and math.isnan(data["severity"]):
            del data["severity"]
        return data

    doc = {"format": FORMAT, "version": VERSION,
           "windows": [entry(w) for w in labels.windows],
           "relabels": [entry(r) for r in labels.relabels]}
    path = labels_path(bag)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(doc, indent=1))
    tmp.replace(path)
    return path
