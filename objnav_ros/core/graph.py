"""Node-graph table types: one description read by launch files and the plain launcher.

A :class:`GraphSpec` lists launch arguments (with descriptions and choices) and nodes
(executable, parameters, remappings, condition, respawn). Values may refer to a launch
argument with :class:`Arg`; :meth:`GraphSpec.resolve` substitutes them, and
:func:`exit_outcome` says what a node's exit does to the graph, for both launchers
(``objnav-launch`` and ``ros2 launch`` via ``objnav_ros.apps.launch_builder``).
"""

from __future__ import annotations

import signal
from dataclasses import dataclass, field, replace
from enum import Enum

from objnav_ros.core.params import ParamSpec

PACKAGE = "objnav_ros"
RESPAWN_DELAY_S = 1.0
MAX_RESPAWNS = 3
# The words a boolean launch argument accepts, exactly (declared as its choices).
TRUE_WORDS = ("true", "True", "1", "yes", "on")
FALSE_WORDS = ("false", "False", "0", "no", "off")
BOOL_WORDS = TRUE_WORDS + FALSE_WORDS


@dataclass(frozen=True)
class Arg:
    """Reference to a launch argument by name."""

    name: str


Value = str | int | float | bool | Arg


@dataclass(frozen=True)
class LaunchArg:
    name: str
    default: str
    description: str
    choices: tuple[str, ...] = ()  # empty: any value
    # the node parameter this argument was made from (see :func:`argument`), if any
    spec: ParamSpec | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not self.description:
            raise ValueError(f"launch argument {self.name!r} needs a description")
        if self.choices and self.default not in self.choices:
            raise ValueError(f"launch argument {self.name!r}: default {self.default!r} "
                             f"is not one of {self.choices}")

    @property
    def is_flag(self) -> bool:
        return self.choices == BOOL_WORDS

    def check(self, value: str) -> str:
        if self.choices and value not in self.choices:
            raise ValueError(f"launch argument {self.name!r}: {value!r} is not one of "
                             f"{', '.join(self.choices)}")
        return value


def flag(name: str, default: bool, description: str) -> LaunchArg:
    """A boolean launch argument: one of :data:`BOOL_WORDS`."""
    return LaunchArg(name, "true" if default else "false", description, BOOL_WORDS)


def argument(spec: ParamSpec, default: str | int | float | bool | None = None,
             name: str = "") -> LaunchArg:
    """The launch argument for node parameter ``spec``: its default, description and choices.

    ``default``: the graph's own (e.g. ``policy`` is ``expert`` in ``collect``); ``name``: the
    argument's, where it differs from the parameter's.
    """
    value = spec.default if default is None else default
    problem = spec.check(value)
    if problem:
        raise ValueError(f"launch argument default: {problem}")
    name = name or spec.name
    if isinstance(value, bool):
        return replace(flag(name, value, spec.description), spec=spec)
    return LaunchArg(name, str(value), spec.description, tuple(spec.choices), spec)


@dataclass(frozen=True)
class NodeSpec:
    """One node: ``ros2 run objnav_ros <executable>`` == ``python -m <module>``."""

    name: str
    executable: str
    module: str
    parameters: dict[str, Value] = field(default_factory=dict)
    remappings: tuple[tuple[str, Value], ...] = ()
    condition: Arg | None = None  # a flag() launch argument
    respawn: bool = False
    respawn_delay_s: float = RESPAWN_DELAY_S
    max_respawns: int = MAX_RESPAWNS
    # A node that finishes by design (exit 0) ends the whole graph when required.
    required: bool = False


@dataclass(frozen=True)
class ResolvedNode:
    name: str
    executable: str
    module: str
    parameters: dict[str, str | int | float | bool]
    remappings: tuple[tuple[str, str], ...]
    respawn: bool
    respawn_delay_s: float
    max_respawns: int
    required: bool


class Exit(Enum):
    """What a node's exit does to its graph."""

    FINISHED = "finished"  # the node is done; the graph goes on
    RESPAWN = "respawn"
    END = "end"  # the graph ends, status 0
    FAIL = "fail"  # the graph ends, status 1


def exit_outcome(node: ResolvedNode, code: int, deaths: int, stopping: bool) -> Exit:
    """The outcome of ``node`` exiting with ``code``.

    ``deaths``: the node's non-zero exits so far, this one included; ``stopping``: the graph
    is shutting down, where SIGINT (-2) is a clean end and any other failure an unclean one.
    """
    if stopping:
        return Exit.FINISHED if code in (0, -signal.SIGINT) else Exit.FAIL
    if code == 0:
        return Exit.END if node.required else Exit.FINISHED
    if node.respawn and deaths <= node.max_respawns:
        return Exit.RESPAWN
    return Exit.FAIL


def as_bool(text: str, what: str) -> bool:
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ValueError(f"{what}: expected one of {', '.join(BOOL_WORDS)}, got {text!r}")


@dataclass(frozen=True)
class GraphSpec:
    name: str
    description: str
    arguments: tuple[LaunchArg, ...]
    nodes: tuple[NodeSpec, ...]
    # launch argument holding the parameter YAML passed to every node
    params_file_arg: str = "params_file"

    def __post_init__(self) -> None:
        names = [a.name for a in self.arguments]
        if len(set(names)) != len(names):
            raise ValueError(f"graph {self.name}: duplicate launch arguments in {names}")
        if self.params_file_arg not in names:
            raise ValueError(f"graph {self.name}: missing launch argument {self.params_file_arg!r}")
        node_names = [n.name for n in self.nodes]
        if len(set(node_names)) != len(node_names):
            raise ValueError(f"graph {self.name}: duplicate node names in {node_names}")
        for ref in self.references():
            if ref not in names:
                raise ValueError(f"graph {self.name}: unknown launch argument {ref!r} referenced")
        flags = {a.name for a in self.arguments if a.is_flag}
        for node in self.nodes:
            if node.condition is not None and node.condition.name not in flags:
                raise ValueError(f"graph {self.name}: condition {node.condition.name!r} of "
                                 f"{node.name} is not a flag() launch argument")

    def references(self) -> set[str]:
        """Names of launch arguments used by nodes."""
        refs = set()
        for node in self.nodes:
            values = list(node.parameters.values()) + [to for _, to in node.remappings]
            values.append(node.condition)
            refs.update(v.name for v in values if isinstance(v, Arg))
        return refs

    def argument_values(self, overrides: dict[str, str] | None = None) -> dict[str, str]:
        """Defaults updated with ``overrides``; unknown names and values raise ValueError."""
        args = {a.name: a for a in self.arguments}
        values = {a.name: a.default for a in self.arguments}
        for key, value in (overrides or {}).items():
            if key not in values:
                raise ValueError(
                    f"graph {self.name}: unknown launch argument {key!r}; "
                    f"expected one of {sorted(values)}"
                )
            values[key] = args[key].check(str(value))
        return values

    def resolve(self, overrides: dict[str, str] | None = None) -> list[ResolvedNode]:
        """The nodes to start for these argument values (conditions applied)."""
        values = self.argument_values(overrides)
        flags = {a.name for a in self.arguments if a.is_flag}

        def sub(value: Value):
            if not isinstance(value, Arg):
                return value
            text = values[value.name]
            return as_bool(text, value.name) if value.name in flags else text

        nodes = []
        for node in self.nodes:
            if node.condition is not None and not sub(node.condition):
                continue
            nodes.append(
                ResolvedNode(
                    name=node.name,
                    executable=node.executable,
                    module=node.module,
                    parameters={k: sub(v) for k, v in node.parameters.items()},
                    remappings=tuple((src, sub(dst)) for src, dst in node.remappings),
                    respawn=node.respawn,
                    respawn_delay_s=node.respawn_delay_s,
                    max_respawns=node.max_respawns,
                    required=node.required,
                )
            )
        return nodes
