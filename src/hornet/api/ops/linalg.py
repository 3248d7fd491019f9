"""Linear algebra with ``keras.ops`` names, built on the linalg prims (cholesky, triangular_solve, lu, qr, eigh,
svd) and ``dot_general``: cholesky, cholesky_inverse, det, slogdet, logdet, inv, solve, solve_triangular, lstsq,
lu_factor, qr, eigh, svd, pinv, matrix_rank, matrix_power, norm.

Matrices are ``[..., m, n]`` batched over leading dims; integer inputs are computed in float32. This module also
re-exports the products (``products.py``: matmul, dot, tensordot, ...) and ``einsum`` (``einsum.py``).

>>> from hornet import ops
>>> ops.det(np.array([[2.0, 0.0], [0.0, 3.0]]))   # doctest: +SKIP
Array(6., dtype=float64)
"""
from __future__ import annotations

from typing import Any

import numpy as np

from hornet.api.ops import _lax as L, einsum as _einsum, products as _products
from hornet.api.ops.core import (as_tensor, bind, broadcast_shapes, broadcast_to, convert, convert_to_numpy, finish,
                                 fmt_shape, to_float, type_of, unary)
from hornet.api.ops.einsum import einsum  # noqa: F401  (re-exported)
from hornet.api.ops.norms import norm  # noqa: F401  (re-exported)
from hornet.api.ops.products import *  # noqa: F401,F403  (re-exported: hornet.ops lists this module's __all__)
from hornet.api.ops.products import matmul
from hornet.ir.dtypes import DType, finfo, promote_types
from hornet.ir.errors import ShapeError
from hornet.ir.symbolic import dims_equal, is_symbolic
from hornet.ir.tracer import SymbolicTensor

__all__ = ["cholesky", "cholesky_inverse", "det", "slogdet", "logdet", "inv", "solve", "solve_triangular", "lstsq",
           "lu_factor", "qr", "eigh", "svd", "pinv", "matrix_rank", "matrix_power", "norm"]
__all__ += _products.__all__ + _einsum.__all__


def _matrix(x: Any, op: str, *, square: bool = False) -> Any:
    x = to_float(x, op)
    s = type_of(x).shape
    if len(s) < 2:
        raise ShapeError(f"{op}: expected a matrix [..., m, n], got shape {fmt_shape(s)}")
    if square and not dims_equal(s[-1], s[-2]):
        raise ShapeError(f"{op}: expected square matrices [..., n, n], got shape {fmt_shape(s)}")
    return x


def _swap(x: Any, op: str) -> Any:
    """Transpose the last two dims."""
    n = type_of(x).ndim
    return L.transpose(x, list(range(n - 2)) + [n - 1, n - 2], op)


def _diagonal(x: Any, op: str) -> Any:
    """The diagonals ``[..., n]`` of square matrices ``[..., n, n]``."""
    n = type_of(x).shape[-1]
    kept = L.where(L.eye_mask(n, op), x, 0, op, dtype=type_of(x).dtype)
    return L.reduce("reduce_sum", kept, (type_of(x).ndim - 1,), op)


def _identity_like(x: Any, op: str) -> Any:
    """Identity matrices with ``x``'s shape and dtype."""
    t = type_of(x)
    return broadcast_to(L.eye(t.shape[-1], t.dtype, op), t.shape, op)


def cholesky(x: Any, upper: bool = False) -> Any:
    """The Cholesky factor of symmetric positive definite matrices: lower ``L`` with ``L @ L.T = x`` (or upper
    ``U = L.T`` with ``upper=True``). Eagerly, a matrix that is not positive definite raises ValueError.

    >>> cholesky(np.array([[4.0, 2.0], [2.0, 5.0]]))   # doctest: +SKIP
    Array([[2., 0.], [1., 2.]])
    """
    op = "cholesky"
    out = bind("cholesky", _matrix(x, op, square=True), op=op)
    if not isinstance(out, SymbolicTensor) and np.isnan(convert_to_numpy(out)).any():
        raise ValueError(f"{op}: decomposition failed; the input might not be a positive definite matrix")
    return _swap(out, op) if upper else out


def cholesky_inverse(x: Any, upper: bool = False) -> Any:
    """The inverse of ``A = L @ L.T`` given its Cholesky factor ``x = L`` (or ``A = U.T @ U`` given ``U``)."""
    op = "cholesky_inverse"
    x = _matrix(x, op, square=True)
    factor_inv = bind("triangular_solve", x, _identity_like(x, op), left_side=True, lower=not upper, op=op)
    if upper:
        return matmul(factor_inv, _swap(factor_inv, op))
    return matmul(_swap(factor_inv, op), factor_inv)


def _lu_parts(x: Any, op: str) -> tuple[Any, Any]:
    """(diagonal of U, sign of the row permutation in ``x``'s dtype) of square matrices: each pivot that is not
    its own row is one swap, flipping the sign."""
    lu, pivots, _ = bind("lu", x, op=op)
    pt = type_of(pivots)
    swapped = bind("ne", pivots, L.iota(DType.int32, pt.shape, pt.ndim - 1, op), op=op)
    flips = L.where(swapped, -1, 1, op, dtype=type_of(x).dtype)
    return _diagonal(lu, op), L.reduce("reduce_prod", flips, (pt.ndim - 1,), op)


def det(x: Any) -> Any:
    """Determinants of square matrices ``[..., n, n]`` (from an LU factorization)."""
    op = "det"
    diag, sign = _lu_parts(_matrix(x, op, square=True), op)
    last = type_of(diag).ndim - 1
    return L.mul(sign, L.reduce("reduce_prod", diag, (last,), op), op)


def slogdet(x: Any) -> tuple[Any, Any]:
    """``(sign, log|det|)`` of square matrices; a singular matrix gives ``(0, -inf)``.

    >>> slogdet(np.array([[0.0, 2.0], [3.0, 0.0]]))   # doctest: +SKIP
    (Array(-1.), Array(1.7917595))
    """
    op = "slogdet"
    diag, sign = _lu_parts(_matrix(x, op, square=True), op)
    last = type_of(diag).ndim - 1
    sign = L.mul(sign, L.reduce("reduce_prod", unary("sign", diag, op), (last,), op), op)
    logabs = L.reduce("reduce_sum", unary("log", unary("abs", diag, op), op), (last,), op)
    return sign, logabs


def logdet(x: Any) -> Any:
    """``log(det(x))`` of Hermitian positive definite matrices (``slogdet(x)[1]``)."""
    return slogdet(x)[1]


def _lu_solve(a: Any, b: Any, op: str) -> Any:
    """Solve ``a @ x = b`` for square ``a [..., n, n]`` and ``b [..., n, k]`` with the same batch dims."""
    lu, _, perm = bind("lu", a, op=op)
    shape = type_of(lu).shape
    # (P b)[i] = b[perm[i]], as a one-hot matrix product
    onehot = bind("eq", broadcast_to(L.reshape(perm, shape[:-1] + (1,), op), shape, op),
                  L.iota(DType.int32, shape, len(shape) - 1, op), op=op)
    pb = matmul(convert(onehot, type_of(b).dtype, op), b)
    y = bind("triangular_solve", lu, pb, left_side=True, lower=True, unit_diagonal=True, op=op)
    return bind("triangular_solve", lu, y, left_side=True, lower=False, op=op)


def _matrix_rhs(a: Any, b: Any, op: str) -> tuple[Any, Any, bool]:
    """``a`` [..., n, n] and ``b`` as [..., n, k] with broadcast batch dims, both in one float dtype; the flag says
    ``b`` was a vector (1-D) whose added axis the caller removes."""
    a, b = _matrix(a, op, square=True), to_float(b, op)
    d = promote_types(type_of(a).dtype, type_of(b).dtype)
    a, b = convert(a, d, op), convert(b, d, op)
    sa, sb = type_of(a).shape, type_of(b).shape
    vector = len(sb) == 1
    if vector:
        b, sb = L.reshape(b, sb + (1,), op), sb + (1,)
    if len(sb) < 2 or not dims_equal(sb[-2], sa[-1]):
        raise ShapeError(f"{op}: b of shape {fmt_shape(type_of(b).shape if not vector else sb[:-1])} does not match a "
                         f"of shape {fmt_shape(sa)} (b needs {sa[-1]} rows)")
    batch = broadcast_shapes(sa[:-2], sb[:-2], op=op)
    return broadcast_to(a, batch + sa[-2:], op), broadcast_to(b, batch + sb[-2:], op), vector


def _unvector(x: Any, vector: bool, op: str) -> Any:
    return L.reshape(x, type_of(x).shape[:-1], op) if vector else x


def solve(a: Any, b: Any) -> Any:
    """Solve ``a @ x = b`` for square ``a``; ``b`` is a vector ``[n]`` or matrices ``[..., n, k]``.

    >>> solve(np.array([[2.0, 0.0], [0.0, 4.0]]), np.array([2.0, 2.0]))   # doctest: +SKIP
    Array([1. , 0.5])
    """
    op = "solve"
    a, b, vector = _matrix_rhs(a, b, op)
    return _unvector(_lu_solve(a, b, op), vector, op)


def solve_triangular(a: Any, b: Any, lower: bool = False) -> Any:
    """Solve ``a @ x = b`` reading only the lower (``lower=True``) or upper triangle of ``a``."""
    op = "solve_triangular"
    a, b, vector = _matrix_rhs(a, b, op)
    x = bind("triangular_solve", a, b, left_side=True, lower=bool(lower), op=op)
    return _unvector(x, vector, op)


def inv(x: Any) -> Any:
    """Inverses of square matrices."""
    op = "inv"
    x = _matrix(x, op, square=True)
    return _lu_solve(x, _identity_like(x, op), op)


def _default_rtol(x: Any, factor: float, op: str) -> Any:
    """``factor * max(m, n) * eps`` as a 0-d tensor of ``x``'s dtype (sizes may be symbolic)."""
    t = type_of(x)
    eps = float(finfo(t.dtype).eps)
    m, n = t.shape[-2], t.shape[-1]
    if not is_symbolic(m) and not is_symbolic(n):
        return L.full(factor * eps * max(m, n), (), t.dtype, op)
    size = bind("max", L.count(t.shape, (t.ndim - 2,), t.dtype, op), L.count(t.shape, (t.ndim - 1,), t.dtype, op),
                op=op)
    return L.mul(size, factor * eps, op)


def _pseudo_inverse_parts(x: Any, rcond: Any, factor: float, op: str, *, inclusive: bool) -> tuple[Any, Any, Any]:
    """(u, 1/s with the small singular values zeroed, vh): those below ``rcond * s_max`` (or at it when
    ``inclusive`` is False) count as zero."""
    u, s, vh = bind("svd", x, full_matrices=False, op=op)
    d = type_of(s).dtype
    rtol = _default_rtol(x, factor, op) if rcond is None else as_tensor(rcond, d)
    cutoff = L.mul(rtol, L.reduce("reduce_max", s, (type_of(s).ndim - 1,), op, keepdims=True), op, dtype=d)
    keep = bind("ge" if inclusive else "gt", s, broadcast_to(cutoff, type_of(s).shape, op), op=op)
    s_inv = L.where(keep, L.div(1, L.where(keep, s, 1, op, dtype=d), op, dtype=d), 0, op, dtype=d)
    return u, s_inv, vh


def _scaled_v_ut(u: Any, s_inv: Any, vh: Any, op: str) -> Any:
    """``vh.T @ diag(s_inv) @ u.T``, the pseudo-inverse assembled from SVD parts."""
    scaled = L.mul(L.reshape(s_inv, type_of(s_inv).shape + (1,), op), _swap(u, op), op)
    return matmul(_swap(vh, op), scaled)


def lstsq(a: Any, b: Any, rcond: Any = None) -> Any:
    """Least-squares solution ``x`` minimizing ``|a @ x - b|`` (the minimum-norm one), for ``a [m, n]`` and ``b``
    ``[m]`` or ``[m, k]``; singular values below ``rcond * s_max`` (default ``eps * max(m, n)``) count as zero."""
    op = "lstsq"
    a, b = _matrix(a, op), to_float(b, op)
    d = promote_types(type_of(a).dtype, type_of(b).dtype)
    a, b = convert(a, d, op), convert(b, d, op)
    sa, sb = type_of(a).shape, type_of(b).shape
    vector = len(sb) == len(sa) - 1
    if vector:
        b = L.reshape(b, sb + (1,), op)
    if not dims_equal(type_of(b).shape[-2], sa[-2]):
        raise ShapeError(f"{op}: b of shape {fmt_shape(sb)} does not match a of shape {fmt_shape(sa)} "
                         f"(b needs {sa[-2]} rows)")
    u, s_inv, vh = _pseudo_inverse_parts(a, rcond, 1.0, op, inclusive=True)
    return _unvector(matmul(_scaled_v_ut(u, s_inv, vh, op), b), vector, op)


def pinv(x: Any, rcond: Any = None) -> Any:
    """Moore-Penrose pseudo-inverses ``[..., n, m]`` via the SVD; singular values at or below ``rcond * s_max``
    (default ``10 * max(m, n) * eps``) count as zero."""
    op = "pinv"
    u, s_inv, vh = _pseudo_inverse_parts(_matrix(x, op), rcond, 10.0, op, inclusive=False)
    return _scaled_v_ut(u, s_inv, vh, op)


def matrix_rank(x: Any, tol: Any = None) -> Any:
    """The number of singular values above ``tol`` (default ``s_max * max(m, n) * eps``), as int32."""
    op = "matrix_rank"
    x = _matrix(x, op)
    s = bind("svd", x, full_matrices=False, op=op)[1]
    d, last = type_of(s).dtype, type_of(s).ndim - 1
    if tol is None:
        tol = L.mul(_default_rtol(x, 1.0, op), L.reduce("reduce_max", s, (last,), op, keepdims=True), op, dtype=d)
    above = bind("gt", s, broadcast_to(as_tensor(tol, d), type_of(s).shape, op), op=op)
    return L.reduce("reduce_sum", convert(above, DType.int32, op), (last,), op)


def lu_factor(x: Any) -> tuple[Any, Any]:
    """``(lu, pivots)`` as ``scipy.linalg.lu_factor``: L (unit diagonal, below) and U packed in one matrix, and
    the int32 row swaps (row i was swapped with row pivots[i])."""
    lu, pivots, _ = bind("lu", _matrix(x, "lu_factor"), op="lu_factor")
    return lu, pivots


def qr(x: Any, mode: str = "reduced") -> tuple[Any, Any]:
    """``(q, r)`` with orthonormal columns in q and upper-triangular r; ``mode`` "reduced" or "complete"."""
    if mode not in ("reduced", "complete"):
        raise ValueError(f"qr: mode must be 'reduced' or 'complete', got {mode!r}")
    q, r = bind("qr", _matrix(x, "qr"), full_matrices=mode == "complete", op="qr")
    return q, r


def eigh(x: Any) -> tuple[Any, Any]:
    """``(eigenvalues ascending, eigenvectors as columns)`` of symmetric matrices (read from the lower triangle)."""
    w, v = bind("eigh", _matrix(x, "eigh", square=True), lower=True, op="eigh")
    return w, v


def svd(x: Any, full_matrices: bool = True, compute_uv: bool = True) -> Any:
    """``(u, s, vh)`` with ``x = u @ diag(s) @ vh`` and s descending, or just ``s`` when ``compute_uv=False``."""
    x = _matrix(x, "svd")
    if not compute_uv:
        return bind("svd", x, full_matrices=False, op="svd")[1]
    u, s, vh = bind("svd", x, full_matrices=bool(full_matrices), op="svd")
    return u, s, vh


def matrix_power(x: Any, n: int) -> Any:
    """``x`` multiplied by itself ``n`` times (``n = 0``: identity; negative ``n``: powers of the inverse).

    >>> matrix_power(np.array([[1, 1], [0, 1]]), 3)   # doctest: +SKIP
    Array([[1, 3], [0, 1]])
    """
    op = "matrix_power"
    x = as_tensor(x)
    s = type_of(x).shape
    if len(s) < 2 or not dims_equal(s[-1], s[-2]):
        raise ShapeError(f"{op}: expected square matrices [..., n, n], got shape {fmt_shape(s)}")
    n = int(n)
    if n == 0:
        return _identity_like(x, op)
    if n < 0:
        x, n = inv(x), -n
    result = None
    while True:  # square-and-multiply
        if n & 1:
            result = x if result is None else matmul(result, x)
        n >>= 1
        if not n:
            return finish(result)
        x = matmul(x, x)

