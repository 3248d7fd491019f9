"""The few helpers every public op is built from: conversion, casting, promotion, broadcasting, axes.

Public ops are written once, as compositions of prims bound with ``bind``; they run eagerly on concrete
arrays and record nodes while tracing, with identical shapes either way. Nothing here asks the backend about
NumPy arrays or Python values, so tracing needs no framework.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable, Sequence

import numpy as np

from hornet.ir.dtypes import DType, DEFAULT_FLOAT, dtype as to_dtype, is_python_scalar, result_type
from hornet.ir.errors import ShapeError
from hornet.ir.symbolic import Dim, canonical_dim, dims_equal
from hornet.ir.tracer import SymbolicTensor, trace_stack
from hornet.ir.types import TensorType, type_of_array
from hornet.runtime.backend import backend_of, current_backend, to_numpy
from hornet.runtime.bind import bind
from hornet.runtime.variables import Variable

# The public ops of this file; the rest are the helpers other op files are built from.
__all__ = ["is_tensor", "convert_to_tensor", "convert_to_numpy", "cast", "shape", "ndim", "dtype"]


def is_tensor(x: Any) -> bool:
    """True for symbolic tensors and the current backend's arrays."""
    if isinstance(x, (SymbolicTensor, Variable)):
        return True
    if isinstance(x, (np.ndarray, np.generic, list, tuple)) or is_python_scalar(x):
        return False  # known without asking (or importing) the backend
    return current_backend().is_array(x)


def type_of(x: Any) -> TensorType:
    """The TensorType of a symbolic tensor, a backend array, a NumPy array or a Python scalar."""
    if isinstance(x, (SymbolicTensor, Variable)):
        return x.type
    if isinstance(x, np.ndarray) or isinstance(x, np.generic):
        return type_of_array(x)
    if is_python_scalar(x):
        return TensorType(result_type(x), ())
    if hasattr(x, "shape") and hasattr(x, "dtype"):
        owner = backend_of(x)
        return (owner or current_backend()).type_of(x)
    return type_of_array(np.asarray(x))


def constant(value: Any, dtype: Any) -> np.ndarray:
    """A NumPy array of ``value`` with a hornet dtype (used as a graph constant or eager operand)."""
    return np.asarray(value, dtype=to_dtype(dtype).np)


def convert_to_tensor(x: Any, dtype: Any = None, sparse: Any = None) -> Any:
    """A backend tensor (or the same symbolic tensor) for ``x``; Python scalars and lists follow the
    default dtypes (int32 / float32); NumPy arrays keep theirs.

    >>> convert_to_tensor([1.0, 2.0]).dtype   # doctest: +SKIP
    dtype('float32')
    """
    if isinstance(x, Variable):
        x = x.value
    if isinstance(x, SymbolicTensor):
        return x if dtype is None or to_dtype(dtype) == x.dtype else cast(x, dtype)
    backend = current_backend()
    if backend.is_array(x):
        return x if dtype is None or backend.type_of(x).dtype == to_dtype(dtype) else cast(x, dtype)
    if backend_of(x) is not None:  # another backend's array: through the host
        x = to_numpy(x)
    return backend.asarray(_to_numpy_input(x, dtype))


def _to_numpy_input(x: Any, dtype: Any = None) -> np.ndarray:
    if dtype is not None:
        return np.asarray(x, dtype=to_dtype(dtype).np)
    if is_python_scalar(x):
        return np.asarray(x, dtype=result_type(x).np)
    if isinstance(x, (np.ndarray, np.generic)):
        arr = np.asarray(x)
    elif hasattr(x, "__array__") and hasattr(x, "dtype"):
        arr = to_numpy(x)  # another backend's array (or any array-like), through its owner
    else:
        arr = np.asarray(x)
        if arr.dtype == np.float64:  # lists of Python floats: default float, as Keras
            arr = arr.astype(DEFAULT_FLOAT.np)
        elif arr.dtype == np.int64:
            arr = arr.astype(np.int32)
    to_dtype(arr.dtype)  # raises a clear error for unsupported dtypes (complex, strings, ...)
    return arr


def as_tensor(x: Any, dtype: Any = None, op: str = "cast") -> Any:
    """``x`` as an operand for ``bind``: symbolic and backend tensors pass through; anything else becomes a NumPy
    array (a graph constant when tracing). With ``dtype``, see ``convert``."""
    if dtype is not None:
        return convert(x, dtype, op)
    return x if is_tensor(x) else _to_numpy_input(x)


def convert(x: Any, dtype: Any, op: str) -> Any:
    """``x`` as ``dtype``: tensors of another dtype through a ``convert`` node named after ``op``; NumPy arrays and
    Python values are converted at once (no node)."""
    d = to_dtype(dtype)
    if not is_tensor(x):
        return _to_numpy_input(x, d)
    return x if type_of(x).dtype == d else bind("convert", x, new_dtype=d, op=op)


def finish(x: Any) -> Any:
    """An op's result: symbolic and backend tensors pass; a NumPy constant (an op that bound no prim) becomes a
    backend array when eager, and stays a constant while tracing (the backend is only needed for eager values)."""
    if isinstance(x, Variable):
        return x.value
    if isinstance(x, SymbolicTensor) or trace_stack() or is_tensor(x):
        return x
    return convert_to_tensor(x)


def convert_to_numpy(x: Any) -> np.ndarray:
    """A NumPy array with the values of ``x`` (not available on symbolic tensors)."""
    if isinstance(x, SymbolicTensor):
        x.__array__()  # raises TracerError with the type in the message
    if isinstance(x, np.ndarray):
        return x
    if backend_of(x) is not None:
        return to_numpy(x)
    return _to_numpy_input(x)


def cast(x: Any, dtype: Any) -> Any:
    """Convert ``x`` to ``dtype`` (float -> int truncates toward zero; -> bool tests != 0)."""
    d = to_dtype(dtype)
    x = as_tensor(x)
    if type_of(x).dtype == d:
        return finish(x)
    return bind("convert", x, new_dtype=d, op="cast")


def shape(x: Any) -> tuple[Dim, ...]:
    """The shape as a tuple; symbolic dims are strings (``"batch"``) while tracing."""
    return type_of(x).shape


def ndim(x: Any) -> int:
    return type_of(x).ndim


def dtype(x: Any) -> DType:
    """The hornet dtype of a tensor (compares equal to its name, e.g. ``"float32"``)."""
    return type_of(x).dtype


def float_dtype(d: DType) -> DType:
    """The dtype a float-only op computes ``d`` in: floats keep theirs, bools and integers become float32."""
    return d if d.is_floating else DEFAULT_FLOAT


def to_float(x: Any, op: str) -> Any:
    """``x`` in its float dtype (ints and bools become float32), converted under ``op``'s name."""
    x = as_tensor(x)
    return convert(x, float_dtype(type_of(x).dtype), op)


def fmt_shape(shape: Sequence[Dim]) -> str:
    """A shape as users write it: ``(2, 3)``, ``(batch, 3)``, ``(4,)``."""
    return "(" + ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def same_shape(a: Sequence[Dim], b: Sequence[Dim]) -> bool:
    return len(a) == len(b) and all(dims_equal(x, y) for x, y in zip(a, b))


def broadcast_shapes(*shapes: Sequence[Dim], op: str = "broadcast") -> tuple[Dim, ...]:
    """NumPy broadcasting of shapes with symbolic dims; an error names both shapes."""
    nd = max((len(s) for s in shapes), default=0)
    out: list[Dim] = [1] * nd
    for s in shapes:
        s = [canonical_dim(d) for d in s]
        for i, d in enumerate(s, start=nd - len(s)):
            cur = out[i]
            if cur == 1 or dims_equal(cur, d):
                out[i] = d
            elif d != 1:
                raise ShapeError(f"{op}: shapes {', '.join(fmt_shape(t) for t in shapes)} cannot be broadcast "
                                 f"together (dim {cur} vs {d})")
    return tuple(out)


def broadcast_to(x: Any, shape: Sequence[Dim], op: str = "broadcast_to") -> Any:
    """Broadcast ``x`` to ``shape`` (NumPy rules; symbolic dims allowed, also for a constant ``x`` while tracing)."""
    x = as_tensor(x)
    have = type_of(x).shape
    target = tuple(canonical_dim(d) for d in shape)
    if same_shape(have, target):
        return x
    offset = len(target) - len(have)
    if offset < 0 or any(d != 1 and not dims_equal(d, t) for d, t in zip(have, target[offset:])):
        raise ShapeError(f"{op}: cannot broadcast shape {fmt_shape(have)} to {fmt_shape(target)}")
    return bind("broadcast_in_dim", x, shape=target, broadcast_dimensions=tuple(range(offset, len(target))), op=op)


def promoted(*xs: Any) -> DType:
    """The Keras/JAX result dtype of the operands: Python scalars are weak (they follow the tensors)."""
    return result_type(*(x if is_python_scalar(x) else type_of(as_tensor(x)).dtype for x in xs))


def operands(*xs: Any, dtype: Any, op: str) -> list[Any]:
    """The operands converted to ``dtype`` and broadcast to their common shape (an error names the shapes)."""
    ts = [as_tensor(x, dtype, op) for x in xs]
    shape = broadcast_shapes(*(type_of(t).shape for t in ts), op=op)
    return [broadcast_to(t, shape, op) for t in ts]


def unary(prim: str, x: Any, op: str, *, float_only: bool = False) -> Any:
    """Apply an elementwise prim; with ``float_only``, integer/bool inputs are converted to float32 first."""
    return bind(prim, to_float(x, op) if float_only else as_tensor(x), op=op)


def binary(prim: str, x: Any, y: Any, op: str, *, dtype: Any = None, float_only: bool = False) -> Any:
    """Apply an elementwise binary prim with Keras/JAX promotion (weak Python scalars) and broadcasting; the
    operands are converted to ``dtype`` when given (to float32 with ``float_only`` if they are not floats)."""
    if is_tensor(x) and is_tensor(y):
        tx = type_of(x)
        if tx == type_of(y):
            d = tx.dtype if dtype is None else to_dtype(dtype)
            if (float_dtype(d) if float_only else d) == tx.dtype:
                return bind(prim, x, y, op=op)  # the common case: nothing to convert or broadcast
    d = to_dtype(dtype) if dtype is not None else promoted(x, y)
    if float_only:
        d = float_dtype(d)
    return bind(prim, *operands(x, y, dtype=d, op=op), op=op)


def normalize_axis(axis: int, ndim: int, op: str = "op") -> int:
    if not -ndim <= axis < max(ndim, 1) and not (ndim == 0 and axis in (0, -1)):
        raise ShapeError(f"{op}: axis {axis} is out of bounds for a tensor of rank {ndim}")
    return axis % ndim if ndim else 0


def normalize_axes(axis: int | Iterable[int] | None, ndim: int, op: str = "op") -> tuple[int, ...]:
    """``None`` -> all axes; ints and sequences -> sorted, non-negative, unique axes."""
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, int) or np.ndim(axis) == 0:
        axis = (int(axis),)
    out = sorted({normalize_axis(int(a), ndim, op) for a in axis})
    if len(out) != len(tuple(axis)):
        raise ShapeError(f"{op}: repeated axis in {tuple(axis)}")
    return tuple(out)


def named(name: str, doc: str, fn: Callable[..., Any], module: str) -> Callable[..., Any]:
    """Give a generated public op its name, docstring and module."""
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc
    fn.__module__ = module
    return fn
