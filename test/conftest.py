"""Test harness: loopback-only DDS and a ROS domain of its own per test.

Every test that touches ROS uses the ``ros_env`` fixture (environment for child
processes) or ``rclpy_context`` (an in-process context on that domain). Domains are claimed
from :class:`test.domains.DomainPool`: none that another test run holds or where a DDS
participant is running, so concurrent runs and graphs on one machine do not meet.
"""

from __future__ import annotations

import os
import signal

import pytest

from objnav_ros.core.dds import apply_loopback, loopback_env
from test.domains import DomainPool

POOL = DomainPool(start=os.getpid())

# A run started in the background (CI, `cmd &`) inherits SIGINT ignored, and so would every
# process a test starts: Ctrl-C tests need it delivered, as from a terminal.
signal.signal(signal.SIGINT, signal.default_int_handler)

apply_loopback(domain_id=POOL.claim())  # this process's own, held for the whole run


@pytest.fixture
def domain_id():
    domain = POOL.claim()
    yield domain
    POOL.release(domain)


@pytest.fixture
def ros_env(domain_id) -> dict:
    """Environment for ROS child processes of this test (loopback, own domain)."""
    return loopback_env(domain_id)


@pytest.fixture
def rclpy_context(domain_id):
    """An initialised rclpy Context on this test's domain, shut down afterwards."""
    import rclpy
    context = rclpy.context.Context()
    rclpy.init(context=context, domain_id=domain_id)
    yield context
    context.try_shutdown()
