"""Small building blocks shared by the shape and indexing ops (not public ops themselves).

They bind structural prims with the public op's name, so errors and printed graphs name the op the user
called: ``slice_axis(x, 1, 0, 2, op="split")`` is ``x[:, 0:2]`` recorded as part of ``split``.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from hornet.api.ops import core
from hornet.api.ops.core import as_tensor, bind, cast, constant, convert_to_tensor, is_tensor, type_of
from hornet.ir.dtypes import DType, dtype as to_dtype
from hornet.ir.errors import DTypeError, ShapeError
from hornet.ir.prims import PRIMITIVES, normalize_attrs
from hornet.ir.symbolic import Dim, canonical_dim, dims_equal, is_symbolic
from hornet.ir.tracer import SymbolicTensor, find_trace, trace_stack

INDEX_DTYPE = DType.int32


def fmt_shape(shape: Sequence[Dim]) -> str:
    """``(2, 3)`` style, with symbolic dims by name: ``(batch, 16)``."""
    return "(" + ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def finish(x: Any) -> Any:
    """Make an op's result a tensor of the current backend (or symbolic) even when no prim ran."""
    return x if is_tensor(x) else convert_to_tensor(x)


def is_symbolic_tensor(x: Any) -> bool:
    return isinstance(x, SymbolicTensor)


def bind_shaped(prim: str, *inputs: Any, op: str, shape: Sequence[Dim], **attrs: Any) -> Any:
    """``bind`` for a prim whose output shape is its ``shape`` attribute (iota, broadcasts of constants).

    With symbolic dims in ``shape`` but only concrete inputs, ``bind`` would run the prim eagerly; the node is
    recorded in the innermost active trace instead.
    """
    shape = tuple(canonical_dim(d) for d in shape)
    if find_trace(inputs) is not None or not any(is_symbolic(d) for d in shape):
        return bind(prim, *inputs, op=op, shape=shape, **attrs)
    stack = trace_stack()
    if not stack:
        raise ShapeError(f"{op}: the symbolic shape {fmt_shape(shape)} only exists while tracing")
    p = PRIMITIVES[prim]
    return stack[-1].record(p, inputs, normalize_attrs(p, dict(attrs, shape=shape), op), op)


def broadcast(x: Any, shape: Sequence[Dim], op: str) -> Any:
    """``core.broadcast_to``, also for a concrete ``x`` and a symbolic ``shape`` while tracing."""
    x = as_tensor(x)
    shape = tuple(canonical_dim(d) for d in shape)
    if is_symbolic_tensor(x) or not any(is_symbolic(d) for d in shape):
        return core.broadcast_to(x, shape, op)
    have = type_of(x).shape
    offset = len(shape) - len(have)
    if offset < 0 or any(d != 1 and not dims_equal(d, shape[offset + i]) for i, d in enumerate(have)):
        raise ShapeError(f"{op}: cannot broadcast shape {fmt_shape(have)} to {fmt_shape(shape)}")
    return bind_shaped("broadcast_in_dim", x, op=op, shape=shape, broadcast_dimensions=tuple(range(offset, len(shape))))


def iota(dtype: Any, shape: Sequence[Dim], dimension: int, op: str) -> Any:
    """0, 1, 2, ... along ``dimension`` of ``shape`` (symbolic dims allowed while tracing)."""
    return bind_shaped("iota", op=op, shape=shape, dtype=to_dtype(dtype), dimension=dimension)


def reshape_to(x: Any, shape: Sequence[Dim], op: str) -> Any:
    """Reshape without the -1 inference of the public op; a no-op when the shape is already right."""
    if tuple(type_of(x).shape) == tuple(shape):
        return x
    return bind("reshape", x, new_sizes=tuple(shape), op=op)


def permute(x: Any, perm: Sequence[int], op: str) -> Any:
    """Transpose, skipping the identity permutation."""
    if list(perm) == list(range(len(perm))):
        return x
    return bind("transpose", x, permutation=tuple(perm), op=op)


def insert_unit_dims(x: Any, positions: Sequence[int], op: str) -> Any:
    """Insert size-1 dims so that they sit at ``positions`` (sorted, non-negative) of the result."""
    shape = list(type_of(x).shape)
    if not positions:
        return x
    out_rank = len(shape) + len(positions)
    pos = set(positions)
    kept = [i for i in range(out_rank) if i not in pos]
    out_shape: list[Dim] = [1] * out_rank
    for i, d in zip(kept, shape):
        out_shape[i] = d
    return bind("broadcast_in_dim", x, shape=tuple(out_shape), broadcast_dimensions=tuple(kept), op=op)


def slice_axis(x: Any, axis: int, start: Dim, limit: Dim, stride: int = 1, op: str = "slice") -> Any:
    """``x`` sliced along one axis with a static (possibly symbolic) start and limit."""
    shape = type_of(x).shape
    if start == 0 and limit == shape[axis] and stride == 1:
        return x
    starts = [0] * len(shape)
    limits = list(shape)
    strides = [1] * len(shape)
    starts[axis], limits[axis], strides[axis] = start, limit, stride
    return bind("slice", x, start_indices=tuple(starts), limit_indices=tuple(limits),
                strides=None if stride == 1 else tuple(strides), op=op)


def dim_tensor(d: Dim, dtype: Any = INDEX_DTYPE, op: str = "shape") -> Any:
    """A scalar tensor holding the size ``d``; a symbolic size is counted at run time."""
    if not is_symbolic(d):
        return constant(d, dtype)
    ones = bind_shaped("broadcast_in_dim", constant(1, dtype), shape=(d,), broadcast_dimensions=(), op=op)
    return bind("reduce_sum", ones, axes=(0,), op=op)


def full_like_shape(value: Any, shape: Sequence[Dim], dtype: Any, op: str) -> Any:
    """A tensor of ``shape`` filled with ``value`` (a scalar tensor or Python number)."""
    scalar = as_tensor(value, dtype)
    if not shape:
        return scalar
    return bind_shaped("broadcast_in_dim", scalar, shape=tuple(shape), broadcast_dimensions=(), op=op)


def binary_same(prim: str, a: Any, b: Any, op: str) -> Any:
    """An elementwise prim on two operands already of one dtype; a scalar operand is broadcast."""
    ta, tb = type_of(a), type_of(b)
    if ta.ndim == 0 and tb.ndim:
        a = full_like_shape(a, tb.shape, tb.dtype, op)
    elif tb.ndim == 0 and ta.ndim:
        b = full_like_shape(b, ta.shape, ta.dtype, op)
    return bind(prim, a, b, op=op)


def wrap_negative(idx: Any, size: Dim, op: str) -> Any:
    """Integer indices with negative entries counted from the end (``-1`` -> ``size - 1``)."""
    t = type_of(idx)
    if t.dtype.is_unsigned:
        return idx
    if not is_tensor(idx) and not is_symbolic(size):
        arr = np.asarray(idx)
        return np.where(arr < 0, arr + size, arr).astype(arr.dtype)
    zero = constant(0, t.dtype)
    negative = binary_same("lt", idx, zero, op)
    shifted = binary_same("add", idx, dim_tensor(size, t.dtype, op), op)
    return bind("select", negative, shifted, idx, op=op)


def index_tensor(idx: Any, op: str) -> Any:
    """Indices as an integer operand (int32 unless they are already a 32/64-bit integer type)."""
    idx = as_tensor(idx)
    d = type_of(idx).dtype
    if d in (DType.int32, DType.int64):
        return idx
    if not (d.is_integer or d.is_bool):
        raise DTypeError(f"{op}: indices must be integers, got {d.value}")
    return cast(idx, INDEX_DTYPE)


def gather_axis(x: Any, idx: Any, axis: int, op: str) -> Any:
    """``x`` indexed along ``axis`` by in-range integer indices of any shape (``np.take`` layout):
    the result shape is ``x.shape[:axis] + idx.shape + x.shape[axis + 1:]``."""
    xt, it = type_of(x), type_of(idx)
    nd = xt.ndim
    front = permute(x, [axis] + [i for i in range(nd) if i != axis], op)
    vec = insert_unit_dims(idx, [it.ndim], op)  # [..., 1]: one index per row
    out = bind("gather", front, vec, op=op)
    # out: idx.shape + before + after; move `before` ahead of idx's dims
    k = it.ndim
    before = list(range(k, k + axis))
    perm = before + list(range(k)) + list(range(k + axis, k + nd - 1))
    return permute(out, perm, op)
