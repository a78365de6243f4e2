"""What the recorder records by default: topic, message type and the QoS our publishers offer.

Names are relative (the recorder resolves them in its namespace and remappings). Topics
not listed here are subscribed once a publisher appears, with the type it announces.
"""

from __future__ import annotations

from dataclasses import dataclass

from objnav_ros.core import topics


@dataclass(frozen=True)
class KnownTopic:
    msgtype: str
    reliable: bool
    transient_local: bool = False


KNOWN_TOPICS: dict[str, KnownTopic] = {
    topics.EPISODE_STATUS: KnownTopic("objnav_ros/msg/EpisodeStatus", reliable=True),
    topics.RGB: KnownTopic("sensor_msgs/msg/Image", reliable=False),
    topics.DEPTH: KnownTopic("sensor_msgs/msg/Image", reliable=False),
    topics.CAMERA_INFO: KnownTopic("sensor_msgs/msg/CameraInfo", reliable=False),
    topics.ODOM: KnownTopic("nav_msgs/msg/Odometry", reliable=True),
    topics.ACTION: KnownTopic("objnav_ros/msg/NavAction", reliable=True),
    topics.MONITOR_EVENTS: KnownTopic("objnav_ros/msg/MonitorEvent", reliable=True),
    "/tf": KnownTopic("tf2_msgs/msg/TFMessage", reliable=True),
    topics.GOAL: KnownTopic("std_msgs/msg/String", reliable=True, transient_local=True),
}
# Status first: its subscription is served first when several are ready, so an episode's
# EpisodeStatus is routed before the next episode's goal.
DEFAULT_RECORD_TOPICS: tuple[str, ...] = tuple(KNOWN_TOPICS)
