"""ros2 launch objnav_ros collect.launch.py: recorder + sim bridge + expert policy (headless).

Built from the node-graph table in objnav_ros/apps/graphs.py (``objnav-collect`` runs the same
graph with a progress bar and ends it when the last episode is recorded).
"""

from objnav_ros.apps.graphs import GRAPHS
from objnav_ros.apps.launch_builder import launch_description


def generate_launch_description():
    return launch_description(GRAPHS["collect"])
