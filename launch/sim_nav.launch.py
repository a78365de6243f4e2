"""ros2 launch objnav_ros sim_nav.launch.py: simulator bridge + policy + monitor.

Built from the node-graph table in objnav_ros/apps/graphs.py (the same table that
``objnav-launch sim_nav`` starts without ros2 launch).
"""

from objnav_ros.apps.graphs import GRAPHS
from objnav_ros.apps.launch_builder import launch_description


def generate_launch_description():
    return launch_description(GRAPHS["sim_nav"])
