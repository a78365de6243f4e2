"""Write a slice of a rollout as a bag laid out like the recorder's, with its labels.json."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from objnav_ros.bags.labels import Labels, write_labels
from objnav_ros.bags.messages import NS_PER_S
from objnav_ros.bags.synthetic import _Messages
from objnav_ros.bags.writer import BagWriter
from objnav_ros.core import topics
from objnav_ros.core.bagtypes import typestore
from objnav_ros.core.contract import RunContract
from objnav_ros.mining.rollout import Frame

STEP_NS = NS_PER_S // 10
LOG_OFFSET_NS = 1_700_000_000 * NS_PER_S


class _FrameMessages(_Messages):
    """The synthetic bags' messages, filled from simulator frames."""

    def frame_status(self, stamp: int, seq: int, frame: Frame, contract: RunContract):
        s = frame.state
        return self.t["objnav_ros/msg/EpisodeStatus"](
            header=self.header(stamp, "odom"), observation_seq=seq, episode_id=s.episode_id,
            scene_id=s.scene_id, object_category=s.object_category, step=s.step,
            collided=s.collided, done=s.done, success=s.success,
            distance_to_goal=s.distance_to_goal, spl=s.spl, path_length=s.path_length,
            end_reason=s.end_reason, contract=self.contract(contract))

    def frame_action(self, stamp: int, seq: int, frame: Frame):
        d = frame.decision
        probabilities = d.probabilities
        return self.t["objnav_ros/msg/NavAction"](
            header=self.header(stamp, "camera_optical_frame"), observation_seq=seq,
            action=int(d.action), source=d.source or "policy", valid=d.valid,
            candidates=np.array([int(a) for a in probabilities], np.uint8),
            scores=np.array(list(probabilities.values()), np.float32), reasoning=d.text)


def _messages(frames: list[Frame], contract: RunContract):
    """(topic, msgtype, stamp, message) of each frame in publication order."""
    make = _FrameMessages()
    goal = make.t["std_msgs/msg/String"](data=frames[0].state.object_category)
    yield topics.GOAL, STEP_NS * (frames[0].obs.step + 1), goal
    for frame in frames:
        seq = frame.obs.step + 1
        stamp = seq * STEP_NS
        yield topics.ODOM, stamp, make.odometry(stamp, frame.obs.pose)
        yield topics.RGB, stamp, make.image(stamp, frame.obs.rgb, "rgb8")
        yield topics.DEPTH, stamp, make.image(stamp, frame.obs.depth, "32FC1")
        yield topics.EPISODE_STATUS, stamp, make.frame_status(stamp, seq, frame, contract)
        if frame.decision is not None:
            yield topics.ACTION, stamp, make.frame_action(stamp, seq, frame)


def write_window_bag(path: Path, frames: list[Frame], labels: Labels,
                     contract: RunContract) -> Path:
    """A new MCAP bag at ``path`` of ``frames`` (the last one's decision left out) + labels.json.

    Its statuses carry ``contract``, the run contract the frames were made under.
    """
    store = typestore()
    frames = [*frames[:-1], Frame(frames[-1].obs, frames[-1].state)]
    bag = BagWriter(path, "mcap")
    try:
        for index, (topic, stamp, msg) in enumerate(_messages(frames, contract)):
            msgtype = topics.TABLE[topic].msgtype
            bag.write(f"/{topic}", msgtype, bytes(store.serialize_cdr(msg, msgtype)),
                      stamp + LOG_OFFSET_NS + index * 1000)
    finally:
        bag.close()
    write_labels(path, labels)
    return path
