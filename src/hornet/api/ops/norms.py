"""``norm``: vector and matrix norms with ``keras.ops.norm`` (= ``numpy.linalg.norm``) orders.

Vector orders: None/2, inf, -inf, 0 (count of non-zeros), 1, any other p (``sum(|x|^p)^(1/p)``).
Matrix orders: None/"fro", "nuc", inf, -inf, 1, -1, 2, -2 (the last four via singular values for 2/-2).

>>> from hornet import ops
>>> ops.norm(np.array([3.0, 4.0]))   # doctest: +SKIP
Array(5., dtype=float64)
"""
from __future__ import annotations

import math
from typing import Any

from hornet.api.ops import _lax as L
from hornet.api.ops.core import as_tensor, bind, convert, finish, fmt_shape, normalize_axis, to_float, type_of, unary
from hornet.ir.dtypes import DType
from hornet.ir.errors import ShapeError

__all__ = ["norm"]

OP = "norm"
_INF = math.inf


def _sum(x: Any, axes: tuple[int, ...]) -> Any:
    return L.reduce("reduce_sum", x, axes, OP, keepdims=True)


def _abs(x: Any) -> Any:
    return unary("abs", x, OP)


def _frobenius(x: Any, axes: tuple[int, ...]) -> Any:
    return unary("sqrt", _sum(L.mul(x, x, OP), axes), OP)


def _vector_norm(x: Any, ord: Any, axis: int) -> Any:
    """The norm along one axis, kept as a size-1 dim."""
    axes = (axis,)
    if ord is None or ord == 2:
        return _frobenius(x, axes)
    if isinstance(ord, str):
        raise ValueError(f"{OP}: ord={ord!r} is a matrix norm; vector norms take numbers")
    if ord == _INF:
        return L.reduce("reduce_max", _abs(x), axes, OP, keepdims=True)
    if ord == -_INF:
        return L.reduce("reduce_min", _abs(x), axes, OP, keepdims=True)
    d = type_of(x).dtype
    if ord == 0:
        return _sum(convert(convert(x, DType.bool, OP), d, OP), axes)
    if ord == 1:
        return _sum(_abs(x), axes)
    p = float(ord)
    powered = bind("pow", _abs(x), L.full(p, type_of(x).shape, d, OP), op=OP)
    total = _sum(powered, axes)
    return bind("pow", total, L.full(1.0 / p, type_of(total).shape, d, OP), op=OP)


def _singular_values(x: Any, rows: int, cols: int) -> Any:
    """Singular values of the matrices spanned by (rows, cols), in a last axis after the other dims."""
    n = type_of(x).ndim
    others = [i for i in range(n) if i not in (rows, cols)]
    return bind("svd", L.transpose(x, others + [rows, cols], OP), full_matrices=False, op=OP)[1]


def _matrix_norm(x: Any, ord: Any, rows: int, cols: int) -> Any:
    """The norm over two axes; the result has both axes kept as size-1 dims."""
    t = type_of(x)
    if ord is None or ord == "fro":
        return _frobenius(x, (rows, cols))
    if ord in (_INF, -_INF, 1, -1):
        inner, outer = (cols, rows) if abs(ord) == _INF else (rows, cols)
        extreme = "reduce_max" if ord > 0 else "reduce_min"
        return L.reduce(extreme, _sum(_abs(x), (inner,)), (outer,), OP, keepdims=True)
    if ord in ("nuc", 2, -2):
        s = _singular_values(x, rows, cols)
        last = (type_of(s).ndim - 1,)
        out = (L.reduce("reduce_sum", s, last, OP) if ord == "nuc"
               else L.reduce("reduce_max" if ord == 2 else "reduce_min", s, last, OP))
        return L.reshape(out, L.kept_shape(t.shape, (rows, cols)), OP)
    raise ValueError(f"{OP}: invalid matrix norm order {ord!r}; use None, 'fro', 'nuc', inf, -inf, 1, -1, 2 or -2")


def norm(x: Any, ord: Any = None, axis: Any = None, keepdims: bool = False) -> Any:
    """Vector norms (one axis) or matrix norms (two axes) of ``x``. With ``axis=None``: ``ord=None`` is the
    2-norm of the flattened tensor; otherwise ``x`` must be 1-D (vector) or 2-D (matrix). Ints give float32.

    >>> norm(np.array([[1.0, 2.0], [3.0, 4.0]]), ord=1)   # doctest: +SKIP
    Array(6., dtype=float64)
    """
    x = as_tensor(x)
    t = type_of(x)
    x = to_float(x, OP)
    nd = t.ndim
    if axis is None:
        if ord is None:
            axes: tuple[int, ...] = tuple(range(nd))
            out = _frobenius(x, axes) if axes else unary("abs", x, OP)
            return finish(out if keepdims else L.reshape(out, (), OP))
        if nd not in (1, 2):
            raise ShapeError(f"{OP}: ord={ord!r} with axis=None needs a 1-D or 2-D tensor, got shape "
                             f"{fmt_shape(t.shape)}")
        axes = tuple(range(nd))
    else:
        raw = (axis,) if isinstance(axis, int) else tuple(axis)
        axes = tuple(normalize_axis(int(a), nd, OP) for a in raw)
        if len(set(axes)) != len(axes) or len(axes) not in (1, 2):
            raise ShapeError(f"{OP}: axis must be one axis or two distinct axes, got {axis!r}")
    out = _vector_norm(x, ord, axes[0]) if len(axes) == 1 else _matrix_norm(x, ord, axes[0], axes[1])
    if not keepdims:
        out = L.reshape(out, tuple(d for i, d in enumerate(t.shape) if i not in axes), OP)
    return finish(out)
