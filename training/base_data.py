"""Frames for the stand-in base model, rendered in generated houses with ground-truth labels.

Per house and episode two rollouts of a teacher: its own path (``on_path``: the
behaviour-cloning data), and an exploring rollout where each step is a random action with
probability ``noise`` (the teacher's action otherwise), which shows the camera off the
teacher's path. The teacher is the shortest-path ``expert`` (it knows the map: from one frame
its turns toward an unseen goal cannot be predicted) or the ``frontier`` explorer (depth and
ground-truth semantics: forward while the corridor is free, committed turns when blocked,
toward the goal once seen -- decisions a frame and the last actions mostly show). Every
frame carries the teacher's action at its state and a ground-truth answer to
``Where is the <category>?`` (:mod:`objnav_training.captions`) about the episode's goal or,
half the time, another random category.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from tqdm import tqdm

from objnav_ros.core.actions import ACTION_PRESET, PRESETS, Action
from objnav_ros.core.schema import check_settings, like, setting
from objnav_ros.policy.explorer import DepthExplorer
from objnav_ros.policy.factory import explorer_config
from objnav_ros.sim import EmbeddedSimulator, ShortestPathExpert, SimConfig
from objnav_ros.sim.objects import CATEGORIES
from objnav_ros.sim.scene_source import SceneSource
from objnav_training.captions import NOT_VISIBLE, CaptionConfig, describe, region_labels

TEACHERS = ("expert", "frontier")


@dataclass(frozen=True)
class FrameConfig:
    """Which houses, how many episodes, the camera, the teacher and the exploring noise."""

    house_seeds: tuple[int, ...]
    episodes_per_house: int = 25
    width: int = like(SimConfig, "width")
    height: int = like(SimConfig, "height")
    action_preset: str = ACTION_PRESET.field()
    max_steps: int = like(SimConfig, "max_steps")
    noise: float = 0.3
    teacher: str = setting(
        "expert", "Whose actions the stand-in base clones: the shortest-path expert or the "
        "frontier explorer (its decisions show in a frame and the last actions).",
        choices=TEACHERS)
    seed: int = 0
    cache_dir: str = ""  # generated houses; empty = the default cache
    region_px: int = 28  # side of one image token's region: patch 14 x merge 2
    captions: CaptionConfig = field(default_factory=CaptionConfig)

    def __post_init__(self) -> None:
        check_settings(self)
        if not self.house_seeds:
            raise ValueError("house_seeds: at least one house is required")
        if self.episodes_per_house < 1:
            raise ValueError(f"episodes_per_house: must be >= 1, got {self.episodes_per_house}")
        if not 0 <= self.noise <= 1:
            raise ValueError(f"noise: must be in [0, 1], got {self.noise}")

    def sim_config(self, house_seed: int) -> SimConfig:
        return SimConfig(width=self.width, height=self.height, seed=house_seed, semantic=True,
                         action_space=PRESETS[self.action_preset], max_steps=self.max_steps)


@dataclass
class FrameSet:
    """Frames in arrays of equal length (index = frame)."""

    rgb: np.ndarray  # (N, H, W, 3) uint8
    goal: list[str]  # the episode's goal category
    expert: np.ndarray  # (N,) int8 Action id the teacher takes at the frame's state
    history: list[tuple[Action, ...]]  # the actions executed before the frame (the prompt's)
    on_path: np.ndarray  # (N,) bool: frame of the teacher's own path
    goal_visible: np.ndarray  # (N,) bool: the episode's goal is visible
    asked: list[str]  # the category the caption is about
    caption: list[str]  # ground-truth answer about ``asked``
    house: np.ndarray  # (N,) int house seed
    regions: np.ndarray  # (N, rows, cols, K) bool goal categories per image-token region

    def __len__(self) -> int:
        return len(self.goal)

    def subset(self, index: np.ndarray) -> FrameSet:
        """The frames at ``index`` (array of positions)."""
        pick = [int(i) for i in index]
        return FrameSet(self.rgb[index], [self.goal[i] for i in pick], self.expert[index],
                        [self.history[i] for i in pick], self.on_path[index],
                        self.goal_visible[index],
                        [self.asked[i] for i in pick], [self.caption[i] for i in pick],
                        self.house[index], self.regions[index])


def _teacher(config: FrameConfig, sim: EmbeddedSimulator, sim_config: SimConfig):
    """The teacher's action for an observation of the episode ``sim`` was just reset to."""
    if config.teacher == "frontier":
        explorer = DepthExplorer(sim_config.action_space, explorer_config(sim_config))
        return lambda obs: explorer.select_action(obs).action
    expert = ShortestPathExpert(sim)
    return lambda obs: expert.next_action()


def _rollout(sim: EmbeddedSimulator, episode, noise: float, rng: np.random.Generator,
             config: FrameConfig, sim_config: SimConfig):
    """(observation, teacher action) along one rollout; ``noise`` 0 = the teacher's own path."""
    actions: Sequence[Action] = sim_config.action_space.actions
    obs = sim.reset(episode)
    teacher = _teacher(config, sim, sim_config)
    while not sim.metrics().done:
        label = teacher(obs)
        if label not in actions:  # STOP within reach: the seed preset ends the episode there
            return
        yield obs, label
        act = actions[int(rng.integers(len(actions)))] if rng.random() < noise else label
        obs = sim.step(act)


def render_frames(config: FrameConfig, progress: bool = True) -> FrameSet:
    """Render every house's episodes as :class:`FrameSet` (deterministic for a config)."""
    rng = np.random.default_rng(config.seed)
    columns: dict[str, list] = {k: [] for k in FrameSet.__dataclass_fields__}
    houses = tqdm(config.house_seeds, desc="render houses", unit="house", disable=not progress)
    for house in houses:
        sim_config = config.sim_config(house)
        source = SceneSource(seed=house, n_episodes=config.episodes_per_house,
                             cache_dir=config.cache_dir)
        with EmbeddedSimulator(source.scene_path(), sim_config) as sim:
            for episode in source.load_episodes(sim_config, sim.random_episode):
                for noise in (0.0, config.noise):
                    for obs, label in _rollout(sim, episode, noise, rng, config, sim_config):
                        goal = obs.goal_category
                        asked = goal if rng.random() < 0.5 else CATEGORIES[
                            int(rng.integers(len(CATEGORIES)))]
                        columns["rgb"].append(obs.rgb)
                        columns["goal"].append(goal)
                        columns["expert"].append(int(label))
                        columns["history"].append(obs.recent_actions)
                        columns["on_path"].append(noise == 0.0)
                        seen = describe(obs.semantic, obs.depth, goal, config.captions)
                        columns["goal_visible"].append(seen != NOT_VISIBLE)
                        columns["asked"].append(asked)
                        columns["caption"].append(
                            describe(obs.semantic, obs.depth, asked, config.captions))
                        columns["house"].append(house)
                        columns["regions"].append(
                            region_labels(obs.semantic, config.region_px, CATEGORIES))
    return FrameSet(
        rgb=np.stack(columns["rgb"]),
        goal=columns["goal"],
        expert=np.asarray(columns["expert"], dtype=np.int8),
        history=columns["history"],
        on_path=np.asarray(columns["on_path"], dtype=bool),
        goal_visible=np.asarray(columns["goal_visible"], dtype=bool),
        asked=columns["asked"],
        caption=columns["caption"],
        house=np.asarray(columns["house"], dtype=np.int64),
        regions=np.stack(columns["regions"]),
    )
