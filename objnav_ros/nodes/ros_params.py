"""Declare a node's ParamSpecs with descriptors and validate every change."""

from __future__ import annotations

from collections.abc import Sequence

from rcl_interfaces.msg import (
    FloatingPointRange,
    IntegerRange,
    ParameterDescriptor,
    SetParametersResult,
)
from rclpy.node import Node

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
    values = {}
    errors = []
    for spec in specs:
        param = node.declare_parameter(spec.name, spec.default, _descriptor(spec))
        values[spec.name] = param.value
        problem = spec.check(param.value)
        if problem:
            errors.append(problem)
    if errors:
        raise ValueError(f"node {node.get_name()}: " + "; ".join(errors))

    def on_set(params) -> SetParametersResult:
        for param in params:
            spec = by_name.get(param.name)
            problem = spec.check(param.value) if spec else None
            if problem:
                return SetParametersResult(successful=False, reason=problem)
        return SetParametersResult(successful=True)

    node.add_on_set_parameters_callback(on_set)
    return values
