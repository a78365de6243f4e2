"""Declare a node's ParamSpecs with descriptors and validate every change.

A bad start-up value (wrong type, out of range, invalid topic name) becomes one ValueError
line naming the parameter; parameters given to the node that it does not declare are named
in a warning.
"""

from __future__ import annotations

from collections.abc import Sequence

from rcl_interfaces.msg import (
    FloatingPointRange,
    IntegerRange,
    ParameterDescriptor,
    SetParametersResult,
)
from rclpy.exceptions import (
    InvalidParameterTypeException,
    InvalidParameterValueException,
    InvalidTopicNameException,
)
from rclpy.node import Node
from rclpy.validate_topic_name import validate_topic_name

from objnav_ros.core.params import ParamSpec


def _descriptor(spec: ParamSpec) -> ParameterDescriptor:
    desc = ParameterDescriptor(description=spec.description, read_only=spec.read_only)
    if spec.choices:
        desc.additional_constraints = "one of: " + ", ".join(spec.choices)
    if isinstance(spec.default, float) and None not in (spec.min_value, spec.max_value):
        desc.floating_point_range = [
            FloatingPointRange(from_value=float(spec.min_value), to_value=float(spec.max_value))
        ]
    elif (
        isinstance(spec.default, int)
        and not isinstance(spec.default, bool)
        and None not in (spec.min_value, spec.max_value)
    ):
        desc.integer_range = [
            IntegerRange(from_value=int(spec.min_value), to_value=int(spec.max_value), step=1)
        ]
    return desc


def declare_parameters(node: Node, specs: Sequence[ParamSpec]) -> dict:
    """Declare ``specs`` on ``node``; return validated values (ValueError on bad ones).

    Later ``ros2 param set`` changes are checked with the same rules and rejected with
    the reason.
    """
    by_name = {s.name: s for s in specs}
    # rclpy offers no public view of the overrides (command line, parameter files)
    overrides = {name: p.value for name, p in node._parameter_overrides.items()}
    values = {}
    errors = []
    for spec in specs:
        try:
            param = node.declare_parameter(spec.name, spec.default, _descriptor(spec))
        except (InvalidParameterTypeException, InvalidParameterValueException):
            value = overrides[spec.name]
            errors.append(spec.check(value) or f"parameter {spec.name}: expected "
                          f"{type(spec.default).__name__}, got {value!r}")
            continue
        values[spec.name] = param.value
        problem = spec.check(param.value) or (_topic_problem(spec, param.value)
                                              if spec.topic else None)
        if problem:
            errors.append(problem)
    if errors:
        raise ValueError(f"node {node.get_name()}: " + "; ".join(errors))
    unknown = sorted(name for name in overrides if not node.has_parameter(name))
    if unknown:
        node.get_logger().warning(
            f"ignoring unknown parameter(s) {', '.join(unknown)}: not parameters of this node "
            "(ros2 param list shows them)")

    def on_set(params) -> SetParametersResult:
        for param in params:
            spec = by_name.get(param.name)
            problem = spec.check(param.value) if spec else None
            if problem:
                return SetParametersResult(successful=False, reason=problem)
        return SetParametersResult(successful=True)

    node.add_on_set_parameters_callback(on_set)
    return values


def _topic_problem(spec: ParamSpec, value) -> str | None:
    for name in value if isinstance(value, list) else [value]:
        if not name:
            continue  # empty = none, where the parameter allows it
        try:
            validate_topic_name(name)
        except InvalidTopicNameException as exc:
            reason = str(exc).splitlines()[0].removeprefix("Invalid topic name: ").rstrip(":")
            return f"parameter {spec.name}: expected a topic name, got {name!r} ({reason})"
    return None
