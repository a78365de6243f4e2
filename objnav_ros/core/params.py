"""Node parameters declared once: name, default, description and validation.

Pure: nodes turn these into rclpy ParameterDescriptors (objnav_ros.nodes.ros_params)
and validate both start-up values and run-time changes with :meth:`ParamSpec.check`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ParamSpec:
    name: str
    default: bool | int | float | str | list
    description: str
    choices: Sequence[str] = ()
    min_value: float | None = None
    max_value: float | None = None
    read_only: bool = False
    topic: bool = False  # a topic name or list of them (the node validates them)
    # extra check returning the reason a value is refused, or None
    check_fn: Callable[[object], str | None] | None = None
    # the objnav_ros.core.schema.Setting this parameter was made from, if any
    declared: object = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not self.description:
            raise ValueError(f"parameter {self.name!r} needs a description")
        error = self.check(self.default)
        if error:
            raise ValueError(f"default of {error}")

    def check(self, value) -> str | None:
        """None when ``value`` is acceptable, else a one-line reason naming the parameter."""
        kind = type(self.default)
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            return f"parameter {self.name}: expected {kind.__name__}, got {value!r}"
        if kind is list:  # of strings, or of integers where the default holds integers
            item = int if self.default and isinstance(self.default[0], int) else str
            if not all(isinstance(i, item) and not isinstance(i, bool) for i in value):
                return (f"parameter {self.name}: expected a list of "
                        f"{'integers' if item is int else 'strings'}, got {value!r}")
        if kind is float and not math.isfinite(value):
            return f"parameter {self.name}: must be finite, got {value!r}"
        if self.choices and value not in self.choices:
            return f"parameter {self.name}: expected one of {list(self.choices)}, got {value!r}"
        if self.min_value is not None and value < self.min_value:
            return f"parameter {self.name}: must be >= {self.min_value}, got {value}"
        if self.max_value is not None and value > self.max_value:
            return f"parameter {self.name}: must be <= {self.max_value}, got {value}"
        reason = self.check_fn(value) if self.check_fn else None
        return f"parameter {self.name}: {reason}" if reason else None


DIAGNOSTICS_PERIOD = ParamSpec("diagnostics_period_s", 1.0, "Period of /diagnostics updates (s).",
                               min_value=0.1, max_value=60.0)
"""The /diagnostics period of every node that publishes there."""


def validate(specs: Sequence[ParamSpec], values: dict) -> dict:
    """Check every value; raise one ValueError listing all problems."""
    by_name = {s.name: s for s in specs}
    errors = []
    for name, value in values.items():
        spec = by_name.get(name)
        if spec is None:
            errors.append(f"unknown parameter {name!r}")
            continue
        problem = spec.check(value)
        if problem:
            errors.append(problem)
    if errors:
        raise ValueError("; ".join(errors))
    return values
