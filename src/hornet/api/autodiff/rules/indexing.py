"""VJP rules: indexing prims (see the prim catalogue). Integer index inputs get no cotangent.

- ``gather``: the cotangent scatter-added into zeros at the (clamped, as the gather read them) indices, so
  repeated indices accumulate.
- ``scatter``, with ``ok`` = the row is in bounds (dropped rows get a zero update cotangent):
  * ``add``: the operand gets the cotangent, each update the cotangent gathered at its row.
  * ``set``: as JAX, each update gets an id that is scattered with the same indices; the operand's cotangent
    is zeroed where any update landed, and an update gets the gathered cotangent only where its id won
    (so with duplicates exactly the update the forward kept is differentiated).
  * ``mul``: the operand gets ``ct * (product of the updates landing there)``; an update gets the gathered
    cotangent times the product of the operand and every OTHER update at its row (exact with zeros: products of
    the non-zero factors and a count of zeros, no division by zero).
  * ``min`` / ``max``: as JAX, the cotangent is split evenly among the operand and the updates equal to the
    result at each touched position.
- ``sort``: the operands are sorted again with an iota attached (the same stable order), giving the
  permutation; sorting the cotangents by it puts them back in the original order.
- ``top_k``: the values' cotangent scatter-added into zeros at the returned indices.

>>> import numpy as np
>>> from hornet import ops
>>> from hornet.api.autodiff import grad
>>> np.asarray(grad(lambda x: ops.sum(ops.take(x, np.array([0, 0, 2]))))(np.ones(3, "float32"))).tolist()
[2.0, 0.0, 1.0]
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from hornet.api.autodiff.rules.tensor_helpers import (b, cast, expand, full, full_like, reshape, scalar, to_float,
                                                       where, where_zero, zeros_like)
from hornet.api.ops.core import type_of
from hornet.ir.dtypes import DType
from hornet.ir.prims import set_rule
from hornet.ir.symbolic import Dim, is_symbolic, shape_size
from hornet.ir.types import TensorType


# --- index helpers ------------------------------------------------------------------------------------------------

def _dim_value(d: Dim, dtype: DType) -> Any:
    """The size ``d`` as a 0-d tensor (a symbolic size is read off an iota at run time)."""
    if not is_symbolic(d):
        return scalar(d, dtype)
    return b("add", b("reduce_max", b("iota", dtype=dtype, shape=(d,), dimension=0), axes=(0,)), scalar(1, dtype))


def _bounds(indices: Any, sizes: Sequence[Dim]) -> Any:
    """The operand sizes addressed by ``indices`` ([..., k]) broadcast to the indices' shape."""
    it = type_of(indices)
    if all(not is_symbolic(d) for d in sizes):
        vec: Any = np.asarray(sizes, dtype=it.dtype.np)
    else:
        vec = b("concatenate", *[reshape(_dim_value(d, it.dtype), (1,)) for d in sizes], dimension=0)
    return expand(vec, it.shape, (it.ndim - 1,))


def _clamped(indices: Any, sizes: Sequence[Dim]) -> Any:
    """Indices clamped into [0, size - 1] per component, as gather reads them."""
    it = type_of(indices)
    top = b("sub", _bounds(indices, sizes), full(1, it))
    return b("clamp", full(0, it), indices, top)


def _in_bounds(indices: Any, sizes: Sequence[Dim]) -> Any:
    """Bool ``indices.shape[:-1]``: the row addresses a position inside the operand (scatter keeps it)."""
    it = type_of(indices)
    ok = b("and", b("ge", indices, full(0, it)), b("lt", indices, _bounds(indices, sizes)))
    return b("reduce_and", ok, axes=(it.ndim - 1,))


def _per_update(row_mask: Any, updates: Any) -> Any:
    """A per-row mask broadcast over the update window."""
    rt = type_of(row_mask)
    return expand(row_mask, type_of(updates).shape, tuple(range(rt.ndim)))


def _gather(x: Any, indices: Any) -> Any:
    return b("gather", x, indices)


def _scatter(x: Any, indices: Any, updates: Any, mode: str) -> Any:
    return b("scatter", x, indices, updates, mode=mode)


# --- gather / scatter ---------------------------------------------------------------------------------------------

def gather_vjp(ct: Any, operand: Any, indices: Any, *, outputs: Any) -> tuple[Any, None]:
    ot = type_of(operand)
    if not ot.dtype.is_floating:
        return (None, None)
    k = type_of(indices).shape[-1]
    return (_scatter(zeros_like(operand), _clamped(indices, ot.shape[:k]), ct, "add"), None)


def _scatter_add(ct: Any, operand: Any, indices: Any, updates: Any, g: Any, out: Any, ok: Any) -> tuple[Any, Any]:
    return ct, g


def _scatter_set(ct: Any, operand: Any, indices: Any, updates: Any, g: Any, out: Any, ok: Any) -> tuple[Any, Any]:
    it, ot = type_of(indices), type_of(operand)
    k = it.shape[-1]
    rows = tuple(it.shape[:-1])
    ids = b("iota", dtype=DType.int32, shape=(shape_size(rows),), dimension=0)
    ids = b("add", reshape(ids, rows), full(1, TensorType(DType.int32, rows)))
    landed = _scatter(full(0, TensorType(DType.int32, ot.shape[:k])), indices, ids, "set")
    kept = expand(b("eq", landed, full_like(landed, 0)), ot.shape, tuple(range(k)))
    won = _per_update(b("eq", _gather(landed, indices), ids), updates)  # dropped rows never win
    return where_zero(kept, ct), where_zero(won, g)


def _scatter_mul(ct: Any, operand: Any, indices: Any, updates: Any, g: Any, out: Any, ok: Any) -> tuple[Any, Any]:
    dt = type_of(operand).dtype
    zero = b("eq", updates, zeros_like(updates))
    safe = where(zero, full_like(updates, 1), updates)
    operand_ct = b("mul", ct, _scatter(full_like(operand, 1), indices, updates, "mul"))
    nonzero_product = _gather(_scatter(operand, indices, safe, "mul"), indices)
    zeros_at_row = _gather(_scatter(zeros_like(operand), indices, to_float(zero, dt), "add"), indices)
    count_is = lambda n: b("eq", zeros_at_row, full_like(zeros_at_row, n))  # noqa: E731
    others = where(zero, where_zero(count_is(1), nonzero_product),
                   where_zero(count_is(0), b("div", nonzero_product, safe)))
    return operand_ct, b("mul", g, others)


def _scatter_extreme(ct: Any, operand: Any, indices: Any, updates: Any, g: Any, out: Any,
                     ok: Any) -> tuple[Any, Any]:
    dt = type_of(operand).dtype
    won = b("and", b("eq", updates, _gather(out, indices)), ok)
    wins = _scatter(zeros_like(operand), indices, to_float(won, dt), "add")
    touched = b("gt", _scatter(zeros_like(operand), indices, full_like(updates, 1), "add"), zeros_like(operand))
    kept = b("eq", operand, out)
    one = full_like(operand, 1)
    operand_share = where(touched, where_zero(kept, b("div", one, b("add", wins, one))), one)
    holders = b("add", _gather(wins, indices), _gather(to_float(kept, dt), indices))
    update_share = where_zero(won, b("div", full_like(g, 1), where(won, holders, full_like(g, 1))))
    return b("mul", ct, operand_share), b("mul", g, update_share)


# per mode: (ct, operand, indices, updates, gathered ct, output, row in bounds) -> (operand ct, updates ct)
_SCATTER_RULES = {"add": _scatter_add, "set": _scatter_set, "mul": _scatter_mul, "min": _scatter_extreme,
                  "max": _scatter_extreme}


def scatter_vjp(ct: Any, operand: Any, indices: Any, updates: Any, *, outputs: Any,
                mode: str) -> tuple[Any, None, Any]:
    ot = type_of(operand)
    if not ot.dtype.is_floating:
        return (None, None, None)
    k = type_of(indices).shape[-1]
    ok = _per_update(_in_bounds(indices, ot.shape[:k]), updates)
    g = where_zero(ok, _gather(ct, indices))  # the cotangent at each update's row (0 for dropped rows)
    operand_ct, updates_ct = _SCATTER_RULES[mode](ct, operand, indices, updates, g, outputs[0], ok)
    return (operand_ct, None, updates_ct)


# --- sort / top_k -------------------------------------------------------------------------------------------------

def sort_vjp(ct: tuple[Any, ...], *operands: Any, outputs: Any, dimension: int, num_keys: int,
             descending: bool) -> tuple[Any, ...]:
    floating = [type_of(o).dtype.is_floating for o in operands]
    if not any(floating):
        return (None,) * len(operands)
    shape = type_of(operands[0]).shape
    position = b("iota", dtype=DType.int32, shape=tuple(shape), dimension=dimension)
    order = b("sort", *operands[:num_keys], position, dimension=dimension, num_keys=num_keys,
              descending=descending)[-1]  # order[i] = where sorted element i came from
    cts = [c for c, f in zip(ct, floating) if f]
    back = iter(b("sort", order, *cts, dimension=dimension, num_keys=1, descending=False)[1:])
    return tuple(next(back) if f else None for f in floating)


def top_k_vjp(ct: tuple[Any, Any], x: Any, *, outputs: Any, k: int) -> tuple[Any]:
    xt = type_of(x)
    if not xt.dtype.is_floating:
        return (None,)
    index = outputs[1]
    it = type_of(index)
    column = tuple(it.shape) + (1,)
    axes = tuple(range(it.ndim))
    parts = [expand(b("iota", dtype=DType.int32, shape=tuple(it.shape), dimension=d), column, axes)
             for d in range(it.ndim - 1)]
    full_index = b("concatenate", *parts, expand(cast(index, DType.int32), column, axes), dimension=it.ndim)
    return (_scatter(zeros_like(x), full_index, ct[0], "add"),)


for _name, _rule in {"gather": gather_vjp, "scatter": scatter_vjp, "sort": sort_vjp, "top_k": top_k_vjp}.items():
    set_rule(_name, vjp=_rule)
