"""objnav_ros: vision-language object navigation on ROS 2.

Layers (imports point downwards only):
- ``objnav_ros.core``, ``objnav_ros.sim``, ``objnav_ros.policy``, ... : pure logic, no rclpy;
- ``objnav_ros.nodes``: thin rclpy nodes converting messages to core types;
- ``objnav_ros.apps.launcher`` and ``launch/``: entry points built from one node-graph table.
"""

__version__ = "0.1.0"
