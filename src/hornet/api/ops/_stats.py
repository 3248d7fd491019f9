"""Reduction building blocks shared by ``reductions``, ``nan_reductions`` and ``sorting`` (private).

They take the public op's name (``op``) for errors and printed graphs.
"""
from __future__ import annotations

from typing import Any

from hornet.api.ops import _lax as L
from hornet.api.ops.core import as_tensor, bind, convert, finish, fmt_shape, normalize_axes, normalize_axis, type_of
from hornet.ir.dtypes import DEFAULT_FLOAT, DType, dtype as to_dtype, promote_types
from hornet.ir.errors import ShapeError

# Sums and products of small integers accumulate in 32 bits (as JAX and Keras do).
_ACCUMULATOR = {DType.bool: DType.int32, DType.int8: DType.int32, DType.int16: DType.int32, DType.uint8: DType.uint32}


def accumulator_dtype(d: DType) -> DType:
    return _ACCUMULATOR.get(d, d)


def stat_dtypes(d: DType) -> tuple[DType, DType]:
    """(compute dtype, result dtype) of mean-like statistics: at least float32 inside; ints and bools give
    float32, floats keep their dtype."""
    compute = promote_types(d, DEFAULT_FLOAT)
    return compute, (d if d.is_floating else compute)


def operand_axes(x: Any, axis: Any, op: str) -> tuple[Any, tuple[int, ...]]:
    """``x`` as a tensor and ``axis`` normalized (None: every axis)."""
    x = as_tensor(x)
    return x, normalize_axes(axis, type_of(x).ndim, op)


def variance(x: Any, axes: tuple[int, ...], op: str, keepdims: bool = False) -> Any:
    """Biased variance of a float tensor over axes, in its own dtype."""
    centered = L.sub(x, L.mean(x, axes, op, keepdims=True), op)
    return L.mean(L.mul(centered, centered, op), axes, op, keepdims)


_EXTREMUM_PRIMS = {("max", False): "reduce_max", ("max", True): "reduce_or",
                   ("min", False): "reduce_min", ("min", True): "reduce_and"}
_EXTREMUM_BINARY = {("max", False): "max", ("max", True): "or", ("min", False): "min", ("min", True): "and"}


def extremum(x: Any, axis: Any, keepdims: bool, initial: Any, which: str, op: str) -> Any:
    """max/min over ``axis`` (bool: or/and); ``initial`` joins every reduction."""
    x, axes = operand_axes(x, axis, op)
    t = type_of(x)
    if initial is None and any(t.shape[a] == 0 for a in axes):
        raise ShapeError(f"{op}: zero-size reduction over axis {axis} of shape {fmt_shape(t.shape)} has no identity; "
                         "pass initial=")
    key = (which, t.dtype.is_bool)
    out = L.reduce(_EXTREMUM_PRIMS[key], x, axes, op, keepdims=keepdims)
    if initial is not None:
        out = bind(_EXTREMUM_BINARY[key], out, L.full(initial, type_of(out).shape, t.dtype, op), op=op)
    return out


def arg_reduce(prim: str, x: Any, axis: Any, keepdims: bool, op: str) -> Any:
    """argmax/argmin as int32; ``axis=None`` looks at the flattened tensor."""
    x = as_tensor(x)
    t = type_of(x)
    if t.dtype.is_bool:
        x = convert(x, DType.int8, op)
    if axis is None:
        out = bind(prim, L.reshape(x, (t.size,), op), axis=0, index_dtype=DType.int32, op=op)
        return finish(L.reshape(out, (1,) * t.ndim, op) if keepdims else out)
    a = normalize_axis(axis, t.ndim, op)
    if t.ndim == 0:
        return finish(L.full(0, (), DType.int32, op))
    out = bind(prim, x, axis=a, index_dtype=DType.int32, op=op)
    return finish(L.reshape(out, L.kept_shape(t.shape, (a,)), op) if keepdims else out)


def cumulative(prim: str, x: Any, axis: Any, dtype: Any, op: str) -> Any:
    """cumsum/cumprod: ``axis=None`` flattens; bool accumulates as int32."""
    x = as_tensor(x)
    t = type_of(x)
    d = to_dtype(dtype) if dtype is not None else t.dtype
    x = convert(x, DType.int32 if d.is_bool else d, op)
    if axis is None or t.ndim == 0:
        x, a = L.reshape(x, (t.size,), op), 0
    else:
        a = normalize_axis(axis, t.ndim, op)
    return bind(prim, x, axis=a, reverse=False, op=op)
