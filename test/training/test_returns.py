import numpy as np
import pytest

from objnav_training.returns import ReturnTable, discounted_returns, lambda_returns


def test_discounted_returns_by_hand():
    # G2 = 3, G1 = 2 + 0.5 * 3, G0 = 1 + 0.5 * 3.5
    np.testing.assert_allclose(discounted_returns([1.0, 2.0, 3.0], 0.5), [2.75, 3.5, 3.0])
    np.testing.assert_allclose(discounted_returns([1.0, 2.0, 3.0], 1.0), [6.0, 5.0, 3.0])
    assert len(discounted_returns([], 0.9)) == 0


def test_lambda_returns_by_hand():
    rewards, values = [1.0, 2.0, 3.0], [10.0, 20.0, 30.0]
    # G2 = 3 (episode ends); G1 = 2 + 0.5 * (0.5 * 30 + 0.5 * 3)
    # G0 = 1 + 0.5 * (0.5 * 20 + 0.5 * G1)
    np.testing.assert_allclose(lambda_returns(rewards, values, 0.5, 0.5), [8.5625, 10.25, 3.0])
    # lambda = 0: one-step TD targets r + gamma * V(s')
    np.testing.assert_allclose(lambda_returns(rewards, values, 0.5, 0.0), [11.0, 17.0, 3.0])
    # lambda = 1: Monte Carlo, whatever the values
    np.testing.assert_allclose(lambda_returns(rewards, values, 0.5, 1.0),
                               discounted_returns(rewards, 0.5))


def test_table_starts_at_monte_carlo_and_bootstraps_on_updated_values():
    table = ReturnTable([np.array([1.0, 2.0, 3.0]), np.array([4.0])], gamma=0.5, lam=0.5)
    np.testing.assert_allclose(table.targets([3, 0, 2, 1]), [4.0, 2.75, 3.0, 3.5])
    table.update_values([0, 1, 2], [10.0, 20.0, 30.0])
    np.testing.assert_allclose(table.targets([1, 3, 0]), [10.25, 4.0, 8.5625])


@pytest.mark.parametrize("gamma, lam, field", [(1.5, 0.5, "gamma"), (0.9, -0.1, "lam")])
def test_table_rejects_bad_parameters(gamma, lam, field):
    with pytest.raises(ValueError, match=field):
        ReturnTable([np.ones(2)], gamma, lam)
