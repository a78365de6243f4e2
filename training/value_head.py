"""The value baseline V(s): a small MLP on pooled features of the policy's own forward pass.

Features are the mean of the language model's last hidden state over the prompt positions
(image and text, not the candidate answers), caught by a forward hook during the scoring
pass, so V(s) costs no extra forward. By default they are detached: the value loss trains
the head only and the LoRA weights follow the actor loss alone, as in AWR.
"""

from __future__ import annotations

import torch
from torch import nn


def language_model(model) -> nn.Module:
    """The decoder (``Qwen2_5_VLTextModel``) inside a plain or peft-wrapped model."""
    base = model.get_base_model() if hasattr(model, "get_base_model") else model
    return base.model.language_model


class LastHiddenState:
    """Keeps the decoder's last hidden state (B, L, H) of its most recent forward."""

    def __init__(self, model) -> None:
        self.value: torch.Tensor | None = None
        language_model(model).register_forward_hook(self._keep)

    def _keep(self, module, args, output) -> None:
        self.value = output.last_hidden_state


def pool(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Mean of ``hidden`` (B, L, H) over the positions where ``mask`` (B, L) is True."""
    weights = mask.to(hidden.dtype)[..., None]
    return (hidden * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1.0)


class ValueHead(nn.Module):
    """V(s) = MLP(LayerNorm(pooled features)), float32."""

    def __init__(self, hidden_size: int, width: int = 256) -> None:
        super().__init__()
        self.net = nn.Sequential(
            nn.LayerNorm(hidden_size),
            nn.Linear(hidden_size, width),
            nn.GELU(),
            nn.Linear(width, 1),
        )

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        """Values (B,) of pooled features (B, H)."""
        return self.net(features.float()).squeeze(-1)
