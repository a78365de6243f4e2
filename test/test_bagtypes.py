import json
import sys
from pathlib import Path

import numpy as np
from rclpy.serialization import deserialize_message, serialize_message

from objnav_ros.core.bagtypes import msg_dir, typestore


def test_type_hashes_match_the_generated_messages():
    # rosidl's type descriptions (venv build: <venv>/share; colcon: install/share)
    share = Path(sys.prefix) / "share" / "objnav_ros" / "msg"
    store = typestore()
    for name in ("NavAction", "EpisodeStatus", "MonitorEvent"):
        assert (msg_dir() / f"{name}.msg").exists()
        described = json.loads((share / f"{name}.json").read_text())
        expected = described["type_hashes"][0]["hash_string"]
        assert store.hash_rihs01(f"objnav_ros/msg/{name}") == expected


def test_rosbags_and_rclpy_agree_on_cdr():
    from objnav_ros.msg import EpisodeStatus, NavAction

    store = typestore()
    status = EpisodeStatus(episode_id="ep-3", scene_id="house_0", object_category="chair",
                           step=12, done=True, success=True, distance_to_goal=0.75, spl=0.9,
                           end_reason=EpisodeStatus.END_STOP, observation_seq=12)
    raw = bytes(serialize_message(status))
    decoded = store.deserialize_cdr(raw, "objnav_ros/msg/EpisodeStatus")
    assert (decoded.episode_id, decoded.step, decoded.end_reason) == ("ep-3", 12, "stop")
    assert abs(decoded.spl - 0.9) < 1e-6

    Nav = store.types["objnav_ros/msg/NavAction"]
    Header = store.types["std_msgs/msg/Header"]
    Time = store.types["builtin_interfaces/msg/Time"]
    msg = Nav(header=Header(stamp=Time(sec=4, nanosec=2), frame_id="camera"), observation_seq=9,
              action=NavAction.TURN_RIGHT, source="expert", valid=True,
              candidates=np.array([1, 2, 3], np.uint8),
              scores=np.array([0.2, 0.3, 0.5], np.float32), reasoning="turn toward the bed")
    raw = bytes(store.serialize_cdr(msg, "objnav_ros/msg/NavAction"))
    back = deserialize_message(raw, NavAction)
    assert (back.action, back.source, back.observation_seq) == (3, "expert", 9)
    assert back.reasoning == "turn toward the bed"
    assert list(back.candidates) == [1, 2, 3]
