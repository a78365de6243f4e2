"""The settings schema: one declaration gives validation, node parameters and flags."""

import argparse
from dataclasses import dataclass

import pytest

from objnav_ros.core.schema import (
    Setting,
    add_flags,
    check_settings,
    declaration,
    from_flags,
    from_params,
    like,
    param_specs,
    section,
    setting,
)

SPEED = Setting(1.0, "Speed (m/s).", min_value=0.0, max_value=5.0)


@dataclass(frozen=True)
class Inner:
    gain: float = setting(2.0, "Gain.", min_value=0.0, max_value=10.0, flag="k")
    names: tuple[str, ...] = setting(("a", "b"), "Names.",
                                     rule=lambda v: None if v else "must not be empty")
    seeds: tuple[int, ...] = setting((1, 2), "Seeds.")

    def __post_init__(self) -> None:
        check_settings(self)


@dataclass(frozen=True)
class Outer:
    speed: float = SPEED.field()
    count: int = setting(3, "Count.", min_value=1, max_value=10)
    mode: str = setting("fast", "Mode.", choices=("fast", "slow"))
    verbose: bool = setting(True, "Talk.")
    inner: Inner = section(Inner, "inner-")

    def __post_init__(self) -> None:
        check_settings(self)


@dataclass(frozen=True)
class Other:
    speed: float = like(Outer, "speed", 2.0)


@pytest.mark.parametrize("kwargs, words", [
    ({"speed": 6.0}, ["speed", "<= 5.0", "6.0"]),
    ({"speed": float("nan")}, ["speed", "finite"]),
    ({"count": 2.5}, ["count", "expected int"]),
    ({"count": True}, ["count", "expected int"]),
    ({"mode": "warp"}, ["mode", "one of", "warp"]),
    ({"inner": "x"}, ["inner", "expected Inner"]),
])
def test_a_bad_value_names_the_field(kwargs, words):
    with pytest.raises(ValueError) as info:
        Outer(**kwargs)
    for word in words:
        assert word in str(info.value)
    assert str(info.value).startswith(next(iter(kwargs)))


def test_ints_become_floats_and_lists_tuples():
    config = Outer(speed=2, inner=Inner(names=["x"]))
    assert config.speed == 2.0 and isinstance(config.speed, float)
    assert config.inner.names == ("x",)
    with pytest.raises(ValueError, match="names: must not be empty"):
        Inner(names=())
    assert Inner(seeds=[3]).seeds == (3,)
    with pytest.raises(ValueError, match=r"seeds: expected a list of integers, got \['1'\]"):
        Inner(seeds=("1",))


def test_a_shared_setting_is_one_declaration_with_its_own_default():
    assert declaration(Outer, "speed") is declaration(Other, "speed") is SPEED
    assert Other().speed == 2.0
    with pytest.raises(ValueError, match="<= 5.0"):
        like(Outer, "speed", 9.0)
    with pytest.raises(ValueError, match="description"):
        Setting(1, "")


def test_parameters_carry_the_declaration_and_build_the_config():
    specs = {s.name: s for s in param_specs(Outer, "o", read_only=True)}
    assert list(specs) == ["o.speed", "o.count", "o.mode", "o.verbose"]
    assert specs["o.speed"].declared is SPEED and specs["o.speed"].read_only
    assert specs["o.mode"].choices == ("fast", "slow")
    assert "must be <=" in specs["o.count"].check(11)
    inner = {s.name: s for s in param_specs(Inner)}
    assert inner["names"].default == ["a", "b"]  # a ROS string array
    config = from_params(Outer, {"o.count": 4, "o.mode": "slow", "x.count": 9}, "o",
                         inner=from_params(Inner, {"names": ["z"]}))
    assert (config.count, config.mode, config.inner.names) == (4, "slow", ("z",))


def test_flags_cover_sections_and_build_the_config():
    parser = argparse.ArgumentParser()
    add_flags(parser, Outer, required=("count",))
    args = parser.parse_args(["--count", "5", "--no-verbose", "--inner-k", "3",
                              "--inner-names", "p", "q", "--inner-seeds", "7"])
    config = from_flags(Outer, args)
    assert config == Outer(count=5, verbose=False,
                           inner=Inner(gain=3.0, names=("p", "q"), seeds=(7,)))
    with pytest.raises(SystemExit):
        parser.parse_args(["--count", "1", "--inner-seeds", "x"])  # integers expected
    with pytest.raises(SystemExit):
        parser.parse_args([])  # --count is required
    assert from_flags(Outer, parser.parse_args(["--count", "1"])) == Outer(count=1)
