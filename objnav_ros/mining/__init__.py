"""Failure mining (pure core, no rclpy): closed-loop episodes under the monitor's detectors.

Each verdict becomes one bag of its steps plus ``context`` steps each side (the recorder's
layout), with a ``labels.json`` holding the window and the shortest-path expert's action
for every kept step (DAgger relabels), so ``objnav_training.dataset.load_episodes`` reads
the output folder as corrective training data.
"""

from objnav_ros.mining.bag import write_window_bag
from objnav_ros.mining.config import MinerConfig
from objnav_ros.mining.miner import Miner, write_windows
from objnav_ros.mining.rollout import Frame, Rollout, relabel, rollout
from objnav_ros.mining.summary import Summary
from objnav_ros.mining.windows import WindowSpan, window_span

__all__ = [
    "Frame",
    "Miner",
    "MinerConfig",
    "Rollout",
    "Summary",
    "WindowSpan",
    "relabel",
    "rollout",
    "window_span",
    "write_window_bag",
    "write_windows",
]
