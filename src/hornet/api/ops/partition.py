"""``argpartition`` (``keras.ops.argpartition``): indices that put the ``kth`` smallest element in its sorted
place, smaller ones before it and larger ones after.

The order within each side is unspecified by Keras; hornet gives what ``jax.numpy.argpartition`` gives: the
``kth + 1`` smallest in ascending order (ties by position), then the rest in their original order.

>>> from hornet import ops
>>> ops.argpartition(np.array([3.0, 4.0, 2.0, 1.0]), 1)    # doctest: +SKIP
Array([3, 2, 0, 1], dtype=int32)
"""
from __future__ import annotations

import operator
from typing import Any

from hornet.api.ops import _lax as L
from hornet.api.ops.core import as_tensor, bind, convert, normalize_axis, type_of
from hornet.ir.dtypes import DType
from hornet.ir.errors import ShapeError

__all__ = ["argpartition"]


def argpartition(x: Any, kth: int, axis: int | None = -1) -> Any:
    """int32 indices of the partitioned order of ``x`` along ``axis`` (``None``: the flattened tensor).

    >>> argpartition(np.array([[5, 1, 3]]), 0, axis=1)   # doctest: +SKIP
    Array([[1, 0, 2]], dtype=int32)
    """
    op = "argpartition"
    try:
        k = operator.index(kth)
    except TypeError:
        raise TypeError(f"{op}: kth must be an integer, got {kth!r}") from None
    x = as_tensor(x)
    t = type_of(x)
    if axis is None or t.ndim == 0:
        x, ax = L.reshape(x, (t.size,), op), 0
    else:
        ax = normalize_axis(axis, t.ndim, op)
    if t.dtype.is_bool:
        x = convert(x, DType.int8, op)
    shape = type_of(x).shape
    n = shape[ax]
    if not isinstance(n, int):
        raise ShapeError(f"{op}: the size of axis {ax} must be static, got {n}")
    if not -n <= k < n:
        raise ShapeError(f"{op}: kth={kth} is out of bounds for an axis of size {n}")
    k %= n
    index = L.iota(DType.int32, shape, ax, op)
    order = bind("sort", x, index, dimension=ax, num_keys=1, descending=False, op=op)[1]
    bottom = L.slice_axis(order, ax, 0, k + 1, op)
    if k + 1 == n:
        return bottom
    # rank of each position in the sorted order: positions of rank > k keep their original order
    rank = bind("sort", order, index, dimension=ax, num_keys=1, descending=False, op=op)[1]
    upper = convert(bind("gt", rank, L.full(k, shape, DType.int32, op), op=op), DType.int32, op)
    rest = bind("sort", L.sub(1, upper, op), index, dimension=ax, num_keys=1, descending=False, op=op)[1]
    return bind("concatenate", bottom, L.slice_axis(rest, ax, 0, n - k - 1, op), dimension=ax, op=op)
