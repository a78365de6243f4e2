"""objnav-launch robot_nav: the whole graph (policy, executor, monitor) drives a simulated base."""

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from test.robot.ros_rig import running, wait_for

pytestmark = pytest.mark.ros
ROOT = Path(__file__).resolve().parents[2]
# The simulated robot publishes in the root namespace under the package's default names.
TOPICS = ["rgb_topic:=/camera/rgb/image_raw", "depth_topic:=/camera/depth/image_raw",
          "camera_info_topic:=/camera/rgb/camera_info", "odom_topic:=/odom",
          "cmd_vel_topic:=/cmd_vel"]


def test_plain_launcher_runs_the_robot_graph(rclpy_context, ros_env):
    with running(rclpy_context, None, depth_encoding="32FC1", depth_m=3.0) as (robot, driver, _):
        launcher = subprocess.Popen(
            [sys.executable, "-m", "objnav_ros.apps.launcher", "robot_nav", "policy:=frontier",
             "goal:=chair", "camera_height_m:=0.88", *TOPICS], cwd=ROOT, env=ros_env,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            wait_for(lambda: [s for s in driver.statuses if s.step >= 2] or launcher.poll(),
                     60.0, "two executed steps")
            assert launcher.poll() is None, launcher.communicate()[0][-3000:]
            assert robot.base.x > 0.3  # open space: the explorer drove forward
            assert {s.episode_id for s in driver.statuses} == {driver.statuses[0].episode_id}
        finally:
            launcher.send_signal(signal.SIGINT)
            out, _ = launcher.communicate(timeout=30)
    assert launcher.returncode == 0, out[-3000:]
    assert "died" not in out
