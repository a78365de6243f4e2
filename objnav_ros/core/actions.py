"""The one action vocabulary shared by simulator, policy, bags and training.

Ids equal the constants of ``objnav_ros/msg/NavAction`` and names equal habitat's
ObjectNav action names. Amounts live in :class:`ActionSpace`, never in the ids.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from objnav_ros.core.schema import Setting


class Action(enum.IntEnum):
    """Discrete ObjectNav actions (habitat names; values = NavAction constants)."""

    STOP = 0
    MOVE_FORWARD = 1
    TURN_LEFT = 2
    TURN_RIGHT = 3
    LOOK_UP = 4
    LOOK_DOWN = 5

    @property
    def text(self) -> str:
        """Lower-case words used in prompts and model answers, e.g. ``move forward``."""
        return self.name.lower().replace("_", " ")

    @classmethod
    def from_name(cls, name: str) -> Action:
        """Parse ``MOVE_FORWARD`` / ``move_forward`` / ``move forward``; ValueError otherwise."""
        key = str(name).strip().upper().replace(" ", "_").replace("-", "_")
        try:
            return cls[key]
        except KeyError:
            valid = ", ".join(a.name for a in cls)
            raise ValueError(f"unknown action {name!r}; expected one of {valid}") from None

    @classmethod
    def from_id(cls, action_id: int) -> Action:
        """Action for a NavAction id; ValueError naming the valid ids otherwise."""
        try:
            return cls(int(action_id))
        except ValueError:
            raise ValueError(
                f"unknown action id {action_id}; expected 0..{len(cls) - 1}"
            ) from None


INVALID_ACTION_ID = 255
"""NavAction.INVALID: an answer that could not be parsed (never executed)."""


@dataclass(frozen=True)
class ActionSpace:
    """Which actions are allowed and how far each one moves the agent."""

    forward_m: float = 0.25
    turn_deg: float = 30.0
    look_deg: float = 30.0
    actions: tuple[Action, ...] = field(default_factory=lambda: tuple(Action))

    def __post_init__(self) -> None:
        if not self.forward_m > 0:
            raise ValueError(f"forward_m must be > 0 (metres), got {self.forward_m}")
        if not 0 < self.turn_deg <= 180:
            raise ValueError(f"turn_deg must be in (0, 180], got {self.turn_deg}")
        if not 0 < self.look_deg <= 90:
            raise ValueError(f"look_deg must be in (0, 90], got {self.look_deg}")
        acts = tuple(Action(a) for a in self.actions)
        if not acts:
            raise ValueError("actions must name at least one action")
        if len(set(acts)) != len(acts):
            raise ValueError(f"actions has duplicates: {[a.name for a in acts]}")
        object.__setattr__(self, "actions", acts)

    def __contains__(self, action: object) -> bool:
        return action in self.actions

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(a.name for a in self.actions)


PRESETS: dict[str, ActionSpace] = {
    # habitat ObjectNav (HM3D) defaults
    "habitat": ActionSpace(),
    # the seed experiment: 0.4 m forward, 15 degree turns, no STOP, no look up/down
    "seed": ActionSpace(
        forward_m=0.4,
        turn_deg=15.0,
        actions=(Action.MOVE_FORWARD, Action.TURN_LEFT, Action.TURN_RIGHT),
    ),
}


def _preset_text(name: str, space: ActionSpace) -> str:
    looks = f", {space.look_deg:g} deg looks" if Action.LOOK_UP in space else ""
    return (f"{name} ({space.forward_m:g} m, {space.turn_deg:g} deg turns{looks}; "
            f"{len(space.actions)} actions)")


ACTION_PRESET = Setting(
    "habitat",
    "Actions and their amounts: " + ", ".join(_preset_text(n, s) for n, s in PRESETS.items())
    + ". The node that executes actions (bridge, executor) sends its amounts in every "
    "EpisodeStatus; policy and monitor follow the amounts a stream carries.",
    choices=tuple(PRESETS), flag="action-preset")
"""The one declaration of the action preset: node parameter, launch argument and flag."""


def action_space(preset: str = "habitat", **overrides) -> ActionSpace:
    """A preset (``habitat`` or ``seed``) with optional field overrides."""
    try:
        base = PRESETS[preset]
    except KeyError:
        raise ValueError(
            f"unknown action preset {preset!r}; expected one of {sorted(PRESETS)}"
        ) from None
    if not overrides:
        return base
    fields = {
        "forward_m": base.forward_m,
        "turn_deg": base.turn_deg,
        "look_deg": base.look_deg,
        "actions": base.actions,
    }
    fields.update(overrides)
    return ActionSpace(**fields)

