"""Node-graph table types: one description read by launch files and the plain launcher.

A :class:`GraphSpec` lists launch arguments (with descriptions) and nodes (executable,
parameters, remappings, condition, respawn). Values may refer to a launch argument with
:class:`Arg`; :meth:`GraphSpec.resolve` substitutes them for the plain-Python launcher,
and ``objnav_ros.launch_builder`` turns them into ``LaunchConfiguration`` for ros2 launch.
"""

from __future__ import annotations

from dataclasses import dataclass, field

PACKAGE = "objnav_ros"


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

    def __post_init__(self) -> None:
        if not self.description:
            raise ValueError(f"launch argument {self.name!r} needs a description")


@dataclass(frozen=True)
class NodeSpec:
    """One node: ``ros2 run objnav_ros <executable>`` == ``python -m <module>``."""

    name: str
    executable: str
    module: str
    parameters: dict[str, Value] = field(default_factory=dict)
    remappings: tuple[tuple[str, Value], ...] = ()
    condition: Arg | None = None  # launch argument holding true/false
    respawn: bool = False
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
    required: bool


TRUE_WORDS = ("true", "1", "yes", "on")
FALSE_WORDS = ("false", "0", "no", "off")


def as_bool(text: str, what: str) -> bool:
    low = str(text).strip().lower()
    if low in TRUE_WORDS:
        return True
    if low in FALSE_WORDS:
        return False
    raise ValueError(f"{what}: expected true or false, got {text!r}")


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

    def references(self) -> set[str]:
        """Names of launch arguments used by nodes."""
        refs = set()
        for node in self.nodes:
            values = list(node.parameters.values()) + [to for _, to in node.remappings]
            values.append(node.condition)
            refs.update(v.name for v in values if isinstance(v, Arg))
        return refs

    def argument_values(self, overrides: dict[str, str] | None = None) -> dict[str, str]:
        """Defaults updated with ``overrides``; unknown names raise ValueError."""
        values = {a.name: a.default for a in self.arguments}
        for key, value in (overrides or {}).items():
            if key not in values:
                raise ValueError(
                    f"graph {self.name}: unknown launch argument {key!r}; "
                    f"expected one of {sorted(values)}"
                )
            values[key] = str(value)
        return values

    def resolve(self, overrides: dict[str, str] | None = None) -> list[ResolvedNode]:
        """The nodes to start for these argument values (conditions applied)."""
        values = self.argument_values(overrides)

        def sub(value: Value):
            return values[value.name] if isinstance(value, Arg) else value

        nodes = []
        for node in self.nodes:
            if node.condition is not None and not as_bool(
                values[node.condition.name], f"launch argument {node.condition.name}"
            ):
                continue
            nodes.append(
                ResolvedNode(
                    name=node.name,
                    executable=node.executable,
                    module=node.module,
                    parameters={k: sub(v) for k, v in node.parameters.items()},
                    remappings=tuple((src, sub(dst)) for src, dst in node.remappings),
                    respawn=node.respawn,
                    required=node.required,
                )
            )
        return nodes
