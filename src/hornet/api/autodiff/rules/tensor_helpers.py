"""Small prim-level helpers shared by the structural, indexing and linalg VJP rules.

Every helper binds prims under the op name ``"grad"`` and is itself differentiable (it only binds prims that
have VJP rules, or builds constants), so rules written with them support second derivatives.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from hornet.api.ops.core import type_of
from hornet.ir.dtypes import DType
from hornet.ir.symbolic import Dim
from hornet.ir.types import TensorType
from hornet.runtime.bind import bind

OP = "grad"


def b(prim: str, *xs: Any, **attrs: Any) -> Any:
    """Bind a prim under the op name of the backward pass."""
    return bind(prim, *xs, op=OP, **attrs)


def scalar(value: Any, dtype: DType) -> np.ndarray:
    return np.asarray(value, dtype=dtype.np)


def full(value: Any, t: TensorType) -> Any:
    """A tensor of type ``t`` filled with ``value``."""
    return b("broadcast_in_dim", scalar(value, t.dtype), shape=tuple(t.shape), broadcast_dimensions=())


def zeros_like(x: Any) -> Any:
    return full(0, type_of(x))


def full_like(x: Any, value: Any) -> Any:
    return full(value, type_of(x))


def cast(x: Any, dtype: DType) -> Any:
    return x if type_of(x).dtype == dtype else b("convert", x, new_dtype=dtype)


def reshape(x: Any, shape: Sequence[Dim]) -> Any:
    return x if tuple(type_of(x).shape) == tuple(shape) else b("reshape", x, new_sizes=tuple(shape))


def transpose(x: Any, perm: Sequence[int]) -> Any:
    perm = tuple(perm)
    return x if perm == tuple(range(len(perm))) else b("transpose", x, permutation=perm)


def inverse(perm: Sequence[int]) -> tuple[int, ...]:
    """The inverse permutation: ``transpose(transpose(x, p), inverse(p)) == x``."""
    out = [0] * len(perm)
    for i, p in enumerate(perm):
        out[p] = i
    return tuple(out)


def reduce_sum(x: Any, axes: Sequence[int]) -> Any:
    axes = tuple(axes)
    return b("reduce_sum", x, axes=axes) if axes else x


def expand(x: Any, shape: Sequence[Dim], dims: Sequence[int]) -> Any:
    """``broadcast_in_dim`` of ``x`` to ``shape`` (x's dims landing on ``dims``), skipped when it does nothing."""
    if tuple(type_of(x).shape) == tuple(shape) and tuple(dims) == tuple(range(len(shape))):
        return x
    return b("broadcast_in_dim", x, shape=tuple(shape), broadcast_dimensions=tuple(dims))


def where(pred: Any, x: Any, y: Any) -> Any:
    return b("select", pred, x, y)


def where_zero(pred: Any, x: Any) -> Any:
    """``x`` where ``pred`` holds, else zero."""
    return where(pred, x, zeros_like(x))


def to_float(mask: Any, dtype: DType) -> Any:
    return b("convert", mask, new_dtype=dtype)


def slice_axis(x: Any, axis: int, start: Dim, limit: Dim) -> Any:
    """``x[..., start:limit, ...]`` along ``axis``."""
    t = type_of(x)
    starts = [0] * t.ndim
    limits = list(t.shape)
    starts[axis], limits[axis] = start, limit
    if tuple(starts) == (0,) * t.ndim and tuple(limits) == tuple(t.shape):
        return x
    return b("slice", x, start_indices=tuple(starts), limit_indices=tuple(limits), strides=None)


def pad(x: Any, value: Any, config: Sequence[tuple[int, int, int]]) -> Any:
    """``pad`` prim with ``value``, skipped when the config does nothing."""
    config = tuple((int(lo), int(hi), int(it)) for lo, hi, it in config)
    if all(c == (0, 0, 0) for c in config):
        return x
    return b("pad", x, scalar(value, type_of(x).dtype), padding_config=config)


def pad_zeros(x: Any, config: Sequence[tuple[int, int, int]]) -> Any:
    """``pad`` with zeros."""
    return pad(x, 0, config)


# --- matrices [..., m, n] -----------------------------------------------------------------------------------------

def mT(x: Any) -> Any:
    """Swap the last two dims."""
    n = type_of(x).ndim
    return transpose(x, list(range(n - 2)) + [n - 1, n - 2])


def matmul(x: Any, y: Any) -> Any:
    """Batched ``x @ y`` for ``[..., m, k] @ [..., k, n]`` with equal batch dims."""
    n = type_of(x).ndim
    batch = tuple(range(n - 2))
    return b("dot_general", x, y, lhs_contracting=(n - 1,), rhs_contracting=(n - 2,), lhs_batch=batch,
             rhs_batch=batch, preferred_element_type=None)


def band_mask(shape: Sequence[Dim], lower: bool, k: int = 0) -> Any:
    """A bool mask of ``shape`` ([..., m, n]): ``col - row <= k`` (``lower``) or ``col - row >= k``."""
    shape = tuple(shape)
    m, n = shape[-2:]
    rows = b("iota", dtype=DType.int32, shape=(m, n), dimension=0)
    cols = b("iota", dtype=DType.int32, shape=(m, n), dimension=1)
    rows = b("add", rows, full(k, TensorType(DType.int32, (m, n)))) if k else rows
    mask = b("le" if lower else "ge", cols, rows)
    return expand(mask, shape, (len(shape) - 2, len(shape) - 1))


def tril(x: Any, k: int = 0) -> Any:
    """Entries on and below the ``k``-th diagonal (``k=-1``: strictly below); the rest zero."""
    return where_zero(band_mask(type_of(x).shape, True, k), x)


def triu(x: Any, k: int = 0) -> Any:
    """Entries on and above the ``k``-th diagonal; the rest zero."""
    return where_zero(band_mask(type_of(x).shape, False, k), x)


def eye_mask(shape: Sequence[Dim]) -> Any:
    """A bool mask of ``shape`` ([..., m, n]) true on the main diagonal."""
    shape = tuple(shape)
    m, n = shape[-2:]
    rows = b("iota", dtype=DType.int32, shape=(m, n), dimension=0)
    cols = b("iota", dtype=DType.int32, shape=(m, n), dimension=1)
    return expand(b("eq", rows, cols), shape, (len(shape) - 2, len(shape) - 1))


def diag_embed(v: Any) -> Any:
    """``[..., k]`` -> ``[..., k, k]`` with ``v`` on the diagonal."""
    t = type_of(v)
    shape = tuple(t.shape) + (t.shape[-1],)
    return where_zero(eye_mask(shape), expand(v, shape, tuple(range(t.ndim - 1)) + (t.ndim,)))


def scale_columns(x: Any, v: Any) -> Any:
    """``x @ diag(v)`` for x ``[..., m, k]`` and v ``[..., k]``."""
    t = type_of(x)
    return b("mul", x, expand(v, t.shape, tuple(range(t.ndim - 2)) + (t.ndim - 1,)))


def scale_rows(x: Any, v: Any) -> Any:
    """``diag(v) @ x`` for x ``[..., k, n]`` and v ``[..., k]``."""
    t = type_of(x)
    return b("mul", x, expand(v, t.shape, tuple(range(t.ndim - 1))))


def triangular_solve(a: Any, rhs: Any, *, left_side: bool, lower: bool, transpose_a: bool = False,
                     unit_diagonal: bool = False) -> Any:
    return b("triangular_solve", a, rhs, left_side=left_side, lower=lower, transpose_a=transpose_a,
             unit_diagonal=unit_diagonal)
