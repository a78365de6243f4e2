"""The executor node, but its goal callback fails on the goal "explode" (exit-path tests)."""

from objnav_ros.nodes.executor_node import ExecutorNode
from objnav_ros.nodes.spin import run_node

FAULT = "explode"


class FaultyExecutor(ExecutorNode):
    def on_goal(self, msg) -> None:
        if msg.data == FAULT:
            raise RuntimeError("injected fault in a callback")
        super().on_goal(msg)


if __name__ == "__main__":
    raise SystemExit(run_node(FaultyExecutor))
