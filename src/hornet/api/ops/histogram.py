"""``histogram`` (``keras.ops.histogram``): counts of a 1-D tensor in ``bins`` equal-width bins, and the bin
edges, as ``jax.numpy.histogram``.

>>> from hornet import ops
>>> ops.histogram(np.array([0.0, 0.2, 0.9, 1.0], "float32"), bins=2)   # doctest: +SKIP
(Array([2., 2.], dtype=float32), Array([0. , 0.5, 1. ], dtype=float32))
"""
from __future__ import annotations

import builtins
from typing import Any

from hornet.api.ops._eager import compiled_when_eager
from hornet.api.ops import _lax as L
from hornet.api.ops.core import as_tensor, bind, convert, fmt_shape, type_of
from hornet.ir.dtypes import DEFAULT_FLOAT
from hornet.ir.errors import ShapeError

__all__ = ["histogram"]


@compiled_when_eager("x")
def histogram(x: Any, bins: int = 10, range: tuple[float, float] | None = None) -> tuple[Any, Any]:  # noqa: A002
    """``(counts, edges)``: ``bins`` bins spanning ``range`` (default ``(min(x), max(x))``; an empty span is
    widened by 0.5 each way). The last bin includes its right edge; values outside ``range`` are not counted.
    Counts and edges are floats of ``x``'s dtype (non-floats: float32).

    >>> histogram(np.array([1.0, 2.0, 2.0, 3.0], "float32"), bins=2)[0]   # doctest: +SKIP
    Array([1., 3.], dtype=float32)
    """
    op = "histogram"
    if isinstance(bins, bool) or not isinstance(bins, int):
        raise TypeError(f"{op}: bins must be an int, got {bins!r}")
    if bins < 0:
        raise ValueError(f"{op}: bins must be a non-negative integer, got bins={bins}")
    if range is not None:
        if not isinstance(range, tuple) or len(range) != 2:
            raise ValueError(f"{op}: range must be a tuple of two numbers, got range={range!r}")
        if range[1] < range[0]:
            raise ValueError(f"{op}: range[1] must be >= range[0], got range={range!r}")
    x = as_tensor(x)
    t = type_of(x)
    if t.ndim != 1:
        raise ShapeError(f"{op}: x must be 1-dimensional, got shape {fmt_shape(t.shape)}")
    d = t.dtype if t.dtype.is_floating else DEFAULT_FLOAT
    x = convert(x, d, op)
    if range is None:
        lo, hi = L.reduce("reduce_min", x, (0,), op), L.reduce("reduce_max", x, (0,), op)
    else:
        lo, hi = L.full(range[0], (), d, op), L.full(range[1], (), d, op)
    empty = bind("eq", lo, hi, op=op)
    lo = L.where(empty, L.sub(lo, 0.5, op), lo, op)
    hi = L.where(empty, L.add(hi, 0.5, op), hi, op)
    # edges as jax.numpy.linspace computes them: lo * (1 - i / bins) + hi * (i / bins), the last one exactly hi
    frac = L.true_divide(L.iota(d, (bins + 1,), 0, op), builtins.max(bins, 1), op)
    edges = L.add(L.mul(lo, L.sub(1.0, frac, op), op), L.mul(hi, frac, op), op)
    last = bind("eq", L.iota("int32", (bins + 1,), 0, op), L.full(bins, (bins + 1,), "int32", op), op=op)
    edges = L.where(last, L.full(hi, (bins + 1,), d, op), edges, op)
    # bin i (1-based) holds edges[i-1] <= v < edges[i]; v == hi goes to the last bin
    n = t.shape[0]
    above = convert(bind("ge", L.broadcast_in_dim(x, (n, bins + 1), (0,), op),
                         L.broadcast_in_dim(edges, (n, bins + 1), (1,), op), op=op), "int32", op)
    index = L.reduce("reduce_sum", above, (1,), op)
    index = L.where(bind("eq", x, L.full(hi, (n,), d, op), op=op), bins, index, op)
    hit = bind("eq", L.broadcast_in_dim(index, (n, bins), (0,), op),
               L.add(L.iota("int32", (n, bins), 1, op), 1, op), op=op)
    counts = L.reduce("reduce_sum", convert(hit, d, op), (0,), op)
    return counts, edges
