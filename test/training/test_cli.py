import json

import pytest

from objnav_ros.bags.synthetic import SyntheticEpisode, write_bag
from objnav_ros.core.actions import PRESETS
from objnav_ros.sim import SimConfig
from objnav_training import eval_cli, train_cli

SEED = SimConfig(width=64, height=48, action_space=PRESETS["seed"]).contract()


@pytest.fixture(scope="module")
def bags(tmp_path_factory):
    """Recorded under the seed preset with a 64x48 camera (as the simulator in these tests)."""
    folder = tmp_path_factory.mktemp("bags")
    write_bag(folder / "a", [
        SyntheticEpisode("ep-0", steps=6, width=64, height=48, contract=SEED),
        SyntheticEpisode("ep-1", goal="sofa", steps=5, width=64, height=48, contract=SEED)])
    return folder


def test_train_cli_fits_an_adapter_on_recorded_bags(bags, tiny_model, tmp_path, capsys):
    out = tmp_path / "run"
    code = train_cli.main(["--bags", str(bags), "--model", str(tiny_model), "--out", str(out),
                           "--action-preset", "seed", "--steps", "3", "--batch-size", "4",
                           "--accumulate", "1", "--lr", "1e-2", "--num-workers", "0",
                           "--weighting", "awr", "--no-progress-bar"])
    assert code == 0
    assert (out / "adapter" / "adapter_model.safetensors").is_file()
    metrics = json.loads((out / "metrics.json").read_text())
    assert (metrics["global_step"], metrics["episodes"], metrics["transitions"]) == (3, 2, 11)
    assert "adapter:" in capsys.readouterr().out


def test_train_cli_names_a_bad_setting(tiny_model, tmp_path, capsys):
    code = train_cli.main(["--bags", str(tmp_path), "--model", str(tiny_model), "--out",
                           str(tmp_path), "--td-lambda", "2"])
    assert code == 2 and "td_lambda" in capsys.readouterr().err


def test_train_cli_without_episodes_fails(tiny_model, tmp_path, capsys):
    code = train_cli.main(["--bags", str(tmp_path), "--model", str(tiny_model), "--out",
                           str(tmp_path / "out")])
    assert code == 1 and "no episodes" in capsys.readouterr().err


def test_config_from_args_maps_every_group():
    args = train_cli.build_parser().parse_args(
        ["--bags", "b", "--model", "m", "--out", "o", "--weighting", "batch_softmax_seed",
         "--beta", "0.5", "--w-max", "10", "--lora-r", "16", "--lora-targets", "q_proj", "o_proj",
         "--step-cost", "0", "--devices", "0,1", "--strategy", "ddp", "--no-expert-labels"])
    config = train_cli.config_from_args(args)
    assert (config.awr.weighting, config.awr.beta, config.awr.w_max) == (
        "batch_softmax_seed", 0.5, 10.0)
    assert config.lora.r == 16 and config.lora.target_modules == ("q_proj", "o_proj")
    assert config.reward.step_cost == 0 and not config.use_expert_labels
    assert config.lightning_devices() == [0, 1] and config.strategy == "ddp"


def test_eval_cli_compares_frozen_and_finetuned(trained, tiny_model, tmp_path, capsys):
    out = tmp_path / "eval"
    code = eval_cli.main(["--model", str(tiny_model), "--adapter", str(trained.adapter_dir),
                          "--baseline", "random", "--out", str(out), "--action-preset", "seed",
                          "--n-episodes", "1", "--width", "64", "--height", "48",
                          "--max-steps", "12", "--maps", "1", "--seed", "3",
                          "--cache-dir", str(tmp_path / "cache")])
    assert code == 0
    summaries = json.loads((out / "eval.json").read_text())
    assert list(summaries) == ["frozen", "finetuned", "random"]
    for summary in summaries.values():
        assert summary["episodes"] == 1 and summary["epa_steps"] > 0
        assert summary["valid_action_percent"] == 100.0
    assert "| Success rate (%) |" in (out / "eval.md").read_text()
    assert (out / "eval.png").stat().st_size > 0
    assert len(list((out / "maps").glob("*.png"))) == 3
    assert len(json.loads((out / "episodes.json").read_text())["finetuned"]) == 1
    assert "Expert-path accuracy" in capsys.readouterr().out


def test_eval_cli_epa_on_expert_bags(bags, tiny_model, tmp_path):
    out = tmp_path / "eval"
    code = eval_cli.main(["--model", str(tiny_model), "--out", str(out), "--action-preset", "seed",
                          "--expert-bags", str(bags), "--n-episodes", "1", "--width", "64",
                          "--height", "48", "--max-steps", "5", "--maps", "0",
                          "--cache-dir", str(tmp_path / "cache")])
    assert code == 0
    assert json.loads((out / "eval.json").read_text())["frozen"]["epa_steps"] == 11
