"""``resize`` and ``affine_transform`` with ``keras.ops.image`` names, arguments and semantics (Keras 3 on JAX).

Both accept one image or a batch, channels last or first, and run the resampling of the image preprocessing layers
(``hornet.api.layers.image_sampling``) on the batched channels-last form. Integer images come back in their dtype
(rounded and saturated, as Keras on JAX returns them).

>>> from hornet.ops import image
>>> image.resize(np.zeros((2, 4, 4, 3), "float32"), (2, 2)).shape        # doctest: +SKIP
(2, 2, 2, 3)
"""
from __future__ import annotations

from typing import Any, Sequence

from hornet.api import ops
from hornet.api.layers import image_sampling as sampling
from hornet.api.ops._eager import compiled_when_eager
from hornet.api.ops._image import data_format as _data_format, from_batched_last, images_tensor, to_batched_last
from hornet.api.ops.core import fmt_shape
from hornet.ir.dtypes import dtype as to_dtype
from hornet.ir.errors import ShapeError

__all__ = ["resize", "affine_transform"]


def _back_to(result: Any, dtype: Any, half_away: bool) -> Any:
    """A floating result in the input images' dtype: integers rounded (halves away from zero as JAX's
    map_coordinates, or to even as Keras rounds resized images), then saturated."""
    d = to_dtype(dtype)
    if to_dtype(ops.dtype(result)) == d:
        return result
    if not d.is_floating:
        result = sampling.round_half_away(result) if half_away else ops.round(result)
    return ops.saturate_cast(result, d)


@compiled_when_eager("images")
def resize(images: Any, size: Sequence[int], interpolation: str = "bilinear", antialias: bool = False,
           crop_to_aspect_ratio: bool = False, pad_to_aspect_ratio: bool = False, fill_mode: str = "constant",
           fill_value: float = 0.0, data_format: str | None = None) -> Any:
    """Resize images to ``size = (height, width)`` with "bilinear", "nearest", "bicubic", "lanczos3" or
    "lanczos5" interpolation (half-pixel centres); ``antialias`` widens the kernel when downsampling.
    ``crop_to_aspect_ratio`` first crops the largest centred window of the target aspect ratio,
    ``pad_to_aspect_ratio`` pads evenly with ``fill_value`` instead (``fill_mode`` must be "constant").

    >>> resize(np.zeros((4, 4, 3), "float32"), (2, 6)).shape     # doctest: +SKIP
    (2, 6, 3)
    """
    op = "resize"
    fmt = _data_format(data_format, op)
    size = tuple(size)
    if len(size) != 2:
        raise ValueError(f"{op}: size must be (height, width), got size={size}")
    if any(not isinstance(s, int) or s <= 0 for s in size):
        raise ValueError(f"{op}: size must hold two positive ints, got size={size}")
    if pad_to_aspect_ratio and crop_to_aspect_ratio:
        raise ValueError(f"{op}: only one of pad_to_aspect_ratio and crop_to_aspect_ratio can be True")
    if fill_mode != "constant":
        raise ValueError(f"{op}: only fill_mode='constant' is supported, got fill_mode={fill_mode!r}")
    if interpolation not in sampling.INTERPOLATIONS:
        raise ValueError(f"{op}: unknown interpolation={interpolation!r}; expected one of "
                         f"{sampling.INTERPOLATIONS}")
    images = images_tensor(images, op)
    dtype = ops.dtype(images)
    x, single = to_batched_last(images, fmt)
    if crop_to_aspect_ratio:
        x = sampling.crop_to_aspect_ratio(x, size[0], size[1], op)
    elif pad_to_aspect_ratio:
        x = sampling.pad_to_aspect_ratio(x, size[0], size[1], fill_value, op)
    out = sampling.resize(x, size[0], size[1], interpolation, antialias, op)
    return from_batched_last(_back_to(out, dtype, False), fmt, single)


@compiled_when_eager("images", "transform")
def affine_transform(images: Any, transform: Any, interpolation: str = "bilinear", fill_mode: str = "constant",
                     fill_value: float = 0, data_format: str | None = None) -> Any:
    """Warp images by projective transforms ``[a0, a1, a2, b0, b1, b2, c0, c1]`` (one ``(8,)`` or one per image
    ``(batch, 8)``): output pixel ``(x, y)`` reads the input at ``(a0 x + a1 y + a2, b0 x + b1 y + b2)``
    (``c0``, ``c1`` are taken as 0, as Keras on JAX). "nearest" or "bilinear" interpolation; points outside the
    image follow ``fill_mode`` ("constant" with ``fill_value``, "nearest", "wrap", "mirror", "reflect").

    >>> shift = np.array([1, 0, -1, 0, 1, 0, 0, 0], "float32")    # content moves one pixel right
    >>> affine_transform(np.eye(3, dtype="float32")[:, :, None], shift)[:, :, 0]   # doctest: +SKIP
    """
    op = "affine_transform"
    fmt = _data_format(data_format, op)
    if interpolation not in sampling.AFFINE_INTERPOLATIONS:
        raise ValueError(f"{op}: unknown interpolation={interpolation!r}; expected one of "
                         f"{sampling.AFFINE_INTERPOLATIONS}")
    if fill_mode not in sampling.FILL_MODES:
        raise ValueError(f"{op}: unknown fill_mode={fill_mode!r}; expected one of {sampling.FILL_MODES}")
    images = images_tensor(images, op)
    transform = ops.convert_to_tensor(transform)
    if ops.ndim(transform) not in (1, 2) or ops.shape(transform)[-1] != 8:
        raise ShapeError(f"{op}: transform must be (8,) or (batch, 8), got transform.shape="
                         f"{fmt_shape(ops.shape(transform))}")
    dtype = ops.dtype(images)
    x, single = to_batched_last(images, fmt)
    if single and ops.ndim(transform) == 2 and ops.shape(transform)[0] != 1:
        raise ShapeError(f"{op}: one image takes one transform, got transform.shape="
                         f"{fmt_shape(ops.shape(transform))}")
    if not to_dtype(dtype).is_floating:
        x = ops.cast(x, "float32")
    out = sampling.affine_transform(x, transform, interpolation, fill_mode, fill_value, op)
    return from_batched_last(_back_to(out, dtype, True), fmt, single)
