"""Where the package's shared files (config/, launch/) are: source checkout or install."""

from __future__ import annotations

import sys
from pathlib import Path

PACKAGE = "objnav_ros"


def share_dir() -> Path:
    """The source checkout (editable install) or ``<prefix>/share/objnav_ros``."""
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "package.xml").exists() and (checkout / "config").is_dir():
        return checkout
    try:
        from ament_index_python.packages import get_package_share_directory

        return Path(get_package_share_directory(PACKAGE))
    except (ImportError, LookupError):
        return Path(sys.prefix) / "share" / PACKAGE


def config_file(name: str) -> Path:
    return share_dir() / "config" / name
