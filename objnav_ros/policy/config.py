"""Typed, validated settings of the VLM policy and of its LoRA adapter."""

from __future__ import annotations

from dataclasses import dataclass

from objnav_ros.core.actions import Action
from objnav_ros.core.schema import check_settings, setting

MODES = ("score", "generate")
DTYPES = ("auto", "float32", "bfloat16", "float16")
RANDOM_FALLBACK = "random"


def _fallback_problem(name: str) -> str | None:
    if name == RANDOM_FALLBACK:
        return None
    try:
        Action.from_name(name)
    except ValueError as err:
        return f"{err} or '{RANDOM_FALLBACK}'"
    return None


def _device_problem(device: str) -> str | None:
    if device in ("auto", "cpu", "cuda") or device.startswith("cuda:"):
        return None
    return f"expected 'auto', 'cpu', 'cuda' or 'cuda:N', got {device!r}"


def _pixels(description: str):
    return setting(0, description + " image pixels the processor resizes to; 0 = the model "
                   "folder's setting.", min_value=0, max_value=100_000_000)


@dataclass(frozen=True)
class VLMPolicyConfig:
    """How to load the Qwen2.5-VL model and turn its answers into actions.

    Empty strings and zeros mean "not set" so every field maps onto a ROS parameter.
    """

    model_path: str = setting("", "Local Qwen2.5-VL model folder (Hugging Face layout).",
                              flag="model")
    adapter_path: str = setting("", "LoRA adapter folder (peft); empty = base model only.",
                                flag="adapter")
    merge_adapter: bool = setting(False, "Merge the adapter into the weights after loading.")
    mode: str = setting("score", "Decision: score (log-prob of every allowed action, one "
                        "forward) or generate (free text, parsed).", choices=MODES)
    device: str = setting("auto", "Torch device: auto (CUDA when present), cpu, cuda or cuda:N.",
                          rule=_device_problem)
    dtype: str = setting("auto", "Weights: auto (CUDA bfloat16, CPU float32), float32, bfloat16 "
                         "or float16 (Jetson Xavier: no bfloat16).", choices=DTYPES)
    load_in_4bit: bool = setting(False, "Load NF4 4-bit weights with bitsandbytes (small-memory "
                                 "Jetsons).")
    max_new_tokens: int = setting(64, "Generate mode: answer length limit (tokens).",
                                  min_value=1, max_value=2048)
    min_new_tokens: int = setting(0, "Generate mode: > 0 suppresses the end of the answer "
                                  "(benchmarks).", min_value=0, max_value=2048)
    temperature: float = setting(0.0, "0 = argmax (greedy); > 0 samples the action "
                                 "distribution.", min_value=0.0, max_value=100.0)
    fallback_action: str = setting(RANDOM_FALLBACK, "Action used when an answer cannot be "
                                   "parsed: an action name, or random among the allowed ones.",
                                   rule=_fallback_problem)
    prompt_file: str = setting("", "Prompt template file; empty = the packaged one (or the "
                               "model folder's objnav_prompt.txt).")
    min_pixels: int = _pixels("Fewest")
    max_pixels: int = _pixels("Most")

    def __post_init__(self) -> None:
        check_settings(self)
        if not self.model_path:
            raise ValueError("model_path: required (a local Hugging Face model folder)")
        if self.load_in_4bit and self.merge_adapter:
            raise ValueError("merge_adapter: cannot merge a LoRA adapter into 4-bit weights")
        if self.merge_adapter and not self.adapter_path:
            raise ValueError("merge_adapter: set adapter_path to merge an adapter")
        if self.min_new_tokens > self.max_new_tokens:
            raise ValueError(
                f"min_new_tokens: must be in [0, max_new_tokens], got {self.min_new_tokens}"
            )
        if self.min_pixels and self.max_pixels and self.min_pixels > self.max_pixels:
            raise ValueError(f"min_pixels: {self.min_pixels} exceeds max_pixels {self.max_pixels}")


@dataclass(frozen=True)
class LoraSettings:
    """LoRA on the language model (defaults follow the seed run), optionally the vision merger.

    The vision tower's blocks stay frozen; ``vision_merger`` also adapts the two linear layers
    that project its patches into the language model.
    """

    r: int = setting(8, "LoRA rank.", min_value=1, max_value=1024)
    alpha: int = setting(16, "LoRA alpha (scale alpha / r).", min_value=1, max_value=4096)
    dropout: float = setting(0.05, "LoRA dropout.", min_value=0.0, max_value=0.99)
    target_modules: tuple[str, ...] = setting(
        ("q_proj", "v_proj"), "Language-model modules that get LoRA.", flag="targets",
        rule=lambda names: None if names and all(n.isidentifier() for n in names)
        else f"expected module names like 'q_proj', got {tuple(names)}")
    vision_merger: bool = setting(False, "Also adapt the vision merger (the two linear layers "
                                  "projecting patches into the language model).")

    def __post_init__(self) -> None:
        check_settings(self)
