"""Reductions that ignore NaNs, with ``keras.ops`` names: nansum, nanprod, nanmean, nanvar, nanstd, nanmax,
nanmin, nanargmax, nanargmin, nancumsum, nancumprod. Integer and bool inputs have no NaNs and behave as the
plain reductions.

>>> from hornet import ops
>>> ops.nanmean(np.array([1.0, np.nan, 3.0]))   # doctest: +SKIP
Array(2., dtype=float64)
"""
from __future__ import annotations

from typing import Any

from hornet.api.ops import _lax as L
from hornet.api.ops._stats import (accumulator_dtype, arg_reduce, cumulative, extremum, operand_axes, stat_dtypes,
                                   variance)
from hornet.api.ops.core import as_tensor, bind, convert, finish, normalize_axes, normalize_axis, type_of, unary
from hornet.ir.dtypes import DType

__all__ = ["nansum", "nanprod", "nanmean", "nanvar", "nanstd", "nanmax", "nanmin", "nanargmax", "nanargmin",
           "nancumsum", "nancumprod"]


def _replace_nan(x: Any, value: float, op: str) -> Any:
    """``x`` with NaNs replaced by ``value`` (a no-op for non-floats)."""
    t = type_of(x)
    if not t.dtype.is_floating:
        return x
    return L.where(L.isnan(x, op), value, x, op, dtype=t.dtype)


def nansum(x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """``sum`` treating NaNs as 0.

    >>> nansum(np.array([1.0, np.nan]))   # doctest: +SKIP
    Array(1., dtype=float64)
    """
    x, axes = operand_axes(x, axis, "nansum")
    x = convert(_replace_nan(x, 0.0, "nansum"), accumulator_dtype(type_of(x).dtype), "nansum")
    return L.reduce("reduce_sum", x, axes, "nansum", keepdims=keepdims)


def nanprod(x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """``prod`` treating NaNs as 1."""
    x, axes = operand_axes(x, axis, "nanprod")
    d = accumulator_dtype(type_of(x).dtype)
    x = convert(_replace_nan(x, 1.0, "nanprod"), d, "nanprod")
    return L.reduce("reduce_prod", x, axes, "nanprod", keepdims=keepdims)


def _nan_moments(x: Any, axis: Any, keepdims: bool, op: str, *, second: bool) -> Any:
    """NaN-ignoring mean (or biased variance) in the compute dtype; all-NaN slices give NaN (0 / 0)."""
    x, axes = operand_axes(x, axis, op)
    compute, out = stat_dtypes(type_of(x).dtype)
    x = convert(x, compute, op)
    if not type_of(x).dtype.is_floating or not axes:
        return (variance if second else L.mean)(x, axes, op, keepdims), out
    valid = bind("not", L.isnan(x, op), op=op)
    n = L.reduce("reduce_sum", convert(valid, compute, op), axes, op, keepdims=True)
    mean = L.div(L.reduce("reduce_sum", L.where(valid, x, 0.0, op), axes, op, keepdims=True), n, op)
    if second:
        centered = L.where(valid, L.sub(x, mean, op), 0.0, op)
        mean = L.div(L.reduce("reduce_sum", L.mul(centered, centered, op), axes, op, keepdims=True), n, op)
    if not keepdims:
        mean = L.reshape(mean, tuple(d for i, d in enumerate(type_of(x).shape) if i not in axes), op)
    return mean, out


def nanmean(x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """``mean`` of the non-NaN elements (NaN for an all-NaN slice).

    >>> nanmean(np.array([1.0, np.nan, 3.0]))   # doctest: +SKIP
    Array(2., dtype=float64)
    """
    m, out = _nan_moments(x, axis, keepdims, "nanmean", second=False)
    return finish(convert(m, out, "nanmean"))


def nanvar(x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """Biased variance of the non-NaN elements."""
    v, out = _nan_moments(x, axis, keepdims, "nanvar", second=True)
    return finish(convert(v, out, "nanvar"))


def nanstd(x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """Biased standard deviation of the non-NaN elements."""
    v, out = _nan_moments(x, axis, keepdims, "nanstd", second=True)
    return finish(convert(unary("sqrt", v, "nanstd"), out, "nanstd"))


def _nan_extremum(x: Any, axis: Any, keepdims: bool, which: str, op: str) -> Any:
    x = as_tensor(x)
    t = type_of(x)
    if not t.dtype.is_floating:
        return extremum(x, axis, keepdims, None, which, op)
    fill = float("-inf") if which == "max" else float("inf")
    out = extremum(_replace_nan(x, fill, op), axis, keepdims, None, which, op)
    axes = normalize_axes(axis, t.ndim, op)
    all_nan = L.reduce("reduce_and", L.isnan(x, op), axes, op, keepdims=keepdims)
    return L.where(all_nan, float("nan"), out, op, dtype=t.dtype)


def nanmax(x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """``max`` ignoring NaNs (NaN for an all-NaN slice).

    >>> nanmax(np.array([1.0, np.nan, 3.0]))   # doctest: +SKIP
    Array(3., dtype=float64)
    """
    return _nan_extremum(x, axis, keepdims, "max", "nanmax")


def nanmin(x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """``min`` ignoring NaNs (NaN for an all-NaN slice)."""
    return _nan_extremum(x, axis, keepdims, "min", "nanmin")


def _nan_arg(x: Any, axis: Any, keepdims: bool, which: str, op: str) -> Any:
    x = as_tensor(x)
    t = type_of(x)
    prim = "arg" + which
    if not t.dtype.is_floating:
        return arg_reduce(prim, x, axis, keepdims, op)
    fill = float("-inf") if which == "max" else float("inf")
    out = arg_reduce(prim, _replace_nan(x, fill, op), axis, keepdims, op)
    if t.ndim == 0:
        return out
    nan = L.isnan(x, op)
    if axis is None:
        all_nan = L.reduce("reduce_and", nan, tuple(range(t.ndim)), op)
        all_nan = L.reshape(all_nan, (1,) * t.ndim, op) if keepdims else all_nan
    else:
        all_nan = L.reduce("reduce_and", nan, (normalize_axis(axis, t.ndim, op),), op, keepdims=keepdims)
    return L.where(all_nan, -1, out, op, dtype=DType.int32)


def nanargmax(x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """``argmax`` ignoring NaNs; -1 for an all-NaN slice (as JAX).

    >>> nanargmax(np.array([1.0, np.nan, 3.0]))   # doctest: +SKIP
    Array(2, dtype=int32)
    """
    return _nan_arg(x, axis, keepdims, "max", "nanargmax")


def nanargmin(x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """``argmin`` ignoring NaNs; -1 for an all-NaN slice."""
    return _nan_arg(x, axis, keepdims, "min", "nanargmin")


def nancumsum(x: Any, axis: Any = None, dtype: Any = None) -> Any:
    """``cumsum`` treating NaNs as 0.

    >>> nancumsum(np.array([1.0, np.nan, 2.0]))   # doctest: +SKIP
    Array([1., 1., 3.], dtype=float64)
    """
    x = as_tensor(x)
    return cumulative("cumsum", _replace_nan(x, 0.0, "nancumsum"), axis, dtype, "nancumsum")


def nancumprod(x: Any, axis: Any = None, dtype: Any = None) -> Any:
    """``cumprod`` treating NaNs as 1."""
    x = as_tensor(x)
    return cumulative("cumprod", _replace_nan(x, 1.0, "nancumprod"), axis, dtype, "nancumprod")
