"""Reductions with ``keras.ops`` names and result dtypes: sum, prod, mean, average, max/min, any/all, argmax/argmin,
std/var, cumsum/cumprod, count_nonzero, ptp, logsumexp.

This module also re-exports the sorting and quantile ops (``sorting.py``) and the NaN-ignoring reductions
(``nan_reductions.py``), so ``hornet.ops`` lists them all.

>>> from hornet import ops
>>> ops.mean(np.arange(6, dtype="int32").reshape(2, 3), axis=0)   # doctest: +SKIP
Array([1.5, 2.5, 3.5], dtype=float32)
"""
from __future__ import annotations

from typing import Any

from hornet.api.ops import _lax as L, nan_reductions as _nan, sorting as _sorting
from hornet.api.ops._stats import (accumulator_dtype, arg_reduce, cumulative, extremum, operand_axes, stat_dtypes,
                                   variance)
from hornet.api.ops.core import (as_tensor, bind, broadcast_to, convert, finish, fmt_shape, normalize_axes, same_shape,
                                 to_float, type_of, unary)
from hornet.ir.dtypes import DType, dtype as to_dtype, result_type
from hornet.ir.errors import DTypeError, ShapeError
from hornet.api.ops.nan_reductions import *  # noqa: F401,F403  (re-exported: hornet.ops lists this module's __all__)
from hornet.api.ops.sorting import *  # noqa: F401,F403

__all__ = ["sum", "prod", "mean", "average", "max", "amax", "min", "amin", "any", "all", "argmax", "argmin",
           "std", "var", "cumsum", "cumprod", "count_nonzero", "ptp", "logsumexp"]


def sum(x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """Sum over ``axis`` (None: all). Bool and small ints sum as int32 (uint8 as uint32).

    >>> sum(np.ones((2, 3), "float32"), axis=1)   # doctest: +SKIP
    Array([3., 3.], dtype=float32)
    """
    x, axes = operand_axes(x, axis, "sum")
    x = convert(x, accumulator_dtype(type_of(x).dtype), "sum")
    return L.reduce("reduce_sum", x, axes, "sum", keepdims=keepdims)


def prod(x: Any, axis: Any = None, keepdims: bool = False, dtype: Any = None) -> Any:
    """Product over ``axis``; the result dtype is ``dtype`` or that of ``sum``.

    >>> prod(np.array([2, 3, 4]))   # doctest: +SKIP
    Array(24, dtype=int64)
    """
    x, axes = operand_axes(x, axis, "prod")
    d = to_dtype(dtype) if dtype is not None else accumulator_dtype(type_of(x).dtype)
    if d.is_bool:
        return L.reduce("reduce_and", convert(x, d, "prod"), axes, "prod", keepdims=keepdims)
    return L.reduce("reduce_prod", convert(x, d, "prod"), axes, "prod", keepdims=keepdims)


def mean(x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """Arithmetic mean. Ints and bools give float32; float16 is accumulated in float32.

    >>> mean(np.array([1, 2]))   # doctest: +SKIP
    Array(1.5, dtype=float32)
    """
    x, axes = operand_axes(x, axis, "mean")
    compute, out = stat_dtypes(type_of(x).dtype)
    return finish(convert(L.mean(convert(x, compute, "mean"), axes, "mean", keepdims), out, "mean"))


def average(x: Any, axis: Any = None, weights: Any = None) -> Any:
    """Weighted mean; ``weights`` has ``x``'s shape, or is 1-D along a single ``axis``.

    >>> average(np.array([1.0, 3.0]), weights=np.array([3.0, 1.0]))   # doctest: +SKIP
    Array(1.5, dtype=float64)
    """
    x = as_tensor(x)
    t = type_of(x)
    probes = [t.dtype, 1.0]
    if weights is not None:
        weights = as_tensor(weights)
        probes.append(type_of(weights).dtype)
    d = result_type(*probes)
    axes = normalize_axes(axis, t.ndim, "average")
    if weights is None:
        return finish(convert(mean(x, axes), d, "average"))
    x, w = convert(x, d, "average"), convert(weights, d, "average")
    ws = type_of(w).shape
    if not same_shape(ws, t.shape):
        if len(ws) == 1 and len(axes) == 1 and same_shape(ws, (t.shape[axes[0]],)):
            w = L.reshape(w, tuple(ws[0] if i == axes[0] else 1 for i in range(t.ndim)), "average")
            w = broadcast_to(w, t.shape, "average")
        else:
            raise ShapeError(f"average: weights of shape {fmt_shape(ws)} must have x's shape {fmt_shape(t.shape)} or "
                             f"be 1-D with the length of x along axis={axis}")
    total = L.reduce("reduce_sum", L.mul(x, w, "average", dtype=d), axes, "average")
    return L.div(total, L.reduce("reduce_sum", w, axes, "average"), "average", dtype=d)


def max(x: Any, axis: Any = None, keepdims: bool = False, initial: Any = None) -> Any:
    """Maximum over ``axis`` (NaN propagates); ``initial`` is a lower bound included in every reduction.

    >>> max(np.array([[1, 5], [7, 2]]), axis=0)   # doctest: +SKIP
    Array([7, 5], dtype=int64)
    """
    return extremum(x, axis, keepdims, initial, "max", "max")


def amax(x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """Alias of ``max`` without ``initial``."""
    return extremum(x, axis, keepdims, None, "max", "amax")


def min(x: Any, axis: Any = None, keepdims: bool = False, initial: Any = None) -> Any:
    """Minimum over ``axis`` (NaN propagates); ``initial`` is an upper bound included in every reduction."""
    return extremum(x, axis, keepdims, initial, "min", "min")


def amin(x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """Alias of ``min`` without ``initial``."""
    return extremum(x, axis, keepdims, None, "min", "amin")


def any(x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """True where any element over ``axis`` is non-zero.

    >>> any(np.array([0, 0, 3]))   # doctest: +SKIP
    Array(True, dtype=bool)
    """
    x, axes = operand_axes(x, axis, "any")
    return L.reduce("reduce_or", convert(x, DType.bool, "any"), axes, "any", keepdims=keepdims)


def all(x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """True where every element over ``axis`` is non-zero."""
    x, axes = operand_axes(x, axis, "all")
    return L.reduce("reduce_and", convert(x, DType.bool, "all"), axes, "all", keepdims=keepdims)


def argmax(x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """Index (int32) of the first maximum along ``axis``; NaN counts as the maximum.

    >>> argmax(np.array([[1, 5], [7, 2]]), axis=1)   # doctest: +SKIP
    Array([1, 0], dtype=int32)
    """
    return arg_reduce("argmax", x, axis, keepdims, "argmax")


def argmin(x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """Index (int32) of the first minimum along ``axis``; NaN counts as the minimum."""
    return arg_reduce("argmin", x, axis, keepdims, "argmin")


def var(x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """Biased variance (ddof=0). Ints give float32; float16 is computed in float32.

    >>> var(np.array([1.0, 3.0]))   # doctest: +SKIP
    Array(1., dtype=float64)
    """
    x, axes = operand_axes(x, axis, "var")
    compute, out = stat_dtypes(type_of(x).dtype)
    return finish(convert(variance(convert(x, compute, "var"), axes, "var", keepdims), out, "var"))


def std(x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """Biased standard deviation, ``sqrt(var(x))``."""
    x, axes = operand_axes(x, axis, "std")
    compute, out = stat_dtypes(type_of(x).dtype)
    v = variance(convert(x, compute, "std"), axes, "std", keepdims)
    return finish(convert(unary("sqrt", v, "std"), out, "std"))


def cumsum(x: Any, axis: Any = None, dtype: Any = None) -> Any:
    """Cumulative sum along ``axis`` (None: over the flattened tensor).

    >>> cumsum(np.array([1, 2, 3]))   # doctest: +SKIP
    Array([1, 3, 6], dtype=int64)
    """
    return cumulative("cumsum", x, axis, dtype, "cumsum")


def cumprod(x: Any, axis: Any = None, dtype: Any = None) -> Any:
    """Cumulative product along ``axis`` (None: over the flattened tensor)."""
    return cumulative("cumprod", x, axis, dtype, "cumprod")


def count_nonzero(x: Any, axis: Any = None) -> Any:
    """Number of non-zero elements (NaN counts) over ``axis``, as int32.

    >>> count_nonzero(np.array([0, 1, 2]))   # doctest: +SKIP
    Array(2, dtype=int32)
    """
    x, axes = operand_axes(x, axis, "count_nonzero")
    nonzero = convert(convert(x, DType.bool, "count_nonzero"), DType.int32, "count_nonzero")
    return L.reduce("reduce_sum", nonzero, axes, "count_nonzero")


def ptp(x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """Peak to peak, ``max - min`` over ``axis``, in ``x``'s dtype.

    >>> ptp(np.array([4, 9, 1]))   # doctest: +SKIP
    Array(8, dtype=int64)
    """
    x = as_tensor(x)
    if type_of(x).dtype.is_bool:
        raise DTypeError("ptp: bool tensors have no subtraction; cast to an integer dtype first")
    hi = extremum(x, axis, keepdims, None, "max", "ptp")
    lo = extremum(x, axis, keepdims, None, "min", "ptp")
    return bind("sub", hi, lo, op="ptp")


def logsumexp(x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """``log(sum(exp(x)))`` over ``axis``, computed stably (ints give float32).

    >>> logsumexp(np.array([1.0, 2.0, 3.0], "float32"))   # doctest: +SKIP
    Array(3.407606, dtype=float32)
    """
    x = as_tensor(x)
    t = type_of(x)
    x = to_float(x, "logsumexp")
    axes = normalize_axes(axis, t.ndim, "logsumexp")
    out = bind("logsumexp", x, axes=axes, op="logsumexp") if axes else x
    return finish(L.reshape(out, L.kept_shape(t.shape, axes), "logsumexp") if keepdims else out)


__all__ += _sorting.__all__ + _nan.__all__
