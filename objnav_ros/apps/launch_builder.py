"""Build a ros2 launch description from a node-graph table (used by launch/*.launch.py).

The arguments are declared with their descriptions and choices (``--show-args``, values
checked before any node starts); the nodes are resolved by ``GraphSpec.resolve``, the same
code as ``objnav-launch``, and every node's exit goes through ``core.graph.exit_outcome``:
a node that dies ends the graph with status 1, respawns wait and stop as in the table.
launch and launch_ros are imported here only, so nothing else in the package needs them.
"""

from __future__ import annotations

import functools

from objnav_ros.core.graph import PACKAGE, Exit, GraphSpec, ResolvedNode, exit_outcome


class NodeDied(RuntimeError):
    """Raised in launch's event loop: ros2 launch shuts the graph down and exits with 1."""


def launch_description(graph: GraphSpec):
    """``LaunchDescription``: one DeclareLaunchArgument per argument, then the nodes."""
    from launch.actions import DeclareLaunchArgument, OpaqueFunction

    from launch import LaunchDescription

    declared = [DeclareLaunchArgument(arg.name, default_value=arg.default,
                                      description=arg.description,
                                      choices=list(arg.choices) or None)
                for arg in graph.arguments]
    return LaunchDescription([*declared, OpaqueFunction(function=functools.partial(
        _nodes, graph=graph))])


def _nodes(context, graph: GraphSpec) -> list:
    from launch.substitutions import TextSubstitution
    from launch_ros.actions import Node

    def typed(value):  # text is read as YAML, as rcl reads ``-p name:=text``
        return TextSubstitution(text=value) if isinstance(value, str) else value

    values = {arg.name: context.launch_configurations[arg.name] for arg in graph.arguments}
    params_file = values[graph.params_file_arg]
    nodes = graph.resolve(values)
    return [
        Node(package=PACKAGE, executable=node.executable, name=node.name, output="screen",
             parameters=[*([params_file] if params_file else []),
                         {key: typed(value) for key, value in node.parameters.items()}],
             remappings=list(node.remappings), respawn=node.respawn,
             respawn_delay=node.respawn_delay_s, respawn_max_retries=node.max_respawns,
             on_exit=ExitHandler(node))
        for node in nodes
    ]


class ExitHandler:
    """``on_exit`` of one node: applies :func:`exit_outcome` to each of its exits."""

    def __init__(self, node: ResolvedNode) -> None:
        self.node = node
        self.deaths = 0

    def __call__(self, event, context):
        from launch.actions import Shutdown

        code = event.returncode
        self.deaths += code != 0
        outcome = exit_outcome(self.node, code, self.deaths, stopping=context.is_shutdown)
        if outcome is Exit.END:
            return Shutdown(reason=f"{self.node.name} finished")
        if outcome is Exit.FAIL:
            raise NodeDied(f"{self.node.name} died (exit code {code})")
        return None
