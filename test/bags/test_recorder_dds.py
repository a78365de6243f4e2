"""The recorder node over loopback DDS (a second participant publishes): sequence numbers lost
before a publisher's first message count as missing; goal and /tf land in their own bag."""

import time

import pytest
from rclpy.executors import SingleThreadedExecutor
from rclpy.parameter import Parameter
from rclpy.qos import QoSDurabilityPolicy, QoSProfile, QoSReliabilityPolicy
from rosbags.highlevel import AnyReader

from objnav_ros.core import topics
from objnav_ros.core.bagtypes import typestore
from objnav_ros.nodes.recorder_node import RecorderNode

pytestmark = pytest.mark.ros
RELIABLE = QoSProfile(depth=50, reliability=QoSReliabilityPolicy.RELIABLE)


@pytest.fixture
def graph(rclpy_context, domain_id):
    """(recorder context, new_participant(), executors, spin(seconds, until)), one domain."""
    import rclpy

    contexts, executors = [rclpy_context], [SingleThreadedExecutor(context=rclpy_context)]

    def new_participant():
        context = rclpy.context.Context()
        rclpy.init(context=context, domain_id=domain_id)
        contexts.append(context)
        executors.append(SingleThreadedExecutor(context=context))
        return context, executors[-1]

    def spin(seconds, until=lambda: False):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not until():
            for executor in executors:
                executor.spin_once(timeout_sec=0.005)
        return until()

    yield rclpy_context, new_participant, executors, spin
    for context in contexts[1:]:
        context.try_shutdown()


def recorder(context, executors, tmp_path, topic_names, **params):
    node = RecorderNode(context=context, parameter_overrides=[
        Parameter(k, value=v) for k, v in dict(
            output_dir=str(tmp_path), bag_prefix="r", topics=topic_names, **params).items()])
    executors[0].add_node(node)
    return node


def test_messages_lost_before_a_new_publishers_first_one_count_as_missing(graph, tmp_path):
    import rclpy
    from rclpy.qos import qos_profile_sensor_data
    from sensor_msgs.msg import CameraInfo

    context, new_participant, executors, spin = graph
    other, other_executor = new_participant()
    cameras = rclpy.create_node("cameras", context=other)
    other_executor.add_node(cameras)
    # known topic (subscribed at start); its publisher predates the recording
    early = cameras.create_publisher(CameraInfo, topics.CAMERA_INFO, qos_profile_sensor_data)
    for _ in range(5):  # published before the recording began: not part of it
        early.publish(CameraInfo())
    late_topic = "camera/depth/camera_info"  # subscribed once a publisher is discovered
    node = recorder(context, executors, tmp_path, [topics.CAMERA_INFO, late_topic],
                    split="session")
    try:
        assert spin(30, lambda: early.get_subscription_count() > 0)
        spin(node.recorder.config.settle_s + 0.5)  # publishers found from now on are new
        late = cameras.create_publisher(CameraInfo, late_topic, qos_profile_sensor_data)
        for _ in range(5):  # the recorder has not spun since: nobody subscribes, all lost
            assert late.get_subscription_count() == 0
            late.publish(CameraInfo())
        assert spin(30, lambda: late.get_subscription_count() > 0)
        for _ in range(5):
            early.publish(CameraInfo())
            late.publish(CameraInfo())
            spin(0.05)
        stats = node.recorder.stats.topics
        assert spin(10, lambda: sum(t.received for t in stats.values()) >= 10)
    finally:
        node.destroy_node()
    counts = {name: (t.received, t.missing) for name, t in stats.items()}
    assert counts == {"/" + topics.CAMERA_INFO: (5, 0), "/" + late_topic: (5, 5)}


def test_goal_and_tf_land_in_their_own_episodes_bag(graph, tmp_path):
    import rclpy
    from geometry_msgs.msg import TransformStamped
    from std_msgs.msg import String
    from tf2_msgs.msg import TFMessage

    from objnav_ros.msg import EpisodeStatus

    context, new_participant, executors, spin = graph
    node = recorder(context, executors, tmp_path,
                    [topics.EPISODE_STATUS, "/tf", topics.GOAL], close_delay_s=0.0)
    other, other_executor = new_participant()
    bridge = rclpy.create_node("fake_bridge", context=other)
    other_executor.add_node(bridge)
    status = bridge.create_publisher(EpisodeStatus, topics.EPISODE_STATUS, RELIABLE)
    tf = bridge.create_publisher(TFMessage, "/tf", RELIABLE)
    goal = bridge.create_publisher(String, topics.GOAL, QoSProfile(  # depth 1 could drop one
        depth=10, reliability=QoSReliabilityPolicy.RELIABLE,
        durability=QoSDurabilityPolicy.TRANSIENT_LOCAL))
    try:
        assert spin(30, lambda: all(p.get_subscription_count() for p in (status, tf, goal)))
        # as the bridge does: goal, then per observation /tf before its status; one-step
        # episodes, all sent before the recorder takes any (it serves statuses first)
        for n, (episode, category) in enumerate((("ep-0", "chair"), ("ep-1", "bed"))):
            goal.publish(String(data=category))
            frame = TransformStamped(child_frame_id=f"obs{n}")
            frame.header.stamp.sec = n + 1
            tf.publish(TFMessage(transforms=[frame]))
            msg = EpisodeStatus(episode_id=episode, object_category=category, done=True)
            msg.header.stamp.sec = n + 1
            status.publish(msg)
        spin(2.0, lambda: sum(t.received for t in node.recorder.stats.topics.values()) >= 6)
    finally:
        node.destroy_node()
    held = []
    store = typestore()
    for bag in sorted(p for p in tmp_path.iterdir() if p.is_dir()):
        with AnyReader([bag], default_typestore=store) as reader:
            got = {c.topic: [] for c in reader.connections}
            for c, _, raw in reader.messages():
                msg = reader.deserialize(raw, c.msgtype)
                got[c.topic].append(msg.data if c.topic == "/objnav/goal"
                                    else msg.transforms[0].child_frame_id if c.topic == "/tf"
                                    else msg.episode_id)
            held.append(got)
    assert held == [
        {"/objnav/episode_status": ["ep-0"], "/tf": ["obs0"], "/objnav/goal": ["chair"]},
        {"/objnav/episode_status": ["ep-1"], "/tf": ["obs1"], "/objnav/goal": ["bed"]}]
