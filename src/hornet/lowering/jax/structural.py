"""JAX rules: structural prims, one ``jax.lax`` op each.

Sizes in "shape" attributes may be JAX symbolic dims (under ``jax.export``), so they are passed through as-is.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

from jax import lax

from hornet.ir.dtypes import dtype as to_dtype


def iota(*, dtype: Any, shape: Sequence[Any], dimension: int) -> Any:
    return lax.broadcasted_iota(to_dtype(dtype).np, tuple(shape), dimension)


def broadcast_in_dim(x: Any, *, shape: Sequence[Any], broadcast_dimensions: Sequence[int]) -> Any:
    return lax.broadcast_in_dim(x, tuple(shape), tuple(broadcast_dimensions))


def reshape(x: Any, *, new_sizes: Sequence[Any]) -> Any:
    return lax.reshape(x, tuple(new_sizes))


def transpose(x: Any, *, permutation: Sequence[int]) -> Any:
    return lax.transpose(x, tuple(permutation))


def rev(x: Any, *, dimensions: Sequence[int]) -> Any:
    return lax.rev(x, tuple(dimensions))


def slice_(x: Any, *, start_indices: Sequence[Any], limit_indices: Sequence[Any],
           strides: Sequence[int] | None) -> Any:
    return lax.slice(x, tuple(start_indices), tuple(limit_indices), tuple(strides) if strides else None)


def _non_negative(starts: Sequence[Any]) -> list[Any]:
    """jax.lax wraps negative starts (adds the dim) before XLA clamps them; the IR clamps them to 0 instead."""
    return [lax.max(s, lax.full_like(s, 0)) for s in starts]


def dynamic_slice(x: Any, *starts: Any, slice_sizes: Sequence[int]) -> Any:
    return lax.dynamic_slice(x, _non_negative(starts), tuple(slice_sizes))  # XLA clamps the upper end


def dynamic_update_slice(x: Any, update: Any, *starts: Any) -> Any:
    return lax.dynamic_update_slice(x, update, _non_negative(starts))


def concatenate(*xs: Any, dimension: int) -> Any:
    return lax.concatenate(xs, dimension)


def pad(x: Any, value: Any, *, padding_config: Sequence[Sequence[int]]) -> Any:
    return lax.pad(x, value, [tuple(c) for c in padding_config])


RULES: dict[str, Callable[..., Any]] = {
    "iota": iota,
    "broadcast_in_dim": broadcast_in_dim,
    "reshape": reshape,
    "transpose": transpose,
    "rev": rev,
    "slice": slice_,
    "dynamic_slice": dynamic_slice,
    "dynamic_update_slice": dynamic_update_slice,
    "concatenate": concatenate,
    "pad": pad,
}
