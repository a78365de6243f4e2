"""Hand-made transitions for reward and return tests."""

from __future__ import annotations

import math

import numpy as np

from objnav_ros.core.actions import PRESETS, Action
from objnav_ros.core.contract import RunContract
from objnav_ros.core.types import Pose2D
from objnav_training.transitions import EpisodeData, Transition

FRAME = np.zeros((48, 64, 3), dtype=np.uint8)
HABITAT = RunContract.of(PRESETS["habitat"])


def step(i: int, action: Action, pose: Pose2D, next_pose: Pose2D, **fields) -> Transition:
    return Transition(episode_id="toy", step=i, goal="chair", action=action, pose=pose,
                      next_pose=next_pose, collided=fields.pop("collided", False),
                      done=fields.pop("done", False), rgb=lambda: FRAME, **fields)


def straight(n: int, forward_m: float = 0.5, **fields) -> EpisodeData:
    """``n`` forward steps along +x from the origin; the last one ends the episode."""
    poses = [Pose2D(i * forward_m, 0.0, 0.0) for i in range(n + 1)]
    transitions = tuple(step(i, Action.MOVE_FORWARD, poses[i], poses[i + 1], done=i == n - 1,
                             **fields) for i in range(n))
    return EpisodeData("toy", "toy.bag", transitions, contract=HABITAT)


def turns(actions: list[Action]) -> EpisodeData:
    """Turns in place at the origin, 30 degrees each."""
    yaw, transitions = 0.0, []
    for i, action in enumerate(actions):
        turn = math.radians(30) * (1 if action is Action.TURN_LEFT else -1)
        transitions.append(step(i, action, Pose2D(0, 0, yaw), Pose2D(0, 0, yaw + turn)))
        yaw += turn
    return EpisodeData("toy", "toy.bag", tuple(transitions), contract=HABITAT)
