"""NumPy reference rules: structural prims (iota, broadcast_in_dim, reshape, transpose, rev, slice,
dynamic_slice, dynamic_update_slice, concatenate, pad)."""
from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from hornet.ir.dtypes import dtype as to_dtype


def iota(*, dtype: Any, shape: Sequence[int], dimension: int) -> np.ndarray:
    shape = tuple(int(d) for d in shape)
    line = np.arange(shape[dimension], dtype=np.int64).astype(to_dtype(dtype).np)
    view = [1] * len(shape)
    view[dimension] = shape[dimension]
    return np.broadcast_to(line.reshape(view), shape).copy()


def broadcast_in_dim(x: np.ndarray, *, shape: Sequence[int], broadcast_dimensions: Sequence[int]) -> np.ndarray:
    shape = tuple(int(d) for d in shape)
    view = [1] * len(shape)
    for d, b in zip(x.shape, broadcast_dimensions):
        view[b] = d
    return np.broadcast_to(np.reshape(x, view), shape).copy()


def reshape(x: np.ndarray, *, new_sizes: Sequence[int]) -> np.ndarray:
    return np.reshape(x, tuple(int(d) for d in new_sizes)).copy()


def transpose(x: np.ndarray, *, permutation: Sequence[int]) -> np.ndarray:
    return np.ascontiguousarray(np.transpose(x, permutation))


def rev(x: np.ndarray, *, dimensions: Sequence[int]) -> np.ndarray:
    return np.flip(x, axis=tuple(dimensions)).copy()


def slice_(x: np.ndarray, *, start_indices: Sequence[int], limit_indices: Sequence[int],
           strides: Sequence[int] | None) -> np.ndarray:
    strides = strides or (1,) * x.ndim
    return x[tuple(slice(int(s), int(l), st) for s, l, st in zip(start_indices, limit_indices, strides))].copy()


def _clamped_starts(starts: Sequence[Any], operand_shape: Sequence[int], sizes: Sequence[int]) -> list[int]:
    """lax semantics: each start is clamped into [0, dim - size] so the window fits."""
    return [min(max(int(np.asarray(s)), 0), d - n) for s, d, n in zip(starts, operand_shape, sizes)]


def dynamic_slice(x: np.ndarray, *starts: Any, slice_sizes: Sequence[int]) -> np.ndarray:
    begin = _clamped_starts(starts, x.shape, slice_sizes)
    return x[tuple(slice(b, b + n) for b, n in zip(begin, slice_sizes))].copy()


def dynamic_update_slice(x: np.ndarray, update: np.ndarray, *starts: Any) -> np.ndarray:
    begin = _clamped_starts(starts, x.shape, update.shape)
    out = x.copy()
    out[tuple(slice(b, b + n) for b, n in zip(begin, update.shape))] = update
    return out


def concatenate(*xs: np.ndarray, dimension: int) -> np.ndarray:
    return np.concatenate(xs, axis=dimension)


def pad(x: np.ndarray, value: np.ndarray, *, padding_config: Sequence[Sequence[int]]) -> np.ndarray:
    """Write x's elements into a value-filled output: element i of a dim lands at low + i*(interior+1);
    those landing outside the output (cropped by a negative low/high) are skipped."""
    out_shape, src, dst = [], [], []
    for d, (low, high, interior) in zip(x.shape, padding_config):
        step = interior + 1
        size = low + high + d + max(d - 1, 0) * interior
        first = 0 if low >= 0 else -(low // step)  # smallest i with low + i*step >= 0
        last = max(first, min(d, (size - 1 - low) // step + 1))  # one past the largest i with low + i*step < size
        out_shape.append(size)
        src.append(slice(first, last))
        dst.append(slice(low + first * step, low + (last - 1) * step + 1, step) if last > first else slice(0, 0))
    out = np.full(out_shape, np.asarray(value), dtype=x.dtype)
    out[tuple(dst)] = x[tuple(src)]
    return out


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
