"""The keyboard expert's keys (teleop node): one key or word -> an action, or quit.

Keys: w forward, a / d turn left / right, r / f look up / down, space or s STOP, q quit
(the seed experiment's W/A/D plus STOP and looking up/down). Lines piped to stdin may also
name an action (``move_forward``, ``turn left``, ``STOP``).
"""

from __future__ import annotations

from objnav_ros.core.actions import Action

QUIT = "quit"
KEYS: dict[str, Action] = {
    "w": Action.MOVE_FORWARD,
    "a": Action.TURN_LEFT,
    "d": Action.TURN_RIGHT,
    "r": Action.LOOK_UP,
    "f": Action.LOOK_DOWN,
    " ": Action.STOP,
    "s": Action.STOP,
}
QUIT_KEYS = ("q", "\x1b")  # q, Esc
HELP = ("keys: w forward | a left | d right | r look up | f look down | space/s STOP | q quit")


def parse_key(key: str) -> Action | str | None:
    """Action (or QUIT) for one key press; None for a key without meaning."""
    if key in QUIT_KEYS:
        return QUIT
    return KEYS.get(key.lower()) if len(key) == 1 else None


def parse_line(line: str) -> Action | str | None:
    """Action (or QUIT) for a line of text: a key, an action name, or ``quit``."""
    text = line.strip("\r\n")
    if text.strip().lower() in ("q", QUIT, "exit"):
        return QUIT
    if len(text) == 1:
        return parse_key(text)
    try:
        return Action.from_name(text)
    except ValueError:
        return None
