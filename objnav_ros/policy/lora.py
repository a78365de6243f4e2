"""Attach a fresh LoRA adapter to a Qwen2.5-VL model's language model (for training)."""

from __future__ import annotations

from objnav_ros.policy.config import LoraSettings

DEFAULT_LORA = LoraSettings()
LANGUAGE_LAYERS = r"model\.language_model\.layers\.\d+\.\w+\."
VISION_MERGER = r"model\.visual\.merger\.mlp\.[02]"  # Linear, GELU, Linear


def lora_target_pattern(settings: LoraSettings) -> str:
    """Regex (peft full-match): the language model's target modules (and the merger's linears)."""
    language = LANGUAGE_LAYERS + "(" + "|".join(settings.target_modules) + ")"
    return f"{language}|{VISION_MERGER}" if settings.vision_merger else language


def attach_lora(model, settings: LoraSettings = DEFAULT_LORA):
    """Wrap ``model`` in a trainable peft LoRA adapter; everything else is frozen."""
    from peft import LoraConfig, get_peft_model

    config = LoraConfig(
        r=settings.r,
        lora_alpha=settings.alpha,
        lora_dropout=settings.dropout,
        target_modules=lora_target_pattern(settings),
        task_type="CAUSAL_LM",
    )
    return get_peft_model(model, config)
