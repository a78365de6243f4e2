"""Build any policy from one flat settings record (what the policy node's parameters hold).

:func:`follow` brings a built policy to the action amounts and camera model a stream carries
(the run contract: EpisodeStatus amounts, CameraInfo), so they are declared once, where the
actions are executed and the images taken.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from objnav_ros.core.actions import ActionSpace, action_space
from objnav_ros.core.contract import CAMERA, RunContract
from objnav_ros.core.schema import Setting, check_settings, declared, like
from objnav_ros.policy.config import VLMPolicyConfig
from objnav_ros.policy.decision import Policy
from objnav_ros.policy.explorer import DepthExplorer, ExplorerConfig
from objnav_ros.policy.random_policy import RandomPolicy
from objnav_ros.sim.config import SEED, SimConfig
from objnav_ros.sim.scene_source import SceneSource

POLICY_TYPES = ("vlm", "frontier", "random", "expert")
POLICY = Setting(
    "frontier", "Who decides: vlm (the VLM policy), frontier (depth explorer), random, or "
    "expert (the simulator's shortest path; simulation only).", choices=POLICY_TYPES)
VLM_FIELDS = tuple(name for name, _, _ in declared(VLMPolicyConfig))


@dataclass(frozen=True)
class PolicySettings:
    """The policy kind and everything any kind needs; fields a kind does not read are ignored.

    The VLM fields (:data:`VLM_FIELDS`) are :class:`VLMPolicyConfig`'s own declarations.
    """

    kind: str = POLICY.field()
    actions: ActionSpace = field(default_factory=action_space)
    seed: int = SEED.field()  # random policy; VLM sampling and fallback
    model_path: str = like(VLMPolicyConfig, "model_path")
    adapter_path: str = like(VLMPolicyConfig, "adapter_path")
    merge_adapter: bool = like(VLMPolicyConfig, "merge_adapter")
    mode: str = like(VLMPolicyConfig, "mode")
    device: str = like(VLMPolicyConfig, "device")
    dtype: str = like(VLMPolicyConfig, "dtype")
    load_in_4bit: bool = like(VLMPolicyConfig, "load_in_4bit")
    max_new_tokens: int = like(VLMPolicyConfig, "max_new_tokens")
    min_new_tokens: int = like(VLMPolicyConfig, "min_new_tokens")
    temperature: float = like(VLMPolicyConfig, "temperature")
    fallback_action: str = like(VLMPolicyConfig, "fallback_action")
    prompt_file: str = like(VLMPolicyConfig, "prompt_file")
    min_pixels: int = like(VLMPolicyConfig, "min_pixels")
    max_pixels: int = like(VLMPolicyConfig, "max_pixels")
    scene: str = like(SceneSource, "scene")  # expert: the simulator's scene
    episode_file: str = like(SceneSource, "episode_file")  # expert: the simulator's episodes
    sim: SimConfig = field(default_factory=SimConfig)  # expert, frontier: camera, body, success

    def __post_init__(self) -> None:
        check_settings(self)

    def contract(self) -> RunContract:
        """The run contract these settings act under: the actions' amounts, the camera."""
        return replace(self.sim, action_space=self.actions).contract()

    def following(self, contract: RunContract) -> PolicySettings:
        """These settings with what a stream's run contract knows (amounts, camera)."""
        camera = {name: getattr(contract, name) for name in CAMERA if getattr(contract, name)}
        return replace(self, actions=contract.actions(self.actions),
                       sim=replace(self.sim, **camera))

    def vlm_config(self) -> VLMPolicyConfig:
        """The VLM policy's settings (validated there)."""
        return VLMPolicyConfig(**{name: getattr(self, name) for name in VLM_FIELDS})


def make_policy(settings: PolicySettings, contract: RunContract | None = None) -> Policy:
    """A ready policy of ``settings.kind`` (a VLM loads its model here).

    ``contract``: the run the policy acts in as far as it is known (default: the settings'
    own); a VLM's adapter must have been trained under it (ModelLoadError otherwise).
    """
    if settings.kind == "vlm":
        from objnav_ros.policy.vlm_policy import VLMPolicy

        check_adapter(settings, contract)
        return VLMPolicy.from_config(settings.vlm_config(), settings.actions.actions,
                                     settings.seed)
    if settings.kind == "expert":
        from objnav_ros.policy.expert_policy import ExpertPolicy

        source = SceneSource(scene=settings.scene, episode_file=settings.episode_file,
                             seed=settings.seed)
        return ExpertPolicy(settings.actions, source, replace(settings.sim, seed=settings.seed))
    if settings.kind == "frontier":
        return DepthExplorer(settings.actions, explorer_config(settings.sim))
    return RandomPolicy(settings.actions.actions, settings.seed)


def follow(policy: Policy, settings: PolicySettings, contract: RunContract | None = None) -> None:
    """Make ``policy`` (built by :func:`make_policy`) act on ``settings``' amounts and camera.

    The explorer and the expert plan with them and take them over (the explorer keeps its
    memory); a VLM's adapter must have been trained under ``contract`` (default: the
    settings' own; ValueError otherwise); the random policy reads neither.
    """
    if settings.kind == "vlm":
        check_adapter(settings, contract)
    elif isinstance(policy, DepthExplorer):
        policy.space, policy.config = settings.actions, explorer_config(settings.sim)
    elif settings.kind == "expert":
        policy.space = settings.actions


def explorer_config(sim: SimConfig) -> ExplorerConfig:
    """The explorer's camera geometry and body from the simulator's (or robot's) settings."""
    return ExplorerConfig(hfov_deg=sim.hfov_deg, camera_height_m=sim.camera_height_m,
                          robot_radius_m=sim.agent_radius_m,
                          success_distance_m=sim.success_distance_m)


def check_adapter(settings: PolicySettings, contract: RunContract | None = None) -> None:
    """ModelLoadError when the adapter was trained otherwise (cheap: no weights are loaded).

    Compared: base model, allowed actions, run contract (default: the settings' own), prompt
    and image pixel bounds.
    """
    from objnav_ros.policy.adapter_record import check_record
    from objnav_ros.policy.prompt import PromptTemplate

    config = settings.vlm_config()
    if config.adapter_path:
        prompt = PromptTemplate.resolve(config.prompt_file, config.model_path).text
        check_record(config.adapter_path, config.model_path, settings.actions.actions,
                     settings.contract() if contract is None else contract, prompt,
                     config.min_pixels, config.max_pixels)
