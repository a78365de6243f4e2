"""The node-graph table, and launch/*.launch.py built from it (launch_ros stand-in)."""

import importlib
import importlib.util
import sys
import types
from pathlib import Path

import pytest

from objnav_ros.core.graph import Arg, GraphSpec, LaunchArg, NodeSpec
from objnav_ros.graphs import GRAPHS

ROOT = Path(__file__).resolve().parents[1]


def console_scripts():
    entries = {}
    for line in (ROOT / "config" / "console_scripts.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, target = (part.strip() for part in line.split("="))
            entries[name] = target
    return entries


@pytest.mark.parametrize("graph", sorted(GRAPHS))
def test_every_node_has_an_executable_and_declares_the_table_parameters(graph):
    scripts = console_scripts()
    for node in GRAPHS[graph].nodes:
        assert scripts[node.executable] == f"{node.module}:main"
        module = importlib.import_module(node.module)
        declared = {spec.name for spec in module.PARAMETERS}
        assert set(node.parameters) <= declared, f"{node.name}: {set(node.parameters) - declared}"
    assert (ROOT / "launch" / f"{graph}.launch.py").exists()


def test_table_validation_and_resolution():
    args = (LaunchArg("params_file", "", "p"), LaunchArg("on", "true", "start b"),
            LaunchArg("topic", "/x", "remap target"))
    graph = GraphSpec("g", "d", args, (
        NodeSpec("a", "a", "m.a", parameters={"k": 1, "t": Arg("topic")}),
        NodeSpec("b", "b", "m.b", remappings=(("in", Arg("topic")),), condition=Arg("on")),
    ))
    nodes = graph.resolve({"topic": "/y"})
    assert [n.name for n in nodes] == ["a", "b"]
    assert nodes[0].parameters == {"k": 1, "t": "/y"} and nodes[1].remappings == (("in", "/y"),)
    assert [n.name for n in graph.resolve({"on": "false"})] == ["a"]
    with pytest.raises(ValueError, match="unknown launch argument 'nope'"):
        graph.resolve({"nope": "1"})
    with pytest.raises(ValueError, match="expected true or false"):
        graph.resolve({"on": "maybe"})
    with pytest.raises(ValueError, match="unknown launch argument 'missing' referenced"):
        GraphSpec("g", "d", args[:1], (NodeSpec("a", "a", "m", parameters={"x": Arg("missing")}),))
    with pytest.raises(ValueError, match="needs a description"):
        LaunchArg("x", "1", "")


# --- smallest honest stand-in for launch / launch_ros: records what the file builds ---
class _Recorded:
    def __init__(self, *args, **kwargs):
        self.args, self.kwargs = args, kwargs


class LaunchConfiguration:
    def __init__(self, name):
        self.name = name


class IfCondition:
    def __init__(self, predicate):
        self.predicate = predicate


def _stand_in_modules():
    mods = {name: types.ModuleType(name) for name in (
        "launch", "launch.actions", "launch.conditions", "launch.substitutions",
        "launch_ros", "launch_ros.actions")}
    mods["launch"].LaunchDescription = lambda entities: list(entities)
    mods["launch.actions"].DeclareLaunchArgument = type("DeclareLaunchArgument", (_Recorded,), {})
    mods["launch.actions"].Shutdown = type("Shutdown", (_Recorded,), {})
    mods["launch.conditions"].IfCondition = IfCondition
    mods["launch.substitutions"].LaunchConfiguration = LaunchConfiguration
    mods["launch_ros.actions"].Node = type("Node", (_Recorded,), {})
    return mods


def evaluate(value, values):
    if isinstance(value, LaunchConfiguration):
        return values[value.name]
    return value


@pytest.mark.parametrize("graph_name", sorted(GRAPHS))
def test_launch_file_builds_the_same_nodes_as_the_table(graph_name, monkeypatch):
    for name, module in _stand_in_modules().items():
        monkeypatch.setitem(sys.modules, name, module)
    spec = importlib.util.spec_from_file_location("lf", ROOT / "launch" / f"{graph_name}.launch.py")
    launch_file = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(launch_file)
    entities = launch_file.generate_launch_description()

    graph = GRAPHS[graph_name]
    declared = [e for e in entities if type(e).__name__ == "DeclareLaunchArgument"]
    assert [(d.args[0], d.kwargs["default_value"], d.kwargs["description"]) for d in declared] == [
        (a.name, a.default, a.description) for a in graph.arguments]

    # Evaluate the recorded launch description for some argument values, like ros2 launch.
    overrides = {"use_monitor": "false"} if "use_monitor" in graph.argument_values() else {}
    values = graph.argument_values(overrides)
    launched = []
    for node in (e for e in entities if type(e).__name__ == "Node"):
        condition = node.kwargs["condition"]
        if condition and evaluate(condition.predicate, values).lower() != "true":
            continue
        params_file, params = node.kwargs["parameters"]
        assert evaluate(params_file, values) == values[graph.params_file_arg]
        launched.append((
            node.kwargs["package"], node.kwargs["executable"], node.kwargs["name"],
            {k: evaluate(v, values) for k, v in params.items()},
            tuple((a, evaluate(b, values)) for a, b in node.kwargs["remappings"]),
            node.kwargs["respawn"], node.kwargs["on_exit"] is not None))
    expected = [("objnav_ros", n.executable, n.name, n.parameters, n.remappings, n.respawn,
                 n.required) for n in graph.resolve(overrides)]
    assert launched == expected
