"""objnav-launch as a process: nodes start, Ctrl-C ends them all, deaths are reported."""

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.ros
ROOT = Path(__file__).resolve().parents[2]


def start(ros_env, *args):
    return subprocess.Popen(
        [sys.executable, "-m", "test.helpers.launch_ticker_graph", *args], cwd=ROOT,
        env=ros_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def read_until(proc, pattern, timeout=30.0):
    """Lines printed until one matches ``pattern`` (or the process ends)."""
    lines, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        if re.search(pattern, line):
            return lines
    raise AssertionError(f"no line matching {pattern!r} in:\n{''.join(lines)}")


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def pids(lines):
    return [int(m) for line in lines for m in re.findall(r"started \w+ \(pid (\d+)\)", line)]


def test_nodes_run_and_ctrl_c_stops_them_all(ros_env, rclpy_context):
    import rclpy
    from rclpy.executors import SingleThreadedExecutor
    from std_msgs.msg import String

    proc = start(ros_env)
    lines = read_until(proc, r"started ticker_b")
    children = pids(lines)
    assert len(children) == 2 and all(alive(p) for p in children)

    # Both nodes are real and named by the table (remapped __node).
    node = rclpy.create_node("listener", context=rclpy_context)
    heard = set()
    node.create_subscription(String, "ticker", lambda m: heard.add(m.data.split()[0]), 10)
    executor = SingleThreadedExecutor(context=rclpy_context)
    executor.add_node(node)
    deadline = time.monotonic() + 30
    while heard != {"ticker_a", "ticker_b"} and time.monotonic() < deadline:
        executor.spin_once(timeout_sec=0.1)
    node.destroy_node()
    assert heard == {"ticker_a", "ticker_b"}

    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, out
    assert "shutting down on request" in out
    assert not [p for p in children if alive(p)], "orphan node processes"


def test_a_dying_node_ends_the_graph_with_an_error(ros_env):
    proc = start(ros_env, "die_after_s:=1.0")
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 1, out
    assert "ticker_b died (exit code 3)" in out
    assert not [p for p in pids(out.splitlines()) if alive(p)]


def test_respawn_restarts_then_gives_up(ros_env):
    proc = start(ros_env, "--respawn", "die_after_s:=0.5")
    out, _ = proc.communicate(timeout=90)
    assert proc.returncode == 1, out
    assert out.count("respawned ticker_b") == 2
    assert out.count("ticker_b died") == 3


def test_objnav_launch_sim_nav_runs_episodes_and_stops_cleanly(ros_env, tmp_path):
    env = dict(ros_env, XDG_CACHE_HOME=str(tmp_path))  # the generated house goes here
    proc = subprocess.Popen(
        [sys.executable, "-m", "objnav_ros.apps.launcher", "sim_nav", "policy:=expert"], cwd=ROOT,
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        lines = read_until(proc, r"episode 0 ended \(stop\): success=True", timeout=120)
    except AssertionError:
        proc.kill()
        raise
    children = pids(lines)
    assert len(children) == 3  # sim_bridge, policy, monitor
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, out
    assert not [p for p in children if alive(p)], "orphan node processes"
