"""The pure executor on a simulated base with a camera, stepped on a virtual clock."""

from __future__ import annotations

from objnav_ros.robot.config import ExecutorConfig
from objnav_ros.robot.controller import STOP
from objnav_ros.robot.executor import ActionExecutor
from test.robot.kinematics import DiffDrive

TICK = 0.01  # s, simulation step
ODOM_EVERY = 2  # 50 Hz
IMAGE_EVERY = 5  # 20 Hz
CONTROL_EVERY = 5  # 20 Hz


class Rig:
    def __init__(self, config: ExecutorConfig | None = None, base: DiffDrive | None = None):
        self.core = ActionExecutor(config or ExecutorConfig(), run_id="test")
        self.base = base or DiffDrive()
        self.t = 0.0
        self.k = 0
        self.command = STOP
        self.commands = []  # (t, Command)
        self.statuses = []
        self.camera_on = True
        self.odom_on = True

    def advance(self, seconds: float) -> None:
        for _ in range(round(seconds / TICK)):
            self.k += 1
            self.t = self.k * TICK
            self.base.step(self.command.linear, self.command.angular, TICK)
            stamp = round(self.t * 1e9)
            if self.odom_on and self.k % ODOM_EVERY == 0:
                self.core.on_odom(self.base.pose, self.t, stamp)
            if self.camera_on and self.k % IMAGE_EVERY == 0:
                self.core.on_depth(stamp, self.t)
                self.core.on_rgb(stamp, "camera", self.t)
            if self.k % CONTROL_EVERY == 0:
                self.command = self.core.tick(self.t)
                self.commands.append((self.t, self.command))
            status = self.core.take_status(self.t)
            if status is not None:
                self.statuses.append(status)

    def act(self, action: int, seq: int | None = None):
        seq = self.core.observation_seq if seq is None else seq
        response = self.core.on_action(action, seq, self.t)
        self.command = self.core.tick(self.t)
        return response

    def until_status(self, limit_s: float = 20.0):
        count = len(self.statuses)
        end = self.t + limit_s
        while len(self.statuses) == count and self.t < end:
            self.advance(TICK)
        assert len(self.statuses) > count, f"no status within {limit_s} s"
        return self.statuses[-1]

    def started(self, goal: str = "chair"):
        self.advance(0.1)
        assert self.core.on_goal(goal, self.t)
        return self.until_status()
