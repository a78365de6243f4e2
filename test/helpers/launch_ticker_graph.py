"""Run objnav_ros.apps.launcher on a two-ticker graph (argv: launch arguments key:=value)."""

import sys
from dataclasses import replace

from objnav_ros.apps.launcher import parse_overrides, run
from objnav_ros.core.graph import Arg, GraphSpec, LaunchArg, NodeSpec

GRAPH = GraphSpec(
    name="tickers",
    description="two ticker nodes",
    arguments=(
        LaunchArg("params_file", "", "no parameter file"),
        LaunchArg("die_after_s", "0.0", "seconds until ticker_b exits"),
    ),
    nodes=(
        NodeSpec("ticker_a", "ticker", "test.helpers.ticker_node"),
        NodeSpec("ticker_b", "ticker", "test.helpers.ticker_node",
                 parameters={"die_after_s": Arg("die_after_s")}, respawn_delay_s=0.2,
                 max_respawns=2),
    ),
)

if __name__ == "__main__":
    respawn = "--respawn" in sys.argv
    overrides = parse_overrides([a for a in sys.argv[1:] if a != "--respawn"])
    nodes = [replace(node, respawn=respawn) for node in GRAPH.resolve(overrides)]
    sys.exit(run(nodes, ""))
