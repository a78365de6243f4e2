"""Sensor freshness and the latched e-stop: what forbids motion at a given time."""

from __future__ import annotations

from dataclasses import dataclass

from objnav_ros.robot.config import SafetyConfig

E_STOP = "e_stop"
RGB_STALE = "rgb_stale"
DEPTH_STALE = "depth_stale"
ODOM_STALE = "odom_stale"
# The input arrives and advances, but its stamps disagree with our clock.
RGB_CLOCK = "rgb_clock"
DEPTH_CLOCK = "depth_clock"
ODOM_CLOCK = "odom_clock"
CLOCK = {RGB_STALE: RGB_CLOCK, DEPTH_STALE: DEPTH_CLOCK, ODOM_STALE: ODOM_CLOCK}


@dataclass
class _Input:
    fresh_at: float | None = None  # arrival of the last message whose stamp advanced
    fresh_stamp: float = 0.0  # its header stamp
    last_stamp: float | None = None  # header stamp of the last message


class Watchdog:
    """Record each input's arrivals and header stamps; :meth:`faults` lists what is wrong at ``t``.

    An input is fresh while a message whose stamp advanced over its predecessor's arrived
    within the timeout (so a driver repeating a frozen stamp goes stale like a silent one),
    and that stamp is no older than the timeout plus ``stamp_tolerance_s`` and no further
    ahead than the tolerance (the allowance for clock offset). An input that never arrived
    is stale. The e-stop is latched: True holds until an explicit False releases it.
    """

    def __init__(self, config: SafetyConfig, require_depth: bool) -> None:
        self.config = config
        self.require_depth = require_depth
        self.e_stop = False
        self._inputs = {RGB_STALE: _Input(), DEPTH_STALE: _Input(), ODOM_STALE: _Input()}

    def rgb(self, t: float, stamp: float) -> None:
        self._arrived(RGB_STALE, t, stamp)

    def depth(self, t: float, stamp: float) -> None:
        self._arrived(DEPTH_STALE, t, stamp)

    def odom(self, t: float, stamp: float) -> None:
        self._arrived(ODOM_STALE, t, stamp)

    def faults(self, t: float) -> tuple[str, ...]:
        """Names of the active faults at ``t`` (empty: motion allowed)."""
        timeouts = {RGB_STALE: self.config.image_timeout_s,
                    DEPTH_STALE: self.config.image_timeout_s,
                    ODOM_STALE: self.config.odom_timeout_s}
        if not self.require_depth:
            del timeouts[DEPTH_STALE]
        tolerance = self.config.stamp_tolerance_s
        found = [E_STOP] if self.e_stop else []
        for name, timeout in timeouts.items():
            state = self._inputs[name]
            if state.fresh_at is None or t - state.fresh_at > timeout:
                found.append(name)
            elif not -tolerance <= t - state.fresh_stamp <= timeout + tolerance:
                found.append(CLOCK[name])
        return tuple(found)

    def _arrived(self, name: str, t: float, stamp: float) -> None:
        state = self._inputs[name]
        if state.last_stamp is None or stamp > state.last_stamp:
            state.fresh_at, state.fresh_stamp = t, stamp
        state.last_stamp = stamp
