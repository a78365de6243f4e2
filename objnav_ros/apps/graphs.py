"""The node-graph table: every graph's nodes, parameters, remappings and launch arguments.

Read by ``launch/<graph>.launch.py`` (ros2 launch) and by ``objnav-launch <graph>``.
"""

from __future__ import annotations

from objnav_ros.core.graph import Arg, GraphSpec, LaunchArg, NodeSpec, flag
from objnav_ros.core.paths import config_file

_SHARED = {arg.name: arg for arg in (
    LaunchArg("backend", "embedded",
              "Simulator backend: embedded (moderngl, CPU) or habitat (needs habitat_sim)."),
    LaunchArg("scene", "", "Scene file (.glb); empty = generate a house from 'seed'."),
    LaunchArg("episodes", "", "ObjectNav episode file (.json/.json.gz); empty = generate."),
    LaunchArg("seed", "0", "Seed of the generated house, episodes and random choices."),
    LaunchArg("action_preset", "habitat",
              "Action amounts: habitat (0.25 m / 30 deg) or seed (0.4 m / 15 deg, no STOP)."),
    LaunchArg("model_path", "", "Local Qwen2.5-VL model folder (policy:=vlm)."),
    LaunchArg("adapter_path", "", "LoRA adapter folder (peft); empty = base model only."),
    LaunchArg("mode", "score", "VLM decision mode: score (one forward) or generate (text)."),
    LaunchArg("device", "auto", "Torch device for the VLM: auto, cpu, cuda or cuda:N."),
    LaunchArg("dtype", "auto",
              "VLM dtype: auto (CUDA bf16, CPU fp32), bfloat16, float16 (Jetson Xavier: no "
              "bf16) or float32."),
    flag("load_in_4bit", False,
              "Load NF4 4-bit weights with bitsandbytes (small-memory Jetsons)."),
    LaunchArg("temperature", "0.0",
              "VLM decoding: 0 = argmax (greedy); > 0 samples the action distribution."),
    LaunchArg("output_dir", "bags", "Recorder: folder the bags are written to."),
    LaunchArg("storage", "mcap", "Recorder: bag storage, mcap or sqlite3."),
)}
WORLD = ("backend", "scene", "episodes", "seed")
VLM = ("model_path", "adapter_path", "mode", "device", "dtype", "load_in_4bit", "temperature")


def shared(*names: str) -> tuple[LaunchArg, ...]:
    """Launch arguments several graphs declare alike."""
    return tuple(_SHARED[name] for name in names)


def forward(*names: str) -> dict[str, Arg]:
    """Node parameters set from the launch arguments of the same names."""
    return {name: Arg(name) for name in names}


def params_file_arg(name: str, description: str) -> LaunchArg:
    return LaunchArg("params_file", str(config_file(name)), description)


MONITOR_ARG = flag("use_monitor", True,
                   "Start the monitor node (oscillation/stuck/collision).")
PARAMS_HELP = "Parameter YAML passed to every node (launch arguments override it)."

SIM_NAV = GraphSpec(
    name="sim_nav",
    description="Object navigation in simulation: sim bridge -> policy -> actions, + monitor.",
    arguments=(
        params_file_arg("sim_nav.yaml", PARAMS_HELP),
        *shared(*WORLD),
        flag("lock_step", True,
                  "true: one simulator step per action; false: free-run at rate_hz."),
        *shared("action_preset"),
        LaunchArg("policy", "frontier", "Policy: vlm, frontier, random or expert."),
        *shared(*VLM),
        MONITOR_ARG,
        flag("use_recorder", False, "Record the run as rosbag2 bags (recorder node)."),
        *shared("output_dir", "storage"),
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
            parameters=forward("policy", *VLM, "action_preset", "scene", "episodes", "seed"),
        ),
        NodeSpec(
            name="monitor",
            executable="monitor",
            module="objnav_ros.nodes.monitor_node",
            condition=Arg("use_monitor"),
            respawn=True,
        ),
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
        LaunchArg("camera_height_m", "0.0",
                  "Camera height above the floor (m); 0 = not known (policy frontier needs it)."),
        LaunchArg("odom_topic", "/odom", "Odometry of the base (nav_msgs/Odometry)."),
        LaunchArg("cmd_vel_topic", "/cmd_vel", "Velocity command of the base (Twist)."),
        LaunchArg("estop_topic", "/e_stop",
                  "E-stop (std_msgs/Bool, latched: True stops the base until False)."),
        LaunchArg("tilt_topic", "",
                  "Camera tilt command (std_msgs/Float64, rad); empty = LOOK_UP/DOWN ignored."),
        flag("use_depth", True,
                  "true: observations need a depth image with the colour image's stamp."),
        LaunchArg("goal", "", "Object category of the first episode; empty = wait for "
                              "objnav/goal (std_msgs/String, latched)."),
        *shared("action_preset"),
        LaunchArg("policy", "vlm", "Policy: vlm, frontier (depth explorer) or random."),
        *shared(*VLM),
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
        NodeSpec(
            name="monitor",
            executable="monitor",
            module="objnav_ros.nodes.monitor_node",
            remappings=(("odom", Arg("odom_topic")),),
            condition=Arg("use_monitor"),
            respawn=True,
        ),
    ),
)

COLLECT = GraphSpec(
    name="collect",
    description="Expert data collection, headless: recorder + sim bridge (lock-step, exits after "
                "n_episodes) + expert policy; one bag per episode.",
    arguments=(
        params_file_arg("sim_nav.yaml", PARAMS_HELP),
        *shared(*WORLD),
        LaunchArg("n_episodes", "10", "Episodes to run (generated episodes) before exiting."),
        LaunchArg("max_steps", "500", "Step limit of an episode."),
        LaunchArg("width", "640", "Image width (px)."),
        LaunchArg("height", "480", "Image height (px)."),
        *shared("action_preset"),
        LaunchArg("policy", "expert",
                  "Who drives: expert (shortest path), random, frontier or vlm."),
        *shared(*VLM),
        *shared("output_dir", "storage"),
        LaunchArg("split", "episode", "One bag per episode or one per session."),
        LaunchArg("bag_prefix", "", "Bag name prefix; empty = objnav_<start time>."),
        LaunchArg("status_file", "",
                  "Recorder progress/summary JSON (episodes done, drops, bags); empty = none."),
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
            parameters=forward("policy", "action_preset", "scene", "episodes", "seed", *VLM),
        ),
        NodeSpec(
            name="monitor",
            executable="monitor",
            module="objnav_ros.nodes.monitor_node",
            condition=Arg("use_monitor"),
        ),
    ),
)

GRAPHS: dict[str, GraphSpec] = {graph.name: graph for graph in (SIM_NAV, ROBOT_NAV, COLLECT)}
