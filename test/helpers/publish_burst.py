"""Child process for test_ipc: publish N NavAction + N 640x480 rgb8 Images, then wait.

Each message's content is derived from its index so the receiver can check it intact.
"""

import sys
import time

import numpy as np
import rclpy
from rclpy.qos import HistoryPolicy, QoSProfile, ReliabilityPolicy
from sensor_msgs.msg import Image

from objnav_ros.core.images import image_fields
from objnav_ros.msg import NavAction


def frame(i: int) -> np.ndarray:
    return np.random.default_rng(i).integers(0, 256, (480, 640, 3), dtype=np.uint8)


def action(i: int) -> NavAction:
    msg = NavAction(observation_seq=i, action=i % 6, source=NavAction.SOURCE_POLICY, valid=True)
    msg.candidates = [0, 1, 2, 3]
    msg.scores = [0.1, 0.2, 0.3, 0.4]
    msg.reasoning = f"step {i}: the chair is ahead"
    msg.header.stamp.sec = i
    return msg


def main() -> int:
    count = int(sys.argv[1])
    rclpy.init()
    node = rclpy.create_node("burst_publisher")
    qos = QoSProfile(depth=count, reliability=ReliabilityPolicy.RELIABLE,
                     history=HistoryPolicy.KEEP_ALL)
    pub_img = node.create_publisher(Image, "burst/image", qos)
    pub_act = node.create_publisher(NavAction, "burst/action", qos)
    deadline = time.monotonic() + 30
    while (pub_img.get_subscription_count() < 1 or pub_act.get_subscription_count() < 1):
        if time.monotonic() > deadline:
            print("no subscriber", file=sys.stderr)
            return 2
        time.sleep(0.05)
    for i in range(count):
        img = Image(**image_fields(frame(i), "rgb8"))
        img.header.stamp.sec = i
        pub_img.publish(img)
        pub_act.publish(action(i))
        time.sleep(0.01)
    # Stay alive until the receiver has everything and terminates us (rclpy's SIGTERM
    # handler shuts the context down).
    while rclpy.ok() and time.monotonic() < deadline + 60:
        time.sleep(0.05)
    return 0


if __name__ == "__main__":
    sys.exit(main())
