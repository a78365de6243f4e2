"""Two processes over loopback DDS: every NavAction and 640x480 Image arrives intact."""

import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from objnav_ros.core.images import rgb_from_image
from test.helpers.publish_burst import action, frame

pytestmark = pytest.mark.ros
COUNT = 40


def test_navaction_and_images_cross_processes(rclpy_context, ros_env):
    import rclpy
    from rclpy.executors import SingleThreadedExecutor
    from rclpy.qos import HistoryPolicy, QoSProfile, ReliabilityPolicy
    from sensor_msgs.msg import Image

    from objnav_ros.msg import NavAction

    node = rclpy.create_node("burst_receiver", context=rclpy_context)
    qos = QoSProfile(depth=COUNT, reliability=ReliabilityPolicy.RELIABLE,
                     history=HistoryPolicy.KEEP_ALL)
    images, actions = {}, {}
    node.create_subscription(
        Image, "burst/image", lambda m: images.__setitem__(m.header.stamp.sec, m), qos)
    node.create_subscription(
        NavAction, "burst/action", lambda m: actions.__setitem__(m.observation_seq, m), qos)
    executor = SingleThreadedExecutor(context=rclpy_context)
    executor.add_node(node)
    root = Path(__file__).resolve().parents[1]
    child = subprocess.Popen([sys.executable, "-m", "test.helpers.publish_burst", str(COUNT)],
                             env=ros_env, cwd=root)
    try:
        deadline = time.monotonic() + 60
        while (len(images) < COUNT or len(actions) < COUNT) and time.monotonic() < deadline:
            executor.spin_once(timeout_sec=0.1)
            assert child.poll() is None, f"publisher exited with {child.returncode}"
    finally:
        child.terminate()
        child.wait(timeout=10)
        node.destroy_node()
    assert sorted(images) == list(range(COUNT))
    assert sorted(actions) == list(range(COUNT))
    for i in range(COUNT):
        assert images[i].encoding == "rgb8" and (images[i].height, images[i].width) == (480, 640)
        np.testing.assert_array_equal(rgb_from_image(images[i]), frame(i))
        sent, got = action(i), actions[i]
        for field in ("action", "source", "valid", "reasoning"):
            assert getattr(got, field) == getattr(sent, field)
        assert list(got.candidates) == [0, 1, 2, 3]
        np.testing.assert_allclose(got.scores, [0.1, 0.2, 0.3, 0.4], rtol=1e-6)
