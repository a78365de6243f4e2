"""Load a local Qwen2.5-VL model folder (optionally LoRA, merged or 4-bit) and its processor.

Offline and safe by construction: ``local_files_only=True``, ``use_safetensors=True``,
``trust_remote_code=False``. Every problem with the folders is one :class:`ModelLoadError`
line naming the path and what was expected.
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from objnav_ros.policy.config import VLMPolicyConfig
from objnav_ros.policy.processor import load_processor

MODEL_TYPE = "qwen2_5_vl"
MAX_PROBLEM_CHARS = 400


class ModelLoadError(ValueError):
    """A model or adapter folder that cannot be used (one line: path, problem, expectation)."""

    def __init__(self, what: str, path: str | Path, problem: str, expected: str) -> None:
        problem = " ".join(str(problem).split())  # one line, whatever the library said
        if len(problem) > MAX_PROBLEM_CHARS:
            problem = problem[: MAX_PROBLEM_CHARS - 3] + "..."
        super().__init__(f"{what} {path}: {problem}; expected {expected}")


@dataclass(frozen=True)
class LoadedModel:
    """A ready model with its processor and where it runs."""

    model: Any  # Qwen2_5_VLForConditionalGeneration, or a peft PeftModel around it
    processor: Any
    device: str
    dtype: Any  # torch.dtype


def _read_json(what: str, file: Path, expected: str) -> dict:
    if not file.is_file():
        raise ModelLoadError(what, file.parent, f"no {file.name}", expected)
    try:
        return json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        problem = f"unreadable {file.name} ({err})"
        raise ModelLoadError(what, file.parent, problem, expected) from None


def check_model_folder(path: str | Path) -> Path:
    """The folder if it holds a Qwen2.5-VL config and safetensors weights."""
    folder = Path(path)
    expected = f"a local Hugging Face folder of a Qwen2.5-VL model (model_type '{MODEL_TYPE}')"
    if not folder.is_dir():
        raise ModelLoadError("model_path", folder, "no such folder", expected)
    model_type = _read_json("model_path", folder / "config.json", expected).get("model_type")
    if model_type != MODEL_TYPE:
        raise ModelLoadError("model_path", folder, f"config.json has model_type {model_type!r}",
                             expected)
    weights = sorted(folder.glob("*.safetensors"))
    if not weights:
        raise ModelLoadError("model_path", folder, "no *.safetensors weights", expected)
    _check_safetensors("model_path", weights, expected)
    return folder


def check_adapter_folder(path: str | Path) -> dict:
    """The adapter_config.json of a peft LoRA adapter folder with safetensors weights."""
    folder = Path(path)
    expected = "a peft LoRA adapter folder (adapter_config.json + adapter_model.safetensors)"
    if not folder.is_dir():
        raise ModelLoadError("adapter_path", folder, "no such folder", expected)
    config = _read_json("adapter_path", folder / "adapter_config.json", expected)
    if config.get("peft_type") != "LORA":
        raise ModelLoadError("adapter_path", folder, f"peft_type is {config.get('peft_type')!r}",
                             expected)
    if not (folder / "adapter_model.safetensors").is_file():
        raise ModelLoadError("adapter_path", folder, "no adapter_model.safetensors", expected)
    _check_safetensors("adapter_path", [folder / "adapter_model.safetensors"], expected)
    return config


def _check_safetensors(what: str, files: list[Path], expected: str) -> None:
    """ModelLoadError unless each file has a whole safetensors header and data."""
    from safetensors import SafetensorError, safe_open

    for file in files:
        try:
            with safe_open(file, framework="numpy"):
                pass
        except (SafetensorError, OSError) as err:
            raise ModelLoadError(what, file.parent, f"{file.name} is corrupt or truncated ({err})",
                                 expected) from None


def resolve_device(device: str) -> str:
    """``auto`` -> ``cuda`` when available, else ``cpu``; CUDA requested but absent is an error."""
    import torch

    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise ValueError(f"device: {device!r} requested but torch sees no CUDA device")
    return device


def resolve_dtype(dtype: str, device: str):
    """``auto`` -> bfloat16 on CUDA (float16 where bf16 is unsupported), float32 on CPU."""
    import torch

    if dtype != "auto":
        return getattr(torch, dtype)
    if not device.startswith("cuda"):
        return torch.float32
    return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16


def _nf4_config(dtype):
    try:
        import bitsandbytes  # noqa: F401
    except ImportError:
        raise ValueError("load_in_4bit: needs the bitsandbytes package "
                         "(pip install bitsandbytes)") from None
    from transformers import BitsAndBytesConfig

    return BitsAndBytesConfig(
        load_in_4bit=True,
        bnb_4bit_quant_type="nf4",
        bnb_4bit_use_double_quant=True,
        bnb_4bit_compute_dtype=dtype,
        llm_int8_skip_modules=["model.visual", "visual", "lm_head"],  # v5 and v4 names
    )


def load_adapter(model, adapter_path: str | Path, *, trainable: bool = False):
    """Wrap ``model`` in the peft LoRA adapter at ``adapter_path``; misfits raise ModelLoadError."""
    from peft import PeftModel

    base = check_adapter_folder(adapter_path).get("base_model_name_or_path")
    expected = "an adapter trained on this base model" + (
        f" (its adapter_config.json names base {base!r})" if base else "")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            peft_model = PeftModel.from_pretrained(model, adapter_path, is_trainable=trainable)
        except (ValueError, RuntimeError, KeyError) as err:
            raise ModelLoadError("adapter_path", adapter_path, str(err), expected) from None
    for warning in caught:
        if "missing adapter keys" in str(warning.message):  # peft only warns: make it an error
            raise ModelLoadError("adapter_path", adapter_path,
                                 "its weights do not match the model's modules", expected)
        warnings.warn_explicit(warning.message, warning.category, warning.filename,
                               warning.lineno)
    return peft_model


def load_model(config: VLMPolicyConfig, *, adapter_trainable: bool = False) -> LoadedModel:
    """Load model (+ adapter, merged if asked) and processor as ``config`` says."""
    folder = check_model_folder(config.model_path)
    if config.adapter_path:
        check_adapter_folder(config.adapter_path)
    from transformers import Qwen2_5_VLForConditionalGeneration

    device = resolve_device(config.device)
    dtype = resolve_dtype(config.dtype, device)
    kwargs = {"dtype": dtype, "device_map": {"": device}}
    if config.load_in_4bit:
        kwargs["quantization_config"] = _nf4_config(dtype)
    model = Qwen2_5_VLForConditionalGeneration.from_pretrained(
        folder, local_files_only=True, use_safetensors=True, trust_remote_code=False, **kwargs
    )
    if config.adapter_path:
        model = load_adapter(model, config.adapter_path, trainable=adapter_trainable)
        if config.merge_adapter:
            model = model.merge_and_unload()
    if not adapter_trainable:
        model.eval()
    processor = load_processor(folder, config.min_pixels, config.max_pixels)
    return LoadedModel(model=model, processor=processor, device=device, dtype=dtype)
