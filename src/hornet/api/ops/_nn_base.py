"""Private building blocks of the nn ops (activations, conv, normalization, losses, attention).

Thin wrappers over ``bind`` and the ``core`` helpers that broadcast, promote and keep dims, so the nn files read
as formulas and do not depend on the sibling public-op modules. Every helper takes the public op's name for
errors and printing.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from hornet.api.ops.core import (as_tensor, bind, binary, broadcast_shapes, broadcast_to, constant, type_of,
                                 unary)
from hornet.ir.dtypes import DType, dtype as to_dtype, is_python_scalar, result_type
from hornet.ir.errors import ShapeError
from hornet.ir.symbolic import Dim, is_symbolic, shape_size

HALF_FLOATS = (DType.float16, DType.bfloat16)


def _probe(x: Any) -> Any:
    return x if is_python_scalar(x) else type_of(x).dtype


def fmt(shape: Sequence[Dim]) -> str:
    """A shape as a Python tuple reads: ``(2, 8, 8, 3)``."""
    return "(" + ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def full(value: Any, shape: Sequence[Dim], dtype: Any, op: str) -> Any:
    """A tensor of ``shape`` filled with ``value`` (symbolic dims allowed)."""
    c = constant(value, dtype)
    if not shape:
        return c
    return bind("broadcast_in_dim", c, shape=tuple(shape), broadcast_dimensions=(), op=op)


def add(x: Any, y: Any, op: str) -> Any:
    return binary("add", x, y, op)


def sub(x: Any, y: Any, op: str) -> Any:
    return binary("sub", x, y, op)


def mul(x: Any, y: Any, op: str) -> Any:
    return binary("mul", x, y, op)


def div(x: Any, y: Any, op: str) -> Any:
    return binary("div", x, y, op, float_only=True)


def maximum(x: Any, y: Any, op: str) -> Any:
    return binary("max", x, y, op)


def minimum(x: Any, y: Any, op: str) -> Any:
    return binary("min", x, y, op)


def compare(prim: str, x: Any, y: Any, op: str) -> Any:
    """``eq``/``ne``/``lt``/``le``/``gt``/``ge`` with promotion and broadcasting; a bool tensor."""
    return binary(prim, x, y, op)


def neg(x: Any, op: str) -> Any:
    return unary("neg", x, op)


def fn(prim: str, x: Any, op: str) -> Any:
    """A float unary prim (``exp``, ``log``, ``tanh``...): ints and bools are cast to float32 first."""
    return unary(prim, x, op, float_only=True)


def square(x: Any, op: str) -> Any:
    return bind("integer_pow", as_tensor(x), y=2, op=op)


def where(pred: Any, on_true: Any, on_false: Any, op: str) -> Any:
    """Elementwise select with broadcasting; the branches promote as a binary op's operands do."""
    d = result_type(_probe(on_true), _probe(on_false))
    pred = as_tensor(pred, DType.bool)
    a, b = as_tensor(on_true, d), as_tensor(on_false, d)
    shape = broadcast_shapes(type_of(pred).shape, type_of(a).shape, type_of(b).shape, op=op)
    return bind("select", broadcast_to(pred, shape, op), broadcast_to(a, shape, op), broadcast_to(b, shape, op),
                op=op)


def clip(x: Any, lo: float, hi: float, op: str) -> Any:
    return minimum(maximum(x, lo, op), hi, op)


def cast(x: Any, dtype: Any, op: str) -> Any:
    x = as_tensor(x)
    d = to_dtype(dtype)
    return x if type_of(x).dtype == d else bind("convert", x, new_dtype=d, op=op)


def keep_dims(x: Any, shape: Sequence[Dim], axes: Sequence[int], op: str) -> Any:
    """Re-insert the reduced ``axes`` of ``shape`` as size-1 dims into the reduction result ``x``."""
    out = tuple(1 if i in axes else d for i, d in enumerate(shape))
    kept = tuple(i for i in range(len(shape)) if i not in axes)
    return bind("broadcast_in_dim", x, shape=out, broadcast_dimensions=kept, op=op)


def reduce(prim: str, x: Any, axes: Sequence[int], op: str, keepdims: bool = False) -> Any:
    """``reduce_sum``/``reduce_max``/... over ``axes`` (non-negative, sorted)."""
    x = as_tensor(x)
    axes = tuple(axes)
    out = bind(prim, x, axes=axes, op=op)
    return keep_dims(out, type_of(x).shape, axes, op) if keepdims else out


def count(shape: Sequence[Dim], axes: Sequence[int], dtype: Any, op: str) -> Any:
    """The number of elements over ``axes``: a Python number when static, else a 0-d tensor (symbolic dims)."""
    dims = [shape[a] for a in axes]
    n = shape_size(dims)
    if not is_symbolic(n):
        return n
    return bind("reduce_sum", full(1, dims, dtype, op), axes=tuple(range(len(dims))), op=op)


def mean(x: Any, axes: Sequence[int], op: str, keepdims: bool = False) -> Any:
    x = as_tensor(x)
    t = type_of(x)
    total = reduce("reduce_sum", x, axes, op, keepdims)
    return div(total, count(t.shape, axes, t.dtype, op), op)


def transpose(x: Any, perm: Sequence[int], op: str) -> Any:
    perm = tuple(perm)
    if perm == tuple(range(len(perm))):
        return x
    return bind("transpose", as_tensor(x), permutation=perm, op=op)


def reshape(x: Any, shape: Sequence[Dim], op: str) -> Any:
    return bind("reshape", as_tensor(x), new_sizes=tuple(shape), op=op)


def slice_axis(x: Any, axis: int, start: int, stop: int, op: str) -> Any:
    x = as_tensor(x)
    shape = type_of(x).shape
    starts = tuple(start if i == axis else 0 for i in range(len(shape)))
    limits = tuple(stop if i == axis else d for i, d in enumerate(shape))
    return bind("slice", x, start_indices=starts, limit_indices=limits, strides=None, op=op)


def expand_to(x: Any, shape: Sequence[Dim], dims: Sequence[int], op: str) -> Any:
    """``broadcast_in_dim``: dim i of ``x`` becomes dim ``dims[i]`` of ``shape``."""
    return bind("broadcast_in_dim", as_tensor(x), shape=tuple(shape), broadcast_dimensions=tuple(dims), op=op)


def iota(dtype: Any, shape: Sequence[Dim], dimension: int, op: str) -> Any:
    return bind("iota", dtype=to_dtype(dtype), shape=tuple(shape), dimension=dimension, op=op)


def compute_dtype(x: Any) -> DType:
    """At least float32 (half floats compute in float32, float64 stays): what Keras's norms compute in."""
    return result_type(type_of(x).dtype, DType.float32)


def static_int(d: Dim, what: str, op: str) -> int:
    """A dim that must be known while tracing (channels, kernel sizes...)."""
    if is_symbolic(d):
        raise ShapeError(f"{op}: {what} must be static, got the symbolic dim {d!r}")
    return int(d)


def np_constant(values: Any, dtype: Any) -> np.ndarray:
    return np.asarray(values, dtype=to_dtype(dtype).np)
