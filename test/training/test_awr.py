import math

import numpy as np
import pytest
import torch

from objnav_training.awr import AWRConfig, RunningMeanStd, awr_loss

NO_EXTRAS = dict(value_coef=0.0, entropy_coef=0.0, l2_coef=0.0)


def run(config, advantages, rewards=None, supervised=None, taken=None):
    n = len(advantages)
    logp = torch.log_softmax(torch.randn(n, 3, generator=torch.Generator().manual_seed(0)), 1)
    logp.requires_grad_(True)
    values = torch.zeros(n, requires_grad=True)
    returns = torch.tensor(advantages, dtype=torch.float32)
    rewards = torch.tensor(rewards if rewards is not None else [0.0] * n)
    supervised = torch.tensor(supervised if supervised is not None else [False] * n)
    taken = torch.tensor(taken if taken is not None else [0] * n)
    lora = [torch.ones(2, 2, requires_grad=True)]
    loss, metrics = awr_loss(config, logp, taken, values, returns, rewards, supervised, lora,
                             RunningMeanStd())
    loss.backward()
    weights = -logp.grad.gather(1, taken[:, None]).squeeze(1) * n  # d(-mean(w logp))/dlogp
    return loss, metrics, weights, values.grad


def test_awr_weights_are_exp_advantage_clipped_at_w_max():
    config = AWRConfig(beta=1.0, w_max=20.0, advantage_norm="none", **NO_EXTRAS)
    _, metrics, weights, _ = run(config, [0.0, math.log(2.0), math.log(100.0)])
    np.testing.assert_allclose(weights, [1.0, 2.0, 20.0], rtol=1e-5)
    assert metrics["awr/weight_max"] == pytest.approx(20.0)
    assert metrics["awr/weight_mean"] == pytest.approx(23 / 3, rel=1e-5)
    assert metrics["awr/clipped_frac"] == pytest.approx(1 / 3)


def test_beta_is_the_temperature():
    config = AWRConfig(beta=2.0, advantage_norm="none", **NO_EXTRAS)
    np.testing.assert_allclose(run(config, [2.0, -2.0])[2], [math.e, 1 / math.e], rtol=1e-5)


def test_batch_normalisation_centres_and_scales_advantages():
    config = AWRConfig(advantage_norm="batch", **NO_EXTRAS)
    np.testing.assert_allclose(run(config, [1.0, 3.0])[2], [1 / math.e, math.e], rtol=1e-5)


def test_running_statistics_match_all_values_seen():
    stats = RunningMeanStd()
    first, second = torch.tensor([1.0, 2.0, 3.0]), torch.tensor([10.0, -4.0])
    stats.update(first)
    stats.update(second)
    seen = torch.cat([first, second])
    assert stats.mean == pytest.approx(seen.mean().item(), rel=1e-6)
    assert stats.var == pytest.approx(seen.var(unbiased=False).item(), rel=1e-6)


def test_batch_softmax_seed_weights_softmax_of_z_scored_rewards():
    config = AWRConfig(weighting="batch_softmax_seed", **NO_EXTRAS)
    weights = run(config, [5.0, -5.0], rewards=[0.0, 1.0])[2]
    expected = 2 * np.exp([-1.0, 1.0]) / np.exp([-1.0, 1.0]).sum()  # z = [-1, 1], times B
    np.testing.assert_allclose(weights, expected, rtol=1e-5)


def test_bc_and_dagger_labels_weigh_one():
    bc = AWRConfig(weighting="bc", **NO_EXTRAS)
    np.testing.assert_allclose(run(bc, [5.0, -5.0])[2], [1.0, 1.0])
    awr = AWRConfig(advantage_norm="none", **NO_EXTRAS)
    weights = run(awr, [2.0, 2.0], supervised=[True, False])[2]
    np.testing.assert_allclose(weights, [1.0, math.exp(2.0)], rtol=1e-5)


def test_weights_carry_no_gradient_to_the_value():
    config = AWRConfig(advantage_norm="none", **NO_EXTRAS)
    assert not run(config, [1.0, 2.0])[3].any()  # only the value loss may move V(s)


def test_loss_terms_and_metric_names():
    config = AWRConfig(weighting="bc", value_coef=0.5, entropy_coef=1e-3, l2_coef=1e-5)
    loss, metrics, _, value_grad = run(config, [1.0, 3.0], taken=[0, 2])
    expected = (metrics["loss/actor"] + 0.5 * (1 + 9) / 2 - 1e-3 * metrics["policy/entropy"]
                + 1e-5 * 4.0)
    assert loss.item() == pytest.approx(expected, rel=1e-6)
    assert metrics["loss/value"] == pytest.approx(5.0)
    assert metrics["loss/l2"] == pytest.approx(4.0)
    np.testing.assert_allclose(value_grad, 0.5 * 2 * (0 - np.array([1.0, 3.0])) / 2)
    assert {"loss/actor", "loss/value", "awr/weight_mean", "awr/weight_max",
            "awr/clipped_frac", "policy/entropy", "policy/accuracy"} <= set(metrics)


@pytest.mark.parametrize("field, value", [("weighting", "softmax"), ("beta", 0.0),
                                          ("w_max", math.inf), ("advantage_norm", "z"),
                                          ("entropy_coef", -1.0)])
def test_config_errors_name_the_field(field, value):
    with pytest.raises(ValueError, match=field):
        AWRConfig(**{field: value})
