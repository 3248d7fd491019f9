"""Private helpers shared by the elementwise and creation ops: n-ary promotion with broadcasting, select,
scalar fills, and binding into a trace when no operand is symbolic.

A constant operand (Python scalar, NumPy or backend array) met next to a symbolic tensor is first made a
constant of that tensor's trace, so broadcasting it to a shape with symbolic dims records a node instead of
running eagerly.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from hornet.api.ops.core import as_tensor, bind, broadcast_shapes, broadcast_to, convert_to_tensor, type_of
from hornet.ir.dtypes import DEFAULT_FLOAT, DType, dtype as to_dtype, is_python_scalar, result_type
from hornet.ir.errors import ShapeError
from hornet.ir.prims import PRIMITIVES, normalize_attrs
from hornet.ir.symbolic import Dim, is_symbolic
from hornet.ir.tracer import SymbolicTensor, Trace, find_trace, trace_stack
from hornet.runtime.backend import current_backend


def named(name: str, doc: str, fn: Callable[..., Any], module: str) -> Callable[..., Any]:
    """Give a generated public op its name, docstring and module."""
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc
    fn.__module__ = module
    return fn


def probe(x: Any) -> Any:
    """What ``result_type`` should see for an operand: Python scalars stay weak, the rest give their dtype."""
    if is_python_scalar(x):
        return x
    if isinstance(x, (list, tuple)):
        return as_tensor(x).dtype
    return type_of(x).dtype


def promoted(*xs: Any) -> DType:
    """The Keras/JAX result dtype of the operands (weak Python scalars)."""
    return result_type(*(probe(x) for x in xs))


def lift(x: Any, trace: Trace | None) -> Any:
    """``x`` as a symbolic tensor of ``trace`` when tracing (constants become graph constants), else as is."""
    if trace is None or isinstance(x, SymbolicTensor):
        return x
    return SymbolicTensor(trace.constant(np.asarray(x)), trace)


def operands(*xs: Any, dtype: Any, op: str) -> list[Any]:
    """Convert to ``dtype``, put in one trace, broadcast to the common shape (an error names the shapes)."""
    ts = [cast_to(x, dtype, op) for x in xs]
    tr = find_trace(ts)
    ts = [lift(t, tr) for t in ts]
    shape = broadcast_shapes(*(type_of(t).shape for t in ts), op=op)
    return [broadcast_to(t, shape, op) for t in ts]


def apply(prim: str, *xs: Any, op: str, dtype: Any = None) -> Any:
    """Bind an elementwise prim after promotion (to ``dtype`` when given) and broadcasting."""
    d = promoted(*xs) if dtype is None else dtype
    return bind(prim, *operands(*xs, dtype=d, op=op), op=op)


def select(cond: Any, on_true: Any, on_false: Any, op: str, dtype: Any = None) -> Any:
    """``where(cond, on_true, on_false)`` with broadcasting; the branches promote together."""
    d = promoted(on_true, on_false) if dtype is None else to_dtype(dtype)
    c = cast_to(cond, DType.bool, op)
    t, f = cast_to(on_true, d, op), cast_to(on_false, d, op)
    tr = find_trace([c, t, f])
    c, t, f = (lift(v, tr) for v in (c, t, f))
    shape = broadcast_shapes(type_of(c).shape, type_of(t).shape, type_of(f).shape, op=op)
    return bind("select", *(broadcast_to(v, shape, op) for v in (c, t, f)), op=op)


def scalar(value: Any, dtype: Any) -> np.ndarray:
    """A 0-d NumPy array of ``value`` in a hornet dtype."""
    return np.asarray(value, dtype=to_dtype(dtype).np)


def fill(value: Any, shape: Sequence[Dim], dtype: Any, op: str, trace: Trace | None = None) -> Any:
    """A tensor of ``shape`` holding ``value`` (a scalar or a tensor broadcast to ``shape``).

    Recorded in ``trace`` (or the innermost active trace when ``shape`` has symbolic dims), else eager.
    """
    v = cast_to(value, dtype, op)
    if trace is None and not isinstance(v, SymbolicTensor) and any(is_symbolic(d) for d in shape):
        trace = current_trace(op)
    return broadcast_bind(lift(v, trace), shape, op)


def broadcast_bind(x: Any, shape: Sequence[Dim], op: str) -> Any:
    """``broadcast_to`` that yields a backend array (never a bare NumPy constant) when eager."""
    out = broadcast_to(x, shape, op)
    return convert_to_tensor(out) if isinstance(out, (np.ndarray, np.generic)) else out


def full_like_value(x: Any, value: Any, dtype: Any = None, op: str = "full_like") -> Any:
    """A tensor with ``x``'s (possibly symbolic) shape holding ``value``, in ``dtype`` or ``x``'s dtype."""
    t = type_of(x)
    trace = x.trace if isinstance(x, SymbolicTensor) else None
    return fill(value, t.shape, t.dtype if dtype is None else dtype, op, trace)


def current_trace(op: str) -> Trace:
    """The innermost active trace (needed to build a shape with symbolic dims from constants)."""
    stack = trace_stack()
    if not stack:
        raise ShapeError(f"{op}: a shape with symbolic dims can only be used while tracing")
    return stack[-1]


def emit(prim: str, trace: Trace | None, *inputs: Any, op: str, **attrs: Any) -> Any:
    """``bind``, but a prim with no symbolic input (``iota``) is recorded in ``trace`` when one is given."""
    if trace is None or find_trace(inputs) is not None:
        return bind(prim, *inputs, op=op, **attrs)
    p = PRIMITIVES[prim]
    return trace.record(p, [lift(x, trace) for x in inputs], normalize_attrs(p, attrs, op), op)


def iota(dtype: Any, shape: Sequence[Dim], dimension: int, op: str, trace: Trace | None = None) -> Any:
    """0, 1, ... along ``dimension`` of ``shape`` (symbolic dims need a trace)."""
    if trace is None and any(is_symbolic(d) for d in shape):
        trace = current_trace(op)
    return emit("iota", trace, op=op, dtype=to_dtype(dtype), shape=tuple(shape), dimension=dimension)


def cast_to(x: Any, dtype: Any, op: str) -> Any:
    """``x`` as an operand of ``dtype``: constants are converted directly, tensors through a ``convert`` node
    named after ``op``."""
    d = to_dtype(dtype)
    if not (isinstance(x, SymbolicTensor) or is_backend_array(x)):
        return as_tensor(x, d)
    return x if type_of(x).dtype == d else bind("convert", x, new_dtype=d, op=op)


def is_backend_array(x: Any) -> bool:
    return current_backend().is_array(x)


def to_float(x: Any, op: str) -> Any:
    """``x`` in its float dtype (bool and integers become float32), converted under ``op``'s name."""
    x = as_tensor(x)
    d = type_of(x).dtype
    return cast_to(x, d if d.is_floating else DEFAULT_FLOAT, op)


def float_of(d: DType) -> DType:
    """The float dtype an op on ``d`` computes in (floats keep theirs, the rest become float32)."""
    return d if d.is_floating else DEFAULT_FLOAT
