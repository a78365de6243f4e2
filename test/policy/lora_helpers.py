"""Helpers that make LoRA adapter folders for tests."""

from __future__ import annotations

from pathlib import Path

import torch

from objnav_ros.policy.config import VLMPolicyConfig
from objnav_ros.policy.loader import load_model
from objnav_ros.policy.lora import attach_lora


def randomise_lora(model, seed: int = 0) -> None:
    """Give the adapter non-zero B matrices so that it changes the outputs."""
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, param in model.named_parameters():
            if "lora_B" in name:
                param.copy_(torch.randn(param.shape, generator=gen) * 0.5)


def save_random_adapter(model_path: Path, out: Path):
    """A fresh model from ``model_path`` with a randomised adapter saved at ``out``."""
    model = attach_lora(load_model(VLMPolicyConfig(model_path=str(model_path))).model)
    randomise_lora(model)
    model.save_pretrained(out)
    return model
