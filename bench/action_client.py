"""Minimal lock-step policy for bench/bridge.py: receives each observation, answers it.

Subscribes to RGB and depth (serialized, undecoded) and EpisodeStatus; when all three of
an observation arrived it publishes the next action of a fixed cycle for that
observation_seq. After ``--steps`` answered observations it prints one JSON line with the
steps per second it saw.
"""

from __future__ import annotations

import argparse
import json
import struct
import sys
import time

import rclpy

from objnav_ros.core import topics
from objnav_ros.msg import NavAction
from objnav_ros.nodes.convert import stamp_key
from objnav_ros.nodes.pubsub import publisher, subscription

CYCLE = (1, 1, 2, 1, 1, 3, 3, 1)  # forward/left/right, as bench/bridge.py's raw loop


def cdr_stamp_key(raw: bytes) -> int:
    """Stamp (ns) of a serialized message starting with a std_msgs/Header (CDR, LE)."""
    sec, nanosec = struct.unpack_from("<iI", raw, 4)  # 4-byte encapsulation header first
    return sec * 1_000_000_000 + nanosec


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=10)
    args = parser.parse_args(argv)
    rclpy.init()
    node = rclpy.create_node("bench_action_client")
    pub = publisher(node, topics.ACTION)
    seen: dict[int, dict] = {}
    answered = {"count": 0, "last": -1, "begin": 0.0}

    def store(kind, key, value):
        entry = seen.setdefault(key, {})
        entry[kind] = value
        if len(entry) == 3 and key > answered["last"]:
            answered["last"] = key
            status = entry["status"]
            msg = NavAction(header=status.header, observation_seq=status.observation_seq,
                            action=CYCLE[answered["count"] % len(CYCLE)], source="bench",
                            valid=True)
            answered["count"] += 1
            if answered["count"] == args.warmup:
                answered["begin"] = time.perf_counter()
            pub.publish(msg)
            for old in [k for k in seen if k <= key]:
                del seen[old]

    # Images arrive serialized (raw): the frames cross the process boundary, and their
    # stamps are read from the CDR header without decoding the pixels.
    subscription(node, topics.RGB, lambda m: store("rgb", cdr_stamp_key(m), 1), raw=True)
    subscription(node, topics.DEPTH, lambda m: store("depth", cdr_stamp_key(m), 1), raw=True)
    subscription(node, topics.EPISODE_STATUS,
                 lambda m: store("status", stamp_key(m.header.stamp), m))
    deadline = time.monotonic() + 300
    while answered["count"] < args.warmup + args.steps and time.monotonic() < deadline:
        rclpy.spin_once(node, timeout_sec=0.1)
    elapsed = time.perf_counter() - answered["begin"]
    steps = answered["count"] - args.warmup
    print(json.dumps({"steps": steps, "steps_per_s": steps / elapsed if steps > 0 else 0.0}))
    node.destroy_node()
    rclpy.try_shutdown()
    return 0 if steps == args.steps else 1


if __name__ == "__main__":
    sys.exit(main())
