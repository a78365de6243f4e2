import pytest

from objnav_training.trainer_config import TrainConfig


def make(**fields):
    return TrainConfig(**{"model_path": "m", "out_dir": "o", **fields})


@pytest.mark.parametrize("field, value", [
    ("model_path", ""), ("out_dir", ""), ("action_preset", "fast"), ("dtype", "int8"),
    ("precision", "64"), ("gamma", 1.5), ("td_lambda", -0.1), ("lr", 0.0), ("value_lr", -1.0),
    ("batch_size", 0), ("accumulate_grad_batches", 0), ("steps", -1), ("num_workers", -1),
    ("grad_clip", -1.0), ("devices", "two"), ("awr", {}), ("reward", None), ("lora", "r8"),
])
def test_bad_settings_name_the_field(field, value):
    with pytest.raises(ValueError, match=field):
        make(**{field: value})


def test_engine_settings():
    config = make(devices="4")
    assert config.lightning_devices() == 4 and make().lightning_devices() == "auto"
    assert make().lightning_precision(cuda=True) == "bf16-mixed"
    assert make().lightning_precision(cuda=False) == "32-true"
    assert make(precision="16-mixed").lightning_precision(cuda=True) == "16-mixed"
    seed = make(action_preset="seed").action_space
    assert seed.names == ("MOVE_FORWARD", "TURN_LEFT", "TURN_RIGHT")


def test_defaults_follow_the_seed_run_except_the_learning_rate():
    config = make()
    assert (config.lora.r, config.lora.alpha) == (8, 16)
    assert config.lora.target_modules == ("q_proj", "v_proj")
    assert (config.batch_size, config.accumulate_grad_batches, config.epochs) == (2, 4, 3)
    assert (config.awr.entropy_coef, config.awr.l2_coef, config.awr.w_max) == (1e-3, 1e-5, 20.0)
    assert config.lr == 1e-4
