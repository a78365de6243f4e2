"""ROS domain ids for tests, claimed so that concurrent runs and graphs on one machine never meet.

A domain is free when no other process holds its lock file (``<tmp>/objnav_ros_domains/<id>
.lock``; an flock, released when its holder exits, even when killed) and no DDS participant
is bound to its discovery port on loopback (RTPS well-known ports, 7400 + 250 * domain + 10
+ 2 * participant index), which catches graphs started outside the tests and what an earlier
test left running. Domain 0, everyone's default, is never used.
"""

from __future__ import annotations

import fcntl
import os
import socket
import tempfile
from pathlib import Path

DOMAINS = range(1, 101)
PARTICIPANTS_PROBED = 32
LOCK_DIR = Path(tempfile.gettempdir()) / "objnav_ros_domains"


def discovery_port(domain: int, participant: int) -> int:
    """RTPS metatraffic unicast port of ``participant`` on ``domain`` (default port mapping)."""
    return 7400 + 250 * domain + 10 + 2 * participant


def has_participants(domain: int) -> bool:
    """True when something is bound to one of the domain's first discovery ports on loopback."""
    for participant in range(PARTICIPANTS_PROBED):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            try:
                probe.bind(("127.0.0.1", discovery_port(domain, participant)))
            except OSError:
                return True
    return False


class DomainPool:
    """Claims free domains in turn, starting at ``start``; holds each until released."""

    def __init__(self, start: int = 0, lock_dir: Path = LOCK_DIR) -> None:
        self.lock_dir = lock_dir
        self._next = start
        self._held: dict[int, int] = {}  # domain -> locked file descriptor

    def claim(self) -> int:
        for _ in DOMAINS:
            domain = DOMAINS[self._next % len(DOMAINS)]
            self._next += 1
            if domain not in self._held and self._lock(domain):
                if not has_participants(domain):
                    return domain
                self.release(domain)
        raise RuntimeError(f"no free ROS domain in {DOMAINS.start}..{DOMAINS.stop - 1}")

    def release(self, domain: int) -> None:
        fd = self._held.pop(domain, None)
        if fd is not None:
            os.close(fd)  # drops the lock

    def _lock(self, domain: int) -> bool:
        if not self.lock_dir.is_dir():
            self.lock_dir.mkdir(exist_ok=True)
            self.lock_dir.chmod(0o1777)  # shared by every user's test runs
        fd = os.open(self.lock_dir / f"{domain}.lock", os.O_RDONLY | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        self._held[domain] = fd
        return True
