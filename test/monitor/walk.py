"""Hand-made step sequences on an open floor (no simulator): a tiny kinematic model."""

import math

from objnav_ros.core.actions import Action
from objnav_ros.core.types import Pose2D
from objnav_ros.monitor import StepRecord

F, L, R = Action.MOVE_FORWARD, Action.TURN_LEFT, Action.TURN_RIGHT
U, D, S = Action.LOOK_UP, Action.LOOK_DOWN, Action.STOP
TURN = math.radians(30.0)
ORIGIN = Pose2D(0.0, 0.0, 0.0)


def walk(actions, *, start=ORIGIN, blocked=(), collided=None, first_step=1,
         forward_m=0.25, dt=0.5):
    """StepRecords of ``actions``; forwards at indices in ``blocked`` do not move.

    ``collided``: None = unknown flag; True = the flag is set exactly on blocked forwards.
    """
    pose, out = start, []
    for i, action in enumerate(actions):
        x, y, yaw = pose.x, pose.y, pose.yaw
        if action == F and i not in blocked:
            x, y = x + forward_m * math.cos(yaw), y + forward_m * math.sin(yaw)
        elif action in (L, R):
            yaw = math.remainder(yaw + (TURN if action == L else -TURN), 2 * math.pi)
        after = Pose2D(x, y, yaw)
        flag = None if collided is None else (action == F and i in blocked)
        step = first_step + i
        out.append(StepRecord(step, step * dt, action, pose, after, flag, forward_m))
        pose = after
    return out


def run(detector, records):
    """Verdicts of one detector over ``records`` as (step, verdict) pairs."""
    out = []
    for record in records:
        verdict = detector.update(record)
        if verdict is not None:
            out.append((record.step, verdict))
    return out
