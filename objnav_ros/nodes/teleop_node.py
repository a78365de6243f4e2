r"""Keyboard teleop: the human expert answers each observation with one NavAction.

Reads single keys from a terminal in cbreak mode (stdin is a TTY: the latest key waits for
the next observation) or lines from a pipe (``printf 'w\nw\nd\n' | ...``: each line is
sent in turn, one per observation; EOF quits once all are sent). Keys are listed in
:mod:`objnav_ros.bags.teleop_keys`. An action is sent only for the current observation
(the latest EpisodeStatus, not done), echoing its stamp and ``observation_seq``, with
source ``teleop``. Run it in its own terminal: ``ros2 run objnav_ros teleop``.
"""

from __future__ import annotations

import os
import sys
import termios
import threading
import time
import tty
from collections import deque

import rclpy
from rclpy.executors import ExternalShutdownException
from rclpy.node import Node
from std_msgs.msg import String

from objnav_ros.bags.teleop_keys import HELP, QUIT, parse_key, parse_line
from objnav_ros.core import topics
from objnav_ros.core.actions import ACTION_PRESET, Action, action_space
from objnav_ros.core.params import ParamSpec
from objnav_ros.msg import EpisodeStatus, NavAction
from objnav_ros.nodes.guard import MessageGuard
from objnav_ros.nodes.pubsub import publisher, subscription
from objnav_ros.nodes.ros_params import declare_parameters

PARAMETERS = [
    ACTION_PRESET.spec("action_preset", read_only=True),  # keys of other actions are ignored
    ParamSpec("send_period_s", 0.05, "How often a waiting key is checked against the "
              "current observation (s).", min_value=0.01, max_value=1.0, read_only=True),
]
LINGER_S = 0.5  # after quitting: time for the last action to be delivered


class TeleopNode(Node):
    def __init__(self, queue_keys: bool = False, **kwargs) -> None:
        """``queue_keys``: send every key in turn (piped input), else only the latest."""
        super().__init__("teleop", **kwargs)
        p = declare_parameters(self, PARAMETERS)
        self.actions = action_space(p["action_preset"])
        self.pending: deque[Action] = deque(maxlen=None if queue_keys else 1)
        self.status: EpisodeStatus | None = None
        self.answered_seq = 0
        self.goal = ""
        self.quit_since: float | None = None
        self.pub = publisher(self, topics.ACTION)
        guard = self.guard = MessageGuard(self)
        subscription(self, topics.EPISODE_STATUS, guard(topics.EPISODE_STATUS, self.on_status))
        subscription(self, topics.GOAL, guard(topics.GOAL, self.on_goal))
        self.create_timer(p["send_period_s"], self.send_pending)
        self.get_logger().info(HELP)

    def press(self, key: Action | str | None) -> None:
        """A key or line was read (any thread): queue its action or ask to quit."""
        if key == QUIT:
            self.quit_since = self.quit_since or time.monotonic()
        elif isinstance(key, Action):
            if key in self.actions:
                self.pending.append(key)
            else:
                self.get_logger().warning(f"{key.name} is not allowed by this action preset")

    def finished(self) -> bool:
        """Quit was asked, every queued action is sent, and the last had time to arrive."""
        if self.quit_since is None or self.pending:
            return False
        return time.monotonic() - self.quit_since > LINGER_S

    def on_goal(self, msg: String) -> None:
        self.goal = msg.data

    def on_status(self, msg: EpisodeStatus) -> None:
        if self.status is not None and msg.observation_seq == self.status.observation_seq:
            return  # republished observation
        self.status = msg
        state = "episode over" if msg.done else "your move"
        self.get_logger().info(
            f"episode {msg.episode_id} step {msg.step}: find {msg.object_category or self.goal}"
            f", {msg.distance_to_goal:.2f} m to go{' (collided)' if msg.collided else ''}; "
            f"{state}")
        self.send_pending()

    def send_pending(self) -> None:
        status = self.status
        if not self.pending or status is None or status.done:
            return
        if status.observation_seq == self.answered_seq:
            return  # already answered: the key waits for the next observation
        action = self.pending.popleft()
        self.answered_seq = status.observation_seq
        msg = NavAction(observation_seq=status.observation_seq, action=int(action),
                        source=NavAction.SOURCE_TELEOP, valid=True)
        msg.header.stamp = status.header.stamp
        self.pub.publish(msg)
        if self.quit_since is not None and not self.pending:
            self.quit_since = time.monotonic()


def read_keys(node: TeleopNode, stream, raw: bool) -> None:
    """Feed ``node`` key presses (raw terminal) or lines (pipe) until EOF, then quit."""
    if raw:
        fd = stream.fileno()
        while (data := os.read(fd, 1)):
            node.press(parse_key(data.decode(errors="ignore")))
            if node.quit_since is not None:
                return
    else:
        for line in stream:
            node.press(parse_line(line))
    node.press(QUIT)


def main(args=None) -> int:
    rclpy.init(args=args)
    raw = sys.stdin.isatty()
    try:
        node = TeleopNode(queue_keys=not raw)
    except ValueError as exc:
        print(f"teleop: {exc}", file=sys.stderr)
        rclpy.try_shutdown()
        return 2
    saved = termios.tcgetattr(sys.stdin) if raw else None
    if raw:
        tty.setcbreak(sys.stdin)  # keys arrive at once; Ctrl-C still interrupts
    threading.Thread(target=read_keys, args=(node, sys.stdin, raw), daemon=True).start()
    try:
        while rclpy.ok() and not node.finished():
            rclpy.spin_once(node, timeout_sec=0.1)
    except (KeyboardInterrupt, ExternalShutdownException):
        pass
    finally:
        if saved is not None:
            termios.tcsetattr(sys.stdin, termios.TCSADRAIN, saved)
        node.destroy_node()
        rclpy.try_shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
