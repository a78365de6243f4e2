"""Settings declared once: the default, description, range, choices and flag of each value.

A config is a typed dataclass whose fields are declared with :func:`setting`, or share one
:class:`Setting` (a module constant, :meth:`Setting.field`, or another config's field,
:func:`like`); nested configs are :func:`section` fields. ``__post_init__`` calls
:func:`check_settings`. From the same declaration come

- node parameters with their descriptors (:meth:`Setting.spec`, :func:`param_specs`) and the
  config built from their values (:func:`from_params`);
- command-line flags (:func:`add_flags`) and the config built from them (:func:`from_flags`,
  :func:`flag_values`);
- launch arguments (:func:`objnav_ros.core.graph.argument`, from a node parameter),

so a default, a range or a description is written in one place, and every ParamSpec made
from a Setting keeps it (``spec.declared``).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterable, Iterator
from dataclasses import Field, dataclass, field, fields

from objnav_ros.core.params import ParamSpec

Value = bool | int | float | str | tuple[str, ...] | tuple[int, ...]
_SETTING = "objnav_setting"
_SECTION = "objnav_section"


@dataclass(frozen=True)
class Setting:
    """One declared value: default, description, bounds, choices and command-line flag.

    ``flag`` is the flag's stem (``--<section prefix><stem>``; empty = the field name with
    dashes). ``rule`` is a further check returning the reason a value is refused, or None.
    """

    default: Value
    description: str
    min_value: float | None = None
    max_value: float | None = None
    choices: tuple[str, ...] = ()
    flag: str = ""
    topic: bool = False
    rule: Callable[[object], str | None] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "choices", tuple(self.choices))
        self.spec("default")  # ValueError for a bad default or a missing description

    def spec(self, name: str, default: Value | None = None, *,
             read_only: bool = False) -> ParamSpec:
        """The node parameter ``name`` declared by this setting (``default``: the use's own)."""
        value = self.default if default is None else default
        return ParamSpec(name, list(value) if isinstance(value, tuple) else value,
                         self.description, choices=self.choices, min_value=self.min_value,
                         max_value=self.max_value, read_only=read_only, topic=self.topic,
                         check_fn=self.rule, declared=self)

    def field(self, default: Value | None = None) -> Field:
        """A dataclass field declared by this setting (``default``: the config's own)."""
        value = self.default if default is None else default
        if default is not None:
            self.spec("default", value)  # the config's default obeys the declaration
        return field(default=value, metadata={_SETTING: self})


def setting(default: Value, description: str, **options) -> Field:
    """A dataclass field with its own :class:`Setting`."""
    return Setting(default, description, **options).field()


def section(config_cls: type, flags: str | None = "") -> Field:
    """A nested config; its flags are ``--<flags><stem>`` (None: it has no flags)."""
    return field(default_factory=config_cls, metadata={_SECTION: flags})


def declaration(config_cls: type, name: str) -> Setting:
    """The Setting that declares field ``name`` of ``config_cls``."""
    for f in fields(config_cls):
        if f.name == name and _SETTING in f.metadata:
            return f.metadata[_SETTING]
    raise KeyError(f"{config_cls.__name__} declares no setting {name!r}")


def like(config_cls: type, name: str, default: Value | None = None) -> Field:
    """Field ``name`` of ``config_cls`` declared again for another config (the same Setting)."""
    return declaration(config_cls, name).field(default)


def declared(config_cls: type, names: Iterable[str] | None = None
             ) -> Iterator[tuple[str, Setting, Value]]:
    """(name, Setting, the config's default) of each declared field, or of ``names`` in order."""
    found = {f.name: (f.metadata[_SETTING], f.default) for f in fields(config_cls)
             if _SETTING in f.metadata}
    for name in found if names is None else names:
        if name not in found:
            raise KeyError(f"{config_cls.__name__} declares no setting {name!r}")
        yield name, *found[name]


def check_settings(config: object) -> None:
    """Coerce ints given for floats and lists for tuples; ValueError naming the first bad field.

    Sections must hold their config type.
    """
    for f in fields(config):
        value = getattr(config, f.name)
        if _SECTION in f.metadata and not isinstance(value, f.default_factory):
            raise ValueError(f"{f.name}: expected {f.default_factory.__name__}, got {value!r}")
        declared_by = f.metadata.get(_SETTING)
        if declared_by is None:
            continue
        if isinstance(f.default, float) and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        elif isinstance(f.default, tuple) and isinstance(value, list):
            value = tuple(value)
        object.__setattr__(config, f.name, value)
        if isinstance(f.default, tuple):
            value = list(value) if isinstance(value, tuple) else value
        problem = declared_by.spec(f.name, f.default).check(value)
        if problem:
            raise ValueError(problem.removeprefix("parameter "))


# --- node parameters -------------------------------------------------------------------------


def param_specs(config_cls: type, prefix: str = "", names: Iterable[str] | None = None, *,
                read_only: bool = False) -> list[ParamSpec]:
    """ParamSpecs ``[<prefix>.]<field>``: the defaults, descriptions and ranges of the fields."""
    head = f"{prefix}." if prefix else ""
    return [s.spec(head + name, default, read_only=read_only)
            for name, s, default in declared(config_cls, names)]


def from_params(config_cls: type, values: dict, prefix: str = "", **given):
    """``config_cls`` from parameter values ``{'[<prefix>.]<field>': value}`` plus ``given``.

    Keys of other parameters are ignored; missing fields keep their defaults.
    """
    head = f"{prefix}." if prefix else ""
    kwargs = {name: values[head + name] for name, _, _ in declared(config_cls)
              if head + name in values}
    return config_cls(**{**kwargs, **given})


# --- command-line flags ----------------------------------------------------------------------


def add_flag(parser: argparse.ArgumentParser, name: str, s: Setting, default: Value, *,
             prefix: str = "", dest: str = "", required: bool = False,
             given_only: bool = False) -> None:
    """The flag ``--<prefix><stem>`` of setting ``s``; its argparse action keeps ``declared``.

    ``given_only``: the flag is absent from the parsed arguments unless given (its help still
    names ``default``), for CLIs that pass on only what the user set.
    """
    options = {"dest": dest or name, "help": s.description, "default": default}
    if isinstance(s.default, bool):
        options["action"] = argparse.BooleanOptionalAction
    elif isinstance(s.default, tuple):
        options.update(nargs="+", default=list(default))
        if s.default:
            options["type"] = type(s.default[0])
    else:
        options["type"] = type(s.default)
        if s.choices:
            options["choices"] = s.choices
        else:
            options["metavar"] = (s.flag or name).upper().replace("-", "_")
    if given_only:
        options.update(default=argparse.SUPPRESS, help=f"{s.description} (default: {default})")
    elif required:
        options.update(required=True, default=None)
    action = parser.add_argument(f"--{prefix}{s.flag or name.replace('_', '-')}", **options)
    action.declared = s


def add_flags(parser: argparse.ArgumentParser, config_cls: type,
              names: Iterable[str] | None = None, *, defaults: dict | None = None,
              required: Iterable[str] = (), _prefix: str = "", _dest: str = "") -> None:
    """One flag per declared field of ``config_cls`` (or of ``names``), recursing into sections.

    ``defaults`` replaces some defaults (a CLI's own); the flags of ``required`` must be given.
    """
    defaults, required = defaults or {}, set(required)
    for name, s, default in declared(config_cls, names):
        add_flag(parser, name, s, defaults.get(name, default), prefix=_prefix, dest=_dest + name,
                 required=name in required)
    if names is None:
        for f in fields(config_cls):
            if f.metadata.get(_SECTION) is not None:
                add_flags(parser, f.default_factory, _prefix=_prefix + f.metadata[_SECTION],
                          _dest=f"{_dest}{f.name}.")


def flag_values(args: argparse.Namespace, config_cls: type,
                names: Iterable[str] | None = None) -> dict:
    """``{field: value}`` of the flags :func:`add_flags` made for ``names``."""
    return {name: tuple(getattr(args, name)) if isinstance(default, tuple)
            else getattr(args, name) for name, _, default in declared(config_cls, names)}


def from_flags(config_cls: type, args: argparse.Namespace, _dest: str = "", **given):
    """``config_cls`` (sections included) from the flags :func:`add_flags` made, plus ``given``."""
    kwargs = {}
    for f in fields(config_cls):
        if _SETTING in f.metadata:
            value = getattr(args, _dest + f.name)
            kwargs[f.name] = tuple(value) if isinstance(f.default, tuple) else value
        elif f.metadata.get(_SECTION) is not None:
            kwargs[f.name] = from_flags(f.default_factory, args, f"{_dest}{f.name}.")
    return config_cls(**{**kwargs, **given})

