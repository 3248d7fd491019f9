"""JAX rules: indexing prims. gather/scatter map the IR's nd-index form (indices ``[..., k]`` addressing the
first ``k`` operand dims) to XLA dimension numbers; sort and top_k are ``lax.sort`` / ``lax.top_k``."""
from __future__ import annotations

from typing import Any, Callable

import jax.numpy as jnp
from jax import lax

_SCATTERS: dict[str, Callable[..., Any]] = {
    "set": lax.scatter,
    "add": lax.scatter_add,
    "mul": lax.scatter_mul,
    "min": lax.scatter_min,
    "max": lax.scatter_max,
}


def _window_dims(operand: Any, indices: Any) -> tuple[int, tuple[int, ...]]:
    """(k, the output/update dims holding the operand's trailing dims operand.shape[k:])."""
    k = indices.shape[-1]
    batch_rank = indices.ndim - 1
    return k, tuple(range(batch_rank, batch_rank + operand.ndim - k))


def gather(operand: Any, indices: Any) -> Any:
    k, offset_dims = _window_dims(operand, indices)
    numbers = lax.GatherDimensionNumbers(offset_dims=offset_dims, collapsed_slice_dims=tuple(range(k)),
                                         start_index_map=tuple(range(k)))
    return lax.gather(operand, indices, numbers, (1,) * k + tuple(operand.shape[k:]),
                      mode=lax.GatherScatterMode.CLIP)


def scatter(operand: Any, indices: Any, updates: Any, *, mode: str) -> Any:
    k, window_dims = _window_dims(operand, indices)
    numbers = lax.ScatterDimensionNumbers(update_window_dims=window_dims, inserted_window_dims=tuple(range(k)),
                                          scatter_dims_to_operand_dims=tuple(range(k)))
    return _SCATTERS[mode](operand, indices, updates, numbers, mode=lax.GatherScatterMode.FILL_OR_DROP)


def sort(*operands: Any, dimension: int, num_keys: int = 1, descending: bool = False) -> tuple[Any, ...]:
    # descending: reverse, stable ascending sort, reverse back (equal keys keep their order; NaNs first)
    flip = (lambda a: lax.rev(a, (dimension,))) if descending else (lambda a: a)
    out = lax.sort(tuple(flip(o) for o in operands), dimension=dimension, is_stable=True, num_keys=num_keys)
    return tuple(flip(o) for o in out)


def top_k(x: Any, *, k: int) -> tuple[Any, Any]:
    if not jnp.issubdtype(x.dtype, jnp.floating):
        values, index = lax.top_k(x, k)
        return values, index.astype(jnp.int32)
    # lax.top_k ranks -0.0 below +0.0; the IR treats them as equal (a tie, lower index first), as sort does
    zero = lax.full_like(x, 0)
    _, index = lax.top_k(lax.select(x == zero, zero, x), k)
    return jnp.take_along_axis(x, index, axis=-1), index.astype(jnp.int32)


RULES: dict[str, Callable[..., Any]] = {
    "gather": gather,
    "scatter": scatter,
    "sort": sort,
    "top_k": top_k,
}
