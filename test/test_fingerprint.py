from objnav_ros.core.fingerprint import settings_hash, tree_fingerprint


def test_fingerprints_follow_content_and_files(tmp_path):
    assert settings_hash({"a": 1, "b": [2]}) == settings_hash({"b": [2], "a": 1})
    assert settings_hash({"a": 1}) != settings_hash({"a": 2})
    (tmp_path / "bags").mkdir()
    (tmp_path / "bags" / "one.mcap").write_bytes(b"x")
    before = tree_fingerprint([tmp_path / "bags"])
    assert tree_fingerprint([tmp_path / "bags"]) == before
    (tmp_path / "bags" / "two.mcap").write_bytes(b"y")
    assert tree_fingerprint([tmp_path / "bags"]) != before
