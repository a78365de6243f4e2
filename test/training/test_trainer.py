import csv
import dataclasses
import json

import numpy as np
import torch

from objnav_ros.policy.config import VLMPolicyConfig
from objnav_ros.policy.loader import load_model
from objnav_ros.policy.prompt import PromptTemplate
from objnav_ros.policy.vlm_policy import VLMPolicy
from objnav_training.awr import AWRConfig
from objnav_training.evaluate import expert_path_accuracy, transition_steps
from objnav_training.returns import ReturnTable
from objnav_training.reward import calculate_reward
from objnav_training.trainer import AWRModule, train
from objnav_training.trainer_data import ActionCollator, TransitionDataset

from .conftest import SEED_SPACE, tiny_config


def base_name(peft_name: str) -> str:
    """The plain model's parameter name of a frozen parameter inside the peft wrapper."""
    return peft_name.removeprefix("base_model.model.").replace(".base_layer", "")


def test_only_lora_and_value_head_train_and_base_stays_bit_identical(trained, tiny_model):
    module = trained.module
    trainable = [n for n, p in module.named_parameters() if p.requires_grad]
    assert trainable and all("lora_" in n or n.startswith("value_head.") for n in trainable)
    original = dict(load_model(VLMPolicyConfig(model_path=str(tiny_model))).model
                    .named_parameters())
    frozen = {base_name(n): p for n, p in module.model.named_parameters() if not p.requires_grad}
    assert frozen.keys() == original.keys()
    for name, param in frozen.items():
        assert torch.equal(param, original[name]), name
    assert all(p.abs().sum() > 0 for n, p in module.model.named_parameters() if "lora_B" in n)


def test_outputs_adapter_logs_curves_and_metrics(trained):
    out = trained.adapter_dir.parent
    assert (trained.adapter_dir / "adapter_config.json").is_file()
    assert (trained.adapter_dir / "adapter_model.safetensors").is_file()
    assert (out / "training_curves.png").stat().st_size > 0
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["global_step"] == trained.global_step == 60
    assert metrics["transitions"] == len(trained.module.table)
    with open(next((out / "logs").glob("version_*/metrics.csv"))) as handle:
        columns = next(csv.reader(handle))
    assert {"loss/actor", "loss/value", "awr/weight_mean", "awr/clipped_frac"} <= set(columns)


def test_checkpoint_holds_trainable_weights_and_resume_continues_the_step_count(
        tiny_model, expert_data, tmp_path):
    config = tiny_config(tiny_model, tmp_path, steps=2, checkpoint_every=1, batch_size=4)
    first = train(config, expert_data)
    checkpoint = torch.load(first.checkpoint, weights_only=True)
    assert checkpoint["global_step"] == 2
    assert all("lora_" in k or k.startswith("value_head.") for k in checkpoint["state_dict"])
    np.testing.assert_array_equal(checkpoint["awr"]["values"].numpy(),
                                  first.module.table.values)
    resumed = train(dataclasses.replace(config, steps=4, resume="last"), expert_data)
    assert resumed.global_step == 4
    for name, value in checkpoint["state_dict"].items():  # resumed from, then moved on
        if "lora_B" in name:
            assert not torch.equal(dict(resumed.module.named_parameters())[name], value)


def test_policy_node_loads_the_adapter_and_its_probabilities_differ(trained, tiny_model,
                                                                    expert_data):
    obs, _ = next(transition_steps(expert_data))
    frozen = VLMPolicy.from_config(VLMPolicyConfig(model_path=str(tiny_model)), SEED_SPACE.actions)
    tuned = VLMPolicy.from_config(
        VLMPolicyConfig(model_path=str(tiny_model), adapter_path=str(trained.adapter_dir)),
        SEED_SPACE.actions)
    before = np.array(list(frozen.select_action(obs).probabilities.values()))
    after = np.array(list(tuned.select_action(obs).probabilities.values()))
    assert np.abs(before - after).max() > 1e-3


def test_training_moves_the_policy_toward_the_expert(trained, tiny_model, expert_data):
    def policy(adapter: str) -> VLMPolicy:
        config = VLMPolicyConfig(model_path=str(tiny_model), adapter_path=adapter)
        return VLMPolicy.from_config(config, SEED_SPACE.actions)

    def expert_probability(p: VLMPolicy) -> float:
        return float(np.mean([p.select_action(obs).probabilities[action]
                              for obs, action in transition_steps(expert_data)]))

    frozen, tuned = policy(""), policy(str(trained.adapter_dir))
    assert expert_probability(tuned) > expert_probability(frozen) + 0.05
    frozen_epa = expert_path_accuracy(frozen, transition_steps(expert_data))
    tuned_epa = expert_path_accuracy(tuned, transition_steps(expert_data))
    assert tuned_epa.percent > frozen_epa.percent + 10, (frozen_epa, tuned_epa)


def test_value_loss_reaches_the_lora_weights_only_without_detach(tiny_model, expert_data,
                                                                 tmp_path):
    awr = AWRConfig(weighting="bc", entropy_coef=0.0, l2_coef=0.0, value_coef=1.0)
    table = ReturnTable([calculate_reward(e) for e in expert_data], 0.99, 0.95)
    grads = {}
    for detach in (True, False):
        config = tiny_config(tiny_model, tmp_path, awr=awr, value_detach=detach)
        torch.manual_seed(0)
        module = AWRModule(config, table)
        data = TransitionDataset(expert_data[0].transitions, SEED_SPACE.actions, True)
        batch = ActionCollator(module.processor, PromptTemplate.load(), SEED_SPACE.actions)(
            [data[i] for i in range(4)])
        torch.manual_seed(1)
        module.step(batch)[0].backward()
        grads[detach] = torch.cat([p.grad.flatten() for p in module.lora_weights])
    assert not torch.allclose(grads[True], grads[False])
