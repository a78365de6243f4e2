"""Benchmark one VLM policy decision: score mode vs generate mode (64 new tokens).

Measured through ``VLMPolicy.select_action`` on a 640x480 frame with the six habitat actions,
on the tiny random Qwen2.5-VL model with the real Qwen vocabulary (CPU, float32), and, where
CUDA is available, on a randomly initialised model of the full Qwen2.5-VL-3B configuration
(bf16). Generate mode is forced to emit all 64 tokens (``min_new_tokens``), as a random model
would otherwise stop at random. The last stdout line is one JSON object.

    python bench/policy.py --quick
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch

from objnav_ros.core.actions import action_space
from objnav_ros.core.types import Observation, Pose2D
from objnav_ros.policy.config import VLMPolicyConfig
from objnav_ros.policy.loader import LoadedModel, load_model
from objnav_ros.policy.scoring import collate_action_batch
from objnav_ros.policy.tiny_model import build_tiny_model, chat_template
from objnav_ros.policy.vlm_policy import VLMPolicy

NEW_TOKENS = 64
ACTIONS = action_space("habitat").actions


def medians_ms(fns: dict[str, Callable[[], object]], rounds: int,
               clock=time.perf_counter) -> dict[str, float]:
    """Median ms per call of each function; calls interleave so load drifts hit all alike."""
    times = {name: [] for name in fns}
    for fn in fns.values():
        fn()  # warm-up
    for _ in range(rounds):
        for name, fn in fns.items():
            start = clock()
            fn()
            times[name].append(clock() - start)
    return {name: round(1000 * statistics.median(t), 2) for name, t in times.items()}


def frame() -> Observation:
    rng = np.random.default_rng(0)
    rgb = rng.integers(0, 256, (480, 640, 3), dtype=np.uint8)
    depth = np.full((480, 640), 2.0, np.float32)
    return Observation(rgb, depth, Pose2D(0.0, 0.0, 0.0), False, 0, "chair")


def measure(loaded: LoadedModel, path: str, rounds: int) -> dict[str, float]:
    """Median ms per decision in both modes, plus the prompt size the model saw."""
    obs = frame()
    decide = {}
    for mode in ("score", "generate"):
        config = VLMPolicyConfig(model_path=path, mode=mode, max_new_tokens=NEW_TOKENS,
                                 min_new_tokens=NEW_TOKENS if mode == "generate" else 0)
        policy = VLMPolicy(loaded, config, ACTIONS, rng=0)
        decide[f"{mode}_ms"] = lambda p=policy: p.select_action(obs)
    results = medians_ms(decide, rounds)
    batch = collate_action_batch(loaded.processor, policy.template, [(obs.rgb, "chair", ())],
                                 ACTIONS)
    results["prompt_tokens"] = int((batch.segment[0] == 0).sum())
    results["image_tokens"] = int(batch.mm_token_type_ids.sum())
    return results


def qwen2_5_vl_3b_config():
    """The Qwen2.5-VL-3B-Instruct architecture (weights are random: nothing is downloaded)."""
    from transformers import Qwen2_5_VLConfig

    text = {
        "vocab_size": 151936, "hidden_size": 2048, "intermediate_size": 11008,
        "num_hidden_layers": 36, "num_attention_heads": 16, "num_key_value_heads": 2,
        "max_position_embeddings": 128000, "rms_norm_eps": 1e-6,
        "rope_parameters": {"rope_type": "default", "rope_theta": 1e6,
                            "mrope_section": [16, 24, 24]},
        "bos_token_id": 151643, "eos_token_id": 151645, "pad_token_id": 151643,
    }
    vision = {
        "depth": 32, "hidden_size": 1280, "intermediate_size": 3420, "num_heads": 16,
        "patch_size": 14, "spatial_merge_size": 2, "temporal_patch_size": 2, "window_size": 112,
        "fullatt_block_indexes": [7, 15, 23, 31], "out_hidden_size": 2048, "tokens_per_second": 2,
    }
    return Qwen2_5_VLConfig(text_config=text, vision_config=vision, tie_word_embeddings=True)


def random_3b(tokenizer_dir: Path, device: str, dtype) -> LoadedModel:
    """Random-weight Qwen2.5-VL-3B with the real vocabulary and the stock image settings."""
    from transformers import AutoTokenizer, GenerationConfig, Qwen2_5_VLForConditionalGeneration
    from transformers.models.qwen2_vl.image_processing_pil_qwen2_vl import (
        Qwen2VLImageProcessorPil,
    )

    from objnav_ros.policy.processor import image_only_processor_class

    with torch.device(device):
        model = Qwen2_5_VLForConditionalGeneration._from_config(qwen2_5_vl_3b_config(), dtype=dtype)
    model.generation_config = GenerationConfig(eos_token_id=[151645, 151643], pad_token_id=151643)
    processor = image_only_processor_class()(
        image_processor=Qwen2VLImageProcessorPil(),
        tokenizer=AutoTokenizer.from_pretrained(tokenizer_dir, local_files_only=True),
        chat_template=chat_template(),
    )
    return LoadedModel(model=model.eval(), processor=processor, device=device, dtype=dtype)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats (< 60 s on CPU)")
    parser.add_argument("--model-dir", default="", help="tiny model folder to build or reuse")
    args = parser.parse_args(argv)
    rounds = 8 if args.quick else 30
    with tempfile.TemporaryDirectory() as tmp:
        path = build_tiny_model(Path(args.model_dir or tmp) / "tiny-qwen", vocab="qwen")
        tiny = measure(load_model(VLMPolicyConfig(model_path=str(path), device="cpu")),
                       str(path), rounds)
        gpu = {"gpu_score_ms": None, "gpu_generate_ms": None}
        if torch.cuda.is_available():
            big = measure(random_3b(path, "cuda", torch.bfloat16), str(path), rounds)
            gpu = {
                "gpu_score_ms": big["score_ms"],
                "gpu_generate_ms": big["generate_ms"],
                "gpu_score_vs_generate": round(big["score_ms"] / big["generate_ms"], 4),
                "gpu_prompt_tokens": big["prompt_tokens"],
                "gpu_model": f"random Qwen2.5-VL-3B architecture, bf16, "
                             f"{torch.cuda.get_device_name()}",
            }
    result = {
        "score_ms": tiny["score_ms"],
        "generate_ms": tiny["generate_ms"],
        "score_vs_generate": round(tiny["score_ms"] / tiny["generate_ms"], 4),
        "model": "tiny random Qwen2.5-VL (real Qwen vocabulary, 2 text layers, hidden 64, "
                 "vision depth 2), CPU float32",
        "actions": len(ACTIONS),
        "generate_new_tokens": NEW_TOKENS,
        "prompt_tokens": tiny["prompt_tokens"],
        "image_tokens": tiny["image_tokens"],
        "torch_threads": torch.get_num_threads(),
        "rounds": rounds,
        **gpu,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
