"""What one mining run does: policy, simulator, episodes and the output folder."""

from __future__ import annotations

from dataclasses import dataclass

from objnav_ros.core.actions import PRESETS, action_space
from objnav_ros.policy.factory import POLICY_TYPES, PolicySettings
from objnav_ros.sim.config import SimConfig
from objnav_ros.sim.scene_source import SceneSource


@dataclass(frozen=True)
class MinerConfig:
    """Settings of a mining run; ValueError naming the first bad field."""

    out: str = "failure_dataset"
    policy: str = "frontier"  # one of POLICY_TYPES
    model: str = ""  # vlm: model path
    adapter: str = ""  # vlm: LoRA adapter path
    seed: int = 0  # house, episodes and policy
    n_episodes: int = 10
    scene: str = ""  # .glb; empty = generated house
    episodes: str = ""  # episode file; empty = drawn on the scene
    width: int = 160
    height: int = 120
    max_steps: int = 500
    action_preset: str = "habitat"
    context: int = 3  # steps kept before and after a failure
    cache_dir: str = ""  # generated houses; empty = ~/.cache/objnav_ros

    def __post_init__(self) -> None:
        if not self.out:
            raise ValueError("out: must name a folder")
        if self.policy not in POLICY_TYPES:
            raise ValueError(f"policy: expected one of {POLICY_TYPES}, got {self.policy!r}")
        if self.policy == "vlm" and not self.model:
            raise ValueError("model: required with policy 'vlm'")
        if self.action_preset not in PRESETS:
            raise ValueError(f"action_preset: expected one of {sorted(PRESETS)}, "
                             f"got {self.action_preset!r}")
        for name in ("seed", "n_episodes", "width", "height", "max_steps", "context"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"{name}: must be an integer, got {value!r}")
        for name, low in (("seed", 0), ("n_episodes", 1), ("width", 1), ("height", 1),
                          ("max_steps", 1), ("context", 0)):
            if getattr(self, name) < low:
                raise ValueError(f"{name}: must be >= {low}, got {getattr(self, name)}")
        self.source()  # scene / episode files exist

    def sim_config(self) -> SimConfig:
        """The simulator's settings."""
        return SimConfig(width=self.width, height=self.height, max_steps=self.max_steps,
                         seed=self.seed, action_space=action_space(self.action_preset))

    def source(self) -> SceneSource:
        """Where the scene and the episodes come from."""
        return SceneSource(scene=self.scene, episodes=self.episodes, seed=self.seed,
                           n_episodes=self.n_episodes, cache_dir=self.cache_dir)

    def policy_settings(self) -> PolicySettings:
        """The policy's settings (same actions, camera and seed as the simulator)."""
        sim = self.sim_config()
        return PolicySettings(kind=self.policy, actions=sim.action_space, seed=self.seed,
                              model_path=self.model, adapter_path=self.adapter,
                              scene=self.scene, episodes=self.episodes, sim=sim)
