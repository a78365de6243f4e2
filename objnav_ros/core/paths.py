"""Where the package's shared files (config/, launch/) are: source checkout or install."""

from __future__ import annotations

import sys
import tempfile
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


def writable_dir(path: str | Path, what: str) -> Path:
    """``path`` as a folder (created if missing) that files can be written to.

    ValueError naming ``what`` and the path otherwise (one line, for a start-up check).
    """
    folder = Path(path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise ValueError(f"{what} {str(path)!r}: cannot write there ({exc.strerror}); "
                         "expected a writable folder") from None
    return folder
