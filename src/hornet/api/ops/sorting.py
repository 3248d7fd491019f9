"""Sorting and order statistics with ``keras.ops`` names: sort, argsort, top_k, in_top_k, median, quantile,
percentile and their NaN-ignoring forms (nanmedian, nanquantile, nanpercentile).

Order statistics sort the reduced axes (flattened into one) and pick elements by index with a masked sum, so
sizes may be symbolic and ``q`` may be a tensor.

>>> from hornet import ops
>>> ops.quantile(np.array([1.0, 2.0, 3.0, 4.0]), 0.5)   # doctest: +SKIP
Array(2.5, dtype=float64)
"""
from __future__ import annotations

from typing import Any

import numpy as np

from hornet.api.ops import _lax as L
from hornet.api.ops.core import (as_tensor, bind, broadcast_to, convert, finish, fmt_shape, is_tensor, normalize_axes,
                                 normalize_axis, type_of, unary)
from hornet.ir.dtypes import DEFAULT_FLOAT, DType, promote_types, result_type
from hornet.ir.errors import ShapeError
from hornet.ir.symbolic import shape_size

__all__ = ["sort", "argsort", "top_k", "in_top_k", "median", "quantile", "percentile", "nanmedian", "nanquantile",
           "nanpercentile"]

QUANTILE_METHODS = ("linear", "lower", "higher", "midpoint", "nearest")


def _sort_axis(x: Any, axis: Any, op: str) -> tuple[Any, int]:
    """The operand and the axis to sort along (``axis=None`` and 0-d operands sort the flattened tensor)."""
    t = type_of(x)
    if axis is None or t.ndim == 0:
        return L.reshape(x, (t.size,), op), 0
    return x, normalize_axis(axis, t.ndim, op)


def sort(x: Any, axis: Any = -1) -> Any:
    """Sort ascending along ``axis`` (None: the flattened tensor); NaNs go last.

    >>> sort(np.array([3, 1, 2]))   # doctest: +SKIP
    Array([1, 2, 3], dtype=int64)
    """
    x = as_tensor(x)
    if type_of(x).ndim == 0 and axis is not None:
        return finish(x)
    x, a = _sort_axis(x, axis, "sort")
    return bind("sort", x, dimension=a, num_keys=1, descending=False, op="sort")[0]


def argsort(x: Any, axis: Any = -1) -> Any:
    """Indices (int32) that sort ``x`` along ``axis``, stable: equal elements keep their order.

    >>> argsort(np.array([3, 1, 2]))   # doctest: +SKIP
    Array([1, 2, 0], dtype=int32)
    """
    x, a = _sort_axis(as_tensor(x), axis, "argsort")
    index = L.iota(DType.int32, type_of(x).shape, a, "argsort")
    return bind("sort", x, index, dimension=a, num_keys=1, descending=False, op="argsort")[1]


def top_k(x: Any, k: int, sorted: bool = True) -> tuple[Any, Any]:
    """The ``k`` largest values along the last axis (descending) and their int32 indices; ties keep the lower
    index first. ``sorted=False`` is accepted (the result is sorted anyway).

    >>> top_k(np.array([1.0, 4.0, 3.0]), 2)   # doctest: +SKIP
    (Array([4., 3.]), Array([1, 2], dtype=int32))
    """
    values, indices = bind("top_k", as_tensor(x), k=int(k), op="top_k")
    return values, indices


def in_top_k(targets: Any, predictions: Any, k: int) -> Any:
    """Whether each target class is among the ``k`` highest predictions of its row (a NaN score never is).

    >>> in_top_k(np.array([1, 0]), np.array([[0.1, 0.9], [0.3, 0.7]]), 1)   # doctest: +SKIP
    Array([ True, False], dtype=bool)
    """
    op = "in_top_k"
    predictions, targets = as_tensor(predictions), as_tensor(targets)
    pt, tt = type_of(predictions), type_of(targets)
    if pt.ndim < 1 or tt.ndim != pt.ndim - 1:
        raise ShapeError(f"{op}: predictions {fmt_shape(pt.shape)} must be [..., classes] and targets "
                         f"{fmt_shape(tt.shape)} [...]")
    score = L.take_last(predictions, convert(targets, DType.int32, op), op)
    if pt.dtype.is_floating:
        score = L.where(L.isnan(score, op), float("-inf"), score, op, dtype=pt.dtype)
    higher = bind("gt", predictions, broadcast_to(L.reshape(score, pt.shape[:-1] + (1,), op), pt.shape, op), op=op)
    rank = L.reduce("reduce_sum", convert(higher, DType.int32, op), (pt.ndim - 1,), op)
    return bind("lt", rank, L.full(int(k), type_of(rank).shape, DType.int32, op), op=op)


def _quantile_dtype(d: DType) -> DType:
    return d if d.is_floating else result_type(d, 1.0)


def _check_q(q: Any, scale: float, dtype: DType, op: str) -> Any:
    """``q / scale`` as a ``dtype`` tensor (``scale`` 100 for percentiles); concrete values are range-checked."""
    if not is_tensor(q):
        arr = np.asarray(q, dtype=np.float64)
        if arr.ndim > 1:
            raise ShapeError(f"{op}: q must be a scalar or 1-D, got shape {arr.shape}")
        if np.any((arr < 0) | (arr > scale)):
            raise ValueError(f"{op}: q must be in [0, {scale:g}], got {q}")
        return (arr / scale).astype(dtype.np)
    q = convert(q, dtype, op)
    if type_of(q).ndim > 1:
        raise ShapeError(f"{op}: q must be a scalar or 1-D, got shape {fmt_shape(type_of(q).shape)}")
    return q if scale == 1 else L.div(q, scale, op, dtype=dtype)


def order_statistic(x: Any, q: Any, axis: Any, method: str, keepdims: bool, op: str, *,
                    ignore_nan: bool, scale: float = 1.0) -> Any:
    """The shared quantile core: positions ``q * (n - 1)`` into the sorted reduced axes, then pick and mix."""
    if method not in QUANTILE_METHODS:
        raise ValueError(f"{op}: method must be one of {QUANTILE_METHODS}, got {method!r}")
    x = as_tensor(x)
    t = type_of(x)
    out_dtype = _quantile_dtype(t.dtype)
    pos_dtype = promote_types(out_dtype, DEFAULT_FLOAT)  # positions need at least float32
    q = _check_q(q, scale, pos_dtype, op)
    q_shape = type_of(q).shape
    axes = normalize_axes(axis, t.ndim, op)
    keep = [i for i in range(t.ndim) if i not in axes]
    rows = tuple(t.shape[i] for i in keep)
    n = shape_size([t.shape[a] for a in axes])
    flat = L.reshape(L.transpose(convert(x, out_dtype, op), keep + list(axes), op), rows + (n,), op)
    ordered = bind("sort", flat, dimension=len(rows), num_keys=1, descending=False, op=op)[0]

    nan = L.isnan(flat, op)
    last = len(rows)
    if ignore_nan:
        valid = L.reduce("reduce_sum", convert(bind("not", nan, op=op), DType.int32, op), (last,), op)
        size = convert(valid, pos_dtype, op)
    else:
        size = L.count(t.shape, axes, pos_dtype, op)
    # positions have shape q.shape + rows
    q_b = L.reshape(q, q_shape + (1,) * len(rows), op)
    pos = L.mul(q_b, L.sub(size, 1, op, dtype=pos_dtype), op, dtype=pos_dtype)
    lo = unary("floor", pos, op)
    hi = unary("ceil", pos, op)

    def pick(position: Any) -> Any:  # the sorted elements at integral positions (shape q.shape + rows)
        return L.take_last(ordered, convert(position, DType.int32, op), op)

    if method == "lower":
        out = pick(lo)
    elif method == "higher":
        out = pick(hi)
    elif method == "nearest":
        out = pick(unary("round", pos, op))
    else:
        a, b = convert(pick(lo), pos_dtype, op), convert(pick(hi), pos_dtype, op)
        if method == "midpoint":
            out = L.mul(L.add(a, b, op), 0.5, op)
        else:
            out = L.add(a, L.mul(L.sub(b, a, op), L.sub(pos, lo, op), op), op)
        out = convert(out, out_dtype, op)
    # NaN where a slice holds a NaN (or, ignoring NaNs, holds nothing else)
    undefined = (bind("eq", valid, L.full(0, rows, DType.int32, op), op=op) if ignore_nan
                 else L.reduce("reduce_or", nan, (last,), op))
    out = L.where(undefined, float("nan"), out, op, dtype=out_dtype)
    if keepdims:
        out = L.reshape(out, q_shape + L.kept_shape(t.shape, axes), op)
    return finish(out)


def quantile(x: Any, q: Any, axis: Any = None, method: str = "linear", keepdims: bool = False) -> Any:
    """The ``q``-th quantiles (``q`` scalar or 1-D, in [0, 1]) over ``axis``; a leading axis indexes ``q``.
    ``method`` is one of linear, lower, higher, midpoint, nearest (as NumPy). A NaN in a slice gives NaN.

    >>> quantile(np.array([[1.0, 2.0], [3.0, 5.0]]), [0.0, 0.5], axis=1)   # doctest: +SKIP
    Array([[1. , 3. ], [1.5, 4. ]])
    """
    return order_statistic(x, q, axis, method, keepdims, "quantile", ignore_nan=False)


def percentile(x: Any, q: Any, axis: Any = None, method: str = "linear", keepdims: bool = False) -> Any:
    """``quantile`` with ``q`` in percent, [0, 100]."""
    return order_statistic(x, q, axis, method, keepdims, "percentile", ignore_nan=False, scale=100.0)


def median(x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """The median over ``axis`` (mean of the two middle values for even counts).

    >>> median(np.array([3.0, 1.0, 4.0, 2.0]))   # doctest: +SKIP
    Array(2.5, dtype=float64)
    """
    return order_statistic(x, 0.5, axis, "midpoint", keepdims, "median", ignore_nan=False)


def nanquantile(x: Any, q: Any, axis: Any = None, method: str = "linear", keepdims: bool = False) -> Any:
    """``quantile`` ignoring NaNs (an all-NaN slice gives NaN)."""
    return order_statistic(x, q, axis, method, keepdims, "nanquantile", ignore_nan=True)


def nanpercentile(x: Any, q: Any, axis: Any = None, method: str = "linear", keepdims: bool = False) -> Any:
    """``percentile`` ignoring NaNs."""
    return order_statistic(x, q, axis, method, keepdims, "nanpercentile", ignore_nan=True, scale=100.0)


def nanmedian(x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """``median`` ignoring NaNs."""
    return order_statistic(x, 0.5, axis, "midpoint", keepdims, "nanmedian", ignore_nan=True)
