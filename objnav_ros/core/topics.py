"""The topic table: each topic's default name, message type and the QoS its publishers offer.

Names are relative (a namespace or remapping moves them all) except the ROS-wide ``/tf``,
``/tf_static``, ``/clock`` and ``/diagnostics``. Nodes make their publishers and
subscriptions from the table (``nodes/topics.py``), the recorder subscribes the recorded
topics with their type and QoS, bags written without ROS take the types, and the training
dataset reads the default names (``objnav_training.bag_index.BagTopics``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Qos:
    """A keep-last QoS profile: reliability, durability and history depth."""

    reliable: bool
    transient_local: bool = False
    depth: int = 10

    def __post_init__(self) -> None:
        if self.depth < 1:
            raise ValueError(f"depth must be >= 1, got {self.depth}")


SENSOR_DATA = Qos(reliable=False, depth=5)  # = rclpy's qos_profile_sensor_data (best effort)
RELIABLE = Qos(reliable=True)  # = rclpy's default profile, depth 10
LATCHED = Qos(reliable=True, transient_local=True, depth=1)  # the last message for late joiners


@dataclass(frozen=True)
class Topic:
    msgtype: str  # rosbag2 form: "sensor_msgs/msg/Image"
    qos: Qos
    recorded: bool  # in the recorder's default topic list


TABLE: dict[str, Topic] = {}


def _topic(name: str, msgtype: str, qos: Qos, recorded: bool = True) -> str:
    TABLE[name] = Topic(msgtype, qos, recorded)
    return name


# Recorded ones first, EpisodeStatus before all: the recorder serves its subscription first
# when several are ready, so an episode's status is routed before the next episode's goal.
EPISODE_STATUS = _topic("objnav/episode_status", "objnav_ros/msg/EpisodeStatus", RELIABLE)
RGB = _topic("camera/rgb/image_raw", "sensor_msgs/msg/Image", SENSOR_DATA)  # rgb8
# 32FC1 metres (16UC1 mm accepted)
DEPTH = _topic("camera/depth/image_raw", "sensor_msgs/msg/Image", SENSOR_DATA)
CAMERA_INFO = _topic("camera/rgb/camera_info", "sensor_msgs/msg/CameraInfo", SENSOR_DATA)
ODOM = _topic("odom", "nav_msgs/msg/Odometry", RELIABLE)
ACTION = _topic("objnav/action", "objnav_ros/msg/NavAction", RELIABLE)
MONITOR_EVENTS = _topic("objnav/monitor_events", "objnav_ros/msg/MonitorEvent", RELIABLE)
TF = _topic("/tf", "tf2_msgs/msg/TFMessage", RELIABLE)
GOAL = _topic("objnav/goal", "std_msgs/msg/String", LATCHED)
# mono8 goal-category ids (simulation only)
SEMANTIC = _topic("camera/semantic/image_raw", "sensor_msgs/msg/Image", SENSOR_DATA,
                  recorded=False)
TF_STATIC = _topic("/tf_static", "tf2_msgs/msg/TFMessage", LATCHED, recorded=False)
CLOCK = _topic("/clock", "rosgraph_msgs/msg/Clock", RELIABLE, recorded=False)
CMD_VEL = _topic("cmd_vel", "geometry_msgs/msg/Twist", RELIABLE, recorded=False)  # real robot
# True stops the base until a False; latched, so a standing True holds for a late executor.
E_STOP = _topic("e_stop", "std_msgs/msg/Bool", LATCHED, recorded=False)
DIAGNOSTICS = _topic("/diagnostics", "diagnostic_msgs/msg/DiagnosticArray", RELIABLE,
                     recorded=False)

RECORDED: tuple[str, ...] = tuple(name for name, topic in TABLE.items() if topic.recorded)
