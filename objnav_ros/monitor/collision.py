"""Collision: the simulator's collided flag, else a forward step that fell short."""

from __future__ import annotations

from dataclasses import dataclass

from objnav_ros.core.actions import Action
from objnav_ros.core.schema import check_settings, setting
from objnav_ros.monitor.records import COLLISION, StepRecord, Verdict


@dataclass(frozen=True)
class CollisionConfig:
    """When a step counts as a collision."""

    use_collided_flag: bool = setting(
        True,
        "trust the simulator's collided flag when a step carries one; false: always judge "
        "by displacement",
    )
    min_progress_ratio: float = setting(
        0.8,
        "without a flag, a MOVE_FORWARD that advances less than this fraction of the "
        "commanded distance along its heading is a collision (0.2 m of 0.25 m, as in "
        "ObjectNav papers); 0 turns this off",
        min_value=0.0,
        max_value=1.0,
    )

    def __post_init__(self) -> None:
        check_settings(self)


class CollisionDetector:
    """Report a run of consecutive collided steps once, at its first step.

    A step collided when its ``collided`` flag says so (``use_collided_flag`` and a known
    flag); otherwise when it is a MOVE_FORWARD whose progress along the heading is below
    ``min_progress_ratio`` x ``forward_m``. Severity is the fraction of the commanded step
    that was lost (1 for a flagged step that is not a forward).
    """

    def __init__(self, config: CollisionConfig | None = None) -> None:
        self.config = config or CollisionConfig()
        self.reset()

    def reset(self) -> None:
        self._in_contact = False

    def update(self, record: StepRecord) -> Verdict | None:
        collided = self._collided(record)
        onset = collided and not self._in_contact
        self._in_contact = collided
        if not onset:
            return None
        if record.action == Action.MOVE_FORWARD:
            kept = min(max(record.progress_m / record.forward_m, 0.0), 1.0)
            detail = f"forward advanced {record.progress_m:.3f} of {record.forward_m:.3f} m"
        else:
            kept, detail = 0.0, f"{record.action.name} flagged as collided"
        return Verdict(COLLISION, record.step, record.step, 1.0 - kept, detail)

    def _collided(self, record: StepRecord) -> bool:
        if self.config.use_collided_flag and record.collided is not None:
            return record.collided
        return (
            record.action == Action.MOVE_FORWARD
            and record.progress_m < self.config.min_progress_ratio * record.forward_m
        )
