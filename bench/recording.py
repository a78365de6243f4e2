"""The recording benchmark of bench/training.py (prints nothing).

:func:`record_drops_30hz`: the simulator bridge (free-run at 30 Hz, RGB-D + odometry +
status + TF + camera info) and the recorder node, two processes over loopback DDS; drops
= observations the bridge published (by ``observation_seq``, between the first and the last
one recorded) whose RGB, depth, odometry or status is missing from the bag.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from objnav_ros.bags.messages import deserialize, header_stamp_ns
from objnav_ros.bags.reader import find_bags, open_bag
from objnav_ros.core import topics
from objnav_ros.core.dds import loopback_env

OBSERVATION_TOPICS = ("/" + topics.RGB, "/" + topics.DEPTH, "/" + topics.ODOM,
                      "/" + topics.EPISODE_STATUS)
START_TIMEOUT_S = 60.0


def _wait(predicate, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"benchmark: {what} within {timeout_s} s")
        time.sleep(0.05)


def _status(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def _stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def count_drops(bag: Path) -> dict:
    """Observations from the first recorded whole to the last status, and pieces missing."""
    stamps: dict[str, set[int]] = {t: set() for t in OBSERVATION_TOPICS}
    seqs: dict[int, int] = {}
    times = []
    with open_bag(bag) as reader:
        connections = [c for c in reader.connections if c.topic in stamps]
        for connection, timestamp, raw in reader.messages(connections):
            stamp = header_stamp_ns(raw, connection.msgtype)
            stamps[connection.topic].add(stamp)
            times.append(timestamp)
            if connection.topic == OBSERVATION_TOPICS[-1]:
                seqs[stamp] = int(deserialize(raw, connection.msgtype).observation_seq)
    if not seqs:
        raise RuntimeError(f"benchmark: no EpisodeStatus recorded in {bag}")
    # from the first observation recorded whole (every publisher matched) to the last status
    start = min(s for s in seqs if all(s in got for got in stamps.values()))
    end = max(seqs)
    expected = seqs[end] - seqs[start] + 1
    missing = {t: expected - sum(start <= s <= end for s in got) for t, got in stamps.items()}
    return {"record_drops_30hz": sum(missing.values()),
            "record_seconds": round((max(times) - min(times)) / 1e9, 3),
            "record_frames": expected, "record_missing_per_topic": missing}


def record_drops_30hz(seconds: float = 10.0, width: int = 640, height: int = 480,
                      storage: str = "mcap", domain_id: int | None = None) -> dict:
    """Record the bridge at 30 Hz for ``seconds``; keys to merge into a benchmark's JSON.

    ``record_drops_30hz`` (pieces of published observations missing from the bag),
    ``record_seconds`` (span recorded), ``record_frames``, ``record_missing_per_topic``, and
    the recorder's own counts ``recorder_drops`` (received but not written) and
    ``recorder_missing`` (publisher sequence gaps).
    """
    env = loopback_env(domain_id if domain_id is not None else 1 + os.getpid() % 100)
    quiet = {"env": env, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    with tempfile.TemporaryDirectory(prefix="objnav_bench_") as tmp:
        status = Path(tmp) / "recorder.json"
        recorder = subprocess.Popen(
            [sys.executable, "-m", "objnav_ros.nodes.recorder_node", "--ros-args",
             "-p", f"output_dir:={tmp}", "-p", "split:=session", "-p", "bag_prefix:=bench",
             "-p", f"storage:={storage}", "-p", f"status_file:={status}"], **quiet)
        bridge = None
        try:
            _wait(status.exists, START_TIMEOUT_S, "recorder did not start")
            bridge = subprocess.Popen(
                [sys.executable, "-m", "objnav_ros.nodes.sim_bridge_node", "--ros-args",
                 "-p", "lock_step:=false", "-p", "rate_hz:=30.0", "-p", f"width:={width}",
                 "-p", f"height:={height}", "-p", "n_episodes:=1",
                 "-p", "republish_period_s:=0.0"], **quiet)
            topic = OBSERVATION_TOPICS[-1]
            _wait(lambda: _status(status).get("publishers", {}).get(topic, 0) > 0,
                  START_TIMEOUT_S, "recorder did not discover the bridge")
            time.sleep(seconds)
        finally:
            if bridge is not None:
                _stop(bridge)
            _stop(recorder)
        result = count_drops(find_bags([tmp])[0][0])
        summary = _status(status)
        result["recorder_drops"] = summary.get("drops")
        result["recorder_missing"] = summary.get("missing")
        return result

