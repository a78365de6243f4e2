import math
from dataclasses import replace

import numpy as np
import pytest

from objnav_ros.core.actions import Action, action_space
from objnav_ros.policy import vlm_policy
from objnav_ros.policy.config import VLMPolicyConfig
from objnav_ros.policy.decision import Decision
from objnav_ros.policy.vlm_policy import VLMPolicy
from test.policy.samples import frame

HABITAT = action_space("habitat").actions
SEED = action_space("seed").actions


def _policy(loaded, path, actions=SEED, rng=0, **kwargs):
    return VLMPolicy(loaded, VLMPolicyConfig(model_path=str(path), **kwargs), actions, rng)


def test_score_mode_decision(loaded_trained, tiny_trained):
    policy = _policy(loaded_trained, tiny_trained, HABITAT)
    decision = policy.select_action(frame())
    assert isinstance(decision, Decision) and decision.valid and decision.source == "vlm-score"
    assert set(decision.probabilities) == set(HABITAT)
    assert math.isclose(sum(decision.probabilities.values()), 1.0, abs_tol=1e-6)
    assert decision.action == max(decision.probabilities, key=decision.probabilities.get)
    assert f'"Action": "{decision.action.text}"' in decision.text
    assert policy.stats.valid_percent == 100.0


def test_score_mode_sampling_is_seeded(loaded_trained, tiny_trained):
    def run(seed):
        policy = _policy(loaded_trained, tiny_trained, SEED, rng=seed, temperature=50.0)
        return [policy.select_action(frame(i)).action for i in range(12)]

    assert run(7) == run(7)
    assert len(set(run(7))) > 1  # a hot temperature spreads the choice


def test_generate_mode_invalid_answer_uses_fallback(loaded_qwen, tiny_qwen):
    policy = _policy(loaded_qwen, tiny_qwen, SEED, mode="generate", max_new_tokens=8,
                     fallback_action="turn_left")
    decision = policy.select_action(frame())
    assert isinstance(decision, Decision) and decision.source == "vlm-generate"
    assert not decision.valid and decision.action is Action.TURN_LEFT
    assert decision.probabilities == {} and isinstance(decision.text, str)
    assert policy.stats.decisions == 1 and policy.stats.valid == 0


def test_generate_mode_counts_valid_and_disallowed(loaded_trained, tiny_trained, monkeypatch):
    answers = iter(['{"Observation": "", "Reasoning": "", "Action": "turn right"}',
                    '{"Action": "stop"}', "no idea"])
    monkeypatch.setattr(vlm_policy, "generate_answer", lambda *a, **k: next(answers))
    policy = _policy(loaded_trained, tiny_trained, SEED, rng=np.random.default_rng(1),
                     mode="generate")
    decisions = [policy.select_action(frame()) for _ in range(3)]
    assert decisions[0].valid and decisions[0].action is Action.TURN_RIGHT
    assert not decisions[1].valid and decisions[1].action in SEED  # stop is not allowed here
    assert not decisions[2].valid and decisions[2].action in SEED
    assert policy.stats.valid_percent == pytest.approx(100 / 3)


def test_generate_mode_emits_min_new_tokens(loaded_trained, tiny_trained):
    policy = _policy(loaded_trained, tiny_trained, SEED, mode="generate", max_new_tokens=12,
                     min_new_tokens=12)
    text = policy.select_action(frame()).text
    tokens = loaded_trained.processor.tokenizer(text, add_special_tokens=False)["input_ids"]
    assert len(tokens) >= 6  # decoded text re-tokenises into roughly the 12 generated tokens


def test_fallback_must_be_allowed(loaded_trained, tiny_trained):
    with pytest.raises(ValueError, match="^fallback_action"):
        _policy(loaded_trained, tiny_trained, SEED, fallback_action="stop")


def test_from_config_and_custom_prompt(tiny_trained, tmp_path):
    prompt = tmp_path / "p.txt"
    prompt.write_text("Go to the $goal using $actions.")
    config = VLMPolicyConfig(model_path=str(tiny_trained), prompt_file=str(prompt))
    policy = VLMPolicy.from_config(replace(config, max_pixels=64 * 64), SEED, rng=0)
    policy.reset()
    assert policy.select_action(frame()).valid
    assert policy.template.user_text("bed", SEED).startswith("Go to the bed")


def test_recent_actions_reach_the_prompt(loaded_trained, tiny_trained):
    policy = _policy(loaded_trained, tiny_trained)
    obs = frame()
    turned = replace(obs, step=2, recent_actions=(Action.TURN_LEFT, Action.TURN_LEFT))
    first, again, after_turns = (policy.select_action(o).probabilities
                                 for o in (obs, obs, turned))
    assert first == again
    assert first != after_turns
    batched = policy.select_actions([turned, obs])
    for decision, alone in zip(batched, (after_turns, first), strict=True):
        assert decision.probabilities == pytest.approx(alone, abs=1e-5)
