"""Bags recorded under one run contract and trained or evaluated under another: one line each."""

import json
from dataclasses import replace

import pytest

from objnav_ros.bags.synthetic import SyntheticEpisode, write_bag
from objnav_ros.core.actions import PRESETS
from objnav_ros.core.contract import RunContract
from objnav_ros.policy.adapter_record import RECORD
from objnav_ros.policy.factory import PolicySettings, make_policy
from objnav_ros.policy.loader import ModelLoadError
from objnav_ros.sim import SimConfig
from objnav_training import eval_cli, train_cli
from objnav_training.contract import common_contract
from objnav_training.dataset import read_bag

HABITAT = SyntheticEpisode("ep-0", width=64, height=48)


def test_bags_of_another_preset_or_camera_name_the_bag_and_the_field(tmp_path):
    habitat = write_bag(tmp_path / "habitat", [HABITAT])
    episodes, _ = read_bag(habitat)
    assert common_contract(episodes, RunContract.of(PRESETS["habitat"]), "x") == (
        RunContract(0.25, 30.0, 30.0, 64, 48, 79.0, 0.88))
    with pytest.raises(ValueError) as caught:
        common_contract(episodes, RunContract.of(PRESETS["seed"]), "action preset 'seed'")
    assert str(caught.value) == (
        f"{habitat}: episode ep-0 was recorded with forward_m 0.25, but this run (action "
        "preset 'seed') uses 0.4: one run contract throughout")
    wide = write_bag(tmp_path / "wide", [replace(HABITAT, episode_id="ep-1", width=80)])
    more, _ = read_bag(wide)
    with pytest.raises(ValueError, match=f"^{wide}: episode ep-1 was recorded with width 80, but "
                                         f"{habitat} \\(episode ep-0\\) uses 64"):
        common_contract(episodes + more, RunContract.of(PRESETS["habitat"]), "x")


def test_train_cli_refuses_bags_of_another_preset_in_one_line(tiny_model, tmp_path, capsys):
    bag = write_bag(tmp_path / "bags" / "a", [HABITAT])
    code = train_cli.main(["--bags", str(bag), "--model", str(tiny_model), "--out",
                           str(tmp_path / "run"), "--action-preset", "seed", "--num-workers", "0"])
    err = capsys.readouterr().err.strip()
    assert code == 2 and "\n" not in err
    assert err == (f"objnav-train: error: {bag}: episode ep-0 was recorded with forward_m 0.25, "
                   "but this run (action preset 'seed') uses 0.4: one run contract throughout")


def test_the_adapter_records_its_bags_contract_and_refuses_another_camera(trained, tiny_model,
                                                                          expert_data):
    record = json.loads((trained.adapter_dir / RECORD).read_text())
    assert RunContract.from_dict(record["run_contract"]) == expert_data[0].contract == (
        RunContract(0.4, 15.0, 30.0, 64, 48, 79.0, 0.88))
    assert record["actions"] == ["MOVE_FORWARD", "TURN_LEFT", "TURN_RIGHT"]
    seed = PRESETS["seed"]
    settings = PolicySettings(kind="vlm", actions=seed, model_path=str(tiny_model),
                              adapter_path=str(trained.adapter_dir), device="cpu",
                              sim=SimConfig(width=64, height=48, action_space=seed))
    assert make_policy(settings).name == "vlm-score"
    with pytest.raises(ModelLoadError) as caught:
        make_policy(replace(settings, sim=replace(settings.sim, width=640, height=480)))
    assert str(caught.value) == (
        f"adapter_path {trained.adapter_dir}: {RECORD} says it was trained with run contract "
        "width 64, but this run uses 640; expected the run contract width the adapter was "
        "trained with")


def test_eval_cli_refuses_an_adapter_of_another_camera_before_any_episode(
        trained, tiny_model, tmp_path, capsys):
    code = eval_cli.main(["--model", str(tiny_model), "--adapter", str(trained.adapter_dir),
                          "--out", str(tmp_path / "eval"), "--action-preset", "seed",
                          "--width", "80", "--height", "60", "--n-episodes", "1",
                          "--cache-dir", str(tmp_path / "cache")])
    err = capsys.readouterr().err.strip()
    assert code == 2 and "\n" not in err and not (tmp_path / "eval" / "eval.json").exists()
    assert err.startswith(f"objnav-eval: error: adapter_path {trained.adapter_dir}: ")
    assert "run contract width 64, but this run uses 80" in err
