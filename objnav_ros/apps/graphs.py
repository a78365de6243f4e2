"""The node-graph table: every graph's nodes, parameters, remappings and launch arguments.

Read by ``launch/<graph>.launch.py`` (ros2 launch) and by ``objnav-launch <graph>``.
"""

from __future__ import annotations

from objnav_ros.bags.recorder_parameters import PARAMETERS as RECORDER
from objnav_ros.core.graph import Arg, GraphSpec, LaunchArg, NodeSpec, argument, flag
from objnav_ros.core.params import ParamSpec
from objnav_ros.core.paths import config_file
from objnav_ros.policy.parameters import PARAMETERS as POLICY
from objnav_ros.robot.parameters import PARAMETERS as EXECUTOR
from objnav_ros.sim.bridge_parameters import PARAMETERS as BRIDGE

WORLD = ("backend", "scene", "episode_file", "seed")
VLM = ("model_path", "adapter_path", "mode", "device", "dtype", "load_in_4bit", "temperature",
       "min_pixels", "max_pixels")


def arguments(parameters: list[ParamSpec], *names: str) -> tuple[LaunchArg, ...]:
    """Launch arguments for the node parameters ``names``, made from their declarations."""
    by_name = {spec.name: spec for spec in parameters}
    return tuple(argument(by_name[name]) for name in names)


def parameter(parameters: list[ParamSpec], name: str) -> ParamSpec:
    return next(spec for spec in parameters if spec.name == name)


def forward(*names: str) -> dict[str, Arg]:
    """Node parameters set from the launch arguments of the same names."""
    return {name: Arg(name) for name in names}


def params_file_arg(name: str, description: str) -> LaunchArg:
    return LaunchArg("params_file", str(config_file(name)), description)


def monitor(**options) -> NodeSpec:
    """The monitor node (if ``use_monitor``), on the graph's action preset."""
    return NodeSpec(name="monitor", executable="monitor", module="objnav_ros.nodes.monitor_node",
                    parameters=forward("action_preset"), condition=Arg("use_monitor"), **options)


MONITOR_ARG = flag("use_monitor", True,
                   "Start the monitor node (oscillation/stuck/collision).")
PARAMS_HELP = "Parameter YAML passed to every node (launch arguments override it)."

SIM_NAV = GraphSpec(
    name="sim_nav",
    description="Object navigation in simulation: sim bridge -> policy -> actions, + monitor.",
    arguments=(
        params_file_arg("sim_nav.yaml", PARAMS_HELP),
        *arguments(BRIDGE, *WORLD, "lock_step", "action_preset"),
        *arguments(POLICY, "policy", *VLM),
        MONITOR_ARG,
        flag("use_recorder", False, "Record the run as rosbag2 bags (recorder node)."),
        *arguments(RECORDER, "output_dir", "storage"),
    ),
    nodes=(
        NodeSpec(
            name="recorder",
            executable="recorder",
            module="objnav_ros.nodes.recorder_node",
            parameters=forward("output_dir", "storage"),
            condition=Arg("use_recorder"),
        ),
        NodeSpec(
            name="sim_bridge",
            executable="sim_bridge",
            module="objnav_ros.nodes.sim_bridge_node",
            parameters=forward(*WORLD, "lock_step", "action_preset"),
        ),
        NodeSpec(
            name="policy",
            executable="policy",
            module="objnav_ros.nodes.policy_node",
            # the expert plans on the same world as the bridge
            parameters=forward("policy", *VLM, "action_preset", "scene", "episode_file", "seed"),
        ),
        monitor(respawn=True),
    ),
)

ROBOT_NAV = GraphSpec(
    name="robot_nav",
    description="Object navigation on a real robot: camera driver + base; policy -> executor "
                "-> cmd_vel, + monitor.",
    arguments=(
        params_file_arg("robot_nav.yaml", "Parameter YAML passed to every node (limits, "
                                          "timeouts; launch arguments override it)."),
        LaunchArg("rgb_topic", "/camera/color/image_raw",
                  "Colour image topic of the camera driver (rgb8/bgr8)."),
        LaunchArg("depth_topic", "/camera/aligned_depth_to_color/image_raw",
                  "Depth image aligned to colour, same stamps (16UC1 mm or 32FC1 m)."),
        LaunchArg("camera_info_topic", "/camera/color/camera_info",
                  "CameraInfo of the colour image (the run contract's camera model)."),
        *arguments(EXECUTOR, "camera_height_m"),
        LaunchArg("odom_topic", "/odom", "Odometry of the base (nav_msgs/Odometry)."),
        LaunchArg("cmd_vel_topic", "/cmd_vel", "Velocity command of the base (Twist)."),
        LaunchArg("estop_topic", "/e_stop",
                  "E-stop (std_msgs/Bool, latched: True stops the base until False)."),
        *arguments(EXECUTOR, "tilt_topic"),
        argument(parameter(EXECUTOR, "require_depth"), name="use_depth"),
        *arguments(EXECUTOR, "goal", "action_preset"),
        argument(parameter(POLICY, "policy"), "vlm"),
        *arguments(POLICY, *VLM),
        MONITOR_ARG,
    ),
    nodes=(
        NodeSpec(
            name="policy",
            executable="policy",
            module="objnav_ros.nodes.policy_node",
            parameters={
                **forward("policy", *VLM, "action_preset"),
                "use_semantic": False,  # no semantic camera on a robot
            },
            remappings=(
                ("camera/rgb/image_raw", Arg("rgb_topic")),
                ("camera/depth/image_raw", Arg("depth_topic")),
                ("odom", Arg("odom_topic")),
            ),
        ),
        NodeSpec(
            name="executor",
            executable="executor",
            module="objnav_ros.nodes.executor_node",
            parameters={
                **forward("goal", "action_preset", "tilt_topic", "camera_height_m"),
                "require_depth": Arg("use_depth"),
            },
            remappings=(
                ("camera/rgb/image_raw", Arg("rgb_topic")),
                ("camera/depth/image_raw", Arg("depth_topic")),
                ("camera/rgb/camera_info", Arg("camera_info_topic")),
                ("odom", Arg("odom_topic")),
                ("cmd_vel", Arg("cmd_vel_topic")),
                ("e_stop", Arg("estop_topic")),
            ),
        ),
        monitor(remappings=(("odom", Arg("odom_topic")),), respawn=True),
    ),
)

COLLECT = GraphSpec(
    name="collect",
    description="Expert data collection, headless: recorder + sim bridge (lock-step, exits after "
                "n_episodes) + expert policy; one bag per episode.",
    arguments=(
        params_file_arg("sim_nav.yaml", PARAMS_HELP),
        *arguments(BRIDGE, *WORLD, "n_episodes", "max_steps", "width", "height",
                   "action_preset"),
        argument(parameter(POLICY, "policy"), "expert"),
        *arguments(POLICY, *VLM),
        *arguments(RECORDER, "output_dir", "storage", "split", "bag_prefix", "status_file"),
        flag("use_monitor", False, "Also run the monitor (its events are recorded)."),
    ),
    nodes=(
        NodeSpec(
            name="recorder",
            executable="recorder",
            module="objnav_ros.nodes.recorder_node",
            parameters=forward("output_dir", "storage", "split", "bag_prefix", "status_file"),
        ),
        NodeSpec(
            name="sim_bridge",
            executable="sim_bridge",
            module="objnav_ros.nodes.sim_bridge_node",
            parameters={
                **forward(*WORLD, "n_episodes", "max_steps", "width", "height", "action_preset"),
                "lock_step": True,
                "auto_next_episode": True,
                "exit_when_done": True,
                "start_after_subscribers": 2,  # recorder and policy
            },
            required=True,
        ),
        NodeSpec(
            name="policy",
            executable="policy",
            module="objnav_ros.nodes.policy_node",
            parameters=forward("policy", "action_preset", "scene", "episode_file", "seed", *VLM),
        ),
        monitor(),
    ),
)

GRAPHS: dict[str, GraphSpec] = {graph.name: graph for graph in (SIM_NAV, ROBOT_NAV, COLLECT)}
