"""Bags shaped like a live recording, written without ROS (tests, benchmarks, examples).

Per observation: odometry, RGB, depth and EpisodeStatus share one header stamp; a NavAction
echoing that stamp and ``observation_seq`` answers every observation but the last; the goal
is published when an episode starts. Contents are functions of the step (:func:`pose_at`,
:func:`action_at`, :func:`rgb_at`), so a reader's output can be checked exactly.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from objnav_ros.bags.messages import NS_PER_S
from objnav_ros.bags.writer import BagWriter
from objnav_ros.core import topics
from objnav_ros.core.actions import PRESETS, Action
from objnav_ros.core.bagtypes import typestore
from objnav_ros.core.camera import CameraModel
from objnav_ros.core.contract import RunContract
from objnav_ros.core.types import Pose2D

ACTION_CYCLE = (Action.MOVE_FORWARD, Action.TURN_LEFT, Action.MOVE_FORWARD, Action.TURN_RIGHT)


@dataclass(frozen=True)
class SyntheticEpisode:
    episode_id: str = "ep-0"
    goal: str = "chair"
    steps: int = 5  # actions taken
    width: int = 32
    height: int = 24
    success: bool = True
    done: bool = True  # the last observation ends the episode
    contract: RunContract | None = None  # None: habitat amounts, this image size, hfov 79 deg

    def __post_init__(self) -> None:
        if self.steps < 0 or self.width < 1 or self.height < 1:
            raise ValueError("steps must be >= 0 and the image at least 1 x 1")

    @property
    def run_contract(self) -> RunContract:
        """The contract its statuses carry."""
        if self.contract is not None:
            return self.contract
        return RunContract.of(PRESETS["habitat"], CameraModel(self.width, self.height, 79.0), 0.88)


def pose_at(step: int) -> Pose2D:
    return Pose2D(0.25 * step, 0.1 * step, 0.3 * step - math.pi / 2)


def action_at(step: int) -> Action:
    return ACTION_CYCLE[step % len(ACTION_CYCLE)]


def distance_at(step: int) -> float:
    return 5.0 - 0.25 * step


def rgb_at(seq: int, width: int, height: int) -> np.ndarray:
    return np.random.default_rng(seq).integers(0, 256, (height, width, 3), dtype=np.uint8)


def depth_at(seq: int, width: int, height: int) -> np.ndarray:
    return np.full((height, width), 0.5 + 0.01 * seq, np.float32)


class _Messages:
    """rosbags message objects for the topics above."""

    def __init__(self) -> None:
        self.t = typestore().types

    def contract(self, contract: RunContract):
        return self.t["objnav_ros/msg/RunContract"](**contract.to_dict())

    def header(self, stamp: int, frame: str):
        sec, nsec = divmod(stamp, NS_PER_S)
        return self.t["std_msgs/msg/Header"](
            stamp=self.t["builtin_interfaces/msg/Time"](sec=sec, nanosec=nsec), frame_id=frame)

    def odometry(self, stamp: int, pose: Pose2D):
        t = self.t
        vec = t["geometry_msgs/msg/Vector3"]
        return t["nav_msgs/msg/Odometry"](
            header=self.header(stamp, "odom"), child_frame_id="base_link",
            pose=t["geometry_msgs/msg/PoseWithCovariance"](
                pose=t["geometry_msgs/msg/Pose"](
                    position=t["geometry_msgs/msg/Point"](x=pose.x, y=pose.y, z=0.0),
                    orientation=t["geometry_msgs/msg/Quaternion"](
                        x=0.0, y=0.0, z=math.sin(pose.yaw / 2), w=math.cos(pose.yaw / 2))),
                covariance=np.zeros(36)),
            twist=t["geometry_msgs/msg/TwistWithCovariance"](
                twist=t["geometry_msgs/msg/Twist"](linear=vec(x=0.0, y=0.0, z=0.0),
                                                   angular=vec(x=0.0, y=0.0, z=0.0)),
                covariance=np.zeros(36)))

    def image(self, stamp: int, pixels: np.ndarray, encoding: str):
        return self.t["sensor_msgs/msg/Image"](
            header=self.header(stamp, "camera_optical_frame"), height=pixels.shape[0],
            width=pixels.shape[1], encoding=encoding, is_bigendian=0,
            step=pixels.shape[1] * pixels.itemsize * (pixels.shape[2] if pixels.ndim == 3 else 1),
            data=np.frombuffer(pixels.tobytes(), np.uint8))

    def status(self, stamp: int, seq: int, ep: SyntheticEpisode, step: int):
        done = ep.done and step == ep.steps
        return self.t["objnav_ros/msg/EpisodeStatus"](
            header=self.header(stamp, "odom"), observation_seq=seq, episode_id=ep.episode_id,
            scene_id="synthetic", object_category=ep.goal, step=step, collided=step % 3 == 2,
            done=done, success=done and ep.success, distance_to_goal=distance_at(step),
            spl=0.5 if done and ep.success else 0.0, path_length=0.25 * step,
            end_reason=("stop" if ep.success else "max_steps") if done else "",
            contract=self.contract(ep.run_contract))

    def action(self, stamp: int, seq: int, action: Action):
        return self.t["objnav_ros/msg/NavAction"](
            header=self.header(stamp, "camera_optical_frame"), observation_seq=seq,
            action=int(action), source="expert", valid=True, candidates=np.zeros(0, np.uint8),
            scores=np.zeros(0, np.float32), reasoning="")


def _row(topic: str, sent: int, msg) -> tuple[str, str, int, object]:
    return topic, topics.TABLE[topic].msgtype, sent, msg


def episode_messages(episodes: Sequence[SyntheticEpisode], step_ns: int = NS_PER_S // 10
                     ) -> Iterable[tuple[str, str, int, object]]:
    """(topic, msgtype, publication time = header stamp, message) in publication order."""
    make = _Messages()
    seq = 0
    for ep in episodes:
        goal = make.t["std_msgs/msg/String"](data=ep.goal)
        yield _row(topics.GOAL, (seq + 1) * step_ns, goal)
        for step in range(ep.steps + 1):
            seq += 1
            stamp = seq * step_ns
            yield _row(topics.ODOM, stamp, make.odometry(stamp, pose_at(step)))
            yield _row(topics.RGB, stamp,
                       make.image(stamp, rgb_at(seq, ep.width, ep.height), "rgb8"))
            yield _row(topics.DEPTH, stamp,
                       make.image(stamp, depth_at(seq, ep.width, ep.height), "32FC1"))
            yield _row(topics.EPISODE_STATUS, stamp,
                       make.status(stamp, seq, ep, step))
            if step < ep.steps:
                yield _row(topics.ACTION, stamp,
                           make.action(stamp, seq, action_at(step)))


def write_bag(path: str | Path, episodes: Sequence[SyntheticEpisode], storage: str = "mcap",
              skip_topics: Sequence[str] = (), log_offset_ns: int = 1_700_000_000 * NS_PER_S,
              jitter_ns: int = 0, seed: int = 0) -> Path:
    """Write ``episodes`` to a new bag at ``path``; topics get a leading ``/`` as recorded.

    Log time = header stamp + ``log_offset_ns`` + the message's index (µs), plus up to
    ``jitter_ns`` of random delay (arrival order then differs from publication order).
    """
    rng = np.random.default_rng(seed)
    store = typestore()
    rows = []
    for index, (topic, msgtype, sent, msg) in enumerate(episode_messages(episodes)):
        if topic in skip_topics:
            continue
        delay = int(rng.integers(0, jitter_ns)) if jitter_ns else 0
        log_time = sent + log_offset_ns + index * 1000 + delay
        rows.append((log_time, f"/{topic}", msgtype, bytes(store.serialize_cdr(msg, msgtype))))
    bag = BagWriter(Path(path), storage)
    for log_time, topic, msgtype, raw in sorted(rows, key=lambda r: r[0]):
        bag.write(topic, msgtype, raw, log_time)
    bag.close()
    return Path(path)
