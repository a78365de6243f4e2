"""Turn a model's free-text answer into an :class:`Action`, or ``None`` when it is invalid.

``None`` stands for ``NavAction.INVALID`` (:data:`objnav_ros.core.actions.INVALID_ACTION_ID`).
Accepted, in this order: a JSON object anywhere in the text (code fences, prose around it,
any key case, nested objects) with an ``Action`` key; an ``Action: value`` pair in
non-JSON text (single quotes, markdown, truncated JSON); prose without braces naming exactly
one action.
Values may be synonyms ("forward", "go straight", "left", ...). The parser never raises.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from objnav_ros.core.actions import Action

SYNONYMS: dict[str, Action] = {
    **{a.text: a for a in Action},
    "halt": Action.STOP,
    "stay": Action.STOP,
    "done": Action.STOP,
    "forward": Action.MOVE_FORWARD,
    "move ahead": Action.MOVE_FORWARD,
    "go forward": Action.MOVE_FORWARD,
    "go ahead": Action.MOVE_FORWARD,
    "go straight": Action.MOVE_FORWARD,
    "move straight": Action.MOVE_FORWARD,
    "straight": Action.MOVE_FORWARD,
    "ahead": Action.MOVE_FORWARD,
    "step forward": Action.MOVE_FORWARD,
    "walk forward": Action.MOVE_FORWARD,
    "left": Action.TURN_LEFT,
    "go left": Action.TURN_LEFT,
    "rotate left": Action.TURN_LEFT,
    "turn to the left": Action.TURN_LEFT,
    "right": Action.TURN_RIGHT,
    "go right": Action.TURN_RIGHT,
    "rotate right": Action.TURN_RIGHT,
    "turn to the right": Action.TURN_RIGHT,
    "up": Action.LOOK_UP,
    "tilt up": Action.LOOK_UP,
    "look upward": Action.LOOK_UP,
    "down": Action.LOOK_DOWN,
    "tilt down": Action.LOOK_DOWN,
    "look downward": Action.LOOK_DOWN,
}

_MAX_OBJECTS = 32  # JSON decode attempts per answer (bounded time on adversarial text)
_KEY_VALUE = re.compile(r"\baction\b[\s\"'*`]*[:=][\s\"'*`]*([a-z][a-z _-]*)", re.IGNORECASE)
_CANONICAL = re.compile(r"\b(" + "|".join(a.text for a in Action) + r")\b")


def _normalise(value: str) -> str:
    """Lower case, ``_``/``-`` as spaces, letters and single spaces only."""
    letters = re.sub(r"[^a-z ]+", " ", value.lower().replace("_", " ").replace("-", " "))
    return " ".join(letters.split())


def action_from_value(value: object) -> Action | None:
    """Map one answer value (``"Move_Forward"``, ``"left."``, ``"go straight on"``) to an action."""
    if not isinstance(value, str):
        return None
    words = _normalise(value)
    if words in SYNONYMS:
        return SYNONYMS[words]
    prefixes = [s for s in SYNONYMS if words.startswith(s + " ")]
    return SYNONYMS[max(prefixes, key=len)] if prefixes else None


def _json_objects(text: str) -> Iterator[dict]:
    decoder = json.JSONDecoder()
    start = text.find("{")
    attempts = 0
    while start != -1 and attempts < _MAX_OBJECTS:
        attempts += 1
        try:
            obj, _ = decoder.raw_decode(text, start)
        except (ValueError, RecursionError):
            obj = None
        if isinstance(obj, dict):
            yield obj
        start = text.find("{", start + 1)


def _action_values(obj: dict) -> Iterator[object]:
    for key, value in obj.items():
        if isinstance(key, str) and key.strip().lower() == "action":
            yield value
        elif isinstance(value, dict):
            yield from _action_values(value)


def parse_action(text: str) -> Action | None:
    """The action named by a model answer; ``None`` (INVALID) when none can be read."""
    if not isinstance(text, str):
        return None
    for obj in _json_objects(text):
        for value in _action_values(obj):
            if (action := action_from_value(value)) is not None:
                return action
    for match in _KEY_VALUE.finditer(text):
        if (action := action_from_value(match.group(1))) is not None:
            return action
    words = _normalise(text)
    if words in SYNONYMS:
        return SYNONYMS[words]
    if "{" in text:  # a JSON answer without a readable Action (e.g. truncated): invalid
        return None
    named = set(_CANONICAL.findall(words))
    return Action.from_name(named.pop()) if len(named) == 1 else None
