"""Thin rclpy nodes: message conversion and wiring only, the logic lives in the core."""
