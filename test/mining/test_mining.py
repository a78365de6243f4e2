"""The failure miner on a small generated house: windows, expert relabels, bags, summary, CLI."""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from objnav_ros.apps.mine import main
from objnav_ros.core.actions import Action, action_space
from objnav_ros.core.contract import RunContract
from objnav_ros.mining import (
    Miner,
    MinerConfig,
    relabels,
    rollout,
    window_span,
    write_windows,
)
from objnav_ros.monitor import KINDS, OSCILLATION, Monitor, Verdict
from objnav_ros.policy.decision import Decision, Policy
from objnav_ros.policy.explorer import DepthExplorer
from objnav_ros.policy.factory import explorer_config
from objnav_ros.sim import (
    EmbeddedSimulator,
    HouseConfig,
    ShortestPathExpert,
    SimConfig,
    generate_house,
    write_house,
)
from objnav_training.contract import common_contract
from objnav_training.dataset import load_episodes

CONTEXT = 3


class Scripted(Policy):
    """Repeats ``script`` forever."""

    name = "scripted"

    def __init__(self, script: tuple[Action, ...]) -> None:
        super().__init__(tuple(Action))
        self.script = script
        self.i = 0

    def reset(self) -> None:
        self.i = 0

    def _decide(self, obs) -> Decision:
        self.i += 1
        return Decision(self.script[(self.i - 1) % len(self.script)], True, source=self.name)


@pytest.fixture(scope="module")
def house(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("house")
    return write_house(generate_house(HouseConfig(n_rooms=2, seed=1)), folder / "house.glb")


@pytest.fixture(scope="module")
def sim(house):
    config = SimConfig(width=32, height=24, max_steps=30, action_space=action_space("seed"))
    with EmbeddedSimulator(house, config) as simulator:
        yield simulator


@pytest.fixture(scope="module")
def mined(sim, tmp_path_factory):
    """An oscillating policy's episode and its windows."""
    out = tmp_path_factory.mktemp("mined")
    episode = sim.random_episode(0)
    run = rollout(Scripted((Action.TURN_LEFT, Action.TURN_RIGHT)), sim, episode, Monitor())
    written = write_windows(sim, run, out, CONTEXT)
    return run, written, out


def verdict(start: int, end: int) -> Verdict:
    return Verdict(OSCILLATION, start, end, 0.5, "")


def test_window_span_adds_context_and_clips_at_the_episode_ends():
    span = window_span(verdict(5, 8), actions=20, context=3)
    assert (span.start, span.end, span.first, span.last) == (4, 7, 1, 11)
    clipped = window_span(verdict(2, 9), actions=10, context=3)
    assert (clipped.start, clipped.end, clipped.first, clipped.last) == (1, 8, 0, 10)
    with pytest.raises(ValueError):
        window_span(verdict(1, 1), actions=0, context=1)


def test_oscillation_windows_load_as_relabelled_training_data(mined):
    run, written, out = mined
    assert run.verdicts and len(written) == len(run.verdicts)
    assert {kind for kind, _ in written} == {OSCILLATION}
    episodes, errors = load_episodes(out)
    assert errors == [] and len(episodes) == len(written)
    for data in episodes:
        assert data.episode_id == run.episode.episode_id
        assert all(t.expert_action is not None for t in data.transitions)
        [window] = data.labels["windows"]
        span = window_span(next(v for v in run.verdicts if v.start_step - 1 == window["start_step"]
                                and v.end_step - 1 == window["end_step"]),
                           run.actions, CONTEXT)
        assert [t.step for t in data.transitions] == list(range(span.first, span.last))
        for t in data.transitions:
            frame = run.frames[t.step]
            assert t.action is frame.decision.action and t.source == "scripted"
            pose = frame.obs.pose
            assert (t.pose.x, t.pose.y, t.pose.yaw) == pytest.approx((pose.x, pose.y, pose.yaw))


def test_mined_bags_carry_the_run_contract_and_training_another_names_the_bag(sim, mined):
    _, written, out = mined
    episodes, _ = load_episodes(out)
    assert {e.contract for e in episodes} == {RunContract(0.4, 15.0, 30.0, 32, 24, 79.0, 0.88)}
    with pytest.raises(ValueError, match=f"^{written[0][1]}: episode .* was recorded with "
                                         "forward_m 0.4, but this run \\(action preset "
                                         "'habitat'\\) uses 0.25"):
        common_contract(sorted(episodes, key=lambda e: e.source_file),
                        RunContract.of(action_space("habitat")), "action preset 'habitat'")


def test_relabels_match_the_expert_at_that_state(sim, mined):
    run, _, out = mined
    labelled = {t.step: t.expert_action for data in load_episodes(out)[0]
                for t in data.transitions}
    sim.reset(run.episode)
    expert = ShortestPathExpert(sim)
    for step, frame in enumerate(run.frames[:max(labelled) + 1]):
        if step in labelled:
            assert expert.next_action() is labelled[step]
        if frame.decision is not None:
            sim.step(frame.decision.action)


class Expert(Policy):
    """The shortest-path expert as a policy: no failures to mine."""

    def __init__(self, sim) -> None:
        super().__init__(tuple(Action))
        self.expert = ShortestPathExpert(sim)

    def _decide(self, obs) -> Decision:
        return Decision(self.expert.next_action(), True, source="expert")


def test_an_episode_without_failures_writes_nothing(sim, tmp_path):
    run = rollout(Expert(sim), sim, sim.random_episode(1), Monitor())
    assert run.actions > 0 and run.verdicts == ()
    assert write_windows(sim, run, tmp_path, CONTEXT) == []
    assert list(tmp_path.iterdir()) == []


def mine_scripted(house: Path, out: Path, **settings) -> tuple[Miner, dict, Path, list]:
    """Mine 2 episodes of a L-R-F script: the miner, its summary, the chart, the episodes."""
    config = MinerConfig(out=str(out), scene=str(house), n_episodes=2, width=32, height=24,
                         action_preset="seed", **settings)
    miner = Miner(config, policy=Scripted((Action.TURN_LEFT, Action.TURN_RIGHT,
                                           Action.MOVE_FORWARD)))
    for episode in miner.episodes:
        miner.mine(episode)
    json_path, png_path = miner.finish()
    episodes, errors = load_episodes(out)
    assert errors == []
    return miner, json.loads(json_path.read_text()), png_path, episodes


def test_miner_summary_counts_match_the_bags(house, tmp_path):
    miner, summary, png_path, episodes = mine_scripted(house, tmp_path / "out", max_steps=40)
    assert png_path.stat().st_size > 0
    kinds = Counter(w["kind"] for data in episodes for w in data.labels["windows"])
    assert summary["windows"] == len(episodes) == len(summary["bags"]) > 0
    assert summary["per_kind"] == {kind: kinds[kind] for kind in KINDS}
    per_episode = Counter(data.episode_id for data in episodes)
    assert {ep: sum(c.values()) for ep, c in summary["per_episode"].items()} == {
        ep.episode_id: per_episode[ep.episode_id] for ep in miner.episodes}


def test_cli_mines_and_prints_a_table(house, tmp_path, capsys):
    out = tmp_path / "cli"
    code = main(["--policy", "random", "--scene", str(house), "--n-episodes", "1", "--width",
                 "32", "--height", "24", "--max-steps", "40", "--action-preset", "seed",
                 "--out", str(out), "--quiet"])
    assert code == 0
    printed = capsys.readouterr().out
    assert "oscillation" in printed and "total" in printed
    assert (out / "summary.json").is_file() and (out / "summary.png").is_file()


@pytest.mark.parametrize(("args", "field"), [
    (["--n-episodes", "0"], "n_episodes"),
    (["--context", "-1"], "context"),
    (["--scene", "/nonexistent.glb"], "scene"),
    (["--policy", "vlm"], "model"),
    (["--width", "x"], "--width"),
    (["--policy", "nope"], "--policy"),
])
def test_bad_inputs_exit_2_with_one_line(args, field, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([*args, "--out", str(tmp_path / "x"), "--quiet"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert field in err[-1]
    assert not (tmp_path / "x").exists()


@pytest.fixture(scope="module")
def semantic_sim(house):
    config = SimConfig(width=32, height=24, max_steps=30, action_space=action_space("seed"),
                       semantic=True)
    with EmbeddedSimulator(house, config) as simulator:
        yield simulator


def test_frontier_relabels_replay_the_explorer_along_the_rollout(semantic_sim):
    """Where the explorer drove, its replayed labels are its own moves; elsewhere every step
    still gets a label, and a run without semantic images is refused."""
    sim = semantic_sim
    space = sim.config.action_space
    explorer = DepthExplorer(space, explorer_config(sim.config))
    own = rollout(explorer, sim, sim.random_episode(2), Monitor())
    labels = relabels(sim, own, range(own.actions), "frontier")
    assert labels == {s: own.frames[s].decision.action for s in range(own.actions)}
    other = rollout(Scripted((Action.MOVE_FORWARD, Action.TURN_LEFT)), sim,
                    sim.random_episode(3), Monitor())
    labels = relabels(sim, other, range(other.actions), "frontier")
    assert set(labels) == set(range(other.actions)) and set(labels.values()) <= set(space.actions)
    assert any(labels[s] is not other.frames[s].decision.action for s in labels)


def test_frontier_relabels_need_the_semantic_image(sim, mined):
    run, _, _ = mined
    with pytest.raises(ValueError, match="semantic"):
        relabels(sim, run, [0], "frontier")


def test_explorer_replayed_after_a_bump_of_another_policy_remembers_it(semantic_sim):
    """The explorer takes the executed action from the frame's history: a forward bump of the
    policy that drove blocks the way ahead, though the explorer itself had chosen a turn."""
    sim = semantic_sim
    obs = sim.reset(sim.random_episode(4))
    far = dataclasses.replace(obs.pose, x=obs.pose.x + 50.0)
    walled = dataclasses.replace(obs, pose=far, depth=np.full_like(obs.depth, 0.3))
    open_bump = dataclasses.replace(obs, depth=np.zeros_like(obs.depth), collided=True,
                                    recent_actions=(Action.MOVE_FORWARD,))
    for history, expected in ((open_bump.recent_actions, {Action.TURN_LEFT, Action.TURN_RIGHT}),
                              ((), {Action.MOVE_FORWARD})):  # no history: its own turn counts
        explorer = DepthExplorer(sim.config.action_space, explorer_config(sim.config))
        assert explorer.select_action(walled).action is not Action.MOVE_FORWARD
        bumped = dataclasses.replace(open_bump, recent_actions=history)
        assert explorer.select_action(bumped).action in expected


def test_a_replayed_explorer_keeps_turning_the_way_the_driver_turned(semantic_sim):
    """Blocked, the explorer commits to a turn; when the policy that drove turned the other
    way, the label follows that turn (a label the frame's history can explain)."""
    sim = semantic_sim
    obs = sim.reset(sim.random_episode(4))
    walled = dataclasses.replace(obs, depth=np.full_like(obs.depth, 0.3))
    explorer = DepthExplorer(sim.config.action_space, explorer_config(sim.config))
    committed = explorer.select_action(walled).action
    other = ({Action.TURN_LEFT, Action.TURN_RIGHT} - {committed}).pop()
    for history, expected in (((committed,), committed), ((other,), other), ((other,), other)):
        assert explorer.select_action(
            dataclasses.replace(walled, recent_actions=history)).action is expected


def test_whole_episodes_are_kept_with_every_step_relabelled(house, tmp_path):
    _, summary, _, episodes = mine_scripted(house, tmp_path / "out", max_steps=30,
                                            keep="episodes", relabeller="frontier")
    assert len(episodes) == len(summary["bags"]) == 2
    assert summary["windows"] == sum(len(d.labels.get("windows", [])) for d in episodes) > 0
    for data in episodes:
        assert [t.step for t in data.transitions] == list(range(len(data.transitions)))
        assert all(t.expert_action is not None for t in data.transitions)
