"""NumPy helpers for windowed prims (reduce_window, conv_general): dilate, pad (negative crops), and a strided
view of every window.

>>> windows(np.arange(5), axes=(0,), window=(2,), strides=(2,), dilation=(1,)).tolist()
[[0, 1], [2, 3]]
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def dilate(x: np.ndarray, axes: Sequence[int], factors: Sequence[int], fill: Any) -> np.ndarray:
    """Insert ``factor - 1`` copies of ``fill`` between neighbours along each axis."""
    if all(f == 1 for f in factors):
        return x
    shape = list(x.shape)
    index: list[Any] = [slice(None)] * x.ndim
    for a, f in zip(axes, factors):
        shape[a] = (x.shape[a] - 1) * f + 1 if x.shape[a] else 0
        index[a] = slice(None, None, f)
    out = np.full(shape, fill, dtype=x.dtype)
    out[tuple(index)] = x
    return out


def pad(x: np.ndarray, axes: Sequence[int], padding: Sequence[tuple[int, int]], fill: Any) -> np.ndarray:
    """Pad with ``fill`` (positive amounts) or crop (negative amounts) at each axis' low and high end."""
    widths = [(0, 0)] * x.ndim
    crop: list[Any] = [slice(None)] * x.ndim
    for a, (lo, hi) in zip(axes, padding):
        widths[a] = (max(lo, 0), max(hi, 0))
        crop[a] = slice(max(-lo, 0), x.shape[a] + max(lo, 0) + max(hi, 0) - max(-hi, 0))
    if any(w != (0, 0) for w in widths):
        x = np.pad(x, widths, constant_values=np.asarray(fill, dtype=x.dtype))
    return x[tuple(crop)]


def windows(x: np.ndarray, axes: Sequence[int], window: Sequence[int], strides: Sequence[int],
            dilation: Sequence[int]) -> np.ndarray:
    """A view of shape ``x.shape`` (each windowed axis replaced by its output size) + ``window``: the elements
    of every (strided, dilated) window, window dims last."""
    spans = [(w - 1) * d + 1 for w, d in zip(window, dilation)]
    if any(x.shape[a] < s for a, s in zip(axes, spans)):  # no window fits: an empty result
        shape = list(x.shape)
        for a, s, st in zip(axes, spans, strides):
            shape[a] = max(0, (x.shape[a] - s) // st + 1)
        return np.zeros(shape + list(window), dtype=x.dtype)
    view = sliding_window_view(x, spans, axis=tuple(axes))
    index: list[Any] = [slice(None)] * x.ndim
    for a, st in zip(axes, strides):
        index[a] = slice(None, None, st)
    index += [slice(None, None, d) for d in dilation]
    return view[tuple(index)]
