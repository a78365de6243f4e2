"""Attach a fresh LoRA adapter to the language model of a Qwen2.5-VL model (for training)."""

from __future__ import annotations

from objnav_ros.policy.config import LoraSettings

DEFAULT_LORA = LoraSettings()
LANGUAGE_LAYERS = r"model\.language_model\.layers\.\d+\.\w+\."


def lora_target_pattern(settings: LoraSettings) -> str:
    """Regex (peft full-match) selecting the target modules of the language model only."""
    return LANGUAGE_LAYERS + "(" + "|".join(settings.target_modules) + ")"


def attach_lora(model, settings: LoraSettings = DEFAULT_LORA):
    """Wrap ``model`` in a trainable peft LoRA adapter; the rest (vision tower too) is frozen."""
    from peft import LoraConfig, get_peft_model

    config = LoraConfig(
        r=settings.r,
        lora_alpha=settings.alpha,
        lora_dropout=settings.dropout,
        target_modules=lora_target_pattern(settings),
        task_type="CAUSAL_LM",
    )
    return get_peft_model(model, config)
