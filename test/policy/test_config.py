import pytest

from objnav_ros.policy.config import LoraSettings, VLMPolicyConfig


def test_defaults():
    cfg = VLMPolicyConfig(model_path="/m")
    assert (cfg.mode, cfg.device, cfg.dtype, cfg.temperature) == ("score", "auto", "auto", 0.0)
    assert LoraSettings().target_modules == ("q_proj", "v_proj")


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"model_path": ""}, "model_path"),
    ({"mode": "beam"}, "mode"),
    ({"device": "tpu"}, "device"),
    ({"dtype": "int8"}, "dtype"),
    ({"load_in_4bit": True, "merge_adapter": True, "adapter_path": "/a"}, "merge_adapter"),
    ({"merge_adapter": True}, "merge_adapter"),
    ({"max_new_tokens": 0}, "max_new_tokens"),
    ({"min_new_tokens": 65}, "min_new_tokens"),
    ({"temperature": -1.0}, "temperature"),
    ({"fallback_action": "jump"}, "fallback_action"),
    ({"max_pixels": -1}, "max_pixels"),
    ({"min_pixels": 5000, "max_pixels": 100}, "min_pixels"),
])
def test_invalid_config_names_field(kwargs, field):
    with pytest.raises(ValueError, match=f"^{field}"):
        VLMPolicyConfig(**{"model_path": "/m", **kwargs})


def test_accepts_cuda_index_and_action_fallback():
    assert VLMPolicyConfig(model_path="/m", device="cuda:1", fallback_action="turn left")


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"r": 0}, "r"), ({"alpha": 0}, "alpha"), ({"dropout": 1.0}, "dropout"),
    ({"target_modules": ()}, "target_modules"), ({"target_modules": ("q.proj",)}, "target_modules"),
])
def test_invalid_lora_settings(kwargs, field):
    with pytest.raises(ValueError, match=f"^{field}"):
        LoraSettings(**kwargs)
