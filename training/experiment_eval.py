"""Evaluate many policies on the same held-out episodes: closed loop, EPA and blank-image EPA.

Every policy runs the same episodes (house seeds x episode indices, drawn once per house); a
VLM policy decides for all of a house's episodes in one batch per step
(:mod:`objnav_training.batch_rollout`). Per-episode rows are kept so that differences between
policies can be paired by episode.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from objnav_ros.core.actions import ACTION_PRESET, PRESETS
from objnav_ros.core.schema import check_settings, like
from objnav_ros.monitor import MonitorConfig
from objnav_ros.policy.decision import Policy
from objnav_ros.policy.factory import PolicySettings, make_policy
from objnav_ros.sim import EmbeddedSimulator, SimConfig, save_topdown
from objnav_ros.sim.scene import load_scene
from objnav_ros.sim.scene_source import SceneSource
from objnav_training.batch_rollout import batched_closed_loop, batched_path_accuracy, blank
from objnav_training.evaluate import EpisodeResult, PathAccuracy
from objnav_training.evaluate_sim import expert_steps

STATEFUL = ("frontier", "expert")  # one instance per running episode


@dataclass(frozen=True)
class EvalSetup:
    """The held-out houses and episodes every policy is evaluated on."""

    house_seeds: tuple[int, ...]
    episodes_per_house: int = 20
    width: int = like(SimConfig, "width")
    height: int = like(SimConfig, "height")
    action_preset: str = ACTION_PRESET.field()
    max_steps: int = like(SimConfig, "max_steps")
    cache_dir: str = ""

    def __post_init__(self) -> None:
        check_settings(self)
        if not self.house_seeds:
            raise ValueError("house_seeds: at least one evaluation house is required")
        if self.episodes_per_house < 1:
            raise ValueError(f"episodes_per_house: must be >= 1, got {self.episodes_per_house}")

    def sim_config(self, house: int) -> SimConfig:
        return SimConfig(width=self.width, height=self.height, seed=house, semantic=True,
                         max_steps=self.max_steps, action_space=PRESETS[self.action_preset])

    def source(self, house: int) -> SceneSource:
        return SceneSource(seed=house, n_episodes=self.episodes_per_house,
                           cache_dir=self.cache_dir)

    def scene_ids(self) -> set[str]:
        """Scene ids (file names) of the evaluation houses."""
        return {self.source(h).scene_path().name for h in self.house_seeds}


@dataclass(frozen=True)
class PolicyEval:
    """One policy's per-episode results (house order, then episode order) and its EPAs."""

    name: str
    results: tuple[EpisodeResult, ...]
    houses: tuple[int, ...]
    epa: PathAccuracy | None = None
    epa_blank: PathAccuracy | None = None

    def rows(self) -> list[dict]:
        """Per-episode records without trajectories (JSON-ready)."""
        return [{"policy": self.name, "house": house,
                 **{k: v for k, v in dataclasses.asdict(r).items() if k != "trajectory"}}
                for house, r in zip(self.houses, self.results, strict=True)]


def _policy_source(settings: PolicySettings) -> Callable[[int], Policy]:
    """Slot -> policy: one shared instance, or one per slot for policies with episode state."""
    if settings.kind in STATEFUL:
        cache: dict[int, Policy] = {}
        return lambda slot: cache.setdefault(slot, make_policy(settings))
    shared = make_policy(settings)
    return lambda slot: shared


def evaluate_policies(setup: EvalSetup, named: Mapping[str, PolicySettings],
                      maps_dir: Path | None = None, map_episodes: Sequence[str] = (),
                      progress: bool = True, blank_for: Sequence[str] = ("frozen",)
                      ) -> dict[str, PolicyEval]:
    """Every named policy on every evaluation episode; VLM policies also get EPA.

    The policies named in ``blank_for`` also get EPA with a blank image (what vision adds).
    """
    results: dict[str, list] = {name: [] for name in named}
    houses: dict[str, list] = {name: [] for name in named}
    epa: dict[str, list[PathAccuracy]] = {name: [] for name in named}
    epa_blank: dict[str, list[PathAccuracy]] = {name: [] for name in named}
    bar = tqdm(total=len(named) * len(setup.house_seeds), desc="evaluate", unit="policy-house",
               disable=not progress)
    for house in setup.house_seeds:
        config = setup.sim_config(house)
        source = setup.source(house)
        scene = load_scene(source.scene_path())
        sims = [EmbeddedSimulator(scene, config) for _ in range(setup.episodes_per_house)]
        try:
            episodes = source.load_episodes(config, sims[0].random_episode)
            path = [pair for episode in episodes for pair in expert_steps(sims[0], episode)]
            for name, settings in named.items():
                bar.set_postfix(policy=name, house=house)
                settings = dataclasses.replace(settings, seed=house, sim=config)
                policy_for_slot = _policy_source(settings)
                runs = batched_closed_loop(sims, policy_for_slot, episodes, MonitorConfig())
                results[name] += runs
                houses[name] += [house] * len(runs)
                if settings.kind == "vlm":
                    policy = policy_for_slot(0)
                    epa[name].append(batched_path_accuracy(policy, path))
                    if name in blank_for:
                        epa_blank[name].append(batched_path_accuracy(policy, path,
                                                                     transform=blank))
                if maps_dir is not None:
                    for episode, run in zip(episodes, runs, strict=True):
                        key = f"{house}_{episode.episode_id}"
                        if key in map_episodes:
                            save_topdown(maps_dir / f"{key}_{name}.png", sims[0].nav,
                                         scene.objects, episode, run.trajectory)
                bar.update()
        finally:
            for sim in sims:
                sim.close()
    bar.close()
    return {name: PolicyEval(name, tuple(results[name]), tuple(houses[name]),
                             _total(epa[name]), _total(epa_blank[name])) for name in named}


def _total(parts: list[PathAccuracy]) -> PathAccuracy | None:
    if not parts:
        return None
    return PathAccuracy(sum(p.correct for p in parts), sum(p.valid for p in parts),
                        sum(p.total for p in parts))
