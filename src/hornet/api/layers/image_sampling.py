"""Image resampling written once with ``hornet.ops``, shared by the image preprocessing layers.

- ``resize``: resize a ``(batch, height, width, channels)`` batch. The per-axis interpolation weights are computed
  on the host from the static sizes (half-pixel centres, as ``jax.image.resize`` and so Keras 3 on JAX), then
  applied as two contractions; "nearest" is a static gather.
- ``affine_transform``: sample each image at ``(x', y') = (a0 x + a1 y + a2, b0 x + b1 y + b2)`` for every
  output pixel ``(x, y)``, with nearest or bilinear interpolation (gathers at the 1 or 4 neighbours) and a
  ``fill_mode`` for points outside the image ("constant", "nearest", "wrap", "mirror", "reflect"), following
  ``scipy.ndimage.map_coordinates`` (grid modes) as Keras 3 does.
- ``crop_to_aspect_ratio`` / ``pad_to_aspect_ratio``: the largest centred window (or smallest centred padding)
  with the target aspect ratio.

>>> resize(np.ones((1, 4, 4, 3), "float32"), 2, 2).shape                  # doctest: +SKIP
(1, 2, 2, 3)
"""
from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from hornet.api import ops
from hornet.ir.dtypes import dtype as to_dtype

INTERPOLATIONS = ("bilinear", "nearest", "bicubic", "lanczos3", "lanczos5")
AFFINE_INTERPOLATIONS = ("nearest", "bilinear")
FILL_MODES = ("constant", "nearest", "wrap", "mirror", "reflect")


# --- resize -------------------------------------------------------------------------------------------------------


def _triangle(x: np.ndarray) -> np.ndarray:
    return np.maximum(0.0, 1.0 - np.abs(x))


def _keys_cubic(x: np.ndarray) -> np.ndarray:
    near = ((1.5 * x - 2.5) * x) * x + 1.0
    far = ((-0.5 * x + 2.5) * x - 4.0) * x + 2.0
    return np.where(x >= 2.0, 0.0, np.where(x >= 1.0, far, near))


def _lanczos(radius: float) -> Callable[[np.ndarray], np.ndarray]:
    def kernel(x: np.ndarray) -> np.ndarray:
        y = radius * np.sin(np.pi * x) * np.sin(np.pi * x / radius)
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.where(x > 1e-3, y / np.where(x != 0, np.pi ** 2 * x ** 2, 1.0), 1.0)
        return np.where(x > radius, 0.0, out)

    return kernel


_KERNELS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "bilinear": _triangle, "bicubic": _keys_cubic, "lanczos3": _lanczos(3.0), "lanczos5": _lanczos(5.0)}


def resize_weights(in_size: int, out_size: int, interpolation: str = "bilinear",
                   antialias: bool = False) -> np.ndarray:
    """The ``(in_size, out_size)`` matrix mapping one image axis to its resized version (float64, host).

    >>> resize_weights(2, 4).round(3).tolist()[0]
    [1.0, 0.75, 0.25, 0.0]
    """
    scale = out_size / in_size
    inv = 1.0 / scale
    src = np.arange(in_size, dtype=np.float64)
    kernel_scale = max(inv, 1.0) if antialias else 1.0
    sample = (np.arange(out_size, dtype=np.float64) + 0.5) * inv - 0.5
    weights = _KERNELS[interpolation](np.abs(sample[None, :] - src[:, None]) / kernel_scale)
    total = weights.sum(axis=0, keepdims=True)
    weights = np.where(np.abs(total) > 1000.0 * float(np.finfo(np.float32).eps),
                       weights / np.where(total != 0, total, 1.0), 0.0)
    inside = (sample >= -0.5) & (sample <= in_size - 0.5)
    weights = np.where(inside[None, :], weights, 0.0)
    return weights


def nearest_indices(in_size: int, out_size: int) -> np.ndarray:
    """Source index of each output position for nearest-neighbour resizing (float32 math, as JAX)."""
    pos = (np.arange(out_size, dtype=np.float32) + np.float32(0.5)) * np.float32(in_size) / np.float32(out_size)
    return np.floor(pos.astype(np.float32)).astype(np.int32)


def _static_hw(images: Any, what: str) -> tuple[int, int]:
    h, w = images.shape[1], images.shape[2]
    if not isinstance(h, int) or not isinstance(w, int):
        raise ValueError(f"{what}: the image height and width must be known (static), got images of shape "
                         f"{tuple(d if isinstance(d, int) else None for d in images.shape)}")
    return h, w


def resize(images: Any, height: int, width: int, interpolation: str = "bilinear", antialias: bool = False,
           what: str = "resize") -> Any:
    """Resize ``(batch, h, w, channels)`` images to ``(batch, height, width, channels)``; floating output
    (integer inputs are resampled in float32), except "nearest", which keeps the dtype.

    >>> resize(np.zeros((2, 8, 8, 1), "float32"), 4, 6, "bicubic").shape      # doctest: +SKIP
    (2, 4, 6, 1)
    """
    if interpolation not in INTERPOLATIONS:
        raise ValueError(f"{what}: unknown interpolation={interpolation!r}; expected one of {INTERPOLATIONS}")
    in_h, in_w = _static_hw(images, what)
    if interpolation == "nearest":
        if in_h != height:
            images = ops.take(images, nearest_indices(in_h, height), axis=1)
        if in_w != width:
            images = ops.take(images, nearest_indices(in_w, width), axis=2)
        return images
    if not to_dtype(images.dtype).is_floating:
        images = ops.cast(images, "float32")
    np_dtype = to_dtype(images.dtype).np
    if in_h != height:
        w_h = resize_weights(in_h, height, interpolation, antialias).astype(np_dtype)
        images = ops.einsum("bhwc,hy->bywc", images, w_h)
    if in_w != width:
        w_w = resize_weights(in_w, width, interpolation, antialias).astype(np_dtype)
        images = ops.einsum("bhwc,wx->bhxc", images, w_w)
    return images


def crop_window(height: int, width: int, target_height: int, target_width: int) -> tuple[int, int, int, int]:
    """``(top, left, crop_height, crop_width)`` of the largest centred window with the target aspect ratio."""
    crop_h = max(min(height, int(float(width * target_height) / target_width)), 1)
    crop_w = max(min(width, int(float(height * target_width) / target_height)), 1)
    return int(float(height - crop_h) / 2), int(float(width - crop_w) / 2), crop_h, crop_w


def crop_to_aspect_ratio(images: Any, target_height: int, target_width: int, what: str = "resize") -> Any:
    """The largest centred window of ``(batch, h, w, c)`` images with aspect ratio ``target_width/height``."""
    h, w = _static_hw(images, what)
    top, left, ch, cw = crop_window(h, w, target_height, target_width)
    return images[:, top:top + ch, left:left + cw, :]


def pad_to_aspect_ratio(images: Any, target_height: int, target_width: int, fill_value: float = 0.0,
                        what: str = "resize") -> Any:
    """Pad ``(batch, h, w, c)`` images symmetrically with ``fill_value`` to the target aspect ratio."""
    h, w = _static_hw(images, what)
    pad_h = max(h, int(float(w * target_height) / target_width))
    pad_w = max(w, int(float(h * target_width) / target_height))
    top, left = int(float(pad_h - h) / 2), int(float(pad_w - w) / 2)
    if top > 0:
        pads = [(0, 0), (top, top), (0, 0), (0, 0)]
    elif left > 0:
        pads = [(0, 0), (0, 0), (left, left), (0, 0)]
    else:
        return images
    return ops.pad(images, pads, constant_values=fill_value)


# --- affine transforms ---------------------------------------------------------------------------------------------


def round_half_away(x: Any) -> Any:
    """Round to the nearest integer, halves away from zero (``lax.round``'s default)."""
    return ops.sign(x) * ops.floor(ops.abs(x) + 0.5)


def _mirror(index: Any, size: int) -> Any:
    if size == 1:
        return ops.zeros_like(index)
    s = size - 1
    return ops.abs(ops.mod(index + s, 2 * s) - s)


def _fix_index(index: Any, size: int, mode: str) -> Any:
    if mode == "nearest" or mode == "constant":  # constant: out-of-range reads are masked, clip to stay in bounds
        return ops.clip(index, 0, size - 1)
    if mode == "wrap":
        return ops.mod(index, size)
    if mode == "mirror":
        return _mirror(index, size)
    return ops.floor_divide(_mirror(2 * index + 1, 2 * size + 1) - 1, 2)  # reflect


def _nodes(coord: Any, order: int) -> list[tuple[Any, Any]]:
    """(integer index, weight) pairs of the interpolation along one axis."""
    if order == 0:
        return [(ops.cast(round_half_away(coord), "int32"), None)]
    lower = ops.floor(coord)
    upper_weight = coord - lower
    index = ops.cast(lower, "int32")
    return [(index, 1.0 - upper_weight), (index + 1, upper_weight)]


def affine_transform(images: Any, transform: Any, interpolation: str = "bilinear", fill_mode: str = "constant",
                     fill_value: float = 0.0, what: str = "affine_transform") -> Any:
    """Warp ``(batch, h, w, c)`` floating images by per-image transforms ``(batch, 8)`` (or one ``(8,)``):
    ``[a0, a1, a2, b0, b1, b2, c0, c1]`` maps each output pixel ``(x, y)`` to the input point
    ``(a0 x + a1 y + a2, b0 x + b1 y + b2)`` (the projective ``c0, c1`` must be 0).

    >>> shift = np.array([[1, 0, -2, 0, 1, 0, 0, 0]], "float32")   # move the content 2 pixels right
    >>> affine_transform(np.ones((1, 4, 4, 1), "float32"), shift).shape   # doctest: +SKIP
    (1, 4, 4, 1)
    """
    if interpolation not in AFFINE_INTERPOLATIONS:
        raise ValueError(f"{what}: unknown interpolation={interpolation!r}; expected one of "
                         f"{AFFINE_INTERPOLATIONS}")
    if fill_mode not in FILL_MODES:
        raise ValueError(f"{what}: unknown fill_mode={fill_mode!r}; expected one of {FILL_MODES}")
    h, w = _static_hw(images, what)
    dtype = images.dtype
    transform = ops.cast(transform, "float32")
    if len(transform.shape) == 1:
        transform = ops.expand_dims(transform, 0)
    coef = [ops.reshape(transform[:, i], (-1, 1, 1)) for i in range(6)]
    xs = np.arange(w, dtype=np.float32).reshape(1, 1, w)
    ys = np.arange(h, dtype=np.float32).reshape(1, h, 1)
    x_in = coef[0] * xs + coef[1] * ys + coef[2]
    y_in = coef[3] * xs + coef[4] * ys + coef[5]
    order = AFFINE_INTERPOLATIONS.index(interpolation)
    flat = ops.reshape(images, (ops.shape(images)[0], h * w, -1))
    cval = ops.cast(fill_value, dtype)
    result = None
    for iy, wy in _nodes(y_in, order):
        for ix, wx in _nodes(x_in, order):
            linear = _fix_index(iy, h, fill_mode) * w + _fix_index(ix, w, fill_mode)
            values = ops.take_along_axis(flat, ops.reshape(linear, (-1, h * w, 1)), axis=1)
            values = ops.reshape(values, (-1, h, w, flat.shape[-1]))
            if fill_mode == "constant":
                valid = (iy >= 0) & (iy < h) & (ix >= 0) & (ix < w)
                values = ops.where(ops.expand_dims(valid, -1), values, cval)
            if wy is not None:
                values = ops.expand_dims(ops.cast(wy * wx, dtype), -1) * values
            result = values if result is None else result + values
    return result


def rotation_matrix(angle_deg: Any, height: int, width: int) -> Any:
    """``(batch, 8)`` transforms rotating about the image centre by ``angle_deg`` (counter-clockwise in
    row-down image coordinates, as Keras ``RandomRotation``)."""
    angle = angle_deg * (math.pi / 180.0)
    cos, sin = ops.cos(angle), ops.sin(angle)
    cx, cy = 0.5 * (width - 1), 0.5 * (height - 1)
    zeros = ops.zeros_like(angle)
    a2 = cx - cx * cos + cy * sin
    b2 = cy - cx * sin - cy * cos
    return ops.stack([cos, -sin, a2, sin, cos, b2, zeros, zeros], axis=1)


__all__ = ["resize", "resize_weights", "nearest_indices", "crop_window", "crop_to_aspect_ratio",
           "pad_to_aspect_ratio", "affine_transform", "rotation_matrix", "round_half_away", "INTERPOLATIONS",
           "AFFINE_INTERPOLATIONS", "FILL_MODES"]
