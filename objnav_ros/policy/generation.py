"""Generate mode: free-text answer for one image and prompt (parsed later by the policy)."""

from __future__ import annotations

import torch
from PIL import Image


def generate_answer(
    model,
    processor,
    prompt: str,
    image: Image.Image,
    *,
    max_new_tokens: int,
    min_new_tokens: int = 0,
    temperature: float = 0.0,
    seed: int = 0,
) -> str:
    """Decode the model's answer: greedy at ``temperature`` 0, else sampled with ``seed``."""
    from transformers import GenerationConfig

    device = model.get_input_embeddings().weight.device
    inputs = processor(text=[prompt], images=[image], return_tensors="pt").to(device)
    defaults = model.generation_config
    config = GenerationConfig(
        max_new_tokens=max_new_tokens,
        min_new_tokens=min_new_tokens,
        do_sample=temperature > 0,
        temperature=temperature if temperature > 0 else None,
        top_k=None,
        top_p=None,
        eos_token_id=defaults.eos_token_id,
        pad_token_id=defaults.pad_token_id,
    )
    cuda = [device] if device.type == "cuda" else []
    with torch.inference_mode(), torch.random.fork_rng(devices=cuda):
        torch.manual_seed(seed)
        out = model.generate(**inputs, generation_config=config)
    new_tokens = out[0, inputs["input_ids"].shape[1]:]
    return processor.tokenizer.decode(new_tokens, skip_special_tokens=True)
