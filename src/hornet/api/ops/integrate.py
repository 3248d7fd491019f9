"""``trapezoid``: the composite trapezoidal rule along one axis (``keras.ops.trapezoid``, NumPy semantics).

>>> from hornet import ops
>>> ops.trapezoid(np.array([[1, 2, 3], [4, 5, 6]]), axis=1)      # doctest: +SKIP
Array([ 4., 10.], dtype=float32)
"""
from __future__ import annotations

from typing import Any

from hornet.api.ops import _lax as L
from hornet.api.ops.core import as_tensor, fmt_shape, normalize_axis, to_float, type_of
from hornet.ir.dtypes import is_python_scalar
from hornet.ir.errors import ShapeError

__all__ = ["trapezoid"]


def trapezoid(y: Any, x: Any = None, dx: Any = 1.0, axis: int = -1) -> Any:
    """``sum((y[i] + y[i+1]) / 2 * (x[i+1] - x[i]))`` along ``axis``; without ``x`` the samples are ``dx`` apart.
    ``x`` is 1-D (one sample point per entry of ``y`` along ``axis``) or has ``y``'s shape. Integer ``y`` gives
    float32.

    >>> trapezoid(np.array([1.0, 2.0, 4.0]), x=np.array([0.0, 1.0, 3.0]))   # doctest: +SKIP
    Array(7.5, dtype=float32)
    """
    op = "trapezoid"
    y = to_float(y, op)
    ty = type_of(y)
    if ty.ndim == 0:
        raise ShapeError(f"{op}: y must have at least one dimension, got a scalar")
    ax = normalize_axis(axis, ty.ndim, op)
    n = ty.shape[ax]
    pair_sum = L.add(L.slice_axis(y, ax, 1, n, op), L.slice_axis(y, ax, 0, n - 1, op), op)
    if x is None:
        widths = dx if is_python_scalar(dx) else as_tensor(dx)  # a Python dx is weak: y's dtype wins
    else:
        x = as_tensor(x)
        tx = type_of(x)
        if tx.ndim == 1:
            if tx.shape[0] != n:
                raise ShapeError(f"{op}: x has {tx.shape[0]} sample points but y has {n} along axis {axis}")
            m = tx.shape[0]
            widths = L.sub(L.slice_axis(x, 0, 1, m, op), L.slice_axis(x, 0, 0, m - 1, op), op)
            widths = L.reshape(widths, tuple(m - 1 if i == ax else 1 for i in range(ty.ndim)), op)
        elif tx.shape == ty.shape:
            widths = L.sub(L.slice_axis(x, ax, 1, n, op), L.slice_axis(x, ax, 0, n - 1, op), op)
        else:
            raise ShapeError(f"{op}: x must be 1-D or have y's shape {fmt_shape(ty.shape)}, got "
                             f"{fmt_shape(tx.shape)}")
    return L.mul(L.reduce("reduce_sum", L.mul(widths, pair_sum, op), (ax,), op), 0.5, op)
