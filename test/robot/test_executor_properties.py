"""Whatever arrives in whatever order, the output respects the limits and the faults."""

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from objnav_ros.core.types import Pose2D
from objnav_ros.robot.config import ControllerConfig, ExecutorConfig, TiltConfig
from objnav_ros.robot.controller import STOP
from objnav_ros.robot.executor import ActionExecutor

CONFIG = ExecutorConfig(controller=ControllerConfig(max_linear_mps=0.2, max_angular_rps=0.5),
                        tilt=TiltConfig())
wild = st.floats(allow_nan=True, allow_infinity=True)
events = st.lists(st.one_of(
    st.tuples(st.just("odom"), st.builds(Pose2D, wild, wild, wild)),
    st.tuples(st.just("rgb"), st.integers(0, 50)),
    st.tuples(st.just("depth"), st.integers(0, 50)),
    st.tuples(st.just("action"), st.integers(0, 255), st.integers(0, 5)),
    st.tuples(st.just("e_stop"), st.booleans()),
    st.tuples(st.just("goal"), st.sampled_from(["chair", "bed", ""])),
    st.tuples(st.just("tick"), st.none()),
), max_size=120)


@settings(max_examples=300, deadline=None)
@given(events, st.lists(st.floats(0.0, 0.5), min_size=120, max_size=120))
def test_output_is_limited_and_zero_under_any_fault(sequence, gaps):
    core = ActionExecutor(CONFIG)
    limits = CONFIG.controller
    t = 0.0
    for event, gap in zip(sequence, gaps, strict=False):
        t += gap
        kind, *args = event
        if kind == "odom":
            core.on_odom(args[0], t, round(t * 1e9))
        elif kind == "rgb":
            core.on_rgb(args[0], "cam", t)
        elif kind == "depth":
            core.on_depth(args[0], t)
        elif kind == "action":
            response = core.on_action(args[0], args[1], t)
            assert response.tilt_rad is None or abs(math.degrees(response.tilt_rad)) <= 60.0
        elif kind == "e_stop":
            core.on_e_stop(args[0])
        elif kind == "goal":
            core.on_goal(args[0], t)
        faults = core.watchdog.faults(t)
        command = core.tick(t)
        assert abs(command.linear) <= limits.max_linear_mps
        assert abs(command.angular) <= limits.max_angular_rps
        if faults:
            assert command == STOP
        status = core.take_status(t)
        if status is not None:
            assert not faults and status.observation_seq == core.observation_seq
