import numpy as np
import pytest
import torch

from objnav_ros.core.actions import Action, action_space
from objnav_ros.policy.config import VLMPolicyConfig
from objnav_ros.policy.loader import load_model
from objnav_ros.policy.lora import attach_lora
from objnav_ros.policy.prompt import PromptTemplate, answer_text
from objnav_ros.policy.scoring import action_logprobs, candidate_tails, collate_action_batch
from test.policy.samples import frame

HABITAT = action_space("habitat").actions
SEED = action_space("seed").actions
TEMPLATE = PromptTemplate.load()


def reference_logprobs(loaded, image, goal, actions):
    """One full forward per candidate answer with full-vocabulary logits at every position."""
    processor, model = loaded.processor, loaded.model
    prompt = TEMPLATE.render(processor, goal, actions)
    start = processor(text=[prompt], images=[image], return_tensors="pt")["input_ids"].shape[1]
    totals = []
    for action in actions:
        enc = processor(text=[prompt + answer_text(action)], images=[image], return_tensors="pt")
        with torch.no_grad():
            logp = model(**enc).logits[0].log_softmax(-1)
        ids = enc["input_ids"][0]
        totals.append(sum(logp[t - 1, ids[t]] for t in range(start, len(ids))))
    return torch.stack(totals).log_softmax(-1)


@pytest.mark.parametrize("actions", [HABITAT, SEED])
@pytest.mark.parametrize("loaded_name", ["loaded_trained", "loaded_qwen"])
def test_matches_per_action_reference(request, loaded_name, actions):
    loaded = request.getfixturevalue(loaded_name)
    obs = frame(1, "tv monitor")
    samples = [(obs.rgb, obs.goal_category, ())]
    batch = collate_action_batch(loaded.processor, TEMPLATE, samples, actions)
    with torch.no_grad():
        logp = action_logprobs(loaded.model, batch)
    assert logp.shape == (1, len(actions))
    assert torch.allclose(logp.exp().sum(-1), torch.ones(1, dtype=logp.dtype), atol=1e-6)
    expected = reference_logprobs(loaded, obs.rgb, obs.goal_category, actions)
    assert torch.allclose(logp[0], expected, atol=1e-4)


def test_lm_head_runs_only_at_answer_positions(loaded_qwen):
    samples = [(frame(s).rgb, goal, ()) for s, goal in [(0, "bed"), (1, "potted plant")]]
    batch = collate_action_batch(loaded_qwen.processor, TEMPLATE, samples, HABITAT)
    _, tails = candidate_tails(loaded_qwen.processor.tokenizer, HABITAT)
    shapes = []
    hook = loaded_qwen.model.lm_head.register_forward_hook(lambda m, i, o: shapes.append(o.shape))
    try:
        with torch.no_grad():
            action_logprobs(loaded_qwen.model, batch)
    finally:
        hook.remove()
    kept = sum(len(t) for t in tails)
    assert shapes == [torch.Size([2, kept, 151936])]
    assert kept < batch.input_ids.shape[1] / 5


def test_batch_rows_are_independent(loaded_trained):
    samples = [(frame(s).rgb, goal, history) for s, goal, history in [
        (0, "bed", ()), (1, "tv monitor", (Action.TURN_LEFT,)), (2, "sofa", ())]]
    with torch.no_grad():
        together = action_logprobs(
            loaded_trained.model,
            collate_action_batch(loaded_trained.processor, TEMPLATE, samples, SEED),
        )
        alone = torch.cat([
            action_logprobs(loaded_trained.model,
                            collate_action_batch(loaded_trained.processor, TEMPLATE, [s], SEED))
            for s in samples
        ])
    assert torch.allclose(together, alone, atol=1e-5)


def test_batch_helpers(loaded_trained):
    batch = collate_action_batch(loaded_trained.processor, TEMPLATE, [(frame().rgb, "bed", ())],
                                 SEED)
    assert batch.index(Action.TURN_RIGHT) == 2
    assert batch.to("cpu").input_ids.equal(batch.input_ids)
    with pytest.raises(ValueError, match="^actions"):
        collate_action_batch(loaded_trained.processor, TEMPLATE, [(frame().rgb, "bed", ())], [])


def test_gradients_reach_lora_only(tiny_trained):
    loaded = load_model(VLMPolicyConfig(model_path=str(tiny_trained)))
    model, processor = attach_lora(loaded.model), loaded.processor
    model.train()
    samples = [(frame(s).rgb, "chair", ()) for s in range(2)]
    batch = collate_action_batch(processor, TEMPLATE, samples, SEED)
    logp = action_logprobs(model, batch)
    expert = torch.tensor([batch.index(Action.MOVE_FORWARD), batch.index(Action.TURN_LEFT)])
    (-logp.gather(1, expert[:, None]).mean()).backward()
    grads = {n: p.grad for n, p in model.named_parameters() if p.requires_grad}
    assert grads and all("lora_" in n and "language_model" in n for n in grads)
    assert all(g is not None and g.abs().sum() > 0 for n, g in grads.items() if "lora_B" in n)
    assert np.isfinite(logp.detach().numpy()).all()
