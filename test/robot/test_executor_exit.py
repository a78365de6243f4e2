"""Every exit of the executor stops the base: its last cmd_vel is a zero Twist.

The executor runs as its own process (real signals, real exit) or, for rclpy shutdown, on
its own context in this process; the simulated base listens on the test's context.
"""

import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import rclpy
from geometry_msgs.msg import Twist
from rclpy.executors import ExternalShutdownException, SingleThreadedExecutor
from rclpy.parameter import Parameter
from std_msgs.msg import String

from objnav_ros.core import topics
from objnav_ros.core.actions import Action
from objnav_ros.nodes.executor_node import ExecutorNode
from test.helpers.faulty_executor import FAULT
from test.robot.ros_rig import RELIABLE, now_s, running, wait_for, wait_status

pytestmark = pytest.mark.ros
ROOT = Path(__file__).resolve().parents[2]
PARAMS = {"goal": "chair", "forward_m": 2.0, "controller.max_linear_mps": 0.25,
          "safety.image_timeout_s": 2.0, "safety.odom_timeout_s": 2.0}


def command(module="objnav_ros.nodes.executor_node", **overrides):
    params = [arg for k, v in {**PARAMS, **overrides}.items() for arg in ("-p", f"{k}:={v}")]
    return [sys.executable, "-m", module, "--ros-args", *params]


def drive_forward(robot, driver):
    wait_status(driver, 1, timeout=60)
    driver.act(Action.MOVE_FORWARD)
    wait_for(lambda: len([t for t in robot.twists if t[1]]) > 5, what="motion")


def stopped_after(robot, start: float) -> float:
    """Time of the first zero Twist after ``start``, once a zero Twist is the last one."""
    wait_for(lambda: robot.twists and robot.twists[-1][1:] == (0.0, 0.0), 10.0,
             "a zero Twist as the last command")
    return robot.first_zero_after(start)


def finish(proc) -> str:
    try:
        return proc.communicate(timeout=30)[0]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_stops_the_base_before_the_executor_exits(rclpy_context, ros_env, sig):
    with running(rclpy_context, None) as (robot, driver, _):
        proc = subprocess.Popen(command(), cwd=ROOT, env=ros_env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
        try:
            drive_forward(robot, driver)
        except AssertionError:
            proc.kill()
            raise AssertionError(finish(proc)[-3000:]) from None
        sent = now_s(robot)
        proc.send_signal(sig)
        out = finish(proc)
        assert proc.returncode == 0, out[-3000:]
        assert stopped_after(robot, sent) >= sent  # how fast: README, measured figures


def test_an_exception_in_a_callback_stops_the_base(rclpy_context, ros_env):
    with running(rclpy_context, None) as (robot, driver, _):
        proc = subprocess.Popen(command("test.helpers.faulty_executor"), cwd=ROOT, env=ros_env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        drive_forward(robot, driver)
        sent = now_s(robot)
        driver.goal_pub.publish(String(data=FAULT))
        out = finish(proc)
        assert proc.returncode == 1 and "injected fault" in out, out[-3000:]
        assert stopped_after(robot, sent) >= sent  # how fast: README, measured figures


def test_a_start_up_failure_stops_a_moving_base(rclpy_context, ros_env):
    with running(rclpy_context, None) as (robot, driver, _):
        cmd_vel = driver.create_publisher(Twist, topics.CMD_VEL, RELIABLE)
        cmd_vel.publish(Twist(linear=type(Twist().linear)(x=0.2)))  # left moving by someone
        wait_for(lambda: robot.twists, what="the base moving")
        sent = now_s(robot)
        proc = subprocess.Popen(command(control_rate_hz=0.0), cwd=ROOT, env=ros_env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        out = finish(proc)
        assert proc.returncode != 0 and "control_rate_hz" in out, out[-3000:]
        stopped_after(robot, sent)


def test_rclpy_shutdown_stops_the_base(rclpy_context, domain_id):
    context = rclpy.context.Context()
    rclpy.init(context=context, domain_id=domain_id)
    overrides = [Parameter(name, value=value) for name, value in PARAMS.items()]
    with running(rclpy_context, None) as (robot, driver, _):
        node = ExecutorNode(context=context, parameter_overrides=overrides)
        spinner = SingleThreadedExecutor(context=context)
        spinner.add_node(node)

        def spin():
            try:
                spinner.spin()
            except ExternalShutdownException:
                pass

        thread = threading.Thread(target=spin, daemon=True)
        thread.start()
        drive_forward(robot, driver)
        sent = now_s(robot)
        context.shutdown()
        thread.join(timeout=10)
        assert stopped_after(robot, sent) >= sent  # how fast: README, measured figures
