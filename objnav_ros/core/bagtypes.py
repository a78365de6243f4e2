"""rosbags type store for objnav_ros bags: ROS 2 Kilted types + this package's messages.

The .msg files in ``msg/`` are the single source: they are read here (from the generated
package's copy in a venv build, or from ``share/objnav_ros/msg`` of a colcon install).
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

PACKAGE = "objnav_ros"


def msg_dir() -> Path:
    """Folder holding objnav_ros's .msg files."""
    candidates = [Path(__file__).resolve().parents[1] / "msg"]
    candidates += [Path(p) / "share" / PACKAGE / "msg"
                   for p in os.environ.get("AMENT_PREFIX_PATH", "").split(os.pathsep) if p]
    candidates.append(Path(__file__).resolve().parents[2] / "msg")  # source checkout
    for folder in candidates:
        if any(folder.glob("*.msg")):
            return folder
    raise FileNotFoundError(
        f"objnav_ros .msg files not found in {[str(c) for c in candidates]}; "
        "build the messages first (make setup)"
    )


@functools.cache
def typestore():
    """A rosbags Typestore that (de)serialises every type objnav_ros bags contain."""
    from rosbags.typesys import Stores, get_types_from_msg, get_typestore

    store = get_typestore(Stores.ROS2_KILTED)
    types = {}
    for path in sorted(msg_dir().glob("*.msg")):
        types.update(get_types_from_msg(path.read_text(), f"{PACKAGE}/msg/{path.stem}"))
    store.register(types)
    return store
