"""Thin wrappers over ``bind`` shared by the reduction, sorting and linalg ops (private: not public ops).

Every helper takes the public op's name (``op``) so that errors and printed graphs name what the user called.
Shapes may hold symbolic dims; nothing here needs a static size unless it says so.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from hornet.ir.dtypes import DType, dtype as to_dtype, result_type
from hornet.ir.errors import ShapeError
from hornet.ir.prims import PRIMITIVES, normalize_attrs
from hornet.ir.symbolic import Dim, canonical_dim, dims_equal, is_symbolic, shape_size
from hornet.ir.tracer import SymbolicTensor, find_trace, trace_stack
from hornet.api.ops.core import as_tensor, bind, broadcast_shapes, constant, convert_to_tensor, is_tensor, type_of

INT32 = DType.int32


def shape_of(x: Any) -> tuple[Dim, ...]:
    return type_of(x).shape


def fmt(shape: Sequence[Dim]) -> str:
    """A shape as users write it: ``(2, 3)``, ``(batch, 3)``."""
    return "(" + ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def same_shape(a: Sequence[Dim], b: Sequence[Dim]) -> bool:
    return len(a) == len(b) and all(dims_equal(x, y) for x, y in zip(a, b))


def finish(x: Any) -> Any:
    """An op's result: symbolic or backend tensors pass; NumPy constants become backend tensors."""
    return x if isinstance(x, SymbolicTensor) else convert_to_tensor(x)


def convert(x: Any, dtype: Any, op: str) -> Any:
    """``x`` as ``dtype`` (no node when it already is; NumPy and Python values convert at once)."""
    d = to_dtype(dtype)
    if not is_tensor(x):
        if not isinstance(x, (np.ndarray, np.generic)):
            return as_tensor(x, d)  # Python scalars and lists straight to d (no float32 detour)
        arr = np.asarray(x)
        return arr if arr.dtype == d.np else (arr != 0 if d.is_bool else arr.astype(d.np))
    if type_of(x).dtype == d:
        return x
    return bind("convert", x, new_dtype=d, op=op)


def reshape(x: Any, shape: Sequence[Dim], op: str) -> Any:
    x = as_tensor(x)
    shape = tuple(canonical_dim(d) for d in shape)
    if same_shape(shape_of(x), shape):
        return x
    return bind("reshape", x, new_sizes=shape, op=op)


def transpose(x: Any, perm: Sequence[int], op: str) -> Any:
    perm = tuple(int(p) for p in perm)
    if perm == tuple(range(len(perm))):
        return x
    return bind("transpose", x, permutation=perm, op=op)


def move_axis(x: Any, source: int, dest: int, op: str) -> Any:
    """Move one (non-negative) axis to position ``dest`` (non-negative), keeping the others in order."""
    n = len(shape_of(x))
    perm = [i for i in range(n) if i != source]
    perm.insert(dest, source)
    return transpose(x, perm, op)


def kept_shape(shape: Sequence[Dim], axes: Sequence[int]) -> tuple[Dim, ...]:
    """``shape`` with the reduced ``axes`` set to 1 (what ``keepdims=True`` returns)."""
    return tuple(1 if i in axes else d for i, d in enumerate(shape))


def reduce(prim: str, x: Any, axes: Sequence[int], keepdims: bool, op: str) -> Any:
    """Apply a reduction prim over ``axes`` (sorted, non-negative), then restore them as 1s for keepdims."""
    x = as_tensor(x)
    in_shape = shape_of(x)
    out = bind(prim, x, axes=tuple(axes), op=op) if axes else x
    if keepdims:
        out = reshape(out, kept_shape(in_shape, axes), op)
    return finish(out)


def sum_any(x: Any, axes: Sequence[int], op: str) -> Any:
    """Sum over axes; for bool, logical or (the contraction semantics of bool dot products)."""
    return reduce("reduce_or" if type_of(x).dtype.is_bool else "reduce_sum", x, axes, False, op)


def bind_shaped(prim: str, *inputs: Any, op: str, shape: Sequence[Dim], **attrs: Any) -> Any:
    """``bind`` for prims whose output shape is an attribute (iota, broadcast of a constant): with symbolic dims
    in ``shape`` and no symbolic input, the node is recorded in the innermost active trace."""
    shape = tuple(canonical_dim(d) for d in shape)
    if find_trace(inputs) is not None or not any(is_symbolic(d) for d in shape):
        return bind(prim, *inputs, op=op, shape=shape, **attrs)
    stack = trace_stack()
    if not stack:
        raise ShapeError(f"{op}: a shape with symbolic dims {fmt(shape)} exists only while tracing")
    p = PRIMITIVES[prim]
    return stack[-1].record(p, inputs, normalize_attrs(p, dict(attrs, shape=shape), op), op)


def broadcast_to(x: Any, shape: Sequence[Dim], op: str) -> Any:
    """NumPy broadcasting of ``x`` to ``shape``; a constant broadcast to a symbolic shape joins the active trace."""
    x = as_tensor(x)
    have = shape_of(x)
    target = tuple(canonical_dim(d) for d in shape)
    if same_shape(have, target):
        return x
    offset = len(target) - len(have)
    if offset < 0 or any(d != 1 and not dims_equal(d, t) for d, t in zip(have, target[offset:])):
        raise ShapeError(f"{op}: cannot broadcast shape {fmt(have)} to {fmt(target)}")
    return bind_shaped("broadcast_in_dim", x, op=op, shape=target,
                       broadcast_dimensions=tuple(range(offset, len(target))))


def binary(prim: str, a: Any, b: Any, op: str, *, dtype: Any = None) -> Any:
    """An elementwise binary prim on operands converted to ``dtype`` (default: promoted, Python scalars weak) and
    broadcast to one shape."""
    d = to_dtype(dtype) if dtype is not None else result_type(_probe(a), _probe(b))
    a, b = convert(a, d, op), convert(b, d, op)
    shape = broadcast_shapes(shape_of(a), shape_of(b), op=op)
    return bind(prim, broadcast_to(a, shape, op), broadcast_to(b, shape, op), op=op)


def full(value: Any, dtype: Any, shape: Sequence[Dim], op: str) -> Any:
    """A tensor of ``shape`` filled with ``value`` (a broadcast scalar, so symbolic shapes work)."""
    c = constant(value, dtype)
    if not shape:
        return c
    return bind_shaped("broadcast_in_dim", c, op=op, shape=shape, broadcast_dimensions=())


def count(shape: Sequence[Dim], axes: Sequence[int], dtype: Any, op: str) -> Any:
    """The number of elements in ``axes`` of ``shape`` as a 0-d tensor of ``dtype``.

    Static counts are constants; a symbolic count is a ``reduce_sum`` of int32 ones over those dims, so one
    traced graph divides by the actual batch size.
    """
    dims = [shape[a] for a in axes]
    n = shape_size(dims)
    if isinstance(n, int):
        return constant(n, dtype)
    ones = full(1, INT32, dims, op)
    return convert(bind("reduce_sum", ones, axes=tuple(range(len(dims))), op=op), dtype, op)


def iota(dtype: Any, shape: Sequence[Dim], dimension: int, op: str) -> Any:
    return bind_shaped("iota", op=op, shape=shape, dtype=to_dtype(dtype), dimension=dimension)


def eye_mask(n: Dim, op: str) -> Any:
    """A bool ``(n, n)`` identity mask."""
    return bind("eq", iota(INT32, (n, n), 0, op), iota(INT32, (n, n), 1, op), op=op)


def eye(n: Dim, dtype: Any, op: str) -> Any:
    return convert(eye_mask(n, op), dtype, op)


def where(pred: Any, a: Any, b: Any, op: str, dtype: Any = None) -> Any:
    """``select`` with broadcasting; ``a`` and ``b`` converted to ``dtype`` (default: their promoted type)."""
    d = to_dtype(dtype) if dtype is not None else result_type(_probe(a), _probe(b))
    a, b, pred = convert(a, d, op), convert(b, d, op), as_tensor(pred)
    shape = broadcast_shapes(shape_of(pred), shape_of(a), shape_of(b), op=op)
    return bind("select", broadcast_to(pred, shape, op), broadcast_to(a, shape, op), broadcast_to(b, shape, op),
                op=op)


def _probe(x: Any) -> Any:
    if isinstance(x, (bool, int, float)) and not isinstance(x, np.generic):
        return x
    return type_of(as_tensor(x)).dtype


def unary(prim: str, x: Any, op: str) -> Any:
    return bind(prim, as_tensor(x), op=op)


def add(a: Any, b: Any, op: str, dtype: Any = None) -> Any:
    return binary("add", a, b, op, dtype=dtype)


def sub(a: Any, b: Any, op: str, dtype: Any = None) -> Any:
    return binary("sub", a, b, op, dtype=dtype)


def mul(a: Any, b: Any, op: str, dtype: Any = None) -> Any:
    """Elementwise product; for bool operands, logical and."""
    d = to_dtype(dtype) if dtype is not None else result_type(_probe(a), _probe(b))
    return binary("and" if d.is_bool else "mul", a, b, op, dtype=d)


def div(a: Any, b: Any, op: str, dtype: Any = None) -> Any:
    return binary("div", a, b, op, dtype=dtype)


def isnan(x: Any, op: str) -> Any:
    """Bool mask of NaNs (all False for integers and bools)."""
    x = as_tensor(x)
    t = type_of(x)
    if not t.dtype.is_floating:
        return full(False, DType.bool, t.shape, op)
    return bind("ne", x, x, op=op)


def slice_axis(x: Any, axis: int, start: Dim, limit: Dim, op: str) -> Any:
    shape = shape_of(x)
    starts = tuple(start if i == axis else 0 for i in range(len(shape)))
    limits = tuple(limit if i == axis else d for i, d in enumerate(shape))
    return bind("slice", x, start_indices=starts, limit_indices=limits, strides=None, op=op)


def take_last(x: Any, index: Any, op: str) -> Any:
    """``x[..., index[...]]`` along the last axis for an int32 ``index`` of shape ``x.shape[:-1]`` (possibly with
    extra leading dims). A masked sum, exact (one element per row) and fine with symbolic sizes."""
    x, index = as_tensor(x), as_tensor(index)
    xs, ishape = shape_of(x), shape_of(index)
    out_shape = broadcast_shapes(xs[:-1], ishape, op=op)
    full_shape = out_shape + (xs[-1],)
    hit = bind("eq", iota(INT32, full_shape, len(full_shape) - 1, op),
               broadcast_to(reshape(index, ishape + (1,), op), full_shape, op), op=op)
    picked = where(hit, broadcast_to(x, full_shape, op), 0, op, dtype=type_of(x).dtype)
    return sum_any(picked, (len(full_shape) - 1,), op)


def dot_general(a: Any, b: Any, contracting: tuple[Sequence[int], Sequence[int]], op: str,
                batch: tuple[Sequence[int], Sequence[int]] = ((), ()), preferred: Any = None) -> Any:
    return bind("dot_general", a, b, lhs_contracting=tuple(contracting[0]), rhs_contracting=tuple(contracting[1]),
                lhs_batch=tuple(batch[0]), rhs_batch=tuple(batch[1]),
                preferred_element_type=None if preferred is None else to_dtype(preferred), op=op)

