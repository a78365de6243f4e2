"""Real-robot execution of discrete actions: pure logic, no rclpy.

:class:`ActionExecutor` turns NavActions into velocity commands closed-loop on odometry
(:class:`MotionController`), guards them (:class:`Watchdog`) and reports each observation
for the policy (:class:`StatusReport`). The node is ``objnav_ros.nodes.executor_node``.
"""

from objnav_ros.robot.config import ControllerConfig, ExecutorConfig, SafetyConfig, TiltConfig
from objnav_ros.robot.controller import STOP, Command, MotionController, MotionGoal, limit
from objnav_ros.robot.executor import ActionExecutor, Response, Result, StatusReport, Summary
from objnav_ros.robot.parameters import PARAMETERS, executor_config
from objnav_ros.robot.safety import Watchdog

__all__ = [
    "PARAMETERS",
    "STOP",
    "ActionExecutor",
    "Command",
    "ControllerConfig",
    "ExecutorConfig",
    "MotionController",
    "MotionGoal",
    "Response",
    "Result",
    "SafetyConfig",
    "StatusReport",
    "Summary",
    "TiltConfig",
    "Watchdog",
    "executor_config",
    "limit",
]
