"""Core types <-> ROS messages (the only place that builds sensor/odometry/TF messages)."""

from __future__ import annotations

import math

import numpy as np
from builtin_interfaces.msg import Time
from geometry_msgs.msg import Quaternion, TransformStamped
from nav_msgs.msg import Odometry
from sensor_msgs.msg import CameraInfo, Image
from std_msgs.msg import Header

from objnav_ros.core.camera import CameraModel
from objnav_ros.core.images import image_fields
from objnav_ros.core.types import Pose2D

NS_PER_S = 1_000_000_000


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


def pose_from_odometry(odom: Odometry) -> Pose2D:
    p = odom.pose.pose
    return Pose2D(p.position.x, p.position.y, quaternion_yaw(p.orientation))


def transform(header: Header, child: str, xyz=(0.0, 0.0, 0.0),
              rotation: Quaternion | None = None) -> TransformStamped:
    tf = TransformStamped(header=header, child_frame_id=child)
    tf.transform.translation.x, tf.transform.translation.y, tf.transform.translation.z = (
        float(v) for v in xyz)
    tf.transform.rotation = rotation or Quaternion(x=0.0, y=0.0, z=0.0, w=1.0)
    return tf


# REP-103 optical frame: z forward, x right, y down, relative to a body-style camera frame.
OPTICAL_ROTATION = rpy_quaternion(-math.pi / 2, 0.0, -math.pi / 2)
