"""objnav-collect end to end: processes over loopback DDS, bags checked with the dataset."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from objnav_ros.apps.graphs import GRAPHS
from objnav_training.dataset import load_episodes

pytestmark = pytest.mark.ros
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def house(tmp_path_factory):
    from objnav_ros.sim.house import HouseConfig, generate_house, write_house

    path = tmp_path_factory.mktemp("house") / "house.glb"
    return str(write_house(generate_house(HouseConfig(n_rooms=2, seed=5)), path))


def test_collect_records_each_episode_as_a_bag_and_says_so(ros_env, tmp_path, house):
    out = subprocess.run(
        [sys.executable, "-m", "objnav_ros.apps.collect", "--n-episodes", "2", "--out",
         str(tmp_path), "--policy", "random", "--scene", house, "--seed", "3", "--max-steps", "5",
         "--width", "64", "--height", "48", "--action-preset", "seed", "--prefix", "c",
         "--quiet"], cwd=ROOT, env=ros_env, capture_output=True, text=True, timeout=240)
    summary = json.loads((tmp_path / "c.recorder.json").read_text())
    assert summary["state"] == "closed" and summary["drops"] == 0, out.stdout
    episodes, errors = load_episodes(summary["bags"])
    assert f"{len(episodes)} episode(s) load as training data" in out.stdout
    complete = len(episodes) == 2 and not errors
    # A DDS participant that discovers another late can cost the first steps: then the
    # command must fail and name the problem rather than claim the episodes.
    assert (out.returncode == 0) == complete, out.stdout + out.stderr
    if complete:
        assert [Path(b).name for b in summary["bags"]] == ["c_001_0", "c_002_1"]
        assert [len(e.transitions) for e in episodes] == [5, 5]
        assert "2/2 episodes ended" in out.stdout
    else:
        assert "problem:" in out.stdout or "0 episode(s)" in out.stdout


def test_collect_graph_starts_the_recorder_bridge_and_policy():
    nodes = GRAPHS["collect"].resolve({"policy": "random", "n_episodes": "3"})
    by_name = {n.name: n for n in nodes}
    assert list(by_name) == ["recorder", "sim_bridge", "policy"]
    bridge = by_name["sim_bridge"]
    assert bridge.required and bridge.parameters["exit_when_done"] is True
    assert bridge.parameters["n_episodes"] == "3" and bridge.parameters["lock_step"] is True
    assert by_name["policy"].parameters["policy"] == "random"
