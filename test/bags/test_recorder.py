"""The recorder's engine without ROS: episode routing, one bag per episode, drops, metadata."""

import json
from collections import Counter
from pathlib import Path

import pytest
import yaml
from mcap.reader import make_reader
from mcap_ros2.decoder import DecoderFactory
from rosbags.highlevel import AnyReader
from rosbags.interfaces import QosDurability, QosReliability

from objnav_ros.bags.qos import adapted, compatible, qos
from objnav_ros.bags.recorder import Incoming, Recorder, RecorderConfig
from objnav_ros.bags.router import NO_EPISODE, EpisodeKey, EpisodeRouter
from objnav_ros.bags.synthetic import SyntheticEpisode, episode_messages
from objnav_ros.core.bagtypes import typestore
from objnav_ros.core.topics import Qos
from objnav_training.dataset import load_episodes, read_bag
from test.bags.test_dataset import EPISODES, assert_exact

S = 1_000_000_000


def router(**kw):
    return EpisodeRouter(hold_ns=kw.get("hold", 2 * S), close_delay_ns=kw.get("delay", S))


def test_images_wait_for_their_status_and_land_in_its_episode():
    r = router()
    assert r.message("rgb1", 100, now=0, sent=0) == []  # before any status: waits
    assert r.status("st1", 100, "ep-0", 0, now=1, sent=1) == [
        (EpisodeKey(1, "ep-0"), "rgb1"), (EpisodeKey(1, "ep-0"), "st1")]
    assert r.message("act1", 100, now=2, sent=2) == [(EpisodeKey(1, "ep-0"), "act1")]
    assert r.message("goal", None, now=3, sent=3) == []  # unstamped: the next status decides
    assert r.message("rgb2", 200, now=4, sent=4) == []
    routed = r.status("st2", 200, "ep-1", 0, now=5, sent=5)
    assert routed == [(EpisodeKey(2, "ep-1"), "goal"), (EpisodeKey(2, "ep-1"), "rgb2"),
                      (EpisodeKey(2, "ep-1"), "st2")]
    # a slow topic's message of the previous episode still goes there
    assert r.message("depth1", 100, now=6, sent=6) == [(EpisodeKey(1, "ep-0"), "depth1")]
    assert r.expire(now=5 + S) == ([], [EpisodeKey(1, "ep-0")])


def test_a_reset_starts_a_new_bag_and_waiting_messages_expire():
    r = router(hold=10)
    r.status("a", 100, "ep-0", 0, now=0, sent=0)
    r.status("b", 200, "ep-0", 1, now=0, sent=0)
    assert r.status("c", 300, "ep-0", 0, now=0, sent=0)[-1][0] == EpisodeKey(2, "ep-0")
    assert r.message("late-stamp", 400, now=0, sent=0) == []
    assert r.expire(now=5)[0] == []
    assert r.expire(now=10)[0] == [(EpisodeKey(2, "ep-0"), "late-stamp")]
    fresh = router()
    fresh.message("x", None, now=0, sent=0)
    assert fresh.flush() == [(NO_EPISODE, "x")]


def incoming(episodes, shuffle=True):
    """The live graph's messages as DDS hands them over; within one observation the
    EpisodeStatus comes before the images (different topics arrive in any order)."""
    store = typestore()
    rows, sequence = [], Counter()
    for i, (topic, msgtype, sent, msg) in enumerate(episode_messages(episodes)):
        raw = bytes(store.serialize_cdr(msg, msgtype))
        order = sent + (-1 if shuffle and topic.endswith("status") else i)
        sequence[topic] += 1
        rows.append((order, Incoming("/" + topic, msgtype, raw, 10**18 + i * 1000,
                                     topic.encode(), sequence[topic])))
    return [m for _, m in sorted(rows, key=lambda r: r[0])]


def run(tmp_path, messages, **config):
    now = [0]
    recorder = Recorder(RecorderConfig(output_dir=str(tmp_path), session="rec",
                                       status_file=str(tmp_path / "status.json"), **config),
                        clock=lambda: now[0], log=lambda _: None, info=lambda _: None)
    recorder.offer("/objnav/action", [qos(1, 10, 1, 2, 0, 0, 1, 0, False)])
    recorder.start()
    for msg in messages:
        now[0] = msg.received_ns
        recorder.submit(msg)
    stats = recorder.close()
    return stats, json.loads((tmp_path / "status.json").read_text())


@pytest.mark.parametrize("storage", ["mcap", "sqlite3"])
def test_one_bag_per_episode_round_trips(tmp_path, storage):
    stats, status = run(tmp_path, incoming(EPISODES), storage=storage)
    assert [p.rsplit("/", 1)[1] for p in stats.bags] == ["rec_001_ep-0", "rec_002_ep-1"]
    assert stats.drops == 0 and stats.missing == 0
    assert status["state"] == "closed" and status["episodes_done"] == 2
    assert status["bags"] == stats.bags
    for bag in stats.bags:
        episodes, errors = read_bag(bag)
        assert errors == [] and len(episodes) == 1
    episodes, _ = load_episodes(stats.bags)
    assert_exact(episodes)


def test_one_bag_per_session(tmp_path):
    stats, _ = run(tmp_path, incoming(EPISODES), split="session")
    assert [p.rsplit("/", 1)[1] for p in stats.bags] == ["rec"]
    assert_exact(read_bag(stats.bags[0])[0])


def test_late_messages_full_queue_and_sequence_gaps_are_counted(tmp_path):
    messages = incoming(EPISODES)
    late = next(m for m in messages if m.topic == "/odom")
    stats, status = run(tmp_path, messages + [late], close_delay_s=0.0)
    assert stats.topics["/odom"].late == 1 and stats.drops == 1
    assert status["topics"]["/odom"]["dropped"] == 1
    assert stats.missing == 0

    recorder = Recorder(RecorderConfig(output_dir=str(tmp_path / "q"), session="q",
                                       queue_max_bytes=150), clock=lambda: 0)
    for seq in (1, 2, 5):  # not started: everything stays queued
        recorder.submit(Incoming("/t", "std_msgs/msg/String", b"x" * 100, 0, b"pub", seq))
    stats = recorder.stats.topics["/t"]
    assert (stats.received, stats.queue_full, stats.missing) == (3, 2, 2)


@pytest.mark.parametrize("storage", ["mcap", "sqlite3"])
def test_metadata_is_read_by_rosbags_and_mcap_ros2(tmp_path, storage):
    stats, _ = run(tmp_path, incoming([SyntheticEpisode(steps=2)]), storage=storage)
    bag = stats.bags[0]
    store = typestore()
    with AnyReader([Path(bag)], default_typestore=store) as reader:
        by_topic = {c.topic: c for c in reader.connections}
        assert set(by_topic) == {"/objnav/goal", "/odom", "/camera/rgb/image_raw",
                                 "/camera/depth/image_raw", "/objnav/episode_status",
                                 "/objnav/action"}
        for connection in reader.connections:
            assert connection.digest == store.hash_rihs01(connection.msgtype)
            assert connection.digest.startswith("RIHS01_")
            assert connection.ext.serialization_format == "cdr"
        [offered] = by_topic["/objnav/action"].ext.offered_qos_profiles
        assert offered.reliability == QosReliability.RELIABLE
        actions = [reader.deserialize(raw, c.msgtype).action
                   for c, _, raw in reader.messages([by_topic["/objnav/action"]])]
        assert actions == [1, 2]
    meta = yaml.safe_load((Path(bag) / "metadata.yaml").read_text())
    info = meta["rosbag2_bagfile_information"]
    assert info["version"] == 9 and info["storage_identifier"] == storage
    for topic in info["topics_with_message_count"]:
        assert topic["topic_metadata"]["type_description_hash"].startswith("RIHS01_")
    if storage == "mcap":
        with open(f"{bag}/{Path(bag).name}.mcap", "rb") as stream:
            reader = make_reader(stream, decoder_factories=[DecoderFactory()])
            decoded = [(c.topic, m) for _, c, _, m in reader.iter_decoded_messages()]
        assert len(decoded) == 3 * 4 + 2 + 1
        kinds = dict(decoded)
        assert kinds["/objnav/episode_status"].episode_id == "ep-0"
        assert kinds["/camera/rgb/image_raw"].encoding == "rgb8"


def test_recording_qos_follows_the_publishers():
    reliable = qos(1, 10, 1, 2, 0, 0, 1, 0, False)
    best_effort = qos(1, 5, 2, 2, 0, 0, 1, 0, False)
    latched = qos(1, 1, 1, 1, 0, 0, 1, 0, False)
    assert adapted([reliable], 100) == Qos(True, False, 100)
    assert adapted([reliable, best_effort], 100).reliable is False
    assert adapted([latched], 100) == Qos(True, True, 100)
    assert compatible(Qos(False, False, 1), [reliable, best_effort, latched])
    assert not compatible(Qos(True, False, 1), [best_effort])
    assert not compatible(Qos(True, True, 1), [reliable])
    assert latched.durability == QosDurability.TRANSIENT_LOCAL


def test_a_late_status_goes_to_its_episode_and_starts_none():
    r = router()
    for step, stamp in enumerate((100, 200, 300)):
        r.status(f"s{step}", stamp, "ep-0", step, now=stamp, sent=stamp)
    ep0 = EpisodeKey(1, "ep-0")
    assert r.status("late-s1", 200, "ep-0", 1, now=310, sent=310) == [(ep0, "late-s1")]
    assert r.status("s3", 400, "ep-0", 3, now=400, sent=400) == [(ep0, "s3")]
    assert r.status("reset", 500, "ep-0", 0, now=500, sent=500) == [(EpisodeKey(2, "ep-0"),
                                                                     "reset")]


def test_unstamped_messages_go_by_send_time_whatever_the_arrival_order():
    r = router()
    ep0, ep1 = EpisodeKey(1, "ep-0"), EpisodeKey(2, "ep-1")
    r.status("st0", 100, "ep-0", 0, now=0, sent=10)
    assert r.message("tf0", None, now=1, sent=9) == [(ep0, "tf0")]  # sent before st0
    assert r.message("goal1", None, now=2, sent=11) == []  # sent after st0: the next status
    assert r.status("st1", 200, "ep-1", 0, now=3, sent=13) == [(ep1, "goal1"), (ep1, "st1")]
    assert r.message("goal0-redelivered", None, now=4, sent=5) == [(ep0, "goal0-redelivered")]


def test_a_late_status_with_a_lower_step_does_not_split_the_bag(tmp_path):
    messages = incoming(EPISODES)
    statuses = [m for m in messages if m.topic == "/objnav/episode_status"]
    again = statuses[2]  # ep-0 step 2, delivered again after step 3
    at = messages.index(statuses[3]) + 1
    stats, _ = run(tmp_path, messages[:at] + [again] + messages[at:])
    assert [p.rsplit("/", 1)[1] for p in stats.bags] == ["rec_001_ep-0", "rec_002_ep-1"]
    episodes, errors = load_episodes(stats.bags)
    assert errors == []
    assert_exact(episodes)


def tf_and_goal_arrivals(episodes):
    """The episodes' messages plus a /tf per observation sent before its status; each
    status arrives first (its subscription is served first), each goal after its episode's
    last status (a latched goal delivered late). Send times = publication order."""
    store, t = typestore(), typestore().types
    sent = []
    for topic, msgtype, _, msg in episode_messages(episodes):
        if topic.endswith("status"):
            transform = t["geometry_msgs/msg/TransformStamped"](
                header=msg.header, child_frame_id=f"obs{msg.observation_seq}",
                transform=t["geometry_msgs/msg/Transform"](
                    translation=t["geometry_msgs/msg/Vector3"](x=0.0, y=0.0, z=0.0),
                    rotation=t["geometry_msgs/msg/Quaternion"](x=0.0, y=0.0, z=0.0, w=1.0)))
            sent.append(("/tf", "tf2_msgs/msg/TFMessage",
                         t["tf2_msgs/msg/TFMessage"](transforms=[transform])))
        sent.append(("/" + topic, msgtype, msg))
    order = {}
    goal_at = None
    for i, (topic, _, msg) in enumerate(sent):
        if topic.endswith("status"):
            order[i] = i - 1.5  # before the /tf and the images of its observation
            if msg.done:
                order[goal_at] = i + 0.5
        elif topic.endswith("goal"):
            goal_at = i
        order.setdefault(i, i)
    arrival = sorted(range(len(sent)), key=order.__getitem__)
    return [Incoming(sent[i][0], sent[i][1], bytes(store.serialize_cdr(sent[i][2], sent[i][1])),
                     10**18 + rank * 1000, sent[i][0].encode(), None, 10**18 + i * 1000)
            for rank, i in enumerate(arrival)]


def test_each_bag_holds_its_own_goal_and_tf(tmp_path):
    stats, _ = run(tmp_path, tf_and_goal_arrivals(EPISODES))
    assert len(stats.bags) == 2
    store = typestore()
    held = []
    for bag in stats.bags:
        with AnyReader([Path(bag)], default_typestore=store) as reader:
            got = {"goal": [], "tf": []}
            for c, _, raw in reader.messages():
                msg = reader.deserialize(raw, c.msgtype)
                if c.topic == "/objnav/goal":
                    got["goal"].append(msg.data)
                elif c.topic == "/tf":
                    got["tf"].append(msg.transforms[0].child_frame_id)
            held.append(got)
    assert held == [{"goal": ["chair"], "tf": [f"obs{i}" for i in range(1, 7)]},
                    {"goal": ["bed"], "tf": [f"obs{i}" for i in range(7, 11)]}]
    assert_exact(load_episodes(stats.bags)[0])
