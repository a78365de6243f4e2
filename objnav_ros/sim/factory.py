"""Pick a simulator backend by name."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from objnav_ros.core.schema import Setting
from objnav_ros.sim.base import Simulator
from objnav_ros.sim.config import SimConfig

BACKENDS = ("embedded", "habitat")
BACKEND = Setting("embedded", "Simulator backend: embedded (moderngl, CPU) or habitat (needs "
                  "habitat_sim and an episode file).", choices=BACKENDS)


def make_simulator(
    backend: str, scene_path: str | Path, config: SimConfig | None = None
) -> Simulator:
    """An ``embedded`` or ``habitat`` simulator of one scene."""
    if backend == "embedded":
        from objnav_ros.sim.embedded import EmbeddedSimulator

        return EmbeddedSimulator(scene_path, config)
    if backend == "habitat":
        if importlib.util.find_spec("habitat_sim") is None:
            raise ModuleNotFoundError(
                "backend 'habitat' needs habitat_sim, which is not installed here; install it "
                "with conda (conda install habitat-sim -c conda-forge -c aihabitat) or use "
                "backend 'embedded'"
            )
        from objnav_ros.sim.habitat_backend import HabitatSimulator

        return HabitatSimulator(scene_path, config)
    raise ValueError(f"unknown simulator backend {backend!r}; expected one of {BACKENDS}")
