"""``objnav-launch GRAPH key:=value``: start a node graph as processes, without ros2 launch.

Reads the same table as ``launch/*.launch.py``: each node runs as
``python -m <module> --ros-args -r __node:=<name> --params-file <yaml> -p k:=v -r a:=b``
under the loopback-only DDS environment. Ctrl-C (SIGINT) or SIGTERM is forwarded to every
node; what a node's exit does (respawn, end the graph with status 0 or 1) is
``core.graph.exit_outcome``, as under ``ros2 launch``. ``--respawn`` respawns every node.
"""

from __future__ import annotations

import argparse
import functools
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, replace

from objnav_ros.apps.graphs import GRAPHS
from objnav_ros.core.dds import loopback_env
from objnav_ros.core.graph import Exit, ResolvedNode, exit_outcome

GRACE_S = 10.0
POLL_S = 0.1


def node_command(node: ResolvedNode, params_file: str) -> list[str]:
    cmd = [sys.executable, "-m", node.module, "--ros-args", "-r", f"__node:={node.name}"]
    if params_file:
        cmd += ["--params-file", params_file]
    for key, value in node.parameters.items():
        text = str(value).lower() if isinstance(value, bool) else str(value)
        text = text or "''"  # rcl cannot parse an empty override; YAML '' is the empty string
        cmd += ["-p", f"{key}:={text}"]
    for src, dst in node.remappings:
        cmd += ["-r", f"{src}:={dst}"]
    return cmd


@dataclass
class Running:
    node: ResolvedNode
    command: list[str]
    process: subprocess.Popen
    deaths: int = 0


def parse_overrides(items: list[str]) -> dict[str, str]:
    overrides = {}
    for item in items:
        key, sep, value = item.partition(":=")
        if not sep or not key:
            raise SystemExit(f"objnav-launch: expected key:=value, got {item!r}")
        overrides[key] = value
    return overrides


class Launcher:
    """Start, watch and stop a resolved graph."""

    def __init__(self, nodes, params_file, env, log=None):
        self.nodes = nodes
        self.params_file = params_file
        self.env = env
        self.log = log or functools.partial(print, flush=True)
        self.running: list[Running] = []
        self.stop_requested = False

    def _spawn(self, node: ResolvedNode) -> subprocess.Popen:
        # Own session: the terminal's Ctrl-C reaches the launcher only, which forwards it.
        return subprocess.Popen(node_command(node, self.params_file), env=self.env,
                                start_new_session=True)

    def start(self) -> None:
        for node in self.nodes:
            proc = self._spawn(node)
            self.running.append(Running(node, node_command(node, self.params_file), proc))
            self.log(f"[objnav-launch] started {node.name} (pid {proc.pid})")

    def request_stop(self, *_args) -> None:
        self.stop_requested = True

    def watch(self) -> int:
        """Block until the graph ends; return the launcher's exit status."""
        while not self.stop_requested:
            for entry in list(self.running):
                code = entry.process.poll()
                if code is None:
                    continue
                status = self._on_exit(entry, code)
                if status is not None:
                    self.shutdown()
                    return status
            time.sleep(POLL_S)
        self.log("[objnav-launch] shutting down on request")
        return self.shutdown()

    def _on_exit(self, entry: Running, code: int) -> int | None:
        node = entry.node
        entry.deaths += code != 0
        outcome = exit_outcome(node, code, entry.deaths, stopping=False)
        if outcome is Exit.END:
            self.log(f"[objnav-launch] {node.name} finished; ending the graph")
            return 0
        if outcome is Exit.FINISHED:
            self.log(f"[objnav-launch] {node.name} finished")
            self.running.remove(entry)
            return None if self.running else 0
        self.log(f"[objnav-launch] {node.name} died (exit code {code})")
        if outcome is Exit.FAIL:
            return 1
        time.sleep(node.respawn_delay_s)
        entry.process = self._spawn(node)
        self.log(f"[objnav-launch] respawned {node.name} (pid {entry.process.pid}, "
                 f"{entry.deaths}/{node.max_respawns})")
        return None

    def shutdown(self) -> int:
        """SIGINT every live node, then SIGTERM / SIGKILL after the grace period."""
        live = [e for e in self.running if e.process.poll() is None]
        for entry in live:
            entry.process.send_signal(signal.SIGINT)
        deadline = time.monotonic() + GRACE_S
        for sig in (signal.SIGTERM, signal.SIGKILL):
            for entry in live:
                try:
                    entry.process.wait(timeout=max(0.0, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    self.log(f"[objnav-launch] {entry.node.name} ignored shutdown; "
                             f"sending {sig.name}")
                    entry.process.send_signal(sig)
            deadline = time.monotonic() + 2.0
        bad = [e.node.name for e in live
               if exit_outcome(e.node, e.process.wait(), e.deaths, stopping=True) is Exit.FAIL]
        if bad:
            self.log(f"[objnav-launch] unclean exit: {', '.join(bad)}")
        return 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="objnav-launch",
        description="Start an objnav_ros node graph (same table as launch/*.launch.py).",
    )
    parser.add_argument("graph", choices=sorted(GRAPHS), help="graph to start")
    parser.add_argument("arguments", nargs="*", help="launch arguments as key:=value")
    parser.add_argument("--respawn", action="store_true", help="respawn any node that dies")
    parser.add_argument("--max-respawns", type=int,
                        help="respawns of a node before the graph ends (default: the table's)")
    parser.add_argument("--list", action="store_true",
                        help="print the nodes and commands instead of starting them")
    parser.add_argument("--show-args", action="store_true",
                        help="print the graph's launch arguments with descriptions")
    args = parser.parse_args(argv)
    graph = GRAPHS[args.graph]
    if args.show_args:
        for arg in graph.arguments:
            choices = f"; one of {', '.join(arg.choices)}" if arg.choices else ""
            print(f"{arg.name} (default {arg.default!r}{choices}): {arg.description}")
        return 0
    try:
        overrides = parse_overrides(args.arguments)
        values = graph.argument_values(overrides)
        nodes = graph.resolve(overrides)
    except ValueError as exc:
        parser.exit(2, f"objnav-launch: {exc}\n")
    params_file = values[graph.params_file_arg]
    if params_file and not os.path.isfile(params_file):
        parser.exit(2, f"objnav-launch: params_file {params_file!r} does not exist\n")
    if args.list:
        for node in nodes:
            print(" ".join(node_command(node, params_file)))
        return 0
    if args.respawn:
        nodes = [replace(node, respawn=True) for node in nodes]
    if args.max_respawns is not None:
        nodes = [replace(node, max_respawns=args.max_respawns) for node in nodes]
    return run(nodes, params_file)


def run(nodes: list[ResolvedNode], params_file: str) -> int:
    """Start ``nodes`` under loopback DDS, forward SIGINT/SIGTERM, return the exit status."""
    launcher = Launcher(nodes, params_file, loopback_env())
    signal.signal(signal.SIGINT, launcher.request_stop)
    signal.signal(signal.SIGTERM, launcher.request_stop)
    launcher.start()
    return launcher.watch()

if __name__ == "__main__":
    sys.exit(main())
