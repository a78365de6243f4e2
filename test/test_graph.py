"""The node-graph table: validation, resolution, boolean words and what a node's exit does.

launch/*.launch.py with the real launch code: test/ros2.
"""

import importlib
import signal
from pathlib import Path

import pytest

from objnav_ros.apps.graphs import GRAPHS
from objnav_ros.core.graph import (
    BOOL_WORDS,
    Arg,
    Exit,
    GraphSpec,
    LaunchArg,
    NodeSpec,
    exit_outcome,
    flag,
)

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


@pytest.mark.parametrize("graph", sorted(GRAPHS))
def test_launch_arguments_are_made_from_the_parameters_they_set(graph):
    """Default, description and choices of an argument come from the declaration of every
    node parameter it sets, so they cannot disagree."""
    args = {arg.name: arg for arg in GRAPHS[graph].arguments}
    for node in GRAPHS[graph].nodes:
        specs = {spec.name: spec for spec in importlib.import_module(node.module).PARAMETERS}
        for name, value in node.parameters.items():
            if isinstance(value, Arg):
                arg, spec = args[value.name], specs[name]
                assert arg.spec is not None, f"{graph}: {arg.name} is typed by hand"
                assert (arg.spec.declared or arg.spec) is (spec.declared or spec), (
                    f"{graph}: {arg.name} -> {node.name}.{name}")


def test_table_validation_and_resolution():
    args = (LaunchArg("params_file", "", "p"), flag("on", True, "start b"),
            LaunchArg("topic", "/x", "remap target"))
    graph = GraphSpec("g", "d", args, (
        NodeSpec("a", "a", "m.a", parameters={"k": 1, "t": Arg("topic"), "f": Arg("on")}),
        NodeSpec("b", "b", "m.b", remappings=(("in", Arg("topic")),), condition=Arg("on")),
    ))
    nodes = graph.resolve({"topic": "/y"})
    assert [n.name for n in nodes] == ["a", "b"]
    assert nodes[0].parameters == {"k": 1, "t": "/y", "f": True}
    assert nodes[1].remappings == (("in", "/y"),)
    for word in BOOL_WORDS:  # exactly these words, read alike as condition and parameter
        on = word in ("true", "True", "1", "yes", "on")
        resolved = graph.resolve({"on": word})
        assert [n.name for n in resolved] == (["a", "b"] if on else ["a"])
        assert resolved[0].parameters["f"] is on
    with pytest.raises(ValueError, match="unknown launch argument 'nope'"):
        graph.resolve({"nope": "1"})
    for word in ("maybe", "TRUE", " on", ""):
        with pytest.raises(ValueError, match="is not one of"):
            graph.resolve({"on": word})
    with pytest.raises(ValueError, match="is not a flag"):
        GraphSpec("g", "d", args, (NodeSpec("a", "a", "m", condition=Arg("topic")),))
    with pytest.raises(ValueError, match="is not one of"):
        LaunchArg("x", "maybe", "d", BOOL_WORDS)
    with pytest.raises(ValueError, match="unknown launch argument 'missing' referenced"):
        GraphSpec("g", "d", args[:1], (NodeSpec("a", "a", "m", parameters={"x": Arg("missing")}),))
    with pytest.raises(ValueError, match="needs a description"):
        LaunchArg("x", "1", "")


def test_exit_outcome_is_one_rule_for_both_launchers():
    args = (LaunchArg("params_file", "", "p"),)
    graph = GraphSpec("g", "d", args, (
        NodeSpec("plain", "p", "m"), NodeSpec("bridge", "b", "m", required=True),
        NodeSpec("monitor", "m", "m", respawn=True, max_respawns=2)))
    plain, bridge, monitor = graph.resolve()
    assert exit_outcome(plain, 0, 0, stopping=False) is Exit.FINISHED
    assert exit_outcome(bridge, 0, 0, stopping=False) is Exit.END
    assert exit_outcome(plain, 1, 1, stopping=False) is Exit.FAIL
    assert exit_outcome(bridge, 3, 1, stopping=False) is Exit.FAIL
    assert [exit_outcome(monitor, -9, n, stopping=False) for n in (1, 2, 3)] == [
        Exit.RESPAWN, Exit.RESPAWN, Exit.FAIL]
    # while the graph shuts down, only SIGINT and 0 are clean ends
    assert exit_outcome(plain, -signal.SIGINT, 1, stopping=True) is Exit.FINISHED
    assert exit_outcome(monitor, -signal.SIGTERM, 1, stopping=True) is Exit.FAIL
