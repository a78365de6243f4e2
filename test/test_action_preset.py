"""``action_preset`` is declared once (``core.actions.ACTION_PRESET``).

Walked from the launch argument through the simulator bridge, the policy, the monitor, the
executor and training (CLI flags included): every use carries that one Setting, a value given
at the launch argument reaches each of them, and a changed default changes every one.
"""

import json
import subprocess
import sys

from objnav_ros.core.actions import PRESETS

USES = """
import argparse, dataclasses, importlib, json, sys

import objnav_ros.core.actions as actions

if sys.argv[1:] == ["patched"]:  # the declaration's default changed before anything uses it
    actions.ACTION_PRESET = dataclasses.replace(actions.ACTION_PRESET, default="seed")

from objnav_training import eval_cli, train_cli
from objnav_training.trainer_config import TrainConfig

from objnav_ros.apps import collect, mine
from objnav_ros.apps.graphs import GRAPHS
from objnav_ros.mining import MinerConfig

uses = {}
for graph in GRAPHS.values():
    uses[f"launch {graph.name}"] = {a.name: a for a in graph.arguments}["action_preset"]
for node in ("sim_bridge", "policy", "monitor", "executor", "teleop"):
    params = importlib.import_module(f"objnav_ros.nodes.{node}_node").PARAMETERS
    uses[f"node {node}"] = {p.name: p for p in params}["action_preset"]
uses["mine config"] = MinerConfig().action_preset
uses["train config"] = TrainConfig(model_path="m", out_dir="o").action_preset
flags = {"objnav-train": train_cli.build_parser(), "objnav-eval": eval_cli.build_parser(),
         "objnav-mine": mine.parse_args([])[0], "objnav-collect": collect.parse_args(["--out",
                                                                                    "x"])[0]}
for name, parser in flags.items():
    uses[name] = next(a for a in parser._actions if a.dest == "action_preset")


def described(use):  # a config's value, or a ParamSpec, flag or launch argument
    if isinstance(use, str):
        return {"default": use}
    declared = getattr(use, "declared", None) or use.spec.declared
    default = use.default
    if default == argparse.SUPPRESS:  # a flag passed on only when given: its help names it
        default = use.help.rsplit("(default: ", 1)[1].rstrip(")")
    return {"default": str(default), "declared": declared is actions.ACTION_PRESET}

print(json.dumps({name: described(use) for name, use in uses.items()}))
"""


def uses(*args: str) -> dict:
    done = subprocess.run([sys.executable, "-c", USES, *args], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def test_every_use_is_the_one_declaration_and_follows_its_default():
    for args, default in (((), "habitat"), (("patched",), "seed")):
        found = uses(*args)
        assert len(found) == 14
        for name, use in found.items():
            assert use["default"] == default, name
            assert use.get("declared", True), name


def test_a_value_reaches_simulator_policy_executor_and_training():
    from objnav_ros.apps.graphs import GRAPHS
    from objnav_ros.policy.parameters import PARAMETERS as POLICY
    from objnav_ros.policy.parameters import policy_settings
    from objnav_ros.robot.parameters import PARAMETERS as EXECUTOR
    from objnav_ros.robot.parameters import executor_config
    from objnav_ros.sim.bridge_parameters import PARAMETERS as BRIDGE
    from objnav_ros.sim.bridge_parameters import bridge_world
    from objnav_training.trainer_config import TrainConfig

    def given(specs, nodes, node):  # the node's defaults and the preset the graph gave it
        values = {spec.name: spec.default for spec in specs}
        return values | {"action_preset": nodes[node].parameters["action_preset"]}

    seed = PRESETS["seed"]
    sim_nav = {n.name: n for n in GRAPHS["sim_nav"].resolve({"action_preset": "seed"})}
    assert {n: sim_nav[n].parameters["action_preset"] for n in sim_nav} == {
        "sim_bridge": "seed", "policy": "seed", "monitor": "seed"}
    assert bridge_world(given(BRIDGE, sim_nav, "sim_bridge"))[0].action_space == seed
    assert policy_settings(given(POLICY, sim_nav, "policy")).actions == seed
    robot = {n.name: n for n in GRAPHS["robot_nav"].resolve({"action_preset": "seed"})}
    assert robot["monitor"].parameters["action_preset"] == "seed"
    assert executor_config(given(EXECUTOR, robot, "executor")).actions == seed
    assert TrainConfig(model_path="m", out_dir="o", action_preset="seed").action_space == seed
