"""ros2 launch objnav_ros robot_nav.launch.py: policy + action executor + monitor on a robot.

Built from the node-graph table in objnav_ros/apps/graphs.py (the same table that
``objnav-launch robot_nav`` starts without ros2 launch).
"""

from objnav_ros.apps.graphs import GRAPHS
from objnav_ros.apps.launch_builder import launch_description


def generate_launch_description():
    return launch_description(GRAPHS["robot_nav"])
