from dataclasses import replace

import pytest
import torch

from objnav_ros.core.actions import action_space
from objnav_ros.policy.config import LoraSettings, VLMPolicyConfig
from objnav_ros.policy.loader import load_model
from objnav_ros.policy.lora import attach_lora
from objnav_ros.policy.prompt import PromptTemplate
from objnav_ros.policy.scoring import action_logprobs, collate_action_batch
from test.policy.lora_helpers import save_random_adapter
from test.policy.samples import frame

HABITAT = action_space("habitat").actions


def _scores(model, processor):
    samples = [(frame(s).rgb, goal, ()) for s, goal in [(3, "bed"), (4, "toilet")]]
    batch = collate_action_batch(processor, PromptTemplate.load(), samples, HABITAT)
    with torch.no_grad():
        return action_logprobs(model, batch)


def test_adapter_only_on_language_model(loaded_trained, tiny_trained):
    model = attach_lora(load_model(VLMPolicyConfig(model_path=str(tiny_trained))).model,
                        LoraSettings(r=4, target_modules=("q_proj", "v_proj", "gate_proj")))
    trainable = [n for n, p in model.named_parameters() if p.requires_grad]
    layers = loaded_trained.model.config.text_config.num_hidden_layers
    assert len(trainable) == 2 * 3 * layers
    assert all(".language_model." in n and "lora_" in n for n in trainable)
    assert not any("visual" in n for n, _ in model.named_modules() if "lora_" in n)


@pytest.fixture(scope="module")
def saved_adapter(tiny_trained, tmp_path_factory):
    out = tmp_path_factory.mktemp("adapter") / "lora"
    model = save_random_adapter(tiny_trained, out)
    return out, model


def test_saved_and_reloaded_adapter_scores_identically(saved_adapter, tiny_trained, loaded_trained):
    out, trained = saved_adapter
    trained.eval()
    before = _scores(trained, loaded_trained.processor)
    reloaded = load_model(VLMPolicyConfig(model_path=str(tiny_trained), adapter_path=str(out)))
    after = _scores(reloaded.model, reloaded.processor)
    assert torch.equal(before, after)
    base = _scores(loaded_trained.model, loaded_trained.processor)
    assert (after - base).abs().max() > 1e-3  # the adapter matters


def test_merged_adapter_scores_the_same(saved_adapter, tiny_trained):
    out, _ = saved_adapter
    config = VLMPolicyConfig(model_path=str(tiny_trained), adapter_path=str(out))
    unmerged = load_model(config)
    merged = load_model(replace(config, merge_adapter=True))
    assert type(merged.model).__name__ == "Qwen2_5_VLForConditionalGeneration"
    assert torch.allclose(_scores(merged.model, merged.processor),
                          _scores(unmerged.model, unmerged.processor), atol=1e-4)


def test_trainable_reload(saved_adapter, tiny_trained):
    out, _ = saved_adapter
    config = VLMPolicyConfig(model_path=str(tiny_trained), adapter_path=str(out))
    model = load_model(config, adapter_trainable=True).model
    trainable = [n for n, p in model.named_parameters() if p.requires_grad]
    assert trainable and all("lora_" in n for n in trainable)


def test_vision_merger_option_adapts_the_merger_linears_and_reloads(tiny_trained, tmp_path):
    loaded = load_model(VLMPolicyConfig(model_path=str(tiny_trained)))
    model = attach_lora(loaded.model, LoraSettings(r=4, vision_merger=True))
    adapted = {n.rsplit(".lora_", 1)[0] for n, p in model.named_parameters() if p.requires_grad}
    assert {n for n in adapted if "visual" in n} == {
        "base_model.model.model.visual.merger.mlp.0", "base_model.model.model.visual.merger.mlp.2"}
    assert not any(".blocks." in n for n in adapted)  # the tower itself stays frozen
    with torch.no_grad():
        for name, weight in model.named_parameters():
            if "merger" in name and "lora_B" in name:
                weight.normal_(0, 0.5)
    model.eval()
    before = _scores(model, loaded.processor)
    model.save_pretrained(tmp_path / "lora")
    reloaded = load_model(VLMPolicyConfig(model_path=str(tiny_trained),
                                          adapter_path=str(tmp_path / "lora")))
    assert torch.allclose(_scores(reloaded.model, reloaded.processor), before, atol=1e-5)
