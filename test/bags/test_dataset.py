"""Bags -> episodes -> transitions: exact reconstruction, lazy frames, clear errors, labels."""

import logging
import os
import pickle
from dataclasses import replace

import numpy as np
import pytest

import objnav_ros.bags.reader as reader_module
from objnav_ros.bags import synthetic
from objnav_ros.bags.labels import FailureWindow, Labels, Relabel, write_labels
from objnav_ros.bags.synthetic import (
    SyntheticEpisode,
    action_at,
    depth_at,
    distance_at,
    pose_at,
    rgb_at,
    write_bag,
)
from objnav_ros.bags.writer import BagWriter
from objnav_ros.core.actions import PRESETS, Action
from objnav_ros.core.camera import CameraModel
from objnav_ros.core.contract import RunContract
from objnav_training.dataset import BagError, BagTopics, load_episodes, read_bag
from test.bags.ros2_layout import write_ros2_bag

STORAGES = ["mcap", "sqlite3"]
EXT = {"mcap": "mcap", "sqlite3": "db3"}
def xyyaw(pose):
    return pytest.approx((pose.x, pose.y, pose.yaw))


EPISODES = [SyntheticEpisode("ep-0", "chair", steps=5),
            SyntheticEpisode("ep-1", "bed", steps=3, success=False)]


def assert_exact(episodes, specs=EPISODES):
    assert [e.episode_id for e in episodes] == [s.episode_id for s in specs]
    seq = 0
    for episode, spec in zip(episodes, specs, strict=True):
        assert [t.step for t in episode.transitions] == list(range(spec.steps))
        for t in episode.transitions:
            seq += 1
            assert t.goal == spec.goal and t.source == "expert"
            assert t.action == action_at(t.step)
            assert (t.pose.x, t.pose.y, t.pose.yaw) == xyyaw(pose_at(t.step))
            assert (t.next_pose.x, t.next_pose.y, t.next_pose.yaw) == xyyaw(pose_at(t.step + 1))
            assert t.collided == ((t.step + 1) % 3 == 2)
            assert t.distance_to_goal == pytest.approx(distance_at(t.step))
            assert t.next_distance_to_goal == pytest.approx(distance_at(t.step + 1))
            last = t.step == spec.steps - 1
            assert t.done == last and t.success == (last and spec.success)
            np.testing.assert_array_equal(t.rgb(), rgb_at(seq, spec.width, spec.height))
            np.testing.assert_array_equal(t.depth(), depth_at(seq, spec.width, spec.height))
        seq += 1  # the final observation has no action


@pytest.mark.parametrize("storage", STORAGES)
def test_a_bag_round_trips_exactly(tmp_path, storage):
    bag = write_bag(tmp_path / "bag", EPISODES, storage=storage, jitter_ns=80_000_000)
    episodes, errors = read_bag(bag)
    assert errors == []
    assert_exact(episodes)
    assert all(e.source_file == str(bag) for e in episodes)
    final = episodes[0].final_pose
    assert (final.x, final.y, final.yaw) == xyyaw(pose_at(5))


@pytest.mark.parametrize("storage", STORAGES)
def test_a_ros2_bag_record_layout_bag_is_accepted(tmp_path, storage):
    bag = write_ros2_bag(tmp_path / "rosbag2_2026_11_25-10_00_00", EPISODES, storage)
    assert (bag / f"{bag.name}_0.{EXT[storage]}").exists()
    episodes, errors = load_episodes(tmp_path)
    assert errors == []
    assert_exact(episodes)


def test_each_episode_carries_the_run_contract_its_statuses_recorded(tmp_path):
    seed = RunContract.of(PRESETS["seed"], CameraModel(32, 24, 60.0), 1.2)
    bag = write_bag(tmp_path / "bag", [EPISODES[0], replace(EPISODES[1], contract=seed)])
    episodes, errors = read_bag(bag)
    assert errors == []
    assert [e.contract for e in episodes] == [RunContract(0.25, 30.0, 30.0, 32, 24, 79.0, 0.88),
                                              seed]


def test_an_episode_without_or_with_a_changing_run_contract_is_one_line(tmp_path, monkeypatch):
    old = write_bag(tmp_path / "old", [replace(EPISODES[0], contract=RunContract())])
    _, errors = read_bag(old)
    assert [str(e) for e in errors] == [
        f"{old}: episode ep-0: /objnav/episode_status carries no run contract (contract."
        "forward_m is 0): recorded before the contract existed, re-record it"]
    real = synthetic._Messages.status

    def moved_on(self, stamp, seq, ep, step):
        msg = real(self, stamp, seq, ep, step)
        if step >= 3:
            msg.contract.forward_m = 0.4
        return msg

    monkeypatch.setattr(synthetic._Messages, "status", moved_on)
    changed = write_bag(tmp_path / "changed", EPISODES[:1])
    _, errors = read_bag(changed)
    assert [str(e) for e in errors] == [
        f"{changed}: episode ep-0: the run contract changes at step 3: contract.forward_m "
        "0.25 -> 0.4"]


def test_images_are_decoded_only_when_asked(tmp_path, monkeypatch):
    bag = write_bag(tmp_path / "bag", EPISODES[:1])
    decoded = []
    real = reader_module.rgb_from_image
    monkeypatch.setattr(reader_module, "rgb_from_image",
                        lambda msg, what: decoded.append(what) or real(msg, what))
    episodes, _ = load_episodes([bag])
    assert decoded == []
    frame = episodes[0].transitions[2].rgb
    clone = pickle.loads(pickle.dumps(frame))  # what a DataLoader worker receives
    np.testing.assert_array_equal(clone(), rgb_at(3, 32, 24))
    assert len(decoded) == 1


def test_frames_reopen_the_bag_after_fork(tmp_path):
    episodes, _ = load_episodes([write_bag(tmp_path / "bag", EPISODES[:1])])
    first = episodes[0].transitions[0]
    first.rgb()  # the parent now holds an open reader
    pid = os.fork()
    if pid == 0:  # child: a DataLoader worker
        ok = np.array_equal(episodes[0].transitions[1].rgb(), rgb_at(2, 32, 24))
        os._exit(0 if ok else 1)
    _, status = os.waitpid(pid, 0)
    assert os.WEXITSTATUS(status) == 0
    np.testing.assert_array_equal(first.rgb(), rgb_at(1, 32, 24))


@pytest.mark.parametrize("storage", STORAGES)
def test_bad_bags_are_reported_in_one_line_and_skipped(tmp_path, storage, caplog):
    good = write_bag(tmp_path / "good", EPISODES, storage=storage)
    truncated = write_bag(tmp_path / "truncated", EPISODES, storage=storage)
    data = truncated / f"truncated.{EXT[storage]}"
    os.truncate(data, data.stat().st_size // 2)
    empty = BagWriter(tmp_path / "empty", storage)
    empty.close()
    write_bag(tmp_path / "no_action", EPISODES, storage=storage,
              skip_topics=["objnav/action"])
    with caplog.at_level(logging.WARNING):
        episodes, errors = load_episodes([tmp_path])
    assert_exact(episodes)
    assert {e.episode_id for e in episodes} == {"ep-0", "ep-1"}
    assert all(e.source_file == str(good) for e in episodes)
    by_bag = {os.path.basename(e.bag): str(e) for e in errors}
    assert sorted(by_bag) == ["empty", "no_action", "truncated"]
    assert by_bag["empty"].endswith("empty: empty bag (no messages)")
    assert "missing topic objnav/action" in by_bag["no_action"]
    assert "truncated or corrupt" in by_bag["truncated"]
    for error in errors:
        assert isinstance(error, BagError) and isinstance(error, ValueError)
        assert "\n" not in str(error) and str(error).startswith(str(tmp_path))
    assert len([r for r in caplog.records if "skipped" in r.message]) == 3


def test_a_missing_observation_skips_its_episode_only(tmp_path):
    bag = write_bag(tmp_path / "bag", EPISODES)
    from objnav_training import bag_index

    real = bag_index._file

    def lose_one_odometry(index, role, connection, timestamp, raw):
        if role == "odom" and len(index.poses) == 2 and not hasattr(index, "lost"):
            index.lost = True
            return
        real(index, role, connection, timestamp, raw)

    bag_index._file = lose_one_odometry
    try:
        episodes, errors = read_bag(bag)
    finally:
        bag_index._file = real
    assert [e.episode_id for e in episodes] == ["ep-1"]
    assert len(errors) == 1
    assert "episode ep-0: step 2: no message on /odom with the observation's stamp" in str(
        errors[0])


def test_labels_sidecar_gives_expert_actions_and_windows(tmp_path):
    bag = write_bag(tmp_path / "bag", EPISODES)
    write_labels(bag, Labels(
        windows=(FailureWindow("ep-0", "oscillation", 1, 3, 0.8, "L-R-L", "failure_miner"),),
        relabels=(Relabel("ep-0", 2, Action.TURN_LEFT, "expert"),
                  Relabel("ep-1", 0, Action.STOP))))
    episodes, errors = read_bag(bag)
    assert errors == []
    ep0, ep1 = episodes
    assert [t.expert_action for t in ep0.transitions] == [None, None, Action.TURN_LEFT, None,
                                                           None]
    assert ep1.transitions[0].expert_action == Action.STOP
    assert ep0.labels["windows"] == [{
        "episode_id": "ep-0", "kind": "oscillation", "start_step": 1, "end_step": 3,
        "severity": 0.8, "detail": "L-R-L", "source": "failure_miner"}]
    assert "windows" not in ep1.labels


@pytest.mark.parametrize("text, problem", [
    ("{", "labels.json: not JSON"),
    ('{"format": "objnav_labels", "version": 2}', "labels.json: expected"),
    ('{"format": "objnav_labels", "version": 1, "relabels": [{"episode_id": "ep-0", '
     '"step": 1, "expert_action": "JUMP"}]}', "labels.json: unknown action 'JUMP'"),
    ('{"format": "objnav_labels", "version": 1, "windows": [{"episode_id": "ep-9", '
     '"kind": "stuck", "start_step": 0, "end_step": 2}]}', "not in the bag: ['ep-9']"),
    ('{"format": "objnav_labels", "version": 1, "relabels": [{"episode_id": "ep-1", '
     '"step": 7, "expert_action": "STOP"}]}', "relabels steps [7]"),
])
def test_bad_labels_are_reported(tmp_path, text, problem):
    bag = write_bag(tmp_path / "bag", EPISODES)
    (bag / "labels.json").write_text(text)
    episodes, errors = load_episodes([bag])
    assert len(errors) == 1 and problem in str(errors[0])
    assert len(episodes) == (1 if "relabels steps" in problem else 0)


def test_topic_names_are_configurable_and_namespaces_resolve(tmp_path):
    bag = write_bag(tmp_path / "bag", EPISODES)
    episodes, errors = read_bag(bag, BagTopics(depth=""))
    assert errors == [] and episodes[0].transitions[0].depth is None
    _, errors = load_episodes([bag], BagTopics(odom="/robot/odom"))
    assert "missing topic /robot/odom (odom topic)" in str(errors[0])
    with pytest.raises(ValueError, match="topic rgb must not be empty"):
        BagTopics(rgb="")


def test_a_topic_of_another_type_than_its_role_is_named_in_one_line(tmp_path):
    bag = write_bag(tmp_path / "bag", EPISODES)
    _, errors = load_episodes([bag], BagTopics(odom="camera/depth/image_raw"))
    assert len(errors) == 1 and str(errors[0]).endswith(
        "topic /camera/depth/image_raw (odom topic) is a sensor_msgs/msg/Image, expected "
        "nav_msgs/msg/Odometry")
