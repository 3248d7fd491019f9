"""Colour-space conversions and blurring of images with ``keras.ops.image`` names and semantics:
``rgb_to_grayscale``, ``rgb_to_hsv``, ``hsv_to_rgb``, ``gaussian_blur``.

Images are ``(height, width, channels)`` or ``(batch, height, width, channels)`` (``data_format="channels_first"``
puts channels before height). Every function is written with hornet ops, so it traces like any other op.

>>> rgb_to_hsv(np.array([[[1.0, 0.0, 0.0]]], "float32")).tolist()          # doctest: +SKIP
[[[0.0, 1.0, 1.0]]]
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from hornet.api.ops import core, indexing, logic, math, products, reductions, shape_ops
from hornet.api.ops.conv import depthwise_conv
from hornet.ir.dtypes import DType, finfo, result_type
from hornet.ir.errors import ShapeError

__all__ = ["rgb_to_grayscale", "rgb_to_hsv", "hsv_to_rgb", "gaussian_blur"]

_FORMATS = ("channels_last", "channels_first")
# ITU-R 601 luma weights, as tf.image.rgb_to_grayscale and Keras
_LUMA = (0.2989, 0.5870, 0.1140)


def _data_format(data_format: str | None, op: str) -> str:
    fmt = "channels_last" if data_format is None else str(data_format).lower()
    if fmt not in _FORMATS:
        raise ValueError(f"{op}: `data_format` must be one of {_FORMATS}, got data_format={data_format!r}")
    return fmt


def _images(images: Any, data_format: str | None, op: str) -> tuple[Any, int]:
    """The images as a tensor (rank checked) and their channel axis (negative)."""
    images = core.as_tensor(images)
    shape = core.type_of(images).shape
    if len(shape) not in (3, 4):
        raise ShapeError(f"{op}: `images` must be rank 3 (one image) or rank 4 (a batch), got images of shape "
                         f"{core.fmt_shape(shape)}")
    return images, -1 if _data_format(data_format, op) == "channels_last" else -3


def _float_images(images: Any, data_format: str | None, op: str) -> tuple[Any, int]:
    images, axis = _images(images, data_format, op)
    d = core.type_of(images).dtype
    if not d.is_floating:
        raise ValueError(f"{op}: `images` must have a float dtype, got images.dtype={d.name}")
    return images, axis


def _three_planes(images: Any, axis: int, op: str) -> list[Any]:
    channels = core.type_of(images).shape[axis]
    if channels != 3:
        raise ShapeError(f"{op}: `images` must have 3 channels, got images of shape "
                         f"{core.fmt_shape(core.type_of(images).shape)}")
    return [shape_ops.squeeze(p, axis) for p in shape_ops.split(images, 3, axis)]


def rgb_to_grayscale(images: Any, data_format: str | None = None) -> Any:
    """Luma of RGB images (weights 0.2989, 0.5870, 0.1140) with one channel; one-channel images pass unchanged.
    Integer images are converted in floating point and cast back (truncating).

    >>> rgb_to_grayscale(np.ones((2, 4, 4, 3), "float32")).shape              # doctest: +SKIP
    (2, 4, 4, 1)
    """
    op = "rgb_to_grayscale"
    images, axis = _images(images, data_format, op)
    t = core.type_of(images)
    if t.shape[axis] not in (1, 3):
        raise ShapeError(f"{op}: `images` must have 3 (RGB) or 1 (grayscale) channels, got images of shape "
                         f"{core.fmt_shape(t.shape)}")
    if t.shape[axis] == 1:
        return images
    compute = result_type(t.dtype, 1.0)
    weights = np.asarray(_LUMA, compute.np)
    gray = products.tensordot(core.cast(images, compute.name), weights, axes=([len(t.shape) + axis], [0]))
    return core.cast(shape_ops.expand_dims(gray, axis), t.dtype.name)


def rgb_to_hsv(images: Any, data_format: str | None = None) -> Any:
    """RGB to HSV, all planes in ``[0, 1]`` for inputs in ``[0, 1]`` (hue 0 is red, 1/3 green, 2/3 blue); float
    images only.

    >>> rgb_to_hsv(np.random.random((2, 4, 4, 3)).astype("float32")).shape   # doctest: +SKIP
    (2, 4, 4, 3)
    """
    op = "rgb_to_hsv"
    images, axis = _float_images(images, data_format, op)
    d = core.type_of(images).dtype
    eps = float(finfo(d).eps)
    images = indexing.where(logic.less(math.abs(images), eps), 0.0, images)
    r, g, b = _three_planes(images, axis, op)
    value = math.maximum(math.maximum(r, g), b)
    spread = value - math.minimum(math.minimum(r, g), b)
    safe_value = indexing.where(logic.greater(value, 0.0), value, 1.0)
    safe_spread = indexing.where(logic.greater(spread, 0.0), spread, 1.0)
    saturation = indexing.where(logic.greater(value, 0.0), spread / safe_value, 0.0)
    norm = 1.0 / (6.0 * safe_spread)
    # the maximal plane picks the formula (red first, then green, as Keras's ``value == r`` / ``value == g``),
    # found by comparing the planes with each other: a compiler that recomputes a plane in two fusions can
    # differ by an ulp, and ``value == g`` would then pick the wrong sector of the hue circle
    red_max = logic.logical_and(logic.greater_equal(r, g), logic.greater_equal(r, b))
    green_max = logic.greater_equal(g, b)
    hue = indexing.where(green_max, norm * (b - r) + 2.0 / 6.0, norm * (r - g) + 4.0 / 6.0)
    hue = indexing.where(red_max, norm * (g - b), hue)
    wrap = core.cast(logic.less(hue, 0.0), d.name)  # negative hues (red side) wrap into [0, 1)
    hue = indexing.where(logic.greater(spread, 0.0), hue, 0.0) + wrap
    return shape_ops.stack([hue, saturation, value], axis=axis)


def hsv_to_rgb(images: Any, data_format: str | None = None) -> Any:
    """HSV (planes in ``[0, 1]``, hue taken modulo 1) back to RGB; float images only.

    >>> hsv_to_rgb(np.array([[[0.0, 1.0, 1.0]]], "float32")).tolist()         # doctest: +SKIP
    [[[1.0, 0.0, 0.0]]]
    """
    op = "hsv_to_rgb"
    images, axis = _float_images(images, data_format, op)
    hue, saturation, value = _three_planes(images, axis, op)
    dh = math.mod(hue, 1.0) * 6.0
    dr = math.clip(math.abs(dh - 3.0) - 1.0, 0.0, 1.0)
    dg = math.clip(2.0 - math.abs(dh - 2.0), 0.0, 1.0)
    db = math.clip(2.0 - math.abs(dh - 4.0), 0.0, 1.0)
    grey = 1.0 - saturation
    planes = [value * (grey + saturation * p) for p in (dr, dg, db)]
    return shape_ops.stack(planes, axis=axis)


def _kernel_1d(size: int, sigma: Any, dtype: DType) -> Any:
    offsets = np.arange(size, dtype=dtype.np) - np.asarray((size - 1) / 2, dtype.np)
    weights = math.exp(math.multiply(-0.5, math.square(math.divide(offsets, sigma))))
    return weights / reductions.sum(weights)


def _pair(value: Any, name: str, op: str) -> tuple[Any, Any]:
    if isinstance(value, (tuple, list)) and len(value) == 2:
        return value[0], value[1]
    if core.is_tensor(value) or isinstance(value, np.ndarray):
        shape = core.type_of(value).shape
        if tuple(shape) == (2,):
            return value[0], value[1]
    raise ValueError(f"{op}: `{name}` must be a pair of two values, got {name}={value!r}")


def gaussian_blur(images: Any, kernel_size: Sequence[int] = (3, 3), sigma: Any = (1.0, 1.0),
                  data_format: str | None = None) -> Any:
    """Blur each channel with a normalized Gaussian kernel (zero padding, output the size of the input).
    As Keras, ``kernel_size[0]`` and ``sigma[0]`` apply along the width and ``kernel_size[1]``, ``sigma[1]``
    along the height. ``sigma`` may be a tensor of two values. Integer images are blurred in float32.

    >>> gaussian_blur(np.ones((2, 8, 8, 3), "float32"), (3, 5), (1.0, 2.0)).shape   # doctest: +SKIP
    (2, 8, 8, 3)
    """
    op = "gaussian_blur"
    images, axis = _images(images, data_format, op)
    size_x, size_y = _pair(kernel_size, "kernel_size", op)
    for size in (size_x, size_y):
        if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 1:
            raise ValueError(f"{op}: `kernel_size` must be two positive integers, got kernel_size={kernel_size!r}")
    sigma_x, sigma_y = _pair(sigma, "sigma", op)
    single = len(core.type_of(images).shape) == 3
    if single:
        images = shape_ops.expand_dims(images, 0)
    if axis == -3:
        images = shape_ops.transpose(images, (0, 2, 3, 1))
    d = core.type_of(images).dtype
    if not d.is_floating:
        d = DType.float32
        images = core.cast(images, d.name)
    sigma_x, sigma_y = (core.cast(s, d.name) if core.is_tensor(s) else np.asarray(s, d.np) for s in (sigma_x, sigma_y))
    kernel = products.outer(_kernel_1d(int(size_y), sigma_y, d), _kernel_1d(int(size_x), sigma_x, d))
    channels = core.type_of(images).shape[-1]
    kernel = shape_ops.tile(shape_ops.reshape(kernel, (int(size_y), int(size_x), 1, 1)), (1, 1, channels, 1))
    out = depthwise_conv(images, kernel, strides=1, padding="same", data_format="channels_last")
    if axis == -3:
        out = shape_ops.transpose(out, (0, 3, 1, 2))
    return shape_ops.squeeze(out, 0) if single else out

