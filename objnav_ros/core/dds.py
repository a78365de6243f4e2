"""Loopback-only DDS settings applied by the Makefile, the launcher and the tests."""

from __future__ import annotations

import os
from collections.abc import Mapping
from importlib import resources
from pathlib import Path

PROFILE_NAME = "fastdds_loopback.xml"


def profile_path() -> Path:
    """Path of the shipped loopback-only Fast DDS XML profile."""
    return Path(str(resources.files("objnav_ros") / "resources" / PROFILE_NAME))


def loopback_env(domain_id: int | None = None, base: Mapping[str, str] | None = None) -> dict:
    """Environment that keeps ROS 2 traffic on this machine.

    Sets ``ROS_AUTOMATIC_DISCOVERY_RANGE=LOCALHOST``, Fast DDS as the RMW and the shipped
    loopback profile; ``domain_id`` (0..101) isolates concurrent test processes.
    """
    env = dict(os.environ if base is None else base)
    env["ROS_AUTOMATIC_DISCOVERY_RANGE"] = "LOCALHOST"
    env["RMW_IMPLEMENTATION"] = "rmw_fastrtps_cpp"
    env["FASTDDS_DEFAULT_PROFILES_FILE"] = str(profile_path())
    env.pop("FASTRTPS_DEFAULT_PROFILES_FILE", None)  # deprecated name; would take precedence
    env.pop("ROS_STATIC_PEERS", None)
    if domain_id is not None:
        if not 0 <= int(domain_id) <= 101:
            raise ValueError(f"ROS_DOMAIN_ID must be in 0..101, got {domain_id}")
        env["ROS_DOMAIN_ID"] = str(int(domain_id))
    return env


def apply_loopback(domain_id: int | None = None) -> None:
    """Apply :func:`loopback_env` to this process (before ``rclpy.init``)."""
    os.environ.update(loopback_env(domain_id))
