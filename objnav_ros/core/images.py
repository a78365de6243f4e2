"""sensor_msgs/Image <-> numpy without cv_bridge.

Works on anything with Image's fields (rclpy messages and rosbags-deserialised ones
alike): ``height``, ``width``, ``encoding``, ``is_bigendian``, ``step``, ``data``.
Row padding (``step`` > width * pixel size) and big-endian payloads are honoured.
"""

from __future__ import annotations

import sys

import numpy as np

# encoding -> (dtype, channels)
ENCODINGS: dict[str, tuple[np.dtype, int]] = {
    "rgb8": (np.dtype(np.uint8), 3),
    "bgr8": (np.dtype(np.uint8), 3),
    "mono8": (np.dtype(np.uint8), 1),
    "32FC1": (np.dtype(np.float32), 1),
    "16UC1": (np.dtype(np.uint16), 1),
}
MM_PER_M = 1000.0


def _layout(encoding: str, what: str) -> tuple[np.dtype, int]:
    try:
        return ENCODINGS[encoding]
    except KeyError:
        raise ValueError(
            f"{what}: unsupported image encoding {encoding!r}; expected one of {sorted(ENCODINGS)}"
        ) from None


def image_to_numpy(msg, what: str = "image") -> np.ndarray:
    """Pixels of ``msg`` as H x W (x C) in the message's encoding, native byte order.

    ``what`` names the source (e.g. the topic) in error messages.
    """
    dtype, channels = _layout(msg.encoding, what)
    height, width, step = int(msg.height), int(msg.width), int(msg.step)
    row_bytes = width * channels * dtype.itemsize
    data = msg.data
    if isinstance(data, np.ndarray):
        buf = data.view(np.uint8).ravel()
    else:
        buf = np.frombuffer(data, np.uint8)
    if step < row_bytes:
        raise ValueError(f"{what}: step {step} < width*pixel size {row_bytes} ({msg.encoding})")
    if buf.size < step * height:
        raise ValueError(
            f"{what}: data has {buf.size} bytes, expected step*height = {step * height}"
        )
    rows = buf[: step * height].reshape(height, step)[:, :row_bytes]
    order = ">" if msg.is_bigendian else "<"
    pixels = np.ascontiguousarray(rows).view(dtype.newbyteorder(order))
    pixels = pixels.astype(dtype, copy=False)  # to native order
    shape = (height, width, channels) if channels > 1 else (height, width)
    return pixels.reshape(shape)


def image_fields(array: np.ndarray, encoding: str) -> dict:
    """Image message fields (everything but the header) for ``array`` in ``encoding``."""
    dtype, channels = _layout(encoding, "numpy_to_image")
    arr = np.asarray(array)
    expected_ndim = 3 if channels > 1 else 2
    if arr.ndim == 3 and channels == 1 and arr.shape[2] == 1:
        arr = arr[:, :, 0]
    if arr.ndim != expected_ndim or (channels > 1 and arr.shape[2] != channels):
        shape = f"(H, W, {channels})" if channels > 1 else "(H, W)"
        raise ValueError(f"numpy_to_image: {encoding} needs shape {shape}, got {arr.shape}")
    if arr.dtype != dtype:
        raise ValueError(f"numpy_to_image: {encoding} needs dtype {dtype}, got {arr.dtype}")
    arr = np.ascontiguousarray(arr)
    return {
        "height": arr.shape[0],
        "width": arr.shape[1],
        "encoding": encoding,
        "is_bigendian": int(sys.byteorder == "big"),
        "step": arr.shape[1] * channels * dtype.itemsize,
        "data": arr.tobytes(),
    }


def rgb_from_image(msg, what: str = "image") -> np.ndarray:
    """H x W x 3 uint8 RGB from an rgb8, bgr8 or mono8 image."""
    if msg.encoding not in ("rgb8", "bgr8", "mono8"):
        raise ValueError(
            f"{what}: expected a colour image (rgb8, bgr8, mono8), got {msg.encoding!r}"
        )
    pixels = image_to_numpy(msg, what)
    if msg.encoding == "bgr8":
        return np.ascontiguousarray(pixels[:, :, ::-1])
    if msg.encoding == "mono8":
        return np.repeat(pixels[:, :, None], 3, axis=2)
    return pixels


def depth_from_image(msg, what: str = "depth") -> np.ndarray:
    """H x W float32 metres from 32FC1 (metres) or 16UC1 (millimetres); 0 = no return."""
    if msg.encoding not in ("32FC1", "16UC1"):
        raise ValueError(
            f"{what}: expected depth as 32FC1 (m) or 16UC1 (mm), got {msg.encoding!r}"
        )
    pixels = image_to_numpy(msg, what)
    if msg.encoding == "16UC1":
        return pixels.astype(np.float32) / np.float32(MM_PER_M)
    depth = pixels.astype(np.float32, copy=True)
    depth[~np.isfinite(depth)] = 0.0
    return depth


def semantic_from_image(msg, what: str = "semantic") -> np.ndarray:
    """H x W uint8 goal-category ids from a mono8 image."""
    if msg.encoding != "mono8":
        raise ValueError(f"{what}: expected mono8 category ids, got {msg.encoding!r}")
    return image_to_numpy(msg, what)
