"""``corrcoef``: Pearson correlation coefficients of the rows of a 2-D tensor (``keras.ops.corrcoef``, as
``numpy.corrcoef`` with ``rowvar=True``).

>>> from hornet import ops
>>> ops.corrcoef(np.array([[1.0, 2.0, 3.0], [3.0, 1.0, 2.0]], "float32"))   # doctest: +SKIP
Array([[ 1. , -0.5],
       [-0.5,  1. ]], dtype=float32)
"""
from __future__ import annotations

from typing import Any

from hornet.api.ops import _lax as L
from hornet.api.ops.core import as_tensor, bind, convert, fmt_shape, type_of, unary
from hornet.ir.dtypes import DEFAULT_FLOAT, DType
from hornet.ir.errors import ShapeError

__all__ = ["corrcoef"]


def corrcoef(x: Any) -> Any:
    """The ``(N, N)`` correlation matrix of ``N`` variables observed ``D`` times (``x`` of shape ``(N, D)``); a
    1-D ``x`` is one variable (the result is the scalar 1). int64 gives float64, other non-floats float32.

    >>> corrcoef(np.array([[0.0, 1.0], [0.0, 2.0]], "float32"))   # doctest: +SKIP
    Array([[1., 1.],
           [1., 1.]], dtype=float32)
    """
    op = "corrcoef"
    x = as_tensor(x)
    t = type_of(x)
    if t.ndim not in (1, 2):
        raise ShapeError(f"{op}: x must be 1-D or 2-D (variables, observations), got shape {fmt_shape(t.shape)}")
    d = t.dtype if t.dtype.is_floating else (DType.float64 if t.dtype == DType.int64 else DEFAULT_FLOAT)
    x = convert(x, d, op)
    if t.ndim == 1:
        x = L.reshape(x, (1, t.shape[0]), op)
    centered = L.sub(x, L.mean(x, (1,), op, keepdims=True), op)
    # the 1 / (D - 1) of the covariance cancels in the ratio
    cov = L.dot_general(centered, centered, ((1,), (1,)), op)
    if t.ndim == 1:  # one variable: var / var (1, or NaN for a constant one), as NumPy
        var = bind("reshape", cov, new_sizes=(), op=op)
        return L.true_divide(var, var, op)
    n = type_of(cov).shape[0]
    diag = L.reduce("reduce_sum", L.where(L.eye_mask(n, op), cov, 0.0, op), (1,), op)
    std = unary("sqrt", diag, op)
    c = L.true_divide(L.true_divide(cov, L.reshape(std, (n, 1), op), op), L.reshape(std, (1, n), op), op)
    return L.clip(c, -1.0, 1.0, op)
