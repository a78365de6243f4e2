import json

import pytest
from safetensors import safe_open

from objnav_ros.policy import tiny_model
from objnav_ros.policy.tiny_model import MARKER, build_tiny_model


def test_folder_looks_like_a_checkpoint(tiny_qwen):
    names = {p.name for p in tiny_qwen.iterdir()}
    assert {"config.json", "model.safetensors", "tokenizer.json", "preprocessor_config.json",
            "chat_template.jinja", "generation_config.json"} <= names
    config = json.loads((tiny_qwen / "config.json").read_text())
    assert config["model_type"] == "qwen2_5_vl"
    assert config["image_token_id"] == 151655 and config["text_config"]["vocab_size"] == 151936
    with safe_open(tiny_qwen / "model.safetensors", "pt") as f:
        assert any("visual" in k for k in f.keys())


def test_trained_vocab_is_small(tiny_trained, loaded_trained):
    config = json.loads((tiny_trained / "config.json").read_text())
    assert config["text_config"]["vocab_size"] < 2048
    tok = loaded_trained.processor.tokenizer
    assert tok.convert_tokens_to_ids("<|image_pad|>") == config["image_token_id"]


def test_reuses_a_complete_folder(tiny_trained, monkeypatch):
    monkeypatch.setattr(tiny_model, "_write", lambda *a: pytest.fail("rebuilt"))
    assert build_tiny_model(tiny_trained, vocab="trained") == tiny_trained


def test_rebuilds_on_other_settings(tmp_path):
    out = build_tiny_model(tmp_path / "m", vocab="trained", seed=3)
    assert json.loads((out / MARKER).read_text())["seed"] == 3
    build_tiny_model(out, vocab="trained", seed=4)
    assert json.loads((out / MARKER).read_text())["seed"] == 4


def test_unknown_vocab():
    with pytest.raises(ValueError, match="^vocab"):
        build_tiny_model("/tmp/x", vocab="bert")
