"""The recorder node as its own process: raw subscriptions, offered QoS, nothing lost on Ctrl-C."""

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from rosbags.interfaces import QosDurability, QosReliability
from rosbags.rosbag2 import Reader

from objnav_ros.bags.messages import deserialize
from objnav_training.dataset import BagError

pytestmark = pytest.mark.ros
ROOT = Path(__file__).resolve().parents[2]
COUNT = 60


def wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def status(path):
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def test_ctrl_c_closes_the_bag_with_every_message_received(rclpy_context, ros_env, tmp_path):
    import rclpy
    from rclpy.qos import (
        QoSDurabilityPolicy,
        QoSProfile,
        QoSReliabilityPolicy,
        qos_profile_sensor_data,
    )
    from sensor_msgs.msg import Image
    from std_msgs.msg import String

    from objnav_ros.core.images import image_fields
    from objnav_ros.msg import NavAction

    status_file = tmp_path / "status.json"
    recorder = subprocess.Popen(
        [sys.executable, "-m", "objnav_ros.nodes.recorder_node", "--ros-args",
         "-p", f"output_dir:={tmp_path}", "-p", "split:=session", "-p", "bag_prefix:=cc",
         "-p", f"status_file:={status_file}",
         "-p", "topics:=[objnav/action, camera/rgb/image_raw, map_name]"],
        cwd=ROOT, env=ros_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    node = rclpy.create_node("publisher", context=rclpy_context)
    try:
        actions = node.create_publisher(
            NavAction, "objnav/action",
            QoSProfile(depth=COUNT, reliability=QoSReliabilityPolicy.RELIABLE))
        images = node.create_publisher(Image, "camera/rgb/image_raw", qos_profile_sensor_data)
        # a topic of no known type, latched and published before the recorder knows of it:
        # subscribed on discovery, transient-local like its publisher, so the sample arrives
        latched = node.create_publisher(String, "map_name", QoSProfile(
            depth=1, reliability=QoSReliabilityPolicy.RELIABLE,
            durability=QoSDurabilityPolicy.TRANSIENT_LOCAL))
        latched.publish(String(data="house_5"))
        wait_for(lambda: status(status_file).get("publishers", {}).get("/objnav/action"), 30,
                 "the recorder to discover the publishers")
        wait_for(lambda: all(p.get_subscription_count() for p in (actions, images, latched)),
                 30, "the recorder's subscriptions")
        for i in range(COUNT):
            image = Image(**image_fields(np.full((480, 640, 3), i, np.uint8), "rgb8"))
            image.header.stamp.sec = i
            images.publish(image)
            actions.publish(NavAction(observation_seq=i + 1, action=i % 4, source="teleop"))
            time.sleep(0.005)
        recorder.send_signal(signal.SIGINT)  # at once: what DDS holds must still be written
        out, _ = recorder.communicate(timeout=30)
    finally:
        node.destroy_node()
        if recorder.poll() is None:
            recorder.kill()
    assert recorder.returncode == 0, out
    summary = status(status_file)
    assert summary["state"] == "closed" and summary["drops"] == 0, summary
    reader = Reader(tmp_path / "cc")
    reader.open()
    try:
        counts = {t: info.msgcount for t, info in reader.topics.items()}
        assert counts == {"/objnav/action": COUNT, "/camera/rgb/image_raw": COUNT,
                          "/map_name": 1}, out
        by_topic = {c.topic: c for c in reader.connections}
        [offered] = by_topic["/objnav/action"].ext.offered_qos_profiles
        assert offered.reliability == QosReliability.RELIABLE
        [offered] = by_topic["/camera/rgb/image_raw"].ext.offered_qos_profiles
        assert offered.reliability == QosReliability.BEST_EFFORT
        [offered] = by_topic["/map_name"].ext.offered_qos_profiles
        assert offered.durability == QosDurability.TRANSIENT_LOCAL
        seqs = [deserialize(raw, c.msgtype).observation_seq
                for c, _, raw in reader.messages([by_topic["/objnav/action"]])]
        assert seqs == list(range(1, COUNT + 1))
    finally:
        reader.close()
    assert issubclass(BagError, ValueError)


def test_bad_parameters_are_refused(ros_env, tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "objnav_ros.nodes.recorder_node", "--ros-args",
         "-p", "storage:=rosbag1", "-p", f"output_dir:={tmp_path}"],
        cwd=ROOT, env=ros_env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 2
    assert "parameter storage: expected one of ['mcap', 'sqlite3'], got 'rosbag1'" in out.stderr
