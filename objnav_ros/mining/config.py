"""What one mining run does: policy, simulator, episodes and the output folder."""

from __future__ import annotations

from dataclasses import dataclass

from objnav_ros.core.actions import ACTION_PRESET, action_space
from objnav_ros.core.schema import check_settings, like, setting
from objnav_ros.mining.relabel import RELABELLERS
from objnav_ros.policy.config import VLMPolicyConfig
from objnav_ros.policy.factory import POLICY, PolicySettings
from objnav_ros.sim.config import SEED, SMALL_IMAGE, SimConfig
from objnav_ros.sim.scene_source import SceneSource

KEEP = ("failures", "episodes")


@dataclass(frozen=True)
class MinerConfig:
    """Settings of a mining run; ValueError naming the first bad field."""

    out: str = setting("failure_dataset", "Output folder of the window bags and the summary.",
                       rule=lambda v: None if v else "must name a folder")
    policy: str = POLICY.field()
    model_path: str = like(VLMPolicyConfig, "model_path")
    temperature: float = like(VLMPolicyConfig, "temperature")
    adapter_path: str = like(VLMPolicyConfig, "adapter_path")
    min_pixels: int = like(VLMPolicyConfig, "min_pixels")
    max_pixels: int = like(VLMPolicyConfig, "max_pixels")
    seed: int = SEED.field()
    n_episodes: int = like(SceneSource, "n_episodes")
    scene: str = like(SceneSource, "scene")
    episode_file: str = like(SceneSource, "episode_file")
    width: int = like(SimConfig, "width", SMALL_IMAGE[0])
    height: int = like(SimConfig, "height", SMALL_IMAGE[1])
    max_steps: int = like(SimConfig, "max_steps")
    action_preset: str = ACTION_PRESET.field()
    context: int = setting(3, "Steps kept before and after a failure.", min_value=0,
                           max_value=1000)
    keep: str = setting(
        "failures", "What becomes a bag: each failure window (failures) or every episode "
        "whole, every step relabelled (episodes: DAgger on all the policy's states).",
        choices=KEEP)
    relabeller: str = setting(
        "expert", "Who labels the kept steps: the shortest-path expert, or the frontier "
        "explorer replayed along the rollout (the stand-in base's teacher).",
        choices=RELABELLERS)
    cache_dir: str = like(SceneSource, "cache_dir")

    def __post_init__(self) -> None:
        check_settings(self)
        if self.policy == "vlm" and not self.model_path:
            raise ValueError("model_path: required with policy 'vlm'")
        self.source()  # scene / episode files exist

    def sim_config(self) -> SimConfig:
        """The simulator's settings."""
        return SimConfig(width=self.width, height=self.height, max_steps=self.max_steps,
                         seed=self.seed, action_space=action_space(self.action_preset),
                         semantic=self.relabeller == "frontier")  # the explorer's goal pixels

    def source(self) -> SceneSource:
        """Where the scene and the episodes come from."""
        return SceneSource(scene=self.scene, episode_file=self.episode_file, seed=self.seed,
                           n_episodes=self.n_episodes, cache_dir=self.cache_dir)

    def policy_settings(self) -> PolicySettings:
        """The policy's settings (same actions, camera and seed as the simulator)."""
        sim = self.sim_config()
        return PolicySettings(kind=self.policy, actions=sim.action_space, seed=self.seed,
                              model_path=self.model_path, adapter_path=self.adapter_path,
                              temperature=self.temperature,
                              min_pixels=self.min_pixels, max_pixels=self.max_pixels,
                              scene=self.scene, episode_file=self.episode_file, sim=sim)
