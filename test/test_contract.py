import math

import numpy as np
import pytest

from objnav_ros.core.actions import PRESETS
from objnav_ros.core.camera import CameraModel
from objnav_ros.core.contract import RunContract

SEED = RunContract.of(PRESETS["seed"], CameraModel(112, 84, 79.0), 0.88)


def test_a_contract_holds_amounts_and_camera_as_carried_in_float32():
    carried = RunContract.from_fields(RunContract(*(float(np.float32(v)) for v in (
        0.4, 15.0, 30.0)), 112, 84, float(np.float32(79.0)), float(np.float32(0.88))))
    assert carried == SEED and SEED.forward_m == 0.4 and SEED.camera_height_m == 0.88
    assert SEED.camera == CameraModel(112, 84, 79.0)
    assert RunContract.from_dict(SEED.to_dict()) == SEED
    assert RunContract.of(PRESETS["seed"]).camera is None
    assert RunContract.of(PRESETS["seed"]).missing() == ["width", "height", "hfov_deg",
                                                          "camera_height_m"]


def test_differences_name_the_fields_both_sides_know():
    habitat = RunContract.of(PRESETS["habitat"], CameraModel(640, 480, 79.0))
    assert SEED.differences(habitat) == [("forward_m", 0.4, 0.25), ("turn_deg", 15.0, 30.0),
                                         ("width", 112, 640), ("height", 84, 480)]
    assert SEED.differences(RunContract(forward_m=0.4)) == []  # nothing else known there
    hfov = CameraModel.from_focal(112, 84, SEED.camera.fx).hfov_deg  # as CameraInfo gives it
    assert SEED.differences(RunContract(width=112, height=84, hfov_deg=hfov)) == []


def test_a_contract_carries_its_amounts_into_an_action_space():
    seed = PRESETS["seed"]
    assert RunContract().actions(seed) is seed and SEED.actions(seed) is seed
    moved = RunContract(forward_m=float(np.float32(0.6))).actions(seed)
    assert (moved.forward_m, moved.turn_deg, moved.actions) == (0.6, 15.0, seed.actions)


@pytest.mark.parametrize("field, value", [("forward_m", -1.0), ("hfov_deg", math.nan),
                                          ("width", 1.5), ("height", True)])
def test_bad_values_name_the_field(field, value):
    with pytest.raises(ValueError, match=f"^run contract {field}"):
        RunContract(**{field: value})
    with pytest.raises(ValueError, match="unknown fields"):
        RunContract.from_dict({"fov": 79.0})
