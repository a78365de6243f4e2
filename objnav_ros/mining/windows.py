"""Failure windows: which steps a verdict blames, and which a bag of it keeps.

The monitor numbers actions from 1 (action ``n`` leads to observation ``n``); bags and
labels number them by the observation they answer (``Transition.step``, from 0). So a
verdict over actions ``a..b`` blames transitions ``a-1..b-1``.
"""

from __future__ import annotations

from dataclasses import dataclass

from objnav_ros.monitor import Verdict


@dataclass(frozen=True)
class WindowSpan:
    """Blamed transitions ``start..end`` and kept observations ``first..last`` (inclusive)."""

    start: int
    end: int
    first: int
    last: int


def window_span(verdict: Verdict, actions: int, context: int) -> WindowSpan:
    """The verdict's transitions, widened by ``context`` steps each side within the episode.

    ``actions`` is the episode's action count (its observations are ``0..actions``).
    """
    if actions < 1 or context < 0:
        raise ValueError(f"need actions >= 1 and context >= 0, got {actions}, {context}")
    start = max(verdict.start_step - 1, 0)
    end = min(verdict.end_step - 1, actions - 1)
    first = max(start - context, 0)
    last = min(end + 1 + context, actions)  # the observation after the last kept transition
    return WindowSpan(start, end, first, last)
