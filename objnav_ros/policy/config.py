"""Typed, validated settings of the VLM policy and of its LoRA adapter."""

from __future__ import annotations

from dataclasses import dataclass

from objnav_ros.core.actions import Action

MODES = ("score", "generate")
DTYPES = ("auto", "float32", "bfloat16", "float16")
RANDOM_FALLBACK = "random"


@dataclass(frozen=True)
class VLMPolicyConfig:
    """How to load the Qwen2.5-VL model and turn its answers into actions.

    Empty strings and zeros mean "not set" so every field maps onto a ROS parameter.
    """

    model_path: str
    adapter_path: str = ""  # LoRA adapter folder (peft); empty = base model only
    merge_adapter: bool = False  # fold the adapter into the weights after loading
    mode: str = "score"  # 'score': log pi(a|s) of every allowed action; 'generate': free text
    device: str = "auto"  # 'auto' (CUDA when present), 'cpu', 'cuda' or 'cuda:N'
    dtype: str = "auto"  # 'auto' = bfloat16 on CUDA, float32 on CPU
    load_in_4bit: bool = False  # NF4 weights through bitsandbytes (Jetson-class memory)
    max_new_tokens: int = 64  # generate mode; the seed experiment used 256
    min_new_tokens: int = 0  # generate mode; > 0 suppresses end-of-answer (benchmarks)
    temperature: float = 0.0  # 0 = argmax / greedy; > 0 samples
    fallback_action: str = RANDOM_FALLBACK  # action name, or 'random' among the allowed ones
    prompt_file: str = ""  # empty = packaged prompts/objectnav.txt
    min_pixels: int = 0  # image resize bounds; 0 = the model folder's processor settings
    max_pixels: int = 0

    def __post_init__(self) -> None:
        if not self.model_path:
            raise ValueError("model_path: required (a local Hugging Face model folder)")
        if self.mode not in MODES:
            raise ValueError(f"mode: expected one of {MODES}, got {self.mode!r}")
        if self.device not in ("auto", "cpu", "cuda") and not self.device.startswith("cuda:"):
            raise ValueError(
                f"device: expected 'auto', 'cpu', 'cuda' or 'cuda:N', got {self.device!r}"
            )
        if self.dtype not in DTYPES:
            raise ValueError(f"dtype: expected one of {DTYPES}, got {self.dtype!r}")
        if self.load_in_4bit and self.merge_adapter:
            raise ValueError("merge_adapter: cannot merge a LoRA adapter into 4-bit weights")
        if self.merge_adapter and not self.adapter_path:
            raise ValueError("merge_adapter: set adapter_path to merge an adapter")
        if self.max_new_tokens < 1:
            raise ValueError(f"max_new_tokens: must be >= 1, got {self.max_new_tokens}")
        if not 0 <= self.min_new_tokens <= self.max_new_tokens:
            raise ValueError(
                f"min_new_tokens: must be in [0, max_new_tokens], got {self.min_new_tokens}"
            )
        if not self.temperature >= 0:
            raise ValueError(f"temperature: must be >= 0, got {self.temperature}")
        if self.fallback_action != RANDOM_FALLBACK:
            try:
                Action.from_name(self.fallback_action)
            except ValueError as err:
                raise ValueError(f"fallback_action: {err} or '{RANDOM_FALLBACK}'") from None
        for name in ("min_pixels", "max_pixels"):
            if (value := getattr(self, name)) < 0:
                raise ValueError(f"{name}: must be >= 0 (0 = model default), got {value}")
        if self.min_pixels and self.max_pixels and self.min_pixels > self.max_pixels:
            raise ValueError(f"min_pixels: {self.min_pixels} exceeds max_pixels {self.max_pixels}")


@dataclass(frozen=True)
class LoraSettings:
    """LoRA on the language model (defaults follow the seed run), optionally the vision merger.

    The vision tower's blocks stay frozen; ``vision_merger`` also adapts the two linear layers
    that project its patches into the language model.
    """

    r: int = 8
    alpha: int = 16
    dropout: float = 0.05
    target_modules: tuple[str, ...] = ("q_proj", "v_proj")
    vision_merger: bool = False

    def __post_init__(self) -> None:
        if self.r < 1:
            raise ValueError(f"r: must be >= 1, got {self.r}")
        if self.alpha <= 0:
            raise ValueError(f"alpha: must be > 0, got {self.alpha}")
        if not 0 <= self.dropout < 1:
            raise ValueError(f"dropout: must be in [0, 1), got {self.dropout}")
        names = tuple(self.target_modules)
        if not names or not all(n.isidentifier() for n in names):
            raise ValueError(f"target_modules: expected module names like 'q_proj', got {names}")
        object.__setattr__(self, "target_modules", names)
