"""Build a ros2 launch description from a node-graph table (used by launch/*.launch.py).

launch and launch_ros are imported here only, so nothing else in the package needs them.
"""

from __future__ import annotations

from objnav_ros.core.graph import PACKAGE, Arg, GraphSpec


def launch_description(graph: GraphSpec):
    """``LaunchDescription`` with one DeclareLaunchArgument per argument and one Node each."""
    from launch.actions import DeclareLaunchArgument, Shutdown
    from launch.conditions import IfCondition
    from launch.substitutions import LaunchConfiguration
    from launch_ros.actions import Node

    from launch import LaunchDescription

    def sub(value):
        return LaunchConfiguration(value.name) if isinstance(value, Arg) else value

    entities = [
        DeclareLaunchArgument(arg.name, default_value=arg.default, description=arg.description)
        for arg in graph.arguments
    ]
    for spec in graph.nodes:
        entities.append(
            Node(
                package=PACKAGE,
                executable=spec.executable,
                name=spec.name,
                output="screen",
                parameters=[
                    LaunchConfiguration(graph.params_file_arg),
                    {key: sub(value) for key, value in spec.parameters.items()},
                ],
                remappings=[(src, sub(dst)) for src, dst in spec.remappings],
                respawn=spec.respawn,
                condition=IfCondition(sub(spec.condition)) if spec.condition else None,
                # a required node finishing (e.g. the bridge after its last episode) ends all
                on_exit=Shutdown() if spec.required else None,
            )
        )
    return LaunchDescription(entities)
