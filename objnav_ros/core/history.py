"""The actions executed before an observation in its episode: the policy's short memory.

A single frame carries little of the expert's decision, and a memoryless policy oscillates;
the prompt's ``$history`` shows the last :data:`HISTORY_LENGTH` actions. Whoever makes the
observations fills them: the simulator from its own steps, the policy node from the actions
it published, training and EPA from the recorded actions of the episode.
"""

from __future__ import annotations

from objnav_ros.core.actions import Action

HISTORY_LENGTH = 4


class ActionHistory:
    """Actions of one running episode by step; a new episode id or a step going back restarts it."""

    def __init__(self, length: int = HISTORY_LENGTH) -> None:
        self.length = length
        self._episode: str | None = None
        self._steps: list[tuple[int, Action]] = []

    def before(self, episode_id: str, step: int) -> tuple[Action, ...]:
        """The last ``length`` actions of ``episode_id`` taken at steps before ``step``."""
        if episode_id != self._episode:
            return ()
        earlier = [action for taken, action in self._steps if taken < step]
        return tuple(earlier[-self.length:]) if self.length else ()

    def record(self, episode_id: str, step: int, action: Action) -> None:
        """``action`` was executed at ``step`` of ``episode_id``."""
        if episode_id != self._episode or (self._steps and step <= self._steps[-1][0]):
            self._episode, self._steps = episode_id, []
        self._steps.append((step, Action(action)))
        del self._steps[:-max(self.length, 1)]
