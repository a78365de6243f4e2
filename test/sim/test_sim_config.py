import pytest

from objnav_ros.core.actions import ActionSpace
from objnav_ros.sim import SimConfig


def test_defaults_follow_habitat_objectnav():
    config = SimConfig()
    assert (config.width, config.height, config.hfov_deg) == (640, 480, 79.0)
    assert config.camera_height_m == config.agent_height_m == 0.88
    assert config.agent_radius_m == 0.18
    assert config.success_distance_m == 1.0
    assert config.max_steps == 500
    assert config.action_space == ActionSpace()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("width", 0),
        ("height", 2.5),
        ("hfov_deg", 180.0),
        ("camera_height_m", -0.1),
        ("agent_radius_m", 0.0),
        ("agent_height_m", float("nan")),
        ("max_step_height_m", 0.9),
        ("nav_cell_m", 0.5),
        ("success_distance_m", 0.0),
        ("max_steps", 0),
        ("max_tilt_deg", 90.0),
        ("seed", -1),
        ("action_space", "habitat"),
    ],
)
def test_invalid_field_is_named(field, value):
    with pytest.raises(ValueError, match=field):
        SimConfig(**{field: value})
