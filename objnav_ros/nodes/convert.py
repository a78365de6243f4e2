"""Core types <-> ROS messages (the only place that builds sensor/odometry/TF messages).

Incoming messages a node cannot use raise :class:`BadMessage` (a ValueError naming the topic
and field), which :class:`objnav_ros.nodes.guard.MessageGuard` turns into a dropped message.
"""

from __future__ import annotations

import math

import numpy as np
from builtin_interfaces.msg import Time
from geometry_msgs.msg import Quaternion, TransformStamped
from nav_msgs.msg import Odometry
from sensor_msgs.msg import CameraInfo, Image
from std_msgs.msg import Header

from objnav_ros.core import topics
from objnav_ros.core.camera import CameraModel
from objnav_ros.core.contract import RunContract
from objnav_ros.core.images import (
    depth_from_image,
    image_fields,
    rgb_from_image,
    semantic_from_image,
)
from objnav_ros.core.types import Pose2D
from objnav_ros.msg import RunContract as RunContractMsg

NS_PER_S = 1_000_000_000


class BadMessage(ValueError):
    """A message a node cannot use; ``str`` names the topic and the field."""

    def __init__(self, topic: str, problem: str) -> None:
        super().__init__(problem)
        self.topic = topic


def stamp(seconds: float) -> Time:
    ns = int(round(seconds * NS_PER_S))
    return Time(sec=ns // NS_PER_S, nanosec=ns % NS_PER_S)


def seconds(time_msg: Time) -> float:
    return time_msg.sec + time_msg.nanosec / NS_PER_S


def stamp_key(time_msg: Time) -> int:
    """Exact integer key of a stamp (frames are matched by stamp)."""
    return time_msg.sec * NS_PER_S + time_msg.nanosec


def image_msg(array: np.ndarray, encoding: str, header: Header) -> Image:
    return Image(header=header, **image_fields(array, encoding))


def camera_info_msg(camera: CameraModel, header: Header) -> CameraInfo:
    fx, fy, cx, cy = camera.fx, camera.fy, camera.cx, camera.cy
    return CameraInfo(
        header=header, width=camera.width, height=camera.height, distortion_model="plumb_bob",
        d=[0.0] * 5, k=[fx, 0.0, cx, 0.0, fy, cy, 0.0, 0.0, 1.0],
        r=[1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0],
        p=[fx, 0.0, cx, 0.0, 0.0, fy, cy, 0.0, 0.0, 0.0, 1.0, 0.0],
    )


def camera_model(msg: CameraInfo) -> CameraModel:
    """The pinhole model of a CameraInfo (resolution and K's fx); BadMessage when unusable."""
    try:
        return CameraModel.from_focal(msg.width, msg.height, float(msg.k[0]))
    except ValueError as exc:
        raise BadMessage(topics.CAMERA_INFO, f"camera info: {exc} (uncalibrated?)") from None


def contract_msg(contract: RunContract) -> RunContractMsg:
    return RunContractMsg(**contract.to_dict())


def run_contract(msg: RunContractMsg, topic: str = topics.EPISODE_STATUS) -> RunContract:
    """The run contract an EpisodeStatus carries; BadMessage when a value is unusable."""
    try:
        return RunContract.from_fields(msg)
    except ValueError as exc:
        raise BadMessage(topic, f"{topic}: contract: {exc}") from None


def yaw_quaternion(yaw: float) -> Quaternion:
    return Quaternion(x=0.0, y=0.0, z=math.sin(yaw / 2.0), w=math.cos(yaw / 2.0))


def rpy_quaternion(roll: float, pitch: float, yaw: float) -> Quaternion:
    cr, sr = math.cos(roll / 2), math.sin(roll / 2)
    cp, sp = math.cos(pitch / 2), math.sin(pitch / 2)
    cy, sy = math.cos(yaw / 2), math.sin(yaw / 2)
    return Quaternion(
        x=sr * cp * cy - cr * sp * sy,
        y=cr * sp * cy + sr * cp * sy,
        z=cr * cp * sy - sr * sp * cy,
        w=cr * cp * cy + sr * sp * sy,
    )


def quaternion_yaw(q: Quaternion) -> float:
    return math.atan2(2.0 * (q.w * q.z + q.x * q.y), 1.0 - 2.0 * (q.y * q.y + q.z * q.z))


def odometry_msg(pose: Pose2D, header: Header, child_frame: str,
                 velocity: tuple[float, float] = (0.0, 0.0)) -> Odometry:
    odom = Odometry(header=header, child_frame_id=child_frame)
    odom.pose.pose.position.x = float(pose.x)
    odom.pose.pose.position.y = float(pose.y)
    odom.pose.pose.orientation = yaw_quaternion(pose.yaw)
    odom.twist.twist.linear.x = float(velocity[0])
    odom.twist.twist.angular.z = float(velocity[1])
    return odom


def pose_from_odometry(odom: Odometry, topic: str = topics.ODOM) -> Pose2D:
    """The 2-D pose of ``odom``; BadMessage when its position or orientation is not finite."""
    p = odom.pose.pose
    q = p.orientation
    values = (p.position.x, p.position.y, q.x, q.y, q.z, q.w)
    if not all(math.isfinite(v) for v in values):
        raise BadMessage(topic, f"{topic}: pose.pose is not finite: position "
                                f"({p.position.x}, {p.position.y}), orientation "
                                f"({q.x}, {q.y}, {q.z}, {q.w})")
    return Pose2D(p.position.x, p.position.y, quaternion_yaw(q))


def _pixels(convert, msg: Image, topic: str) -> np.ndarray:
    try:
        pixels = convert(msg, topic)
    except ValueError as exc:
        raise BadMessage(topic, str(exc)) from None
    if pixels.size == 0:
        raise BadMessage(topic, f"{topic}: empty image ({msg.width}x{msg.height})")
    return pixels


def frame_arrays(rgb: Image, depth: Image | None = None, semantic: Image | None = None,
                 ) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
    """RGB (H x W x 3 uint8), depth (metres) and semantic ids of one camera frame.

    BadMessage unless each converts and depth and semantic image have the RGB's size.
    """
    colour = _pixels(rgb_from_image, rgb, topics.RGB)
    arrays = [colour]
    for topic, convert, msg in ((topics.DEPTH, depth_from_image, depth),
                                (topics.SEMANTIC, semantic_from_image, semantic)):
        pixels = None if msg is None else _pixels(convert, msg, topic)
        if pixels is not None and pixels.shape[:2] != colour.shape[:2]:
            raise BadMessage(topic, f"{topic}: size {msg.width}x{msg.height} differs from the "
                                    f"RGB image's {rgb.width}x{rgb.height}")
        arrays.append(pixels)
    return tuple(arrays)


def transform(header: Header, child: str, xyz=(0.0, 0.0, 0.0),
              rotation: Quaternion | None = None) -> TransformStamped:
    tf = TransformStamped(header=header, child_frame_id=child)
    tf.transform.translation.x, tf.transform.translation.y, tf.transform.translation.z = (
        float(v) for v in xyz)
    tf.transform.rotation = rotation or Quaternion(x=0.0, y=0.0, z=0.0, w=1.0)
    return tf


# REP-103 optical frame: z forward, x right, y down, relative to a body-style camera frame.
OPTICAL_ROTATION = rpy_quaternion(-math.pi / 2, 0.0, -math.pi / 2)
