import pytest

from objnav_ros.robot.config import ControllerConfig, ExecutorConfig, SafetyConfig, TiltConfig
from objnav_ros.robot.parameters import PARAMETERS, executor_config

DEFAULTS = {spec.name: spec.default for spec in PARAMETERS}


def test_every_parameter_is_described_read_only_and_unique():
    names = [spec.name for spec in PARAMETERS]
    assert len(names) == len(set(names))
    assert all(spec.description and spec.read_only for spec in PARAMETERS)
    assert {"controller.max_linear_mps", "safety.image_timeout_s", "tilt.max_deg",
            "control_rate_hz", "tilt_topic", "goal"} <= set(names)


def test_defaults_build_the_default_config():
    config = executor_config(DEFAULTS)
    assert config == ExecutorConfig()
    assert config.tilt is None and config.actions.forward_m == 0.25


def test_amount_overrides_and_tilt():
    config = executor_config({**DEFAULTS, "action_preset": "seed", "turn_deg": 10.0,
                              "tilt_topic": "/tilt", "tilt.max_deg": 20.0,
                              "controller.max_linear_mps": 0.5})
    assert (config.actions.forward_m, config.actions.turn_deg) == (0.4, 10.0)
    assert config.tilt == TiltConfig(max_deg=20.0)
    assert config.controller.max_linear_mps == 0.5


@pytest.mark.parametrize("build, field", [
    (lambda: ControllerConfig(max_linear_mps=0.0), "max_linear_mps"),
    (lambda: ControllerConfig(min_linear_mps=0.5, max_linear_mps=0.3), "min_linear_mps"),
    (lambda: ControllerConfig(min_angular_rps=2.0, max_angular_rps=1.0), "min_angular_rps"),
    (lambda: ControllerConfig(settle_s=float("nan")), "settle_s"),
    (lambda: SafetyConfig(image_timeout_s=-1.0), "image_timeout_s"),
    (lambda: SafetyConfig(timeout_factor=0.5), "timeout_factor"),
    (lambda: TiltConfig(min_deg=10.0), "min_deg"),
    (lambda: ExecutorConfig(max_steps=-1), "max_steps"),
    (lambda: ExecutorConfig(episode_prefix=""), "episode_prefix"),
])
def test_bad_settings_raise_naming_the_field(build, field):
    with pytest.raises(ValueError, match=field):
        build()


def test_bad_parameter_values_are_rejected_by_their_spec():
    by_name = {spec.name: spec for spec in PARAMETERS}
    assert "must be >=" in by_name["controller.max_linear_mps"].check(-1.0)
    assert "expected one of" in by_name["action_preset"].check("fast")
    assert "must not be empty" in by_name["episode_prefix"].check("")
