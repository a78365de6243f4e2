"""The topic table as rclpy sees it: profiles equal the ones the nodes used to build, and
every type resolves to a generated message class that the bag type store knows."""

import pytest
import rclpy
from rclpy.qos import (
    QoSDurabilityPolicy,
    QoSProfile,
    QoSReliabilityPolicy,
    qos_profile_sensor_data,
)

from objnav_ros.core import topics
from objnav_ros.core.bagtypes import typestore
from objnav_ros.nodes.pubsub import message_class, profile, publisher, subscription


def test_profiles_are_the_ones_rclpy_names():
    assert profile(topics.SENSOR_DATA) == qos_profile_sensor_data
    assert profile(topics.RELIABLE) == QoSProfile(depth=10)
    assert profile(topics.LATCHED) == QoSProfile(
        depth=1, reliability=QoSReliabilityPolicy.RELIABLE,
        durability=QoSDurabilityPolicy.TRANSIENT_LOCAL)


@pytest.mark.parametrize("name", sorted(topics.TABLE))
def test_every_type_resolves_and_bags_know_it(name):
    msgtype = topics.TABLE[name].msgtype
    cls = message_class(msgtype)
    assert cls.__name__ == msgtype.rsplit("/", 1)[1]
    assert msgtype in typestore().fielddefs


def test_endpoints_take_type_and_qos_from_the_table_unless_told(rclpy_context):
    node = rclpy.create_node("pubsub_probe", context=rclpy_context)
    try:
        pub = publisher(node, topics.GOAL)
        assert pub.msg_type is message_class("std_msgs/msg/String")
        assert pub.qos_profile == profile(topics.LATCHED)
        sub = subscription(node, topics.ODOM, lambda msg: None, depth=50)
        assert sub.qos_profile == QoSProfile(depth=50)
        sub = subscription(node, topics.ODOM, lambda msg: None, qos=topics.SENSOR_DATA)
        assert sub.qos_profile == qos_profile_sensor_data
    finally:
        node.destroy_node()
