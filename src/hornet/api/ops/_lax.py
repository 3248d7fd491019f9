"""hornet's lax: thin, typed wrappers over ``bind`` that the public ops are composed of (private: no public op).

Each helper binds one prim (or a small fixed composition: mean, count, softplus, a masked pick). Constants are
converted at once, identity reshapes/transposes/slices bind nothing, and every helper takes the public op's name
(``op``) so that errors and printed graphs name what the user called. Shapes may hold symbolic dims: while a
trace is active ``bind`` records every prim, so a constant broadcast to ``(batch, 3)`` or an ``iota`` needs no
special care.

>>> slice_axis(np.arange(6).reshape(2, 3), 1, 0, 2, "split").shape   # doctest: +SKIP
(2, 2)
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from hornet.api.ops.core import (as_tensor, binary, broadcast_shapes, broadcast_to, constant, convert, finish,
                                 is_tensor, promoted, same_shape, type_of, unary)
from hornet.ir.dtypes import DType, dtype as to_dtype
from hornet.ir.errors import DTypeError
from hornet.ir.symbolic import Dim, canonical_dim, is_symbolic, shape_size
from hornet.runtime.bind import bind

INDEX_DTYPE = DType.int32
HALF_FLOATS = (DType.float16, DType.bfloat16)


# --- structure ----------------------------------------------------------------------------------------------------

def reshape(x: Any, shape: Sequence[Dim], op: str) -> Any:
    """Reshape to ``shape`` (no -1 inference: that is the public op's job); nothing is bound when it fits."""
    x = as_tensor(x)
    shape = tuple(canonical_dim(d) for d in shape)
    if same_shape(type_of(x).shape, shape):
        return x
    return bind("reshape", x, new_sizes=shape, op=op)


def transpose(x: Any, perm: Sequence[int], op: str) -> Any:
    """Permute axes; nothing is bound for the identity permutation."""
    perm = tuple(int(p) for p in perm)
    if perm == tuple(range(len(perm))):
        return x
    return bind("transpose", as_tensor(x), permutation=perm, op=op)


def move_axis(x: Any, source: int, dest: int, op: str) -> Any:
    """Move one (non-negative) axis to position ``dest`` (non-negative), keeping the others in order."""
    perm = [i for i in range(type_of(x).ndim) if i != source]
    perm.insert(dest, source)
    return transpose(x, perm, op)


def broadcast_in_dim(x: Any, shape: Sequence[Dim], dims: Sequence[int], op: str) -> Any:
    """Dim ``i`` of ``x`` becomes dim ``dims[i]`` of ``shape``; the other dims are broadcast."""
    return bind("broadcast_in_dim", as_tensor(x), shape=tuple(shape), broadcast_dimensions=tuple(dims), op=op)


def expand_dims(x: Any, positions: Sequence[int], op: str) -> Any:
    """Insert size-1 dims so that they sit at ``positions`` (sorted, non-negative) of the result."""
    if not positions:
        return x
    shape = type_of(x).shape
    pos = set(positions)
    kept = [i for i in range(len(shape) + len(positions)) if i not in pos]
    out: list[Dim] = [1] * (len(shape) + len(positions))
    for i, d in zip(kept, shape):
        out[i] = d
    return broadcast_in_dim(x, out, kept, op)


def slice_axis(x: Any, axis: int, start: Dim, limit: Dim, op: str, stride: int = 1) -> Any:
    """``x`` sliced along one axis with a static (possibly symbolic) start and limit; nothing is bound when the
    slice is the whole axis."""
    x = as_tensor(x)
    shape = type_of(x).shape
    if start == 0 and limit == shape[axis] and stride == 1:
        return x
    starts = tuple(start if i == axis else 0 for i in range(len(shape)))
    limits = tuple(limit if i == axis else d for i, d in enumerate(shape))
    strides = None if stride == 1 else tuple(stride if i == axis else 1 for i in range(len(shape)))
    return bind("slice", x, start_indices=starts, limit_indices=limits, strides=strides, op=op)


# --- creation -----------------------------------------------------------------------------------------------------

def full(value: Any, shape: Sequence[Dim], dtype: Any, op: str) -> Any:
    """A tensor of ``shape`` holding ``value`` (a scalar, or a tensor broadcast to ``shape``) as ``dtype``."""
    return broadcast_to(convert(value, dtype, op), shape, op)


def full_like(x: Any, value: Any, op: str, dtype: Any = None) -> Any:
    """``value`` with ``x``'s (possibly symbolic) shape, as ``dtype`` (default ``x``'s)."""
    t = type_of(x)
    return full(value, t.shape, t.dtype if dtype is None else dtype, op)


def iota(dtype: Any, shape: Sequence[Dim], dimension: int, op: str) -> Any:
    """0, 1, 2, ... along ``dimension`` of ``shape``."""
    shape = tuple(canonical_dim(d) for d in shape)
    return bind("iota", dtype=to_dtype(dtype), shape=shape, dimension=dimension, op=op)


def eye_mask(n: Dim, op: str) -> Any:
    """A bool ``(n, n)`` identity mask."""
    return bind("eq", iota(INDEX_DTYPE, (n, n), 0, op), iota(INDEX_DTYPE, (n, n), 1, op), op=op)


def eye(n: Dim, dtype: Any, op: str) -> Any:
    return convert(eye_mask(n, op), dtype, op)


# --- elementwise --------------------------------------------------------------------------------------------------

def where(pred: Any, on_true: Any, on_false: Any, op: str, dtype: Any = None) -> Any:
    """``select`` with broadcasting; the branches are converted to ``dtype`` (default: their promoted dtype)."""
    d = to_dtype(dtype) if dtype is not None else promoted(on_true, on_false)
    pred, a, b = convert(pred, DType.bool, op), convert(on_true, d, op), convert(on_false, d, op)
    shape = broadcast_shapes(type_of(pred).shape, type_of(a).shape, type_of(b).shape, op=op)
    return bind("select", *(broadcast_to(v, shape, op) for v in (pred, a, b)), op=op)


def add(a: Any, b: Any, op: str, dtype: Any = None) -> Any:
    return binary("add", a, b, op, dtype=dtype)


def sub(a: Any, b: Any, op: str, dtype: Any = None) -> Any:
    return binary("sub", a, b, op, dtype=dtype)


def mul(a: Any, b: Any, op: str, dtype: Any = None) -> Any:
    """Elementwise product; for bool operands, logical and."""
    d = to_dtype(dtype) if dtype is not None else promoted(a, b)
    return binary("and" if d.is_bool else "mul", a, b, op, dtype=d)


def div(a: Any, b: Any, op: str, dtype: Any = None) -> Any:
    """The ``div`` prim in the promoted dtype (integers divide rounding toward zero)."""
    return binary("div", a, b, op, dtype=dtype)


def true_divide(a: Any, b: Any, op: str) -> Any:
    """Division in floating point: bool and integer operands are divided as float32."""
    return binary("div", a, b, op, float_only=True)


def maximum(a: Any, b: Any, op: str) -> Any:
    return binary("max", a, b, op)


def minimum(a: Any, b: Any, op: str) -> Any:
    return binary("min", a, b, op)


def clip(x: Any, lo: Any, hi: Any, op: str) -> Any:
    return minimum(maximum(x, lo, op), hi, op)


def square(x: Any, op: str) -> Any:
    return bind("integer_pow", as_tensor(x), y=2, op=op)


def softplus(x: Any, op: str) -> Any:
    """``log(1 + e^x)`` of a float tensor as ``max(x, 0) + log1p(e^-|x|)``: no overflow for large ``|x|``."""
    tail = unary("log1p", unary("exp", unary("neg", unary("abs", x, op), op), op), op)
    return add(maximum(x, 0, op), tail, op)


def isnan(x: Any, op: str) -> Any:
    """Bool mask of NaNs (all False for integers and bools)."""
    x = as_tensor(x)
    t = type_of(x)
    if not t.dtype.is_floating:
        return full(False, t.shape, DType.bool, op)
    return bind("ne", x, x, op=op)


# --- reductions ---------------------------------------------------------------------------------------------------

def kept_shape(shape: Sequence[Dim], axes: Sequence[int]) -> tuple[Dim, ...]:
    """``shape`` with the reduced ``axes`` set to 1 (what ``keepdims=True`` returns)."""
    return tuple(1 if i in axes else d for i, d in enumerate(shape))


def reduce(prim: str, x: Any, axes: Sequence[int], op: str, keepdims: bool = False) -> Any:
    """A reduction prim over ``axes`` (sorted, non-negative; none: ``x`` itself), with the reduced axes kept as
    size-1 dims when ``keepdims``."""
    x = as_tensor(x)
    in_shape = type_of(x).shape
    out = bind(prim, x, axes=tuple(axes), op=op) if axes else x
    if keepdims:
        out = reshape(out, kept_shape(in_shape, axes), op)
    return finish(out)


def sum_any(x: Any, axes: Sequence[int], op: str) -> Any:
    """Sum over axes; for bool, logical or (the contraction semantics of bool dot products)."""
    return reduce("reduce_or" if type_of(x).dtype.is_bool else "reduce_sum", x, axes, op)


def count(shape: Sequence[Dim], axes: Sequence[int], dtype: Any, op: str) -> Any:
    """The number of elements in ``axes`` of ``shape`` as a 0-d tensor of ``dtype``.

    Static counts are constants; a symbolic count is a ``reduce_sum`` of int32 ones over those dims, so one
    traced graph divides by the actual batch size.
    """
    dims = [shape[a] for a in axes]
    n = shape_size(dims)
    if not is_symbolic(n):
        return constant(n, dtype)
    ones = full(1, dims, INDEX_DTYPE, op)
    return convert(bind("reduce_sum", ones, axes=tuple(range(len(dims))), op=op), dtype, op)


def mean(x: Any, axes: Sequence[int], op: str, keepdims: bool = False) -> Any:
    """The mean over ``axes``; integer and bool inputs give float32 (the count may be symbolic)."""
    x = as_tensor(x)
    t = type_of(x)
    total = reduce("reduce_sum", x, axes, op, keepdims)
    return true_divide(total, count(t.shape, axes, t.dtype, op), op)


def dot_general(a: Any, b: Any, contracting: tuple[Sequence[int], Sequence[int]], op: str,
                batch: tuple[Sequence[int], Sequence[int]] = ((), ()), preferred: Any = None) -> Any:
    return bind("dot_general", a, b, lhs_contracting=tuple(contracting[0]), rhs_contracting=tuple(contracting[1]),
                lhs_batch=tuple(batch[0]), rhs_batch=tuple(batch[1]),
                preferred_element_type=None if preferred is None else to_dtype(preferred), op=op)


# --- indices ------------------------------------------------------------------------------------------------------

def index_tensor(idx: Any, op: str) -> Any:
    """Indices as an integer operand (int32 unless they are already a 32/64-bit integer type)."""
    idx = as_tensor(idx)
    d = type_of(idx).dtype
    if d in (DType.int32, DType.int64):
        return idx
    if not (d.is_integer or d.is_bool):
        raise DTypeError(f"{op}: indices must be integers, got {d.value}")
    return convert(idx, INDEX_DTYPE, op)


def wrap_negative(idx: Any, size: Dim, op: str) -> Any:
    """Integer indices with negative entries counted from the end (``-1`` -> ``size - 1``)."""
    t = type_of(idx)
    if t.dtype.is_unsigned:
        return idx
    if not is_tensor(idx) and not is_symbolic(size):
        arr = np.asarray(idx)
        return np.where(arr < 0, arr + size, arr).astype(arr.dtype)
    shifted = add(idx, count((size,), (0,), t.dtype, op), op)
    return where(binary("lt", idx, constant(0, t.dtype), op), shifted, idx, op)


def gather_axis(x: Any, idx: Any, axis: int, op: str) -> Any:
    """``x`` indexed along ``axis`` by in-range integer indices of any shape (``np.take`` layout): the result
    shape is ``x.shape[:axis] + idx.shape + x.shape[axis + 1:]``."""
    nd, k = type_of(x).ndim, type_of(idx).ndim
    front = transpose(x, [axis] + [i for i in range(nd) if i != axis], op)
    out = bind("gather", front, expand_dims(idx, [k], op), op=op)  # idx.shape + before + after
    return transpose(out, list(range(k, k + axis)) + list(range(k)) + list(range(k + axis, k + nd - 1)), op)


def take_last(x: Any, index: Any, op: str) -> Any:
    """``x[..., index[...]]`` along the last axis for an int32 ``index`` of shape ``x.shape[:-1]`` (possibly with
    extra leading dims). A masked sum, exact (one element per row) and fine with symbolic sizes."""
    x, index = as_tensor(x), as_tensor(index)
    xs, ishape = type_of(x).shape, type_of(index).shape
    full_shape = broadcast_shapes(xs[:-1], ishape, op=op) + (xs[-1],)
    last = len(full_shape) - 1
    hit = bind("eq", iota(INDEX_DTYPE, full_shape, last, op),
               broadcast_to(reshape(index, ishape + (1,), op), full_shape, op), op=op)
    picked = where(hit, broadcast_to(x, full_shape, op), 0, op, dtype=type_of(x).dtype)
    return sum_any(picked, (last,), op)

