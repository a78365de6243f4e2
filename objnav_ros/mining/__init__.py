"""Failure mining (pure core, no rclpy): closed-loop episodes under the monitor's detectors.

Each verdict becomes one bag of its steps plus ``context`` steps each side (the recorder's
layout), or each episode one bag (``keep="episodes"``), with a ``labels.json`` holding the
windows and a teacher's action for every kept step (DAgger relabels: the shortest-path
expert's or the frontier explorer's, :mod:`objnav_ros.mining.relabel`), so
``objnav_training.dataset.load_episodes`` reads the output folder as corrective training data.
"""

from objnav_ros.mining.bag import write_window_bag
from objnav_ros.mining.config import MinerConfig
from objnav_ros.mining.miner import Miner, write_episode, write_windows
from objnav_ros.mining.relabel import RELABELLERS, relabel, relabels
from objnav_ros.mining.rollout import Frame, Rollout, rollout
from objnav_ros.mining.summary import Summary
from objnav_ros.mining.windows import WindowSpan, window_span

__all__ = [
    "Frame",
    "Miner",
    "MinerConfig",
    "RELABELLERS",
    "Rollout",
    "Summary",
    "WindowSpan",
    "relabel",
    "relabels",
    "rollout",
    "window_span",
    "write_episode",
    "write_window_bag",
    "write_windows",
]
