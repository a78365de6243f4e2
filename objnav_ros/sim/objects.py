"""Goal object categories and the node naming scheme that labels them inside a scene file.

A scene marks each goal object as one glTF node named ``object_<category>_<n>``, e.g.
``object_chair_0`` or ``object_tv_monitor_2``: ``<category>`` is lower-case letters and
underscores, ``<n>`` a per-category instance number. Every other node (``floor_*``,
``wall_*``, ``ceiling_*``, ...) is plain geometry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CATEGORIES: tuple[str, ...] = ("chair", "bed", "plant", "toilet", "tv_monitor", "sofa")
"""The six HM3D ObjectNav goal categories."""

_OBJECT_NODE = re.compile(r"^object_(?P<category>[a-z][a-z_]*?)_(?P<index>\d+)$")


def object_node_name(category: str, index: int) -> str:
    """Node name of instance ``index`` of ``category``, e.g. ``object_sofa_1``."""
    name = f"object_{category}_{index}"
    if _OBJECT_NODE.match(name) is None:
        raise ValueError(f"cannot name an object of category {category!r} index {index!r}")
    return name


def parse_object_node(name: str) -> str | None:
    """Category of an ``object_<category>_<n>`` node name; None for any other name."""
    match = _OBJECT_NODE.match(name)
    return match["category"] if match else None


@dataclass(frozen=True)
class ObjectInstance:
    """One labelled object of a scene, in the Z-up world frame (metres)."""

    object_id: str
    category: str
    center: tuple[float, float, float]
    footprint: tuple[float, float, float, float]  # xmin, ymin, xmax, ymax
