import json

from objnav_ros.apps.tiny_model import main
from objnav_ros.policy.tiny_model import BUILD_VERSION, MARKER


def test_cli_builds_the_folder_and_prints_its_path(tmp_path, capsys):
    out = tmp_path / "m"
    main([str(out), "--vocab", "trained", "--seed", "3"])
    assert capsys.readouterr().out.strip() == str(out)
    assert json.loads((out / MARKER).read_text()) == {
        "version": BUILD_VERSION, "vocab": "trained", "seed": 3, "size": "test"}
