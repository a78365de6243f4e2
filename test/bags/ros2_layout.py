"""A bag in the layout ``ros2 bag record -a`` (Kilted) produces, written with rosbags.

Storage file ``<name>_0.mcap`` / ``<name>_0.db3``; metadata.yaml version 9 as rosbag2 writes
it (``ros_distro: kilted``, offered QoS profiles as a YAML list, RIHS01 hashes); log times =
receive times on the wall clock with jitter (arrival order differs from publication order);
the bridge's republished observations; /rosout beside our topics.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import yaml

from objnav_ros.bags.qos import qos
from objnav_ros.bags.synthetic import SyntheticEpisode, episode_messages
from objnav_ros.bags.writer import BagWriter
from objnav_ros.core.bagtypes import typestore

INFINITE_NS = 9223372036854775807
# what rosbag2 stores for a sensor-data (best effort) and a reliable publisher
SENSOR_QOS = qos(1, 5, 2, 2, INFINITE_NS, INFINITE_NS, 1, INFINITE_NS, False)
RELIABLE_QOS = qos(1, 10, 1, 2, INFINITE_NS, INFINITE_NS, 1, INFINITE_NS, False)
WALL_NS = 1_795_000_000_000_000_000


def _rows(episodes, rng):
    store = typestore()
    t = store.types
    rows = []
    for index, (topic, msgtype, sent, msg) in enumerate(episode_messages(episodes)):
        raw = bytes(store.serialize_cdr(msg, msgtype))
        receive = WALL_NS + sent + index * 10_000 + int(rng.integers(0, 40_000_000))
        rows.append((receive, f"/{topic}", msgtype, raw))
        if index % 7 == 3:  # the bridge republishes while it waits: same stamp, later
            rows.append((receive + 1_000_000_000, f"/{topic}", msgtype, raw))
        if index % 10 == 0:
            log = t["rcl_interfaces/msg/Log"](
                stamp=t["builtin_interfaces/msg/Time"](sec=1, nanosec=index), level=20,
                name="sim_bridge", msg=f"message {index}", file="sim_bridge_node.py",
                function="publish_observation", line=240)
            rows.append((receive, "/rosout", "rcl_interfaces/msg/Log",
                         bytes(store.serialize_cdr(log, "rcl_interfaces/msg/Log"))))
    return sorted(rows, key=lambda r: r[0])


def write_ros2_bag(bag: Path, episodes: list[SyntheticEpisode], storage: str) -> Path:
    bag = Path(bag)
    writer = BagWriter(bag, storage)
    for receive, topic, msgtype, raw in _rows(episodes, np.random.default_rng(7)):
        writer.write(topic, msgtype, raw, receive,
                     [SENSOR_QOS if "image" in topic else RELIABLE_QOS])
    writer.close()
    ext = {"mcap": "mcap", "sqlite3": "db3"}[storage]
    new = bag / f"{bag.name}_0.{ext}"
    (bag / f"{bag.name}.{ext}").rename(new)
    meta_path = bag / "metadata.yaml"
    meta = yaml.safe_load(meta_path.read_text())
    info = meta["rosbag2_bagfile_information"]
    assert info["version"] == 9
    info["relative_file_paths"] = [new.name]
    info["files"][0]["path"] = new.name
    info["ros_distro"] = "kilted"
    info["custom_data"] = {}
    meta_path.write_text(yaml.safe_dump(meta, sort_keys=False))
    if storage == "sqlite3":
        with sqlite3.connect(new) as db:
            db.execute("UPDATE schema SET ros_distro = 'kilted'")
    return bag
