"""objnav-launch sim_nav --respawn: the bridge is killed mid-episode and the loop goes on.

The policy survives; the respawned bridge starts over (new participant, sequence and clock
from the start), and the policy must follow it: the new bridge executes actions again.
"""

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from rclpy.executors import SingleThreadedExecutor
from rclpy.node import Node

from objnav_ros.core import topics
from objnav_ros.msg import EpisodeStatus
from objnav_ros.nodes.policy_node import participant
from test.robot.ros_rig import RELIABLE, wait_for

pytestmark = pytest.mark.ros
ROOT = Path(__file__).resolve().parents[2]
RECOVERY_BOUND_S = 10.0  # from the new bridge's first observation to its second step


class Lines(threading.Thread):
    """The launcher's output, read in the background."""

    def __init__(self, stream) -> None:
        super().__init__(daemon=True)
        self.stream, self.lines = stream, []
        self.start()

    def run(self) -> None:
        for line in self.stream:
            self.lines.append(line)

    def find(self, pattern: str):
        return next((m for line in list(self.lines) if (m := re.search(pattern, line))), None)


def test_policy_follows_a_respawned_bridge(rclpy_context, ros_env, tmp_path):
    statuses = []  # (arrival monotonic, EpisodeStatus, publishing participant)
    node = Node("watcher", context=rclpy_context)
    node.create_subscription(
        EpisodeStatus, topics.EPISODE_STATUS,
        lambda m, info: statuses.append((time.monotonic(), m, participant(info))), RELIABLE)
    spinner = SingleThreadedExecutor(context=rclpy_context)
    spinner.add_node(node)
    threading.Thread(target=spinner.spin, daemon=True).start()
    env = dict(ros_env, XDG_CACHE_HOME=str(tmp_path))  # the generated house goes here
    proc = subprocess.Popen(
        [sys.executable, "-m", "objnav_ros.apps.launcher", "--respawn", "sim_nav",
         "policy:=frontier", "use_monitor:=false"], cwd=ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out = Lines(proc.stdout)
    passed = False
    try:
        wait_for(lambda: [m for _, m, _ in statuses if m.step >= 3] or proc.poll() is not None,
                 120.0, "three steps with the first bridge")
        assert proc.poll() is None, "".join(out.lines)[-3000:]
        bridge = int(out.find(r"started sim_bridge \(pid (\d+)\)").group(1))
        old = statuses[-1][2]
        assert old is not None, "EpisodeStatus came without its publisher's gid"
        killed = time.monotonic()
        os.kill(bridge, signal.SIGKILL)
        # the respawned bridge is another DDS participant; this listener may discover it
        # late, after its sequence numbers have passed the old bridge's
        first = wait_for(lambda: next((t for t, _, who in statuses if who != old), None),
                         60.0, "the respawned bridge's first observation")
        second_step = wait_for(lambda: next((t for t, m, who in statuses if t > first
                                             and who != old and m.step >= 2), None),
                               60.0, "two steps with the respawned bridge")
        print(f"bridge restart: first observation {first - killed:.2f} s after the kill, "
              f"two steps done {second_step - killed:.2f} s after the kill")
        assert second_step - first <= RECOVERY_BOUND_S
        assert out.find(r"respawned sim_bridge")
        assert out.find(r"bridge session 2: observations from another publisher")
        passed = True
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
        spinner.shutdown()
        node.destroy_node()
        if not passed:
            print("".join(out.lines)[-5000:])
