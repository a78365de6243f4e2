"""The ObjectNav prompt: a template (``$goal``, ``$actions``, ``$history``) and its JSON answer.

Both decision modes share the prefix built here (chat template + image + user text +
assistant header); score mode appends :func:`answer_text` for every allowed action.
"""

from __future__ import annotations

import json
import string
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from objnav_ros.core.actions import Action

PLACEHOLDERS = frozenset({"goal", "actions", "history"})
NO_HISTORY = "none"
"""What ``$history`` says at the start of an episode."""
IMAGE = "<image>"
"""Where the camera image goes in a prompt text (without it: before the text)."""
PROMPT_FILE = "objnav_prompt.txt"
"""A model folder may carry the prompt it was trained with under this name."""


@dataclass(frozen=True)
class PromptTemplate:
    """User text with ``string.Template`` placeholders.

    ``$goal`` (required), ``$actions`` (the allowed ones) and ``$history`` (the actions
    executed before, oldest first; ``none`` at the start of an episode).
    """

    text: str

    def __post_init__(self) -> None:
        template = string.Template(self.text)
        if not template.is_valid():
            raise ValueError("text: invalid $placeholder syntax (write $$ for a literal $)")
        names = set(template.get_identifiers())
        if unknown := names - PLACEHOLDERS:
            raise ValueError(f"text: unknown placeholders {sorted(unknown)}; "
                             f"expected {sorted(PLACEHOLDERS)}")
        if "goal" not in names:
            raise ValueError("text: the prompt must contain the $goal placeholder")

    @classmethod
    def load(cls, path: str | Path = "") -> PromptTemplate:
        """Read ``path`` (stripped); an empty path reads the packaged ``prompts/objectnav.txt``."""
        if not path:
            packaged = resources.files("objnav_ros.policy") / "prompts" / "objectnav.txt"
            return cls(packaged.read_text(encoding="utf-8").strip())
        file = Path(path)
        if not file.is_file():
            raise ValueError(f"prompt_file: {file} does not exist")
        return cls(file.read_text(encoding="utf-8").strip())

    @classmethod
    def resolve(cls, path: str | Path, model_path: str | Path) -> PromptTemplate:
        """``path`` if given, else the model folder's :data:`PROMPT_FILE`, else the packaged one."""
        carried = Path(model_path) / PROMPT_FILE
        if not path and carried.is_file():
            return cls.load(carried)
        return cls.load(path)

    def user_text(self, goal: str, actions: Sequence[Action],
                  history: Sequence[Action] = ()) -> str:
        """The user message for one goal category, the allowed actions and the recent ones."""
        listed = ", ".join(f'"{a.text}"' for a in actions)
        recent = ", ".join(a.text for a in history) or NO_HISTORY
        return string.Template(self.text).substitute(goal=goal, actions=listed, history=recent)

    def messages(self, goal: str, actions: Sequence[Action],
                 history: Sequence[Action] = ()) -> list[dict]:
        """One user turn: the camera image where the text says ``<image>``, else first."""
        before, marker, after = self.user_text(goal, actions, history).partition(IMAGE)
        if not marker:
            before, after = "", before
        parts = [{"type": "text", "text": before.strip()}, {"type": "image"},
                 {"type": "text", "text": after.strip()}]
        return [{"role": "user", "content": [p for p in parts if p.get("text", True)]}]

    def render(self, processor, goal: str, actions: Sequence[Action],
               history: Sequence[Action] = ()) -> str:
        """The shared prompt prefix as text, ending with the assistant header."""
        return processor.apply_chat_template(
            self.messages(goal, actions, history), add_generation_prompt=True, tokenize=False
        )


def answer_text(action: Action) -> str:
    """The JSON answer naming ``action``, Observation and Reasoning left empty (as in training)."""
    return json.dumps({"Observation": "", "Reasoning": "", "Action": action.text})
