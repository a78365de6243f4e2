"""The node-graph table: every graph's nodes, parameters, remappings and launch arguments.

Read by ``launch/<graph>.launch.py`` (ros2 launch) and by ``objnav-launch <graph>``.
"""

from __future__ import annotations

from objnav_ros.core.graph import Arg, GraphSpec, LaunchArg, NodeSpec
from objnav_ros.core.paths import config_file

SIM_NAV = GraphSpec(
    name="sim_nav",
    description="Object navigation in simulation: sim bridge -> policy -> actions, + monitor.",
    arguments=(
        LaunchArg("params_file", str(config_file("sim_nav.yaml")),
                  "Parameter YAML passed to every node (launch arguments override it)."),
        LaunchArg("backend", "embedded",
                  "Simulator backend: embedded (moderngl, CPU) or habitat (needs habitat_sim)."),
        LaunchArg("scene", "", "Scene file (.glb); empty = generate a house from 'seed'."),
        LaunchArg("episodes", "", "ObjectNav episode file (.json/.json.gz); empty = generate."),
        LaunchArg("lock_step", "true",
                  "true: one simulator step per action; false: free-run at rate_hz."),
        LaunchArg("action_preset", "habitat",
                  "Action amounts: habitat (0.25 m / 30 deg) or seed (0.4 m / 15 deg, no STOP)."),
        LaunchArg("policy", "frontier", "Policy: vlm, frontier, random or expert."),
        LaunchArg("model_path", "", "Local Qwen2.5-VL model folder (policy:=vlm)."),
        LaunchArg("adapter_path", "", "LoRA adapter folder (peft); empty = base model only."),
        LaunchArg("mode", "score", "VLM decision mode: score (one forward) or generate (text)."),
        LaunchArg("device", "auto", "Torch device for the VLM: auto, cpu or cuda."),
        LaunchArg("dtype", "auto", "VLM dtype: auto (CUDA bf16, CPU fp32), float32, bfloat16."),
        LaunchArg("use_monitor", "true", "Start the monitor node (oscillation/stuck/collision)."),
    ),
    nodes=(
        NodeSpec(
            name="sim_bridge",
            executable="sim_bridge",
            module="objnav_ros.nodes.sim_bridge_node",
            parameters={
                "backend": Arg("backend"),
                "scene": Arg("scene"),
                "episodes": Arg("episodes"),
                "lock_step": Arg("lock_step"),
                "action_preset": Arg("action_preset"),
            },
        ),
        NodeSpec(
            name="policy",
            executable="policy",
            module="objnav_ros.nodes.policy_node",
            parameters={
                "policy": Arg("policy"),
                "model_path": Arg("model_path"),
                "adapter_path": Arg("adapter_path"),
                "mode": Arg("mode"),
                "device": Arg("device"),
                "dtype": Arg("dtype"),
                "action_preset": Arg("action_preset"),
            },
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

GRAPHS: dict[str, GraphSpec] = {graph.name: graph for graph in (SIM_NAV,)}
