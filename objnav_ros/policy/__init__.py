"""Policies that map an :class:`~objnav_ros.core.types.Observation` to a :class:`Decision`.

Light to import: torch, transformers and peft load only when a model is used. The model side
lives in submodules imported on demand:

- ``objnav_ros.policy.factory``: ``make_policy(PolicySettings(kind=...))`` for the ROS node;
- ``objnav_ros.policy.vlm_policy.VLMPolicy``: Qwen2.5-VL policy (score / generate modes);
- ``objnav_ros.policy.scoring``: ``collate_action_batch`` + ``action_logprobs`` (AWR's log pi);
- ``objnav_ros.policy.loader``: ``load_model``, ``load_adapter``, ``ModelLoadError``;
- ``objnav_ros.policy.lora``: ``attach_lora`` (fresh trainable adapter);
- ``objnav_ros.policy.tiny_model``: ``build_tiny_model`` (offline test model).
"""

from objnav_ros.policy.config import LoraSettings, VLMPolicyConfig
from objnav_ros.policy.decision import Decision, DecisionStats, Policy
from objnav_ros.policy.explorer import DepthExplorer, ExplorerConfig
from objnav_ros.policy.parser import parse_action
from objnav_ros.policy.prompt import PromptTemplate, answer_text
from objnav_ros.policy.random_policy import RandomPolicy

__all__ = [
    "Decision",
    "DecisionStats",
    "DepthExplorer",
    "ExplorerConfig",
    "LoraSettings",
    "Policy",
    "PromptTemplate",
    "RandomPolicy",
    "VLMPolicyConfig",
    "answer_text",
    "parse_action",
]
