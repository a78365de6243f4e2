import math

import pytest

from objnav_ros.core.camera import CameraModel


def test_from_focal_inverts_fx():
    camera = CameraModel(640, 480, 79.0)
    again = CameraModel.from_focal(640, 480, camera.fx)
    assert math.isclose(again.hfov_deg, 79.0) and (again.width, again.height) == (640, 480)
    with pytest.raises(ValueError, match="fx"):
        CameraModel.from_focal(640, 480, 0.0)  # an uncalibrated CameraInfo
