from objnav_ros.apps.make_scene import main
from objnav_ros.sim import load_episodes, load_scene


def test_cli_writes_scene_episodes_and_map(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["--out", str(out), "--n-episodes", "3", "--n-rooms", "2", "--seed", "5"]) == 0
    episodes = load_episodes(out / "episodes.json.gz")
    assert [e.episode_id for e in episodes] == ["0", "1", "2"]
    assert {e.scene_id for e in episodes} == {"house.glb"}
    assert load_scene(out / "house.glb").objects
    assert (out / "house.stage_config.json").is_file()
    assert (out / "topdown.png").stat().st_size > 1000
    assert "episodes" in capsys.readouterr().out


def test_cli_rejects_bad_options(tmp_path, capsys):
    assert main(["--out", str(tmp_path), "--n-rooms", "0"]) == 2
    assert "n_rooms" in capsys.readouterr().err
