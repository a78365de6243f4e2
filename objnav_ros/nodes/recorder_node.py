"""Recorder: subscribes raw (no deserialise/serialise), writes rosbag2 MCAP or sqlite3 bags.

One bag per episode (boundaries from EpisodeStatus; ``split:=episode``) or one per session.
Topics of known type are subscribed at start-up with the QoS our nodes offer; any other
topic (and a known one whose publishers offer an incompatible QoS) is (re)subscribed like
``ros2 bag record`` does once a publisher appears. Each bag stores the publishers' offered
QoS. A writer thread keeps the callbacks short; Ctrl-C closes every bag cleanly.
"""

from __future__ import annotations

import signal
import sys
import time
from dataclasses import replace
from pathlib import Path

import rclpy
from rclpy.executors import ExternalShutdownException
from rclpy.node import Node
from rclpy.signals import SignalHandlerOptions

from objnav_ros.bags.qos import adapted, compatible, qos
from objnav_ros.bags.recorder import Incoming, Recorder
from objnav_ros.bags.recorder_parameters import PARAMETERS, recorder_config
from objnav_ros.core import topics
from objnav_ros.core.paths import writable_dir
from objnav_ros.core.topics import Qos
from objnav_ros.nodes.pubsub import message_class, profile
from objnav_ros.nodes.ros_params import declare_parameters

DRAIN_MAX_S = 3.0


def to_bag_qos(profile):
    """An rclpy QoSProfile as the rosbags Qos stored in the bag."""
    return qos(int(profile.history), profile.depth, int(profile.reliability),
               int(profile.durability), profile.deadline.nanoseconds,
               profile.lifespan.nanoseconds, int(profile.liveliness),
               profile.liveliness_lease_duration.nanoseconds,
               profile.avoid_ros_namespace_conventions)


class RecorderNode(Node):
    def __init__(self, **kwargs) -> None:
        super().__init__("recorder", **kwargs)
        p = self.params = declare_parameters(self, PARAMETERS)
        writable_dir(p["output_dir"], "parameter output_dir:")
        if p["status_file"]:
            writable_dir(Path(p["status_file"]).parent, "parameter status_file: folder")
        session = p["bag_prefix"] or time.strftime("objnav_%Y%m%d_%H%M%S")
        self.recorder = Recorder(
            recorder_config(p, session, self.resolve_topic_name(p["status_topic"])),
            clock=lambda: self.get_clock().now().nanoseconds,
            log=self.get_logger().warning, info=self.get_logger().info)
        self.topics = {self.resolve_topic_name(name): name for name in p["topics"]}
        self.subscriptions_qos: dict[str, Qos] = {}
        self.offered_topics: set[str] = set()
        for resolved, name in self.topics.items():
            known = topics.TABLE.get(name)
            if known:
                self.subscribe(resolved, known.msgtype, replace(known.qos, depth=p["qos_depth"]))
        self.discover()
        self.recorder.start()  # status file "recording" = subscribed
        self.create_timer(p["discovery_period_s"], self.discover)
        self.get_logger().info(
            f"recording {len(self.topics)} topics to {p['output_dir']} ({p['storage']}, "
            f"one bag per {p['split']})")

    def subscribe(self, topic: str, msgtype: str, sub_qos: Qos) -> None:
        """(Re)create the raw subscription of ``topic``."""
        old = self.subscriptions_qos.pop(topic, None)
        if old is not None:
            for sub in [s for s in self.subscriptions if s.topic_name == topic]:
                self.destroy_subscription(sub)
        try:
            cls = message_class(msgtype)
        except (ImportError, AttributeError, ValueError) as exc:
            self.get_logger().error(f"cannot record {topic}: no message class for {msgtype} "
                                    f"({exc})", once=True)
            return

        def on_message(data: bytes, info) -> None:
            if topic not in self.offered_topics:
                self.offered_topics.add(topic)
                self.offer(topic)
            self.recorder.submit(Incoming(
                topic, msgtype, data, self.get_clock().now().nanoseconds,
                info["publisher_gid"]["data"], info["publication_sequence_number"],
                info["source_timestamp"] or None))

        self.create_subscription(cls, topic, on_message, profile(sub_qos), raw=True)
        self.subscriptions_qos[topic] = sub_qos

    def offer(self, topic: str, infos=None) -> list:
        """Hand the QoS profiles ``topic``'s publishers offer to the recorder (stored in bags)."""
        if infos is None:
            infos = self.get_publishers_info_by_topic(topic)
        profiles = [to_bag_qos(i.qos_profile) for i in infos]
        if profiles:
            self.recorder.offer(topic, profiles)
        return profiles

    def discover(self) -> None:
        """Subscribe topics whose first publisher appeared; re-subscribe on a QoS mismatch."""
        gids = {}
        for topic in self.topics:
            infos = self.get_publishers_info_by_topic(topic)
            gids[topic] = [bytes(i.endpoint_gid) for i in infos]
            if not infos:
                continue
            profiles = self.offer(topic, infos)
            current = self.subscriptions_qos.get(topic)
            if current is None or not compatible(current, profiles):
                wanted = adapted(profiles, self.params["qos_depth"])
                self.get_logger().info(
                    f"subscribing {topic} ({infos[0].topic_type}, "
                    f"{'reliable' if wanted.reliable else 'best effort'}"
                    f"{', transient local' if wanted.transient_local else ''})")
                self.subscribe(topic, infos[0].topic_type, wanted)
        self.recorder.set_publishers(gids, self.get_clock().now().nanoseconds)

    def drain(self) -> None:
        """Take what DDS already received (at shutdown, before the bags close)."""
        deadline = time.monotonic() + DRAIN_MAX_S
        received, quiet = -1, 0
        while quiet < 2 and time.monotonic() < deadline:
            rclpy.spin_once(self, timeout_sec=0.05)
            now = sum(t.received for t in list(self.recorder.stats.topics.values()))
            quiet, received = (quiet + 1, now) if now == received else (0, now)

    def destroy_node(self) -> None:
        if hasattr(self, "recorder"):  # not when the parameters were refused
            stats = self.recorder.close()
            log = self.get_logger()
            (log.warning if stats.drops or stats.missing else log.info)(
                f"closed {len(stats.bags)} bag(s): {stats.drops} dropped, "
                f"{stats.missing} missing (sequence gaps)")
        super().destroy_node()


def main(args=None) -> int:
    # Ctrl-C / SIGTERM raise KeyboardInterrupt but keep the context alive, so that what DDS
    # already received is still taken and written before the bags close.
    rclpy.init(args=args, signal_handler_options=SignalHandlerOptions.NO)
    for signum in (signal.SIGINT, signal.SIGTERM):  # also when started with SIGINT ignored
        signal.signal(signum, signal.default_int_handler)
    try:
        node = RecorderNode()
    except ValueError as exc:
        print(f"recorder: {exc}", file=sys.stderr)
        rclpy.try_shutdown()
        return 2
    except KeyboardInterrupt:  # stopped while starting up: nothing recorded yet
        rclpy.try_shutdown()
        return 0
    try:
        rclpy.spin(node)
    except (KeyboardInterrupt, ExternalShutdownException):
        if rclpy.ok():
            node.drain()
    finally:
        node.destroy_node()
        rclpy.try_shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
