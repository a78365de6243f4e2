"""objnav-experiment: held-out houses, statistics, batched rollouts and a smoke run end to end."""

import hashlib
import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from objnav_ros.apps.experiment import PRESETS, ExperimentConfig, default_base_dir
from objnav_ros.core.actions import PRESETS as ACTION_PRESETS
from objnav_ros.core.actions import Action
from objnav_ros.core.dds import loopback_env
from objnav_ros.policy.adapter_record import RECORD, check_record
from objnav_ros.policy.decision import Decision, Policy
from objnav_ros.policy.factory import PolicySettings, make_policy
from objnav_ros.policy.loader import ModelLoadError
from objnav_ros.policy.random_policy import RandomPolicy
from objnav_ros.sim import EmbeddedSimulator, SimConfig
from objnav_ros.sim.scene_source import SceneSource
from objnav_training.batch_rollout import batched_closed_loop, batched_path_accuracy, blank
from objnav_training.evaluate import expert_path_accuracy
from objnav_training.evaluate_sim import closed_loop, expert_steps
from objnav_training.experiment_eval import EvalSetup, evaluate_policies
from objnav_training.experiment_run import eval_setup
from objnav_training.stats import paired_bootstrap, wilson

ROOT = Path(__file__).resolve().parents[2]
# The smoke run (three runs of the command) is set up by the first test that uses it.
pytestmark = pytest.mark.timeout(1800)


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_evaluation_houses_are_disjoint_from_every_training_house(preset, tmp_path):
    config = PRESETS[preset]
    trained = {SceneSource(seed=h).generated_name for h in config.training_houses()}
    setup = eval_setup(config, tmp_path)
    names = {setup.source(h).scene_path().name for h in setup.house_seeds}
    assert names and not names & trained
    assert len(names) == len(config.eval_houses)


def test_an_overlapping_evaluation_house_is_refused():
    with pytest.raises(ValueError, match="eval_houses"):
        ExperimentConfig(base_houses=(1, 2), finetune_houses=(3,), eval_houses=(3, 4))


def test_a_base_with_other_settings_never_takes_the_presets_cached_folder():
    full = default_base_dir("full", PRESETS["full"])
    assert full.name == "full"
    shorter = default_base_dir("full", replace(PRESETS["full"], base_bc_steps=400))
    assert shorter.parent == full.parent and shorter.name.startswith("full-")
    assert default_base_dir("full", replace(PRESETS["full"], train_steps=9)) == full
    assert default_base_dir("full", replace(PRESETS["full"], base_bc_steps=401)) != shorter


def test_wilson_interval_matches_the_closed_form():
    low, high = wilson(10, 100)
    assert (round(low, 4), round(high, 4)) == (0.0552, 0.1744)
    assert wilson(0, 20)[0] == 0.0 and wilson(20, 20)[1] == 1.0
    with pytest.raises(ValueError):
        wilson(5, 4)


def test_paired_bootstrap_sees_a_real_difference_and_not_a_null_one():
    rng = np.random.default_rng(0)
    base = rng.random(200) < 0.3
    better = base | (rng.random(200) < 0.3)
    gain, low, high = paired_bootstrap(better.astype(float), base.astype(float))
    assert low > 0 and low <= gain <= high
    _, low, high = paired_bootstrap(base.astype(float), base.astype(float))
    assert low == high == 0.0


class StepPattern(Policy):
    """Stateless and deterministic: turns every third step, else moves forward."""

    def _decide(self, obs):
        action = Action.TURN_LEFT if obs.step % 3 == 2 else Action.MOVE_FORWARD
        return Decision(action, True)


def test_batched_rollouts_equal_one_episode_at_a_time(seed_sim, house):
    episodes = [seed_sim.random_episode(i) for i in range(5)]
    policy = StepPattern(seed_sim.config.action_space.actions)
    alone = closed_loop(policy, seed_sim, episodes)
    sims = [EmbeddedSimulator(house, seed_sim.config) for _ in range(3)]
    try:
        together = batched_closed_loop(sims, lambda slot: policy, episodes)
    finally:
        for sim in sims:
            sim.close()
    assert [(r.success, r.steps, r.collisions, r.trajectory) for r in together] == \
           [(r.success, r.steps, r.collisions, r.trajectory) for r in alone]


def test_batched_path_accuracy_equals_the_sequential_one(seed_sim):
    episodes = [seed_sim.random_episode(i) for i in range(2)]
    policy = StepPattern(seed_sim.config.action_space.actions)
    steps = [pair for e in episodes for pair in expert_steps(seed_sim, e)]
    assert batched_path_accuracy(policy, steps, batch=7) == expert_path_accuracy(policy, steps)
    grey = blank(steps[0][0])
    assert grey.rgb.shape == steps[0][0].rgb.shape and np.all(grey.rgb == 128)


def fingerprint(results) -> str:
    """Digest of every field of every result, trajectories included (floats to 1e-6)."""
    rows = [(r.episode_id, r.success, r.steps, r.decisions, r.valid, r.collisions, r.stuck,
             r.oscillation, *(round(v, 6) for v in (r.spl, r.path_length, r.final_distance)),
             [(round(p.x, 6), round(p.y, 6), round(p.yaw, 6), c) for p, c in r.trajectory])
            for r in results]
    return hashlib.sha256(repr(rows).encode()).hexdigest()[:16]


# Results of the evaluation before the episode loops became one (sim/runner.py): seeded
# random and expert policies must keep giving exactly these.
PINNED = {
    ("seed", 3): {"random": "49a58cde803b53f4", "expert": "e1fc4724bace9345",
                  "random one at a time": "3c0c5db9d403f081"},
    ("habitat", 5): {"random": "aba39c7bd34c3969", "expert": "e614c629b3b2bf8f",
                     "random one at a time": "95688b8e67e7dfca"},
}


@pytest.mark.parametrize(("preset", "house"), sorted(PINNED))
def test_evaluation_results_stay_those_pinned_for_seeded_policies(preset, house,
                                                                  tmp_path_factory):
    setup = EvalSetup(house_seeds=(house,), episodes_per_house=3, width=32, height=24,
                      max_steps=40, action_preset=preset,
                      cache_dir=str(tmp_path_factory.getbasetemp() / "houses"))
    space = ACTION_PRESETS[preset]
    named = {kind: PolicySettings(kind=kind, actions=space) for kind in ("random", "expert")}
    found = {name: fingerprint(e.results)
             for name, e in evaluate_policies(setup, named, progress=False).items()}
    source = setup.source(house)
    with EmbeddedSimulator(source.scene_path(), setup.sim_config(house)) as sim:
        episodes = source.load_episodes(sim.config, sim.random_episode)
        found["random one at a time"] = fingerprint(
            closed_loop(RandomPolicy(space.actions, 7), sim, episodes))
    assert found == PINNED[preset, house]


@pytest.fixture(scope="module")
def smoke_run(tmp_path_factory):
    """One smoke-sized run of the whole command (base, ROS collection, mining, training, ...)."""
    from test.conftest import POOL

    out = tmp_path_factory.mktemp("experiment")
    domain = POOL.claim()
    env = {**loopback_env(domain), "OMP_NUM_THREADS": "1"}  # tiny sizes: one thread is enough
    command = [sys.executable, "-m", "objnav_ros.apps.experiment", "--preset", "smoke",
               "--out", str(out), "--quiet", "--device", "cpu"]
    try:
        first = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True,
                               timeout=900)
        again = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True,
                               timeout=300)
        kept = {p.name: p.stat().st_mtime_ns for p in (out / "eval" / "policies").iterdir()}
        (out / "report" / "report.json").rename(out / "report" / "first.json")
        more = subprocess.run([*command, "--weightings", "bc", "awr_merger"], env=env, cwd=ROOT,
                              capture_output=True, text=True, timeout=600)
    finally:
        POOL.release(domain)
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    return out, first, again, (more, kept)


def test_smoke_experiment_reports_every_policy_on_the_same_episodes(smoke_run):
    out, _, _, _ = smoke_run
    config = PRESETS["smoke"]
    rows = [row for name in ("frozen", "random", "frontier", "bc_s0", "awr_dagger_s0")
            for row in json.loads((out / "eval" / "policies" / f"{name}.json").read_text())["rows"]]
    names = {"frozen", "random", "frontier", "bc_s0", "awr_dagger_s0"}
    assert {r["policy"] for r in rows} == names
    keys = {name: sorted((r["house"], r["episode_id"]) for r in rows if r["policy"] == name)
            for name in names}
    assert len({tuple(k) for k in keys.values()}) == 1  # the same episodes for every policy
    assert len(keys["frozen"]) == len(config.eval_houses) * config.eval_episodes
    report = json.loads((out / "report" / "first.json").read_text())
    assert set(report["policies"]) == names
    assert set(report["weightings"]) == {"bc", "awr_dagger"}
    for file in ("README.md", "sr.png", "curves.png", "policies.csv"):
        assert (out / "report" / file).stat().st_size > 0
    assert any((out / "bags" / "policy").rglob("*.mcap"))
    assert (out / "mined" / "house2000" / "summary.json").is_file()
    mined = [json.loads(p.read_text()) for p in (out / "mined").rglob("labels.json")]
    assert len(mined) == config.mine_episodes * len(config.finetune_houses)  # whole episodes
    for labels in mined:  # DAgger on every step, by the base's teacher
        assert {r["source"] for r in labels["relabels"]} == {config.dagger_relabeller}
        steps = sorted(r["step"] for r in labels["relabels"])
        assert steps == list(range(len(steps))) and steps


def test_smoke_experiment_resumes_without_redoing_finished_stages(smoke_run):
    _, _, again, _ = smoke_run
    assert again.returncode == 0, again.stderr[-2000:]
    assert again.stdout.count("done earlier, skipped") == 6


def test_another_variant_trains_and_evaluates_only_what_is_new(smoke_run):
    out, _, _, (more, kept) = smoke_run
    assert more.returncode == 0, more.stdout[-3000:] + more.stderr[-3000:]
    assert "bc_s0: trained earlier on the same inputs, kept" in more.stdout
    assert more.stdout.count("objnav_training.train_cli") == 1  # awr_merger_s0 only
    policies = out / "eval" / "policies"
    assert {p.name: p.stat().st_mtime_ns for p in policies.iterdir() if p.name in kept} == kept
    config = json.loads((out / "train" / "awr_merger_s0" / "adapter" / "adapter_config.json")
                        .read_text())
    assert "merger" in config["target_modules"]
    report = json.loads((out / "report" / "report.json").read_text())
    assert set(report["policies"]) == {"frozen", "random", "frontier", "bc_s0", "awr_merger_s0"}


def test_bench_prints_the_headline_as_one_json_line(smoke_run):
    out, _, _, _ = smoke_run
    result = subprocess.run([sys.executable, str(ROOT / "bench" / "experiment.py"), "--quick",
                             "--run", str(out)], capture_output=True, text=True, timeout=60)
    line = json.loads(result.stdout.strip().splitlines()[-1])
    assert {"sr_random", "sr_frozen", "sr_bc", "sr_awr_dagger", "sr_gain_awr_points",
            "paired_ci_low_points", "blank_epa_drop_points", "episodes", "houses",
            "minutes"} <= set(line)
    assert line["episodes"] == 2 and line["houses"] == 1


def test_adapter_records_its_training_and_a_mismatch_is_refused(smoke_run):
    out, _, _, _ = smoke_run
    adapter = out / "train" / "bc_s0" / "adapter"
    record = json.loads((adapter / RECORD).read_text())
    model = out / "base-model"
    assert record["action_preset"] == "seed" and record["weighting"] == "bc"
    assert record["prompt"] == (model / "objnav_prompt.txt").read_text().strip()
    config = PRESETS["smoke"]
    assert record["run_contract"] == SimConfig(width=config.width, height=config.height,
                                               action_space=ACTION_PRESETS["seed"]
                                               ).contract().to_dict()  # the collected bags'
    settings = PolicySettings(kind="vlm", actions=ACTION_PRESETS["seed"], model_path=str(model),
                              adapter_path=str(adapter), device="cpu",
                              sim=eval_setup(config, out).sim_config(config.eval_houses[0]))
    assert make_policy(settings).name == "vlm-score"
    with pytest.raises(ModelLoadError, match="actions") as caught:
        make_policy(replace(settings, actions=ACTION_PRESETS["habitat"]))
    assert "\n" not in str(caught.value)
    with pytest.raises(ModelLoadError, match="prompt"):
        check_record(adapter, model, settings.actions.actions, settings.contract(),
                     "Go to the $goal.")


def test_a_rerun_stage_replaces_its_outputs_and_keeps_the_old_ones_aside(tmp_path):
    from objnav_ros.apps.experiment import Runner

    runner = Runner(PRESETS["smoke"], tmp_path, "", tmp_path / "base", quiet=True)
    for round_ in (1, 2):
        bags = runner.fresh("bags")
        assert not bags.exists()  # the stage writes into an empty folder, never beside old bags
        (bags / "policy").mkdir(parents=True)
        (bags / "policy" / "episode.mcap").write_text(f"round {round_}")
    assert (tmp_path / "bags" / "policy" / "episode.mcap").read_text() == "round 2"
    runner.fresh("bags")
    kept = sorted(p.read_text() for p in (tmp_path / "replaced").rglob("episode.mcap"))
    assert kept == ["round 1", "round 2"] and not (tmp_path / "bags").exists()


def test_probe_repeats_the_frozen_evaluation_and_pairs_other_decodings(smoke_run, capsys):
    from objnav_ros.apps.experiment_probe import main as probe_main
    from objnav_training.experiment_report import success_vector

    out, _, _, _ = smoke_run
    config = PRESETS["smoke"]
    adapter = out / "train" / "bc_s0" / "adapter"
    assert probe_main(["--out", str(out), "--quiet", f"frozen@{config.eval_temperature}",
                       f"{adapter}@0"]) == 0
    same, greedy = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    frozen = json.loads((out / "eval" / "policies" / "frozen.json").read_text())["rows"]
    assert same["successes"] == [int(w) for w in success_vector(frozen)]  # deterministic
    assert same["gain_points"] == 0 and greedy["episodes"] == len(frozen)
    with pytest.raises(SystemExit) as info:
        probe_main(["--out", str(out), "--quiet", "frozen"])
    assert info.value.code == 2 and "NAME@TEMPERATURE" in capsys.readouterr().err


def test_probe_in_the_fine_tuning_houses_pairs_with_the_frozen_base_there(smoke_run, capsys,
                                                                           tmp_path):
    from objnav_ros.apps.experiment_probe import main as probe_main

    out, _, _, _ = smoke_run
    config = PRESETS["smoke"]
    assert probe_main(["--out", str(out), "--quiet", "--houses", "finetune", "bc_s0@1.0"]) == 0
    frozen, adapter = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert frozen["policy"] == f"frozen@{config.eval_temperature}"
    assert adapter["policy"] == "bc_s0@1.0"
    for row in (frozen, adapter):
        assert row["houses"] == list(config.finetune_houses)
        assert row["episodes"] == config.eval_episodes * len(config.finetune_houses)
    assert frozen["gain_points"] == 0
    gain = np.mean(adapter["successes"]) - np.mean(frozen["successes"])
    assert adapter["gain_points"] == pytest.approx(100 * gain)
    with pytest.raises(SystemExit) as info:
        probe_main(["--out", str(tmp_path), "--quiet", "frozen@1"])
    assert info.value.code == 2 and "frozen.json: missing" in capsys.readouterr().err
