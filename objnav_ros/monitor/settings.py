"""Config fields that double as ROS parameters: one description and range per field.

A detector config declares its fields with :func:`setting`; ``__post_init__`` calls
:func:`check_settings`, and the monitor node turns the same fields into ParamSpecs
(:func:`param_specs`) named ``<prefix>.<field>``, so defaults, descriptions and ranges
live in one place.
"""

from __future__ import annotations

import math
from dataclasses import MISSING, Field, field, fields

from objnav_ros.core.params import ParamSpec


def setting(
    default: bool | int | float,
    description: str,
    *,
    min_value: float | None = None,
    max_value: float | None = None,
) -> Field:
    """A dataclass field with the description and bounds of its parameter."""
    meta = {"description": description, "min_value": min_value, "max_value": max_value}
    return field(default=default, metadata=meta)


def _spec(f: Field, name: str) -> ParamSpec:
    if f.default is MISSING or "description" not in f.metadata:
        raise TypeError(f"field {f.name} was not declared with setting()")
    return ParamSpec(name, f.default, **f.metadata)


def check_settings(config: object) -> None:
    """Coerce ints given for float fields; ValueError naming the first bad field."""
    for f in fields(config):
        value = getattr(config, f.name)
        if isinstance(f.default, float) and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
            object.__setattr__(config, f.name, value)
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"{f.name}: must be finite, got {value!r}")
        problem = _spec(f, f.name).check(value)
        if problem:
            raise ValueError(problem.removeprefix("parameter "))


def param_specs(config_cls: type, prefix: str) -> list[ParamSpec]:
    """ParamSpecs ``<prefix>.<field>`` with the defaults, descriptions and ranges of the fields."""
    return [_spec(f, f"{prefix}.{f.name}") for f in fields(config_cls)]


def from_params(config_cls: type, prefix: str, values: dict):
    """Build ``config_cls`` from ``{'<prefix>.<field>': value}`` (other keys ignored)."""
    head = prefix + "."
    kwargs = {key[len(head):]: v for key, v in values.items() if key.startswith(head)}
    return config_cls(**kwargs)
