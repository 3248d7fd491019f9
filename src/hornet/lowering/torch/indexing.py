"""torch rules: indexing prims. gather/scatter flatten the ``k`` indexed dims into one row index (indices
``[..., k]`` address the first ``k`` operand dims); sort and top_k are stable ``argsort`` passes.

gather clamps each index component into range. scatter drops out-of-bounds rows by sending them to an extra
padding row appended to the flattened operand, sliced off afterwards (no masking of values, no host sync).
scatter min/max/mul are ``scatter_reduce`` with ``include_self``; add accumulates float16/bfloat16 in float32.

sort: torch's stable sort already orders NaNs last (all NaNs equal) and -0.0 equal to +0.0; several keys are
sorted least significant first, composing the permutations; descending is the reverse of a stable ascending
sort of the reversed input (equal keys keep their order, NaNs first), as the JAX rule does.

uint32 has no gather/scatter kernels: moved data is reinterpreted as int32 (bit for bit), compared or combined
data is computed in int64.
"""
from __future__ import annotations

from math import prod
from typing import Any, Callable, Sequence

import torch

from hornet.lowering.torch.dtypes import HALF, narrow_u32, widen

_REDUCE = {"mul": "prod", "min": "amin", "max": "amax"}


def _bits(x: torch.Tensor) -> torch.Tensor:
    """uint32 reinterpreted as int32 for kernels that only move data; other tensors unchanged."""
    return x.view(torch.int32) if x.dtype == torch.uint32 else x


def _unbits(x: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    return x.view(torch.uint32) if dtype == torch.uint32 else x


def _row_index(indices: torch.Tensor, dims: Sequence[Any]) -> list[torch.Tensor]:
    """The k index components of ``indices`` [..., k] as int64 tensors of shape indices.shape[:-1]."""
    return [indices[..., j].to(torch.int64) for j in range(len(dims))]


def gather(operand: torch.Tensor, indices: torch.Tensor) -> torch.Tensor:
    dims = operand.shape[:indices.shape[-1]]
    index = [torch.clamp(i, 0, d - 1) for i, d in zip(_row_index(indices, dims), dims)]
    return _unbits(_bits(operand)[tuple(index)], operand.dtype)


def _flat_rows(indices: torch.Tensor, dims: Sequence[Any]) -> torch.Tensor:
    """Row-major positions in the flattened first k dims, one per index vector; out-of-bounds vectors get
    ``prod(dims)``, the padding row."""
    components = _row_index(indices, dims)
    flat = torch.zeros_like(components[0])
    inside = torch.ones_like(components[0], dtype=torch.bool)
    for i, d in zip(components, dims):
        flat = flat * d + i
        inside = inside & (i >= 0) & (i < d)
    return torch.where(inside, flat, prod(dims)).reshape(-1)


def scatter(operand: torch.Tensor, indices: torch.Tensor, updates: torch.Tensor, *, mode: str) -> torch.Tensor:
    k = indices.shape[-1]
    dims, rest = operand.shape[:k], operand.shape[k:]
    dtype = operand.dtype
    if mode == "set":
        x, u = _bits(operand), _bits(updates)
    elif dtype in HALF and mode in ("add", "mul"):
        x, u = operand.to(torch.float32), updates.to(torch.float32)
    elif dtype == torch.bool:  # no min/max kernels for bool: 0/1 bytes order the same way
        x, u = operand.to(torch.uint8), updates.to(torch.uint8)
    else:
        x, u = widen(operand), widen(updates)
    rows = _flat_rows(indices, dims)
    n = prod(dims)
    flat = torch.cat([x.reshape((n, *rest)), x.new_zeros((1, *rest))])
    values = u.reshape((-1, *rest))
    if mode in ("set", "add"):
        out = torch.ops.aten.index_put.default(flat, [rows], values, mode == "add")
    else:
        index = rows.reshape((-1,) + (1,) * len(rest)).expand(values.shape)
        out = flat.scatter_reduce(0, index, values, _REDUCE[mode], include_self=True)
    out = out[:n].reshape(operand.shape)
    if mode == "set":
        return _unbits(out, dtype)
    return narrow_u32(out) if dtype == torch.uint32 else out.to(dtype)


def _ascending_order(keys: Sequence[torch.Tensor], dim: int) -> torch.Tensor:
    """The stable lexicographic ascending permutation of ``keys`` along ``dim`` (int64 positions)."""
    order = torch.argsort(keys[-1], dim=dim, stable=True)
    for key in reversed(keys[:-1]):  # then more significant keys: a stable pass keeps the order so far on ties
        again = torch.argsort(torch.take_along_dim(key, order, dim=dim), dim=dim, stable=True)
        order = torch.take_along_dim(order, again, dim=dim)
    return order


def _order(keys: Sequence[torch.Tensor], dim: int, descending: bool) -> torch.Tensor:
    keys = [widen(k) for k in keys]
    if not descending:
        return _ascending_order(keys, dim)
    # positions in the flipped input, mapped back (n - 1 - p) and read in reverse
    flipped = _ascending_order([torch.flip(k, (dim,)) for k in keys], dim)
    return torch.flip(keys[0].shape[dim] - 1 - flipped, (dim,))


def _take(x: torch.Tensor, order: torch.Tensor, dim: int) -> torch.Tensor:
    return _unbits(torch.take_along_dim(_bits(x), order, dim=dim), x.dtype)


def sort(*operands: torch.Tensor, dimension: int, num_keys: int = 1, descending: bool = False
         ) -> tuple[torch.Tensor, ...]:
    order = _order(operands[:num_keys], dimension, descending)
    return tuple(_take(o, order, dimension) for o in operands)


def top_k(x: torch.Tensor, *, k: int) -> tuple[torch.Tensor, torch.Tensor]:
    # torch.topk does not promise the lower index first on ties, so: a stable descending sort, cut to k
    order = _order([x], x.ndim - 1, descending=True)[..., :k]
    return _take(x, order, x.ndim - 1), order.to(torch.int32)


RULES: dict[str, Callable[..., Any]] = {
    "gather": gather,
    "scatter": scatter,
    "sort": sort,
    "top_k": top_k,
}
