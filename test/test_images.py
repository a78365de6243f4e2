import sys

import numpy as np
import pytest
from sensor_msgs.msg import Image

from objnav_ros.core.images import (
    depth_from_image,
    image_fields,
    image_to_numpy,
    rgb_from_image,
)

RNG = np.random.default_rng(0)
ARRAYS = {
    "rgb8": RNG.integers(0, 256, (5, 7, 3), dtype=np.uint8),
    "bgr8": RNG.integers(0, 256, (5, 7, 3), dtype=np.uint8),
    "mono8": RNG.integers(0, 256, (5, 7), dtype=np.uint8),
    "32FC1": RNG.uniform(0.1, 9.0, (5, 7)).astype(np.float32),
    "16UC1": RNG.integers(0, 10000, (5, 7), dtype=np.uint16),
}


@pytest.mark.parametrize("encoding", sorted(ARRAYS))
def test_round_trip_through_a_real_message(encoding):
    msg = Image(**image_fields(ARRAYS[encoding], encoding))
    np.testing.assert_array_equal(image_to_numpy(msg), ARRAYS[encoding])


def padded(array: np.ndarray, encoding: str, pad: int, big_endian: bool) -> Image:
    order = ">" if big_endian else "<"
    raw = array.astype(array.dtype.newbyteorder(order)).reshape(array.shape[0], -1).view(np.uint8)
    rows = np.zeros((array.shape[0], raw.shape[1] + pad), np.uint8)
    rows[:, : raw.shape[1]] = raw
    return Image(height=array.shape[0], width=array.shape[1], encoding=encoding,
                 is_bigendian=int(big_endian), step=rows.shape[1], data=rows.tobytes())


@pytest.mark.parametrize("encoding", sorted(ARRAYS))
@pytest.mark.parametrize("big_endian", [False, True])
def test_step_padding_and_byte_order(encoding, big_endian):
    msg = padded(ARRAYS[encoding], encoding, pad=5, big_endian=big_endian)
    np.testing.assert_array_equal(image_to_numpy(msg), ARRAYS[encoding])


def test_colour_and_depth_views():
    rgb = ARRAYS["rgb8"]
    bgr = Image(**image_fields(np.ascontiguousarray(rgb[:, :, ::-1]), "bgr8"))
    np.testing.assert_array_equal(rgb_from_image(bgr), rgb)
    mono = Image(**image_fields(ARRAYS["mono8"], "mono8"))
    assert rgb_from_image(mono).shape == (5, 7, 3)
    mm = Image(**image_fields(np.array([[0, 1500, 65535]], np.uint16), "16UC1"))
    np.testing.assert_allclose(depth_from_image(mm), [[0.0, 1.5, 65.535]], rtol=1e-6)
    metres = np.array([[1.25, np.nan, np.inf]], np.float32)
    np.testing.assert_array_equal(depth_from_image(Image(**image_fields(metres, "32FC1"))),
                                  [[1.25, 0.0, 0.0]])
    assert image_fields(ARRAYS["rgb8"], "rgb8")["is_bigendian"] == int(sys.byteorder == "big")


def test_clear_errors():
    msg = Image(**image_fields(ARRAYS["rgb8"], "rgb8"))
    msg.encoding = "yuv422"
    with pytest.raises(ValueError, match=r"camera/rgb: unsupported image encoding 'yuv422'"):
        image_to_numpy(msg, "camera/rgb")
    with pytest.raises(ValueError, match="expected depth"):
        depth_from_image(Image(**image_fields(ARRAYS["rgb8"], "rgb8")))
    with pytest.raises(ValueError, match="expected a colour image"):
        rgb_from_image(Image(**image_fields(ARRAYS["32FC1"], "32FC1")))
    short = Image(**image_fields(ARRAYS["mono8"], "mono8"))
    short.data = bytes(10)
    with pytest.raises(ValueError, match="data has 10 bytes, expected step\\*height = 35"):
        image_to_numpy(short)
    with pytest.raises(ValueError, match="needs dtype float32"):
        image_fields(ARRAYS["16UC1"], "32FC1")
    with pytest.raises(ValueError, match="needs shape"):
        image_fields(ARRAYS["mono8"], "rgb8")


def test_rosbags_messages_decode_too():
    from objnav_ros.core.bagtypes import typestore

    store = typestore()
    fields = image_fields(ARRAYS["16UC1"], "16UC1")
    ImageT = store.types["sensor_msgs/msg/Image"]
    Header = store.types["std_msgs/msg/Header"]
    Time = store.types["builtin_interfaces/msg/Time"]
    fields["data"] = np.frombuffer(fields["data"], np.uint8)
    raw = store.serialize_cdr(ImageT(header=Header(stamp=Time(sec=1, nanosec=0), frame_id="c"),
                                     **fields), "sensor_msgs/msg/Image")
    decoded = store.deserialize_cdr(raw, "sensor_msgs/msg/Image")
    np.testing.assert_array_equal(image_to_numpy(decoded), ARRAYS["16UC1"])
