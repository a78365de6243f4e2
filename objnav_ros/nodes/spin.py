"""The one ``main()`` of every node: init, build, spin, clean shutdown."""

from __future__ import annotations

import sys
from collections.abc import Callable

import rclpy
from rclpy.executors import ExternalShutdownException
from rclpy.node import Node


def run_node(make_node: Callable[[], Node], args=None) -> int:
    """Spin the node until Ctrl-C / shutdown; exit status 2 on a bad parameter.

    A node may end itself with ``raise SystemExit(code)`` from a callback.
    """
    rclpy.init(args=args)
    try:
        node = make_node()
    except ValueError as exc:
        print(f"{getattr(make_node, '__name__', 'node')}: {exc}", file=sys.stderr)
        rclpy.try_shutdown()
        return 2
    code = 0
    try:
        rclpy.spin(node)
    except (KeyboardInterrupt, ExternalShutdownException):
        pass
    except SystemExit as done:
        code = int(done.code or 0)
    finally:
        node.destroy_node()
        rclpy.try_shutdown()
    return code
