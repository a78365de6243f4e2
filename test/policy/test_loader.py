import json
import shutil

import pytest
import torch
from safetensors.torch import load_file, save_file

from objnav_ros.policy.config import VLMPolicyConfig
from objnav_ros.policy.loader import (
    ModelLoadError,
    check_model_folder,
    load_model,
    resolve_device,
    resolve_dtype,
)
from objnav_ros.policy.lora import attach_lora
from test.policy.lora_helpers import randomise_lora, save_random_adapter


def _load(model_path, **kwargs):
    return load_model(VLMPolicyConfig(model_path=str(model_path), **kwargs))


def _one_line(err: pytest.ExceptionInfo) -> str:
    message = str(err.value)
    assert "\n" not in message and isinstance(err.value, ValueError)
    return message


def test_missing_model_path(tmp_path):
    with pytest.raises(ModelLoadError) as err:
        _load(tmp_path / "nowhere")
    assert f"model_path {tmp_path / 'nowhere'}: no such folder" in _one_line(err)
    assert "Qwen2.5-VL" in str(err.value)


def test_non_qwen_folder(tmp_path):
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "llama"}))
    with pytest.raises(ModelLoadError) as err:
        _load(tmp_path)
    assert "model_type 'llama'" in _one_line(err) and "expected" in str(err.value)
    assert "'qwen2_5_vl'" in str(err.value)


def test_folder_without_config_or_safetensors(tmp_path, tiny_trained):
    with pytest.raises(ModelLoadError, match="no config.json"):
        check_model_folder(tmp_path)
    shutil.copy(tiny_trained / "config.json", tmp_path)
    with pytest.raises(ModelLoadError, match=r"no \*.safetensors"):
        check_model_folder(tmp_path)


def test_loads_on_cpu_in_float32(loaded_trained):
    assert loaded_trained.device == "cpu" and loaded_trained.dtype == torch.float32
    assert not loaded_trained.model.training
    assert type(loaded_trained.model).__name__ == "Qwen2_5_VLForConditionalGeneration"


def test_dtype_override_and_device_resolution(tiny_trained):
    assert _load(tiny_trained, dtype="bfloat16").model.dtype == torch.bfloat16
    assert resolve_device("auto") == ("cuda" if torch.cuda.is_available() else "cpu")
    assert resolve_dtype("auto", "cpu") == torch.float32
    assert resolve_dtype("float16", "cpu") == torch.float16
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="^device"):
            resolve_device("cuda")


def test_missing_adapter(tiny_trained, tmp_path):
    with pytest.raises(ModelLoadError) as err:
        _load(tiny_trained, adapter_path=str(tmp_path / "none"))
    assert f"adapter_path {tmp_path / 'none'}: no such folder" in _one_line(err)


@pytest.fixture(scope="module")
def other_base_adapter(tiny_trained, tmp_path_factory):
    """An adapter trained on a different base (4 key/value heads instead of 2)."""
    from transformers import Qwen2_5_VLConfig, Qwen2_5_VLForConditionalGeneration

    config = Qwen2_5_VLConfig.from_pretrained(tiny_trained)
    config.text_config.num_key_value_heads = 4
    model = attach_lora(Qwen2_5_VLForConditionalGeneration(config))
    randomise_lora(model)
    out = tmp_path_factory.mktemp("other") / "adapter"
    model.save_pretrained(out)
    return out


def test_adapter_for_another_base(tiny_trained, other_base_adapter):
    with pytest.raises(ModelLoadError) as err:
        _load(tiny_trained, adapter_path=str(other_base_adapter))
    message = _one_line(err)
    assert message.startswith(f"adapter_path {other_base_adapter}:")
    assert "expected an adapter trained on this base model" in message


def test_adapter_targeting_absent_modules(tiny_trained, other_base_adapter, tmp_path):
    shutil.copytree(other_base_adapter, tmp_path / "a")
    config = json.loads((tmp_path / "a" / "adapter_config.json").read_text())
    config["target_modules"] = ["qkv_projection"]
    (tmp_path / "a" / "adapter_config.json").write_text(json.dumps(config))
    with pytest.raises(ModelLoadError, match="expected an adapter trained on this base"):
        _load(tiny_trained, adapter_path=str(tmp_path / "a"))


def test_adapter_with_unmatched_weights(tiny_trained, tmp_path):
    save_random_adapter(tiny_trained, tmp_path / "a")
    weights = load_file(tmp_path / "a" / "adapter_model.safetensors")
    renamed = {k.replace("language_model", "text_tower"): v for k, v in weights.items()}
    save_file(renamed, tmp_path / "a" / "adapter_model.safetensors")
    with pytest.raises(ModelLoadError, match="weights do not match the model's modules"):
        _load(tiny_trained, adapter_path=str(tmp_path / "a"))


def test_adapter_folder_must_be_lora_safetensors(tiny_trained, tmp_path):
    (tmp_path / "adapter_config.json").write_text(json.dumps({"peft_type": "PREFIX_TUNING"}))
    with pytest.raises(ModelLoadError, match="peft_type is 'PREFIX_TUNING'"):
        _load(tiny_trained, adapter_path=str(tmp_path))
    (tmp_path / "adapter_config.json").write_text(json.dumps({"peft_type": "LORA"}))
    with pytest.raises(ModelLoadError, match="no adapter_model.safetensors"):
        _load(tiny_trained, adapter_path=str(tmp_path))


def test_4bit_quantises_the_language_model_only(tiny_trained):
    pytest.importorskip("bitsandbytes", reason="needs bitsandbytes")
    model = _load(tiny_trained, load_in_4bit=True).model
    kinds = {name: type(m).__name__ for name, m in model.named_modules()}
    assert kinds["model.language_model.layers.0.self_attn.q_proj"] == "Linear4bit"
    assert kinds["model.visual.blocks.0.attn.qkv"] == "Linear"
    assert kinds["lm_head"] == "Linear"


def test_4bit_without_bitsandbytes_is_a_clear_error(tiny_trained, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "bitsandbytes", None)
    with pytest.raises(ValueError, match="^load_in_4bit: needs the bitsandbytes"):
        _load(tiny_trained, load_in_4bit=True)
