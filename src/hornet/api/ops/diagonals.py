"""Diagonal ops (diagonal, diag, diagflat, trace) and extract_sequences, as static slices, pads and gathers.

A diagonal of an ``L x L`` block is every ``(L + 1)``-th element of the flattened block, so reading one is a
strided slice and writing one is an interior pad; no masks or index arrays are needed.

>>> from hornet import ops
>>> ops.trace(np.eye(3))   # doctest: +SKIP
Array(3., dtype=float64)
"""
from __future__ import annotations

from typing import Any

import numpy as np

from hornet.api.ops import _lax as L
from hornet.api.ops.core import as_tensor, bind, constant, convert, finish, fmt_shape, normalize_axis, type_of
from hornet.ir.dtypes import DType
from hornet.ir.errors import ShapeError
from hornet.ir.symbolic import is_symbolic

__all__ = ["diagonal", "diag", "diagflat", "trace", "extract_sequences"]

# trace sums in a wider type, as Keras: small ints and bools in int32, uint8 in uint32
_TRACE_DTYPES = {DType.bool: DType.int32, DType.int8: DType.int32, DType.int16: DType.int32,
                 DType.uint8: DType.uint32}


def _diagonal(x: Any, offset: int, axis1: int, axis2: int, op: str) -> Any:
    x = as_tensor(x)
    shape = type_of(x).shape
    nd = len(shape)
    if nd < 2:
        raise ShapeError(f"{op}: needs a tensor of rank >= 2, got shape {fmt_shape(shape)}")
    a, b = normalize_axis(axis1, nd, op), normalize_axis(axis2, nd, op)
    if a == b:
        raise ShapeError(f"{op}: axis1 and axis2 must differ, got {axis1} and {axis2}")
    n, m = shape[a], shape[b]
    if is_symbolic(n) or is_symbolic(m):
        raise ShapeError(f"{op}: the diagonal axes of shape {fmt_shape(shape)} must have static sizes")
    y = L.transpose(x, [i for i in range(nd) if i not in (a, b)] + [a, b], op)
    rows, cols = (0, min(offset, m)) if offset >= 0 else (min(-offset, n), 0)
    size = max(0, min(n - rows, m - cols))
    y = L.slice_axis(y, nd - 2, rows, rows + size, op=op)
    y = L.slice_axis(y, nd - 1, cols, cols + size, op=op)
    rest = type_of(y).shape[:-2]
    flat = L.reshape(y, rest + (size * size,), op)
    return L.slice_axis(flat, nd - 2, 0, size * size, stride=size + 1 if size else 1, op=op)


def diagonal(x: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Any:
    """The diagonal ``x[..., i, i + offset]`` of the planes of ``axis1``/``axis2``, as a new last axis.

    >>> diagonal(np.arange(9).reshape(3, 3), offset=1)   # doctest: +SKIP
    Array([1, 5], dtype=int32)
    """
    return finish(_diagonal(x, int(offset), axis1, axis2, "diagonal"))


def _diag_matrix(v: Any, k: int, op: str) -> Any:
    """A square matrix with the 1-D ``v`` on its k-th diagonal: one interior pad of ``v``, reshaped."""
    length = type_of(v).shape[0]
    if is_symbolic(length):
        raise ShapeError(f"{op}: the input length must be static, got {length}")
    n = length + abs(k)
    start = k if k >= 0 else -k * n
    used = (length - 1) * (n + 1) + 1 if length else 0
    if not length:
        start = 0
    zero = constant(0, type_of(v).dtype)
    flat = bind("pad", v, zero, padding_config=((start, n * n - start - used, n),), op=op)
    return L.reshape(flat, (n, n), op)


def diag(x: Any, k: int = 0) -> Any:
    """A matrix with the 1-D ``x`` on its k-th diagonal, or the k-th diagonal of the 2-D ``x``.

    >>> diag(np.array([1, 2]), k=1).shape   # doctest: +SKIP
    (3, 3)
    """
    x = as_tensor(x)
    nd = type_of(x).ndim
    if nd == 1:
        return finish(_diag_matrix(x, int(k), "diag"))
    if nd == 2:
        return finish(_diagonal(x, int(k), 0, 1, "diag"))
    raise ShapeError(f"diag: needs a 1-D or 2-D tensor, got shape {fmt_shape(type_of(x).shape)}")


def diagflat(x: Any, k: int = 0) -> Any:
    """A matrix with the flattened ``x`` on its k-th diagonal."""
    x = as_tensor(x)
    return finish(_diag_matrix(L.reshape(x, (type_of(x).size,), "diagflat"), int(k), "diagflat"))


def trace(x: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Any:
    """The sum along a diagonal (see ``diagonal``); bools and small ints sum in int32 (uint8 in uint32).

    >>> trace(np.arange(4).reshape(2, 2))   # doctest: +SKIP
    Array(3, dtype=int32)
    """
    d = _diagonal(x, int(offset), axis1, axis2, "trace")
    dt = type_of(d).dtype
    d = convert(d, _TRACE_DTYPES.get(dt, dt), "trace")
    return finish(bind("reduce_sum", d, axes=(type_of(d).ndim - 1,), op="trace"))


def extract_sequences(x: Any, sequence_length: int, sequence_stride: int) -> Any:
    """Frames of ``sequence_length`` taken every ``sequence_stride`` along the last axis:
    ``[..., L]`` -> ``[..., (L - sequence_length) // sequence_stride + 1, sequence_length]``.

    >>> extract_sequences(np.arange(6.0), 3, 2).shape   # doctest: +SKIP
    (2, 3)
    """
    op = "extract_sequences"
    x = as_tensor(x)
    shape = type_of(x).shape
    if not shape:
        raise ShapeError(f"{op}: needs a tensor of rank >= 1, got a scalar")
    length = shape[-1]
    if is_symbolic(length):
        raise ShapeError(f"{op}: the last axis of {fmt_shape(shape)} must have a static size")
    if sequence_length <= 0 or sequence_stride <= 0:
        raise ValueError(f"{op}: sequence_length ({sequence_length}) and sequence_stride ({sequence_stride}) "
                         "must be positive")
    if sequence_length > length:
        raise ShapeError(f"{op}: sequence_length {sequence_length} exceeds the last axis ({length})")
    count = (length - sequence_length) // sequence_stride + 1
    idx = (np.arange(count)[:, None] * sequence_stride + np.arange(sequence_length)[None, :]).astype(L.INDEX_DTYPE.np)
    return finish(L.gather_axis(x, idx, len(shape) - 1, op))
