import importlib.util

import numpy as np
import pytest

from objnav_ros.core.actions import Action, action_space
from objnav_ros.sim import SimConfig, make_simulator
from objnav_ros.sim.habitat_backend import habitat_settings

HAVE_HABITAT = importlib.util.find_spec("habitat_sim") is not None


def test_settings_carry_config_and_action_amounts(simple_room):
    config = SimConfig(width=320, height=240, hfov_deg=90.0, action_space=action_space("seed"))
    settings = habitat_settings(simple_room, config, gpu_device_id=-1)
    assert settings["gpu_device_id"] == -1
    assert (settings["width"], settings["height"], settings["hfov_deg"]) == (320, 240, 90.0)
    assert (settings["forward_m"], settings["turn_deg"]) == (0.4, 15.0)
    assert settings["scene"] == str(simple_room)


@pytest.mark.skipif(HAVE_HABITAT, reason="habitat_sim is installed")
def test_habitat_backend_without_habitat_sim_is_a_clear_error(simple_room):
    with pytest.raises(ModuleNotFoundError, match="habitat_sim.*conda"):
        make_simulator("habitat", simple_room)


def test_unknown_backend(simple_room):
    with pytest.raises(ValueError, match="embedded"):
        make_simulator("unity", simple_room)


def test_embedded_backend_by_name(simple_room):
    with make_simulator("embedded", simple_room, SimConfig(width=8, height=8)) as sim:
        assert sim.nav.navigable.any()


def test_habitat_backend_steps(simple_room, point_episode):
    pytest.importorskip("habitat_sim")
    with make_simulator("habitat", simple_room, SimConfig(width=64, height=48)) as sim:
        obs = sim.reset(point_episode((-3.0, -3.0), 45.0, (4.0, 4.0), 0.145))
        assert obs.rgb.shape == (48, 64, 3) and obs.depth.shape == (48, 64)
        assert obs.rgb.mean() > 10 and np.any(obs.depth > 0)
        obs = sim.step(Action.MOVE_FORWARD)
        assert isinstance(obs.collided, bool)
        assert sim.metrics().path_length == pytest.approx(0.25, abs=0.01)
        assert sim.geodesic_distance((-3.0, -3.0), [(4.0, 4.0)]) > 9.0
