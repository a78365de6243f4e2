"""The run contract: the values every consumer of a run's data must agree on.

The action amounts (how far MOVE_FORWARD, TURN_* and LOOK_* move) and the camera model
(image size, horizontal field of view, camera height above the floor) are declared once,
by whoever executes the actions and takes the images (the simulator bridge from its
settings, the executor from its action preset and CameraInfo), and travel in every
EpisodeStatus (``contract``, ``msg/RunContract.msg``). The monitor, the policy, bags, the
dataset, the reward and training read them there; an adapter's record keeps the contract
it was trained under. 0 = not known; a comparison skips what either side does not know.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields, replace

from objnav_ros.core.actions import ActionSpace
from objnav_ros.core.camera import CameraModel

AMOUNTS = ("forward_m", "turn_deg", "look_deg")
CAMERA = ("width", "height", "hfov_deg", "camera_height_m")
_INTS = ("width", "height")


@dataclass(frozen=True)
class RunContract:
    """Action amounts (m, deg) and camera model (px, deg, m); 0 = not known."""

    forward_m: float = 0.0
    turn_deg: float = 0.0
    look_deg: float = 0.0
    width: int = 0
    height: int = 0
    hfov_deg: float = 0.0
    camera_height_m: float = 0.0

    def __post_init__(self) -> None:
        for name in AMOUNTS + CAMERA:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not (
                    math.isfinite(value) and value >= 0):
                raise ValueError(f"run contract {name}: must be a finite number >= 0 "
                                 f"(0 = not known), got {value!r}")
            if name in _INTS:
                if value != int(value):
                    raise ValueError(f"run contract {name}: must be whole pixels, got {value!r}")
                object.__setattr__(self, name, int(value))
            else:  # float32 precision: a carried 0.4 reads 0.4 again
                object.__setattr__(self, name, float(f"{float(value):.7g}"))

    @classmethod
    def of(cls, space: ActionSpace, camera: CameraModel | None = None,
           camera_height_m: float = 0.0) -> RunContract:
        """The contract of actions executed with ``space`` and images from ``camera``."""
        view = {} if camera is None else {
            "width": camera.width, "height": camera.height, "hfov_deg": camera.hfov_deg}
        return cls(space.forward_m, space.turn_deg, space.look_deg,
                   camera_height_m=camera_height_m, **view)

    @classmethod
    def from_fields(cls, source: object) -> RunContract:
        """The contract of anything with these attribute names (a RunContract message)."""
        return cls(**{f.name: getattr(source, f.name) for f in fields(cls)})

    @classmethod
    def from_dict(cls, values: dict) -> RunContract:
        """The contract of :meth:`to_dict`'s output; ValueError naming an unknown field."""
        unknown = sorted(set(values) - {f.name for f in fields(cls)})
        if unknown:
            raise ValueError(f"run contract: unknown fields {unknown}")
        return cls(**values)

    def to_dict(self) -> dict:
        return asdict(self)

    @property
    def camera(self) -> CameraModel | None:
        """The pinhole model, when width, height and field of view are known."""
        if self.width and self.height and self.hfov_deg:
            return CameraModel(self.width, self.height, self.hfov_deg)
        return None

    def missing(self, names: tuple[str, ...] = AMOUNTS + CAMERA) -> list[str]:
        """Which of ``names`` are not known."""
        return [name for name in names if not getattr(self, name)]

    def actions(self, space: ActionSpace) -> ActionSpace:
        """``space`` with the amounts this contract knows (the allowed actions kept)."""
        changed = {name: getattr(self, name) for name in AMOUNTS
                   if getattr(self, name) and not _same(getattr(self, name), getattr(space, name))}
        return replace(space, **changed) if changed else space

    def differences(self, other: RunContract) -> list[tuple[str, float, float]]:
        """(field, this value, other's value) of every field both know and disagree on."""
        return [(name, getattr(self, name), getattr(other, name)) for name in AMOUNTS + CAMERA
                if getattr(self, name) and getattr(other, name)
                and not _same(getattr(self, name), getattr(other, name))]


def _same(a: float, b: float) -> bool:
    """Equal within float32 precision (the message carries float32)."""
    return math.isclose(a, b, rel_tol=1e-5)
