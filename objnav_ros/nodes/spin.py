"""The one ``main()`` of every node: init, build, spin, clean shutdown.

Ctrl-C and SIGTERM raise KeyboardInterrupt in the spin loop instead of shutting the context
down under the node (rclpy's own handlers would), so ``destroy_node`` runs with the context
alive on every exit path and can still publish (the executor stops the base there). Once
clean-up starts, a repeated Ctrl-C is ignored (``ros2 launch`` forwards SIGINT on top of the
terminal's when not interactive) and SIGTERM ends the process at once.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable

import rclpy
from rclpy.executors import ExternalShutdownException, SingleThreadedExecutor
from rclpy.node import Node
from rclpy.signals import SignalHandlerOptions

WAKE_S = 0.1  # the spin loop returns to Python at least this often to handle a signal


def run_node(make_node: Callable[[], Node], args=None) -> int:
    """Spin the node until Ctrl-C / shutdown; exit status 2 on a bad parameter.

    A node may end itself with ``raise SystemExit(code)`` from a callback.
    """
    rclpy.init(args=args, signal_handler_options=SignalHandlerOptions.NO)
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _interrupt)
    try:
        node = make_node()
    except ValueError as exc:
        print(f"{getattr(make_node, '__name__', 'node')}: {exc}", file=sys.stderr)
        rclpy.try_shutdown()
        return 2
    except KeyboardInterrupt:  # stopped while starting up
        rclpy.try_shutdown()
        return 0
    code = 0
    try:
        spin(node)
    except (KeyboardInterrupt, ExternalShutdownException):
        pass
    except SystemExit as done:
        code = int(done.code or 0)
    finally:
        _cleaning_up()
        node.destroy_node()
        rclpy.try_shutdown()
    return code


def _cleaning_up() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _interrupt(signum, frame) -> None:
    """The first SIGINT / SIGTERM: stop spinning; later ones do not interrupt the clean-up."""
    _cleaning_up()
    raise KeyboardInterrupt


def spin(node: Node) -> None:
    """Spin until the context shuts down, waking every WAKE_S for Python signal handlers."""
    executor = SingleThreadedExecutor(context=node.context)
    executor.add_node(node)
    while node.context.ok():
        executor.spin_once(timeout_sec=WAKE_S)
