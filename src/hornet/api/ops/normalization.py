"""Moments and normalizations with ``keras.ops`` semantics: batch, layer and RMS normalization, ``normalize``.

Statistics of half-float inputs are computed in float32 and cast back, as Keras does.

>>> from hornet import ops
>>> ops.layer_normalization(np.arange(5, dtype="float32"))   # doctest: +SKIP
Array([-1.414, -0.707, 0., 0.707, 1.414], dtype=float32)
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from hornet.api.ops import _lax as L
from hornet.api.ops.core import (as_tensor, binary, bind, convert, fmt_shape, normalize_axes, normalize_axis, to_float,
                                 type_of, unary)
from hornet.ir.dtypes import DType, finfo, result_type
from hornet.ir.errors import HornetError, ShapeError

__all__ = ["moments", "batch_normalization", "layer_normalization", "rms_normalization", "normalize"]

EPSILON = 1e-7  # Keras's backend.epsilon()


def compute_dtype(x: Any) -> DType:
    """At least float32 (half floats compute in float32, float64 stays): what Keras's norms compute in."""
    return result_type(type_of(x).dtype, DType.float32)


def moments(x: Any, axes: int | Sequence[int], keepdims: bool = False, synchronized: bool = False) -> Any:
    """``(mean, variance)`` over ``axes`` (biased variance). ``synchronized`` has no effect on one device.

    >>> moments(np.array([1.0, 2.0, 3.0]), axes=0)   # doctest: +SKIP
    (2.0, 0.6667)
    """
    op = "moments"
    x = to_float(x, op)
    d = type_of(x).dtype
    xc = convert(x, DType.float32, op) if d in L.HALF_FLOATS else x
    ax = normalize_axes(axes, type_of(xc).ndim, op)
    m = L.mean(xc, ax, op, keepdims=True)
    var = L.mean(L.square(L.sub(xc, m, op), op), ax, op, keepdims=keepdims)
    if not keepdims:
        m = L.reshape(m, [dim for i, dim in enumerate(type_of(xc).shape) if i not in ax], op)
    if d in L.HALF_FLOATS:
        # half floats: clip into range before casting back, so huge statistics saturate instead of overflowing
        lim = float(finfo(DType.float16).max)
        m, var = convert(L.clip(m, -lim, lim, op), d, op), convert(L.clip(var, -lim, lim, op), d, op)
    return m, var


def _vector(v: Any, dtype: Any, op: str, what: str) -> Any:
    """A 1-D per-channel vector (an error names it otherwise)."""
    v = as_tensor(v, dtype)
    t = type_of(v)
    if t.ndim != 1:
        raise ShapeError(f"{op}: {what} must be 1-D (one value per channel), got shape {fmt_shape(t.shape)}")
    return v


def batch_normalization(x: Any, mean: Any, variance: Any, axis: int, offset: Any = None, scale: Any = None,
                        epsilon: float = 1e-3) -> Any:
    """``(x - mean) / sqrt(variance + epsilon) * scale + offset`` with per-channel vectors along ``axis``.

    >>> batch_normalization(np.array([[1.0, 2.0]]), np.array([1.0, 0.0]), np.array([1.0, 4.0]), axis=-1,
    ...                     epsilon=0.0)   # doctest: +SKIP
    [[0., 1.]]
    """
    op = "batch_normalization"
    x = to_float(x, op)
    d = type_of(x).dtype
    shape = type_of(x).shape
    ax = normalize_axis(axis, len(shape), op)
    # scale and shift are computed per channel, then broadcast once: x * inv + shift
    inv = unary("rsqrt", L.add(_vector(variance, d, op, "variance"), epsilon, op), op)
    if scale is not None:
        inv = L.mul(inv, _vector(scale, d, op, "scale"), op)
    shift = L.mul(unary("neg", _vector(mean, d, op, "mean"), op), inv, op)
    if offset is not None:
        shift = L.add(shift, _vector(offset, d, op, "offset"), op)
    return L.add(L.mul(x, L.broadcast_in_dim(inv, shape, (ax,), op), op),
                 L.broadcast_in_dim(shift, shape, (ax,), op), op)


def _param(v: Any, x_shape: Sequence[Any], axes: Sequence[int], dtype: Any, op: str, what: str) -> Any:
    """gamma/beta/scale: with exactly the normalized dims' shape they align with ``axes``; otherwise they
    broadcast against ``x`` NumPy-style."""
    v = as_tensor(v, dtype)
    vs = type_of(v).shape
    if len(vs) != len(x_shape) and len(vs) == len(axes) and list(vs) == [x_shape[a] for a in axes]:
        return L.broadcast_in_dim(v, x_shape, axes, op)
    if len(vs) > len(x_shape):
        raise ShapeError(f"{op}: {what} of shape {fmt_shape(vs)} does not fit inputs of shape {fmt_shape(x_shape)}")
    return v


def layer_normalization(x: Any, gamma: Any = None, beta: Any = None, axis: int | Sequence[int] = -1,
                        epsilon: float | None = None, **kwargs: Any) -> Any:
    """Normalize to zero mean and unit variance over ``axis``, then ``* gamma + beta``; computed in at least
    float32 and cast back to ``x``'s dtype.

    >>> layer_normalization(np.arange(5, dtype="float32"))   # doctest: +SKIP
    [-1.414, -0.707, 0., 0.707, 1.414]
    """
    op = "layer_normalization"
    rms_scaling = kwargs.pop("rms_scaling", False)
    if kwargs:
        raise HornetError(f"{op}: unexpected arguments {sorted(kwargs)}")
    eps = EPSILON if epsilon is None else float(epsilon)
    x = as_tensor(x)
    original = type_of(x).dtype
    xc = convert(x, compute_dtype(x), op)
    shape, cd = type_of(xc).shape, type_of(xc).dtype
    axes = normalize_axes(axis, len(shape), op)
    if rms_scaling:  # Keras's deprecated variant: scales by the variance only, without centering
        _, var = moments(xc, axes, keepdims=True)
        out = L.mul(xc, unary("rsqrt", L.add(var, eps, op), op), op)
    else:
        out = bind("layer_norm", xc, axes=axes, epsilon=eps, op=op)
    if gamma is not None:
        out = L.mul(out, _param(gamma, shape, axes, cd, op, "gamma"), op)
    if beta is not None and not rms_scaling:
        out = L.add(out, _param(beta, shape, axes, cd, op, "beta"), op)
    return convert(out, original, op)


def rms_normalization(x: Any, scale: Any = None, axis: int | Sequence[int] = -1,
                      epsilon: float | None = None) -> Any:
    """``x / sqrt(mean(x^2, axis) + epsilon) * scale``, computed in at least float32.

    >>> rms_normalization(np.array([[3.0, 4.0]]))   # doctest: +SKIP
    [[0.8485, 1.1314]]
    """
    op = "rms_normalization"
    eps = EPSILON if epsilon is None else float(epsilon)
    x = as_tensor(x)
    original = type_of(x).dtype
    xc = convert(x, compute_dtype(x), op)
    if type_of(xc).ndim == 0:
        xc = L.broadcast_in_dim(xc, (1,), (), op)
    shape = type_of(xc).shape
    axes = normalize_axes(axis, len(shape), op)
    inv = unary("rsqrt", L.add(L.mean(L.square(xc, op), axes, op, keepdims=True), eps, op), op)
    out = L.mul(xc, inv, op)
    if scale is not None:
        out = L.mul(out, as_tensor(scale, type_of(xc).dtype), op)
    return convert(out, original, op)


def normalize(x: Any, axis: int | Sequence[int] = -1, order: int = 2, epsilon: float | None = None) -> Any:
    """``x`` divided by its ``order``-norm along ``axis`` (the norm is floored at ``epsilon``).

    >>> normalize(np.array([[3.0, 4.0]]))   # doctest: +SKIP
    [[0.6, 0.8]]
    """
    op = "normalize"
    if isinstance(order, bool) or not isinstance(order, (int, np.integer)) or order < 1:
        raise HornetError(f"{op}: order must be an int >= 1, got {order!r}")
    eps = EPSILON if epsilon is None else float(epsilon)
    x = to_float(x, op)
    if type_of(x).ndim == 0:
        x = L.broadcast_in_dim(x, (1,), (), op)
    axes = normalize_axes(axis, type_of(x).ndim, op)
    if order == 2:
        inv = unary("rsqrt", L.reduce("reduce_sum", L.square(x, op), axes, op, keepdims=True), op)
        return L.mul(x, L.minimum(inv, 1.0 / eps, op), op)
    mag = bind("abs", x, op=op)
    if len(axes) == 1:  # vector p-norm
        norm = L.reduce("reduce_sum", bind("integer_pow", mag, y=int(order), op=op), axes, op, keepdims=True)
        norm = norm if order == 1 else binary("pow", norm, 1.0 / int(order), op)
    elif len(axes) == 2 and order == 1:  # matrix 1-norm: the largest column sum of |x|
        cols = L.reduce("reduce_sum", mag, axes[:1], op, keepdims=True)
        norm = L.reduce("reduce_max", cols, axes[1:], op, keepdims=True)
    else:
        raise HornetError(f"{op}: order={order} over axes {tuple(axes)} is not a vector or matrix norm")
    return L.true_divide(x, L.maximum(norm, eps, op), op)
