"""The recorder node's ROS parameters (declared in one place) and the config built from them.

All are read-only: they are applied once at start-up.
"""

from __future__ import annotations

from objnav_ros.bags.recorder import RecorderConfig
from objnav_ros.core import topics
from objnav_ros.core.params import ParamSpec
from objnav_ros.core.schema import from_params, param_specs

MB = 1 << 20
PARAMETERS = [
    *param_specs(RecorderConfig, names=("output_dir", "storage", "split"), read_only=True),
    ParamSpec("topics", list(topics.RECORDED),
              "Topics to record; relative names follow the node's namespace and remappings.",
              read_only=True, topic=True),
    ParamSpec("status_topic", topics.EPISODE_STATUS,
              "EpisodeStatus topic that marks episode boundaries.", read_only=True, topic=True),
    ParamSpec("bag_prefix", "", "Bag folder name (session) or prefix (episode: "
              "<prefix>_<n>_<episode_id>); empty = objnav_<start time>.", read_only=True),
    ParamSpec("qos_depth", 100, "History depth of every recording subscription.",
              min_value=1, max_value=10000, read_only=True),
    ParamSpec("queue_max_mb", 1024.0,
              "Backlog allowed between callbacks and the writer thread; beyond it messages "
              "are dropped and counted.", min_value=1.0, max_value=65536.0, read_only=True),
    *param_specs(RecorderConfig, names=("hold_s", "close_delay_s"), read_only=True),
    ParamSpec("discovery_period_s", 0.5, "How often publishers of the topics are looked up.",
              min_value=0.05, max_value=60.0, read_only=True),
    *param_specs(RecorderConfig, names=("status_file",), read_only=True),
]


def recorder_config(values: dict, session: str, status_topic: str) -> RecorderConfig:
    """RecorderConfig from parameter values, the bag name and the resolved status topic."""
    return from_params(RecorderConfig, values, session=session, status_topic=status_topic,
                       queue_max_bytes=int(values["queue_max_mb"] * MB))
