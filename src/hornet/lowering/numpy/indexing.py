"""NumPy reference rules: indexing prims (gather, scatter, sort, top_k)."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from hornet.ir.dtypes import DType, dtype as to_dtype

_HALVES = (DType.float16, DType.bfloat16)

# scatter combiners; "set" is plain assignment (with duplicates, one update wins)
_SCATTER_UFUNCS: dict[str, np.ufunc] = {
    "add": np.add,
    "mul": np.multiply,
    "min": np.minimum,
    "max": np.maximum,
}


def _index_tuple(indices: np.ndarray) -> tuple[np.ndarray, ...]:
    return tuple(indices[..., j] for j in range(indices.shape[-1]))


def gather(operand: np.ndarray, indices: np.ndarray) -> np.ndarray:
    k = indices.shape[-1]
    upper = np.asarray(operand.shape[:k], dtype=np.int64) - 1
    clamped = np.clip(indices.astype(np.int64), 0, np.maximum(upper, 0))
    return operand[_index_tuple(clamped)].copy()


def scatter(operand: np.ndarray, indices: np.ndarray, updates: np.ndarray, *, mode: str) -> np.ndarray:
    k = indices.shape[-1]
    rows = indices.reshape(-1, k).astype(np.int64)
    values = updates.reshape((-1,) + operand.shape[k:])
    keep = np.all((rows >= 0) & (rows < np.asarray(operand.shape[:k])), axis=1)
    rows, values = rows[keep], values[keep]
    out = operand.copy()
    where = tuple(rows.T)
    if mode == "set":
        out[where] = values
    else:
        _SCATTER_UFUNCS[mode].at(out, where, values)
    return out


def _sort_key(x: np.ndarray) -> np.ndarray:
    """A key NumPy's lexsort orders like lax.sort: halves widen to float32 (exact); NaNs sort last."""
    return x.astype(np.float32) if to_dtype(x.dtype) in _HALVES else x


def _ascending_order(keys: list[np.ndarray], axis: int) -> np.ndarray:
    # lexsort's last key is the primary one
    return np.lexsort([_sort_key(k) for k in reversed(keys)], axis=axis)


def sort(*operands: np.ndarray, dimension: int, num_keys: int = 1, descending: bool = False
         ) -> tuple[np.ndarray, ...]:
    """Stable lexicographic sort by the first ``num_keys`` operands. Descending order is the reverse of a
    stable ascending sort of the reversed input, so equal keys keep their original order and NaNs come first."""
    flip = (lambda a: np.flip(a, axis=dimension)) if descending else (lambda a: a)
    ops = [flip(o) for o in operands]
    order = _ascending_order(ops[:num_keys], dimension)
    return tuple(flip(np.take_along_axis(o, order, axis=dimension)).copy() for o in ops)


def top_k(x: np.ndarray, *, k: int) -> tuple[np.ndarray, np.ndarray]:
    positions = np.broadcast_to(np.arange(x.shape[-1], dtype=np.int32), x.shape)
    values, index = sort(x, positions, dimension=x.ndim - 1, num_keys=1, descending=True)
    return values[..., :k].copy(), index[..., :k].copy()


RULES: dict[str, Callable[..., Any]] = {
    "gather": gather,
    "scatter": scatter,
    "sort": sort,
    "top_k": top_k,
}
