"""A real rclpy node for launcher tests: publishes a counter, optionally dies."""

import sys

import rclpy
from rclpy.executors import ExternalShutdownException
from rclpy.node import Node
from std_msgs.msg import String


class TickerNode(Node):
    def __init__(self):
        super().__init__("ticker")
        self.die_after_s = self.declare_parameter("die_after_s", 0.0).value
        self.exit_code = self.declare_parameter("exit_code", 3).value
        self.pub = self.create_publisher(String, "ticker", 10)
        self.count = 0
        self.create_timer(0.1, self.tick)

    def tick(self):
        self.count += 1
        self.pub.publish(String(data=f"{self.get_name()} {self.count}"))
        if self.die_after_s and self.count * 0.1 >= self.die_after_s:
            raise SystemExit(self.exit_code)


def main():
    rclpy.init()
    node = TickerNode()
    try:
        rclpy.spin(node)
    except (KeyboardInterrupt, ExternalShutdownException):
        pass
    finally:
        node.destroy_node()
        rclpy.try_shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
