"""Typed, validated settings of an offline AWR training run.

Defaults follow the seed run where it had one (LoRA r=8 / alpha 16 / dropout 0.05 on q,v;
batch 2 x gradient accumulation 4; 3 epochs; entropy 1e-3; LoRA L2 1e-5; bf16 on GPU),
except the learning rate: 1e-4 (the usual LoRA rate; the seed's 1e-5 barely moves an
adapter in a few thousand steps). The tiny test model learns with about 1e-2.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from objnav_ros.core.actions import PRESETS, ActionSpace
from objnav_ros.policy.config import DTYPES, LoraSettings
from objnav_training.awr import AWRConfig
from objnav_training.reward import RewardConfig

PRECISIONS = ("auto", "32-true", "bf16-mixed", "16-mixed", "bf16-true")


@dataclass(frozen=True)
class TrainConfig:
    """Model, data, algorithm and engine (Lightning) settings of one run."""

    model_path: str  # local Qwen2.5-VL folder (the policy node's model_path)
    out_dir: str  # adapter/, checkpoints/, logs/, metrics.json, training_curves.png
    actions: str = "habitat"  # action preset; must be the one the policy runs with
    prompt_file: str = ""  # empty = packaged prompt, as the policy node
    dtype: str = "auto"  # base weights: bfloat16 on CUDA, float32 on CPU
    min_pixels: int = 0  # image resize bounds; 0 = the model folder's
    max_pixels: int = 0
    lora: LoraSettings = field(default_factory=LoraSettings)
    init_adapter: str = ""  # start from this adapter folder (a DAgger round); empty = fresh LoRA
    awr: AWRConfig = field(default_factory=AWRConfig)
    reward: RewardConfig = field(default_factory=RewardConfig)
    gamma: float = 0.99
    td_lambda: float = 0.95  # 1 = Monte Carlo discounted returns
    use_expert_labels: bool = True  # DAgger: imitate expert_action where a transition has one
    value_width: int = 256
    value_detach: bool = True  # value loss trains the head only (see value_head.py)
    lr: float = 1e-4  # LoRA weights
    value_lr: float = 1e-3  # value head
    batch_size: int = 2
    accumulate_grad_batches: int = 4
    steps: int = 0  # optimizer steps; 0 = run `epochs` epochs
    epochs: int = 3
    grad_clip: float = 1.0  # gradient norm clip; 0 = off
    num_workers: int = 2  # DataLoader processes decoding frames and tokenising
    seed: int = 0
    accelerator: str = "auto"  # Lightning: 'auto', 'cpu', 'gpu'
    devices: str = "auto"  # Lightning: 'auto', a count ('4') or ids ('0,1')
    strategy: str = "auto"  # Lightning: 'auto', 'ddp', ...
    precision: str = "auto"  # 'auto' = bf16-mixed with CUDA, else 32-true
    checkpoint_every: int = 100  # optimizer steps between checkpoints (last.ckpt kept)
    resume: str = ""  # Lightning ckpt_path: a .ckpt file or 'last'; empty = fresh run
    log_every: int = 10  # optimizer steps between logged rows
    progress_bar: bool = True

    def __post_init__(self) -> None:
        if not self.model_path:
            raise ValueError("model_path: required (a local Qwen2.5-VL model folder)")
        if not self.out_dir:
            raise ValueError("out_dir: required")
        if self.actions not in PRESETS:
            raise ValueError(f"actions: expected one of {sorted(PRESETS)}, got {self.actions!r}")
        if self.dtype not in DTYPES:
            raise ValueError(f"dtype: expected one of {DTYPES}, got {self.dtype!r}")
        if self.precision not in PRECISIONS:
            raise ValueError(f"precision: expected one of {PRECISIONS}, got {self.precision!r}")
        for name, kind in (("lora", LoraSettings), ("awr", AWRConfig), ("reward", RewardConfig)):
            if not isinstance(getattr(self, name), kind):
                raise ValueError(f"{name}: expected {kind.__name__}, got {getattr(self, name)!r}")
        for name in ("gamma", "td_lambda"):
            if not 0 <= getattr(self, name) <= 1:
                raise ValueError(f"{name}: must be in [0, 1], got {getattr(self, name)}")
        for name in ("lr", "value_lr"):
            if not (math.isfinite(getattr(self, name)) and getattr(self, name) > 0):
                raise ValueError(f"{name}: must be a finite number > 0, got {getattr(self, name)}")
        for name in ("value_width", "batch_size", "accumulate_grad_batches", "epochs",
                     "checkpoint_every", "log_every"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name}: must be >= 1, got {getattr(self, name)}")
        for name in ("steps", "num_workers", "min_pixels", "max_pixels", "seed"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name}: must be >= 0, got {getattr(self, name)}")
        if not (math.isfinite(self.grad_clip) and self.grad_clip >= 0):
            raise ValueError(f"grad_clip: must be a finite number >= 0, got {self.grad_clip}")
        try:
            self.lightning_devices()
        except ValueError:
            raise ValueError(f"devices: expected 'auto', a count or comma-separated ids, "
                             f"got {self.devices!r}") from None

    @property
    def action_space(self) -> ActionSpace:
        return PRESETS[self.actions]

    def lightning_precision(self, cuda: bool) -> str:
        """The Lightning precision: 'auto' -> bf16-mixed with CUDA, 32-true otherwise."""
        if self.precision != "auto":
            return self.precision
        return "bf16-mixed" if cuda else "32-true"

    def lightning_devices(self) -> int | str | list[int]:
        """``devices`` as Lightning takes it: 'auto', an int count, or a list of ids."""
        if self.devices == "auto":
            return "auto"
        if "," in self.devices:
            return [int(d) for d in self.devices.split(",") if d]
        return int(self.devices)
