"""Test harness: loopback-only DDS and a distinct ROS_DOMAIN_ID per test.

Every test that touches ROS uses the ``ros_env`` fixture (environment for child
processes) or ``rclpy_context`` (an in-process context on that domain). Domain ids are
derived from the pytest process id so that concurrent runs on one machine do not meet.
"""

from __future__ import annotations

import itertools
import os

import pytest

from objnav_ros.core.dds import apply_loopback, loopback_env

# Fast DDS's port mapping allows domain ids 0..232; stay well inside 1..100.
_BASE = (os.getpid() * 7) % 50
_COUNTER = itertools.count()

apply_loopback(domain_id=_BASE + 1)


def next_domain_id() -> int:
    return 1 + (_BASE + next(_COUNTER)) % 100


@pytest.fixture
def domain_id() -> int:
    return next_domain_id()


@pytest.fixture
def ros_env(domain_id) -> dict:
    """Environment for ROS child processes of this test (loopback, own domain)."""
    return loopback_env(domain_id)


@pytest.fixture
def rclpy_context(domain_id):
    """An initialised rclpy Context on this test's domain, shut down afterwards."""
    rclpy = pytest.importorskip("rclpy")
    context = rclpy.context.Context()
    rclpy.init(context=context, domain_id=domain_id)
    yield context
    context.try_shutdown()
