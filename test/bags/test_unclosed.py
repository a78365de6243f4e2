"""Recordings never closed: MCAP files cut short, split files without metadata.yaml; the
channel metadata rosbag2 writes; objnav-train's topic options. Real bag files throughout."""

import logging
import sys
import types
from pathlib import Path

import numpy as np
import pytest
from mcap.reader import make_reader
from rosbags.rosbag2.storage_mcap import McapReader

from objnav_ros.bags.reader import open_bag
from objnav_ros.bags.synthetic import SyntheticEpisode, episode_messages, rgb_at, write_bag
from objnav_ros.bags.writer import BagWriter
from objnav_ros.core.bagtypes import typestore
from objnav_training import train_cli
from objnav_training.dataset import load_episodes
from test.bags.test_dataset import EPISODES, assert_exact

LOG = "objnav_ros.bags.reader"


def chunk_ends(mcap: Path) -> list[tuple[int, int]]:
    """(end offset, messages) of each chunk of a closed file, read from its summary."""
    reader = McapReader(mcap)
    reader.open()
    try:
        return [(c.chunk_start_offset + c.chunk_length, sum(c.channel_count.values()))
                for c in reader.chunks]
    finally:
        reader.close()


@pytest.fixture(scope="module")
def recording(tmp_path_factory):
    """A 200-message recording (1 MiB chunks of 320x240 frames), its bytes and chunk ends."""
    bag = write_bag(tmp_path_factory.mktemp("rec") / "rec",
                    [SyntheticEpisode("ep-0", steps=39, width=320, height=240)])
    data = (bag / "rec.mcap").read_bytes()
    return data, chunk_ends(bag / "rec.mcap")


@pytest.mark.parametrize("cut", [0.3, 0.5, 0.97, "chunk", "summary", "last byte"])
def test_a_recording_cut_short_keeps_every_complete_chunk(tmp_path, recording, caplog, cut):
    data, ends = recording
    size = {"chunk": ends[5][0], "summary": ends[-1][0] + 200,
            "last byte": len(data) - 1}.get(cut) or int(len(data) * cut)
    bag = tmp_path / "rec"  # what a power cut leaves: no metadata.yaml, no footer
    bag.mkdir()
    (bag / "rec.mcap").write_bytes(data[:size])
    expected = sum(n for end, n in ends if end <= size)
    with caplog.at_level(logging.WARNING, LOG):
        episodes, errors = load_episodes(tmp_path)
    assert errors == []
    [episode] = episodes
    with open_bag(bag) as reader:
        assert reader.message_count == expected
    notes = [r.getMessage() for r in caplog.records if "never closed (no MCAP" in r.getMessage()]
    assert notes and all(f"{bag / 'rec.mcap'}: never closed" in n and
                         f"recovered {expected} messages" in n for n in notes)
    # each recovered transition is exact, its frame read lazily from the cut file
    assert [t.step for t in episode.transitions] == list(range(len(episode.transitions)))
    assert len(episode.transitions) >= (expected // 5) - 2
    for t in episode.transitions:
        np.testing.assert_array_equal(t.rgb(), rgb_at(t.step + 1, 320, 240))


def test_a_cut_before_any_complete_chunk_is_one_clear_line(tmp_path, recording):
    data, ends = recording
    bag = tmp_path / "rec"
    bag.mkdir()
    (bag / "rec.mcap").write_bytes(data[:ends[0][0] - 1])
    episodes, [error] = load_episodes(tmp_path)
    assert episodes == [] and str(error) == f"{bag}: empty bag (no messages)"


def split_recording(folder: Path, episodes, parts: int) -> Path:
    """One recording in ``parts`` files ``<name>_<n>.mcap`` and no metadata.yaml (rosbag2's
    split files of a recording that was never closed)."""
    store = typestore()
    rows = [(f"/{topic}", msgtype, sent, bytes(store.serialize_cdr(msg, msgtype)))
            for topic, msgtype, sent, msg in episode_messages(episodes)]
    folder.mkdir()
    size = -(-len(rows) // parts)
    for n in range(parts):
        part = folder / f"part{n}"
        writer = BagWriter(part)
        for topic, msgtype, sent, raw in rows[n * size:(n + 1) * size]:
            writer.write(topic, msgtype, raw, sent)
        writer.close()
        (part / f"part{n}.mcap").rename(folder / f"{folder.name}_{n}.mcap")
        for leftover in part.iterdir():
            leftover.unlink()
        part.rmdir()
    return folder


def test_split_files_without_metadata_are_one_recording(tmp_path, caplog):
    bag = split_recording(tmp_path / "rosbag2_2026", EPISODES, parts=3)
    (bag / f"{bag.name}_2.mcap").write_bytes((bag / f"{bag.name}_2.mcap").read_bytes()[:-1])
    with caplog.at_level(logging.WARNING, LOG):
        episodes, errors = load_episodes(tmp_path)
    assert errors == []
    assert_exact(episodes)  # ep-0 crosses the first split, ep-1 the second
    assert f"{bag}: no metadata.yaml (never closed?); read as one recording: " \
           f"{bag.name}_0.mcap, {bag.name}_1.mcap, {bag.name}_2.mcap" in caplog.text


def test_other_storage_files_in_a_recording_folder_stay_bags_of_their_own(tmp_path):
    bag = split_recording(tmp_path / "rec", EPISODES[:1], parts=2)
    write_bag(bag / "extra", EPISODES[1:])
    (bag / "extra" / "extra.mcap").rename(bag / "extra.mcap")
    (bag / "extra" / "metadata.yaml").unlink()
    (bag / "extra").rmdir()
    episodes, errors = load_episodes(tmp_path)
    assert errors == []
    assert sorted(e.episode_id for e in episodes) == ["ep-0", "ep-1"]


def test_mcap_channels_carry_rosbag2_topic_type_hash(tmp_path):
    bag = write_bag(tmp_path / "bag", EPISODES[:1])
    store = typestore()
    with open(bag / "bag.mcap", "rb") as stream:
        summary = make_reader(stream).get_summary()
        schemas = summary.schemas
        for channel in summary.channels.values():
            msgtype = schemas[channel.schema_id].name
            assert channel.metadata["topic_type_hash"] == store.hash_rihs01(msgtype)
            assert "offered_qos_profiles" in channel.metadata
    (bag / "metadata.yaml").unlink()  # unclosed: the scan takes the hash from the channel
    (bag / "bag.mcap").write_bytes((bag / "bag.mcap").read_bytes()[:-1])
    with open_bag(bag) as reader:
        assert {c.digest for c in reader.connections} == {
            store.hash_rihs01(c.msgtype) for c in reader.connections}


def test_objnav_train_reads_bags_with_other_topic_names(tmp_path, monkeypatch):
    store = typestore()
    writer = BagWriter(tmp_path / "robot1")
    for topic, msgtype, sent, msg in episode_messages(EPISODES):
        writer.write(f"/robot1/{topic.replace('/', '_')}", msgtype,
                     bytes(store.serialize_cdr(msg, msgtype)), sent)
    writer.close()
    trained = []
    stub = types.ModuleType("objnav_training.trainer")
    stub.train = lambda config, episodes: trained.append(episodes) or types.SimpleNamespace(
        module=types.SimpleNamespace(global_rank=1))
    monkeypatch.setitem(sys.modules, "objnav_training.trainer", stub)
    monkeypatch.setattr(train_cli, "check_model_folder", lambda path: path,  # no model here
                        raising=False)
    base = ["--bags", str(tmp_path / "robot1"), "--model", "m", "--out", str(tmp_path / "o")]
    assert train_cli.main(base) == 1  # default names: nothing found
    names = ["--status-topic", "objnav_episode_status", "--action-topic", "objnav_action",
             "--rgb-topic", "camera_rgb_image_raw", "--depth-topic", "camera_depth_image_raw",
             "--odom-topic", "odom", "--goal-topic", "objnav_goal"]
    assert train_cli.main(base + names) == 0
    assert_exact(trained[0])
    assert train_cli.main(base + ["--rgb-topic", ""]) == 2
