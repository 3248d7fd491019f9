"""``scale_and_translate`` with the ``keras.ops.image`` name and semantics (``jax.image.scale_and_translate``):
resample chosen dimensions of an array at ``x * scale + translation`` (half-pixel centres), each dimension one
contraction with an ``(input, output)`` weight matrix built from the kernel. ``scale`` and ``translation`` may be
tensors: the weights are computed with hornet ops, so they trace and differentiate.

>>> from hornet.ops import image
>>> image.scale_and_translate(np.arange(9.0).reshape(3, 3), (5, 5), np.array([2.0, 2.0]),   # doctest: +SKIP
...                           np.array([-1.0, -1.0]), (0, 1), "linear").shape
(5, 5)
"""
from __future__ import annotations

import math
from typing import Any, Callable, Sequence

import numpy as np

from hornet.api import ops
from hornet.api.ops._eager import compiled_when_eager
from hornet.api.ops.core import fmt_shape
from hornet.ir.dtypes import DType, dtype as to_dtype, promote_types
from hornet.ir.errors import ShapeError

__all__ = ["scale_and_translate"]

_EPS = 1000.0 * float(np.finfo(np.float32).eps)


def _triangle(x: Any) -> Any:
    return ops.maximum(0.0, 1.0 - ops.abs(x))


def _keys_cubic(x: Any) -> Any:
    x = ops.abs(x)
    near = ((1.5 * x - 2.5) * x) * x + 1.0
    far = ((-0.5 * x + 2.5) * x - 4.0) * x + 2.0
    return ops.where(x >= 2.0, 0.0, ops.where(x >= 1.0, far, near))


def _lanczos(radius: float) -> Callable[[Any], Any]:
    def kernel(x: Any) -> Any:
        x = ops.abs(x)
        safe = ops.where(x > 1e-3, x, 1.0)
        y = radius * ops.sin(math.pi * safe) * ops.sin(math.pi * safe / radius) / (math.pi ** 2 * safe * safe)
        return ops.where(x > radius, 0.0, ops.where(x > 1e-3, y, 1.0))

    return kernel


KERNELS: dict[str, Callable[[Any], Any]] = {
    "linear": _triangle, "bilinear": _triangle, "trilinear": _triangle, "triangle": _triangle,
    "cubic": _keys_cubic, "bicubic": _keys_cubic, "tricubic": _keys_cubic,
    "lanczos3": _lanczos(3.0), "lanczos5": _lanczos(5.0),
}
METHODS = ("linear", "bilinear", "trilinear", "cubic", "bicubic", "tricubic", "lanczos3", "lanczos5")


def _weights(in_size: int, out_size: int, scale: Any, translation: Any, kernel: Callable[[Any], Any],
             antialias: bool, dtype: DType) -> Any:
    """The ``(in_size, out_size)`` resampling matrix of one dimension."""
    inv = 1.0 / scale
    kernel_scale = ops.maximum(inv, 1.0) if antialias else 1.0
    sample = (ops.arange(out_size, dtype=dtype) + 0.5) * inv - translation * inv - 0.5
    x = ops.abs(sample[None, :] - ops.arange(in_size, dtype=dtype)[:, None]) / kernel_scale
    w = kernel(x)
    total = ops.sum(w, axis=0, keepdims=True)
    w = ops.where(ops.abs(total) > _EPS, w / ops.where(total != 0, total, 1.0), 0.0)
    inside = ops.logical_and(sample >= -0.5, sample <= in_size - 0.5)
    return ops.where(inside[None, :], w, 0.0)


@compiled_when_eager("images", "scale", "translation")
def scale_and_translate(images: Any, output_shape: Sequence[int], scale: Any, translation: Any,
                        spatial_dims: Sequence[int], method: str, antialias: bool = True) -> Any:
    """Resample ``images`` to ``output_shape`` (the full shape; only ``spatial_dims`` may change) so that input
    location ``x`` lands at ``x * scale + translation`` along each of ``spatial_dims``. ``method`` picks the
    kernel: "linear"/"bilinear"/"trilinear", "cubic"/"bicubic"/"tricubic" (Keys) or "lanczos3"/"lanczos5";
    ``antialias`` widens it when downsampling. Samples from outside the input are zero. Integer input gives
    float32.

    >>> scale_and_translate(np.ones((4, 4, 1), "float32"), (2, 2, 1), np.array([0.5, 0.5]),   # doctest: +SKIP
    ...                     np.array([0.0, 0.0]), (0, 1), "bilinear")
    """
    op = "scale_and_translate"
    if method not in METHODS:
        raise ValueError(f"{op}: unknown method={method!r}; expected one of {METHODS}")
    images = ops.convert_to_tensor(images)
    shape = ops.shape(images)
    output_shape = tuple(output_shape)
    dims = tuple(int(d) for d in spatial_dims)
    if len(output_shape) != len(shape):
        raise ShapeError(f"{op}: output_shape {output_shape} must have one size per dimension of images of shape "
                         f"{fmt_shape(shape)}")
    dims = tuple(d % len(shape) for d in dims)
    for i, (a, b) in enumerate(zip(shape, output_shape)):
        if i not in dims and a != b:
            raise ShapeError(f"{op}: dimension {i} is not in spatial_dims={tuple(spatial_dims)}, so output_shape "
                             f"must keep its size {a}, got {b}")
    scale, translation = ops.convert_to_tensor(scale), ops.convert_to_tensor(translation)
    for name, v in (("scale", scale), ("translation", translation)):
        if ops.shape(v) != (len(dims),):
            raise ShapeError(f"{op}: {name} must have shape ({len(dims)},), one entry per spatial dim, got "
                             f"{fmt_shape(ops.shape(v))}")
    d = to_dtype(ops.dtype(images))
    compute = promote_types(d, DType.float32) if d.is_floating else DType.float32
    wd = promote_types(to_dtype(ops.dtype(scale)), to_dtype(ops.dtype(translation)))
    wd = wd if wd.is_floating else DType.float32
    x = ops.cast(images, compute)
    kernel = KERNELS[method]
    for i, dim in enumerate(dims):
        if not isinstance(shape[dim], int):
            raise ShapeError(f"{op}: spatial dimension {dim} must be static, got shape {fmt_shape(shape)}")
        w = _weights(shape[dim], output_shape[dim], ops.cast(scale[i], wd), ops.cast(translation[i], wd), kernel,
                     antialias, wd)
        x = ops.moveaxis(ops.tensordot(x, ops.cast(w, compute), axes=([dim], [0])), -1, dim)
    return x
