"""launch/*.launch.py with the real launch code: declared arguments, boolean words, nodes."""

from __future__ import annotations

import re
import subprocess

import pytest

from objnav_ros.apps.graphs import GRAPHS
from objnav_ros.apps.launcher import main as objnav_launch
from objnav_ros.core.graph import BOOL_WORDS

SHOW_ARGS = re.compile(r"^    '(\w+)':\n        (.*)\n        \(default: '(.*)'\)$", re.MULTILINE)
REJECTED = ("maybe", "TRUE", "Off", "2", "")


def declared(arg) -> str:
    """The description ros2 launch shows for a table argument (choices appended)."""
    if not arg.choices:
        return arg.description
    stop = "" if arg.description.endswith(".") else "."
    return f"{arg.description}{stop} Valid choices are: {list(arg.choices)}"


@pytest.mark.parametrize("graph", sorted(GRAPHS))
def test_show_args_lists_the_table(graph, ros2_env):
    out = subprocess.run(["ros2", "launch", "objnav_ros", f"{graph}.launch.py", "--show-args"],
                         env=ros2_env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr[-3000:]
    shown = SHOW_ARGS.findall(out.stdout)
    table = GRAPHS[graph].arguments
    # params_file defaults to the install's config, the table to the source's
    assert [(n, d) for n, d, _ in shown] == [(a.name, declared(a)) for a in table]
    assert [v for n, _, v in shown if n != "params_file"] == [
        a.default for a in table if a.name != "params_file"]


def started(graph, **arguments) -> list[str]:
    """Executables ros2 launch would start: the launch file run in a LaunchContext."""
    from launch import LaunchContext
    from objnav_ros.apps.launch_builder import launch_description

    context = LaunchContext()
    context.launch_configurations.update(arguments)
    nodes = []
    for entity in launch_description(GRAPHS[graph]).entities:
        nodes += entity.visit(context) or []
    return [node.node_executable for node in nodes]


@pytest.mark.parametrize("word", BOOL_WORDS)
def test_both_launchers_accept_each_boolean_word_alike(word, ros2_install, capsys):
    expected = [n.executable for n in GRAPHS["sim_nav"].resolve({"use_monitor": word})]
    assert ("monitor" in expected) == (BOOL_WORDS.index(word) < 5)
    assert started("sim_nav", use_monitor=word, lock_step=word) == expected
    assert objnav_launch(["sim_nav", f"use_monitor:={word}", f"lock_step:={word}", "--list"]) == 0
    listed = capsys.readouterr().out
    assert f"lock_step:={str(BOOL_WORDS.index(word) < 5).lower()}" in listed


@pytest.mark.parametrize("word", REJECTED)
def test_both_launchers_reject_the_same_words(word, ros2_install):
    with pytest.raises(RuntimeError, match="not valid"):
        started("sim_nav", use_monitor=word)
    with pytest.raises(SystemExit) as plain:
        objnav_launch(["sim_nav", f"use_monitor:={word}", "--list"])
    assert plain.value.code == 2


def test_ros2_launch_rejects_a_word_before_any_node_starts(ros2_env):
    out = subprocess.run(["ros2", "launch", "objnav_ros", "sim_nav.launch.py",
                          "use_monitor:=maybe"], env=ros2_env, stdin=subprocess.DEVNULL,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode != 0
    assert "use_monitor" in out.stdout + out.stderr
    assert "process started" not in out.stdout + out.stderr
