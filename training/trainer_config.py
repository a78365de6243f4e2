"""Typed, validated settings of an offline AWR training run.

Defaults follow the seed run where it had one (LoRA r=8 / alpha 16 / dropout 0.05 on q,v;
batch 2 x gradient accumulation 4; 3 epochs; entropy 1e-3; LoRA L2 1e-5; bf16 on GPU),
except the learning rate: 1e-4 (the usual LoRA rate; the seed's 1e-5 barely moves an
adapter in a few thousand steps). The tiny test model learns with about 1e-2.
"""

from __future__ import annotations

from dataclasses import dataclass

from objnav_ros.core.actions import ACTION_PRESET, PRESETS, ActionSpace
from objnav_ros.core.schema import check_settings, like, section, setting
from objnav_ros.policy.config import LoraSettings, VLMPolicyConfig
from objnav_training.awr import AWRConfig
from objnav_training.reward import RewardConfig

PRECISIONS = ("auto", "32-true", "bf16-mixed", "16-mixed", "bf16-true")


def _devices_problem(devices: str) -> str | None:
    try:
        _lightning_devices(devices)
    except ValueError:
        return f"expected 'auto', a count or comma-separated ids, got {devices!r}"
    return None


def _lightning_devices(devices: str) -> int | str | list[int]:
    if devices == "auto":
        return "auto"
    if "," in devices:
        return [int(d) for d in devices.split(",") if d]
    return int(devices)


def _count(default: int, description: str, low: int = 1):
    return setting(default, description, min_value=low, max_value=1_000_000_000)


def _rate(default: float, description: str):
    return setting(default, description, min_value=1e-12, max_value=10.0)


@dataclass(frozen=True)
class TrainConfig:
    """Model, data, algorithm and engine (Lightning) settings of one run."""

    model_path: str = like(VLMPolicyConfig, "model_path")
    out_dir: str = setting("", "Output folder: adapter/, checkpoints/, logs/, metrics.json, "
                           "training_curves.png.", flag="out")
    action_preset: str = ACTION_PRESET.field()  # must be the one the policy runs with
    prompt_file: str = like(VLMPolicyConfig, "prompt_file")
    dtype: str = like(VLMPolicyConfig, "dtype")
    min_pixels: int = like(VLMPolicyConfig, "min_pixels")
    max_pixels: int = like(VLMPolicyConfig, "max_pixels")
    lora: LoraSettings = section(LoraSettings, "lora-")
    init_adapter: str = setting("", "Start from this adapter folder (a DAgger round); empty = "
                                "a fresh LoRA.")
    awr: AWRConfig = section(AWRConfig)
    reward: RewardConfig = section(RewardConfig)
    gamma: float = setting(0.99, "Discount.", min_value=0.0, max_value=1.0)
    td_lambda: float = setting(0.95, "TD(lambda) of the return targets; 1 = Monte Carlo "
                               "discounted returns.", min_value=0.0, max_value=1.0)
    use_expert_labels: bool = setting(
        True, "DAgger: imitate the expert's label where a transition has one (else the action "
        "taken).", flag="expert-labels")
    value_width: int = _count(256, "Hidden width of the value head.")
    value_detach: bool = setting(True, "The value loss trains the value head only (see "
                                 "value_head.py).")
    lr: float = _rate(1e-4, "LoRA learning rate (the seed used 1e-5).")
    value_lr: float = _rate(1e-3, "Value head learning rate.")
    batch_size: int = _count(2, "Transitions per batch.")
    accumulate_grad_batches: int = setting(4, "Batches per optimizer step (gradient "
                                           "accumulation).", min_value=1, max_value=1_000_000,
                                           flag="accumulate")
    steps: int = _count(0, "Optimizer steps; 0 = run --epochs epochs.", low=0)
    epochs: int = _count(3, "Epochs when --steps is 0.")
    grad_clip: float = setting(1.0, "Gradient norm clip; 0 = off.", min_value=0.0,
                               max_value=1e6)
    num_workers: int = _count(2, "DataLoader processes decoding frames and tokenising.", low=0)
    seed: int = _count(0, "Random seed of the run (LoRA init, data order).", low=0)
    accelerator: str = setting("auto", "Lightning accelerator: auto, cpu or gpu.")
    devices: str = setting("auto", "Lightning devices: auto, a count (4) or ids (0,1).",
                           rule=_devices_problem)
    strategy: str = setting("auto", "Lightning strategy: auto, ddp, ...")
    precision: str = setting("auto", "Lightning precision; auto = bf16-mixed with CUDA, else "
                             "32-true.", choices=PRECISIONS)
    checkpoint_every: int = _count(100, "Optimizer steps between checkpoints (last.ckpt kept).")
    resume: str = setting("", "Checkpoint to continue: a .ckpt file or 'last'; empty = a fresh "
                          "run.")
    log_every: int = _count(10, "Optimizer steps between logged rows.")
    progress_bar: bool = setting(True, "Show a progress bar.")

    def __post_init__(self) -> None:
        check_settings(self)
        if not self.model_path:
            raise ValueError("model_path: required (a local Qwen2.5-VL model folder)")
        if not self.out_dir:
            raise ValueError("out_dir: required")

    @property
    def action_space(self) -> ActionSpace:
        return PRESETS[self.action_preset]

    def lightning_precision(self, cuda: bool) -> str:
        """The Lightning precision: 'auto' -> bf16-mixed with CUDA, 32-true otherwise."""
        if self.precision != "auto":
            return self.precision
        return "bf16-mixed" if cuda else "32-true"

    def lightning_devices(self) -> int | str | list[int]:
        """``devices`` as Lightning takes it: 'auto', an int count, or a list of ids."""
        return _lightning_devices(self.devices)
