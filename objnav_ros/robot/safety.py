"""Sensor freshness and the latched e-stop: what forbids motion at a given time."""

from __future__ import annotations

from objnav_ros.robot.config import SafetyConfig

E_STOP = "e_stop"
RGB_STALE = "rgb_stale"
DEPTH_STALE = "depth_stale"
ODOM_STALE = "odom_stale"


class Watchdog:
    """Record when each input last arrived; :meth:`faults` lists what is wrong at ``t``.

    An input that never arrived is stale. The e-stop is latched: True holds until an
    explicit False releases it.
    """

    def __init__(self, config: SafetyConfig, require_depth: bool) -> None:
        self.config = config
        self.require_depth = require_depth
        self.e_stop = False
        self._last = {RGB_STALE: None, DEPTH_STALE: None, ODOM_STALE: None}

    def rgb(self, t: float) -> None:
        self._last[RGB_STALE] = t

    def depth(self, t: float) -> None:
        self._last[DEPTH_STALE] = t

    def odom(self, t: float) -> None:
        self._last[ODOM_STALE] = t

    def faults(self, t: float) -> tuple[str, ...]:
        """Names of the active faults at ``t`` (empty: motion allowed)."""
        timeouts = {RGB_STALE: self.config.image_timeout_s,
                    DEPTH_STALE: self.config.image_timeout_s,
                    ODOM_STALE: self.config.odom_timeout_s}
        if not self.require_depth:
            del timeouts[DEPTH_STALE]
        found = [E_STOP] if self.e_stop else []
        for name, timeout in timeouts.items():
            last = self._last[name]
            if last is None or t - last > timeout:
                found.append(name)
        return tuple(found)
