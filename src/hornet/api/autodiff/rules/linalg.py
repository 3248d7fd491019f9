"""VJP rules: linalg prims (see the prim catalogue), the transposes of JAX's JVP rules. Batched over leading
dims; ``A^-T`` products are triangular solves, never explicit inverses.

- ``cholesky`` (reads (x + x^T) / 2): ``G = L^-T phi(L^T Lbar) L^-1`` with ``phi`` = lower triangle with the
  diagonal halved; the gradient is ``(G + G^T) / 2``.
- ``triangular_solve``: ``b`` gets a solve with the transposed ``op(a)``; ``a`` gets ``-bbar x^T`` (left side;
  transposed / right-side variants accordingly) restricted to the triangle the solve reads (strictly, with
  ``unit_diagonal``).
- ``qr`` (m >= n, or full_matrices with m == n): ``N = Q^T Qbar - Rbar R^T``,
  ``Abar = (Qbar + Q (tril(N - N^T, -1) - N)) R^-T``. Wide (m < n): the square block ``A1 = Q R1`` as above with
  ``Qbar + A2 R2bar^T``, and ``A2bar = Q R2bar``. full_matrices with m > n is not differentiable (HornetError).
- ``eigh`` (distinct eigenvalues): ``V (diag(wbar) + F o (V^T Vbar)) V^T``, ``F_ij = 1 / (w_j - w_i)``.
- ``svd`` (distinct non-zero singular values; full_matrices only when square):
  ``U (diag(sbar) + (J + J^T) S + S (K + K^T)) V^T`` with ``J = F o (U^T Ubar)``, ``K = F o (V^T Vbar)``,
  ``F_ij = 1 / (s_j^2 - s_i^2)``, plus the parts of Ubar (m > n) / Vbar (n > m) outside the span of U / V.
- ``lu``: the transpose of JAX's LU JVP: with unit-lower ``l`` (m x m) and upper ``u`` (n x n) padded with the
  identity, ``G = tril(l^T LUbar, -1) + triu(LUbar u^T)``, ``Abar = P^T l^-T G u^-T``. Pivots get no cotangent.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from hornet.api.autodiff.rules.tensor_helpers import (b, diag_embed, expand, eye_mask, full_like, matmul, mT,
                                                       pad_zeros, scale_columns, scale_rows, slice_axis, to_float,
                                                       triangular_solve, tril, triu, where, where_zero)
from hornet.api.ops.core import type_of
from hornet.ir.errors import HornetError
from hornet.ir.prims import set_rule
from hornet.ir.symbolic import Dim, is_symbolic


def _static(d: Dim, prim: str) -> int:
    if is_symbolic(d):
        raise HornetError(f"the gradient of {prim} needs static matrix dims, got {d}")
    return int(d)


def _sym(x: Any) -> Any:
    return b("mul", b("add", x, mT(x)), full_like(x, 0.5))


def _add(*xs: Any) -> Any:
    out = xs[0]
    for x in xs[1:]:
        out = b("add", out, x)
    return out


def _sub(x: Any, y: Any) -> Any:
    return b("sub", x, y)


def _off_diagonal_inverse(diff: Any) -> Any:
    """``1 / diff`` off the diagonal, 0 on it (``diff`` [..., k, k])."""
    eye = eye_mask(type_of(diff).shape)
    return where_zero(b("not", eye), b("div", full_like(diff, 1), where(eye, full_like(diff, 1), diff)))


def _pairwise_difference(v: Any) -> Any:
    """``D[..., i, j] = v[..., j] - v[..., i]``."""
    t = type_of(v)
    shape = tuple(t.shape) + (t.shape[-1],)
    batch = tuple(range(t.ndim - 1))
    return _sub(expand(v, shape, batch + (t.ndim,)), expand(v, shape, batch + (t.ndim - 1,)))


# --- cholesky, triangular_solve -----------------------------------------------------------------------------------

def cholesky_vjp(ct: Any, x: Any, *, outputs: Any) -> tuple[Any]:
    low = outputs[0]
    m = matmul(mT(low), ct)
    phi = where(eye_mask(type_of(m).shape), b("mul", m, full_like(m, 0.5)), tril(m))
    g = triangular_solve(low, phi, left_side=True, lower=True, transpose_a=True)
    g = triangular_solve(low, g, left_side=False, lower=True)
    return (_sym(g),)


def triangular_solve_vjp(ct: Any, a: Any, rhs: Any, *, outputs: Any, left_side: bool, lower: bool,
                         transpose_a: bool, unit_diagonal: bool) -> tuple[Any, Any]:
    x = outputs[0]
    b_ct = triangular_solve(a, ct, left_side=left_side, lower=lower, transpose_a=not transpose_a,
                            unit_diagonal=unit_diagonal)
    if left_side:
        a_ct = matmul(x, mT(b_ct)) if transpose_a else matmul(b_ct, mT(x))
    else:
        a_ct = matmul(mT(b_ct), x) if transpose_a else matmul(mT(x), b_ct)
    offset = -1 if unit_diagonal else 0
    a_ct = tril(a_ct, offset) if lower else triu(a_ct, -offset)
    return (b("neg", a_ct), b_ct)


# --- qr -----------------------------------------------------------------------------------------------------------

def _qr_square_ct(q: Any, r: Any, q_ct: Any, r_ct: Any) -> Any:
    """The input cotangent of a thin QR (m >= n; q [..., m, n], r [..., n, n])."""
    n = _sub(matmul(mT(q), q_ct), matmul(r_ct, mT(r)))
    inner = _sub(tril(_sub(n, mT(n)), -1), n)
    k = _add(q_ct, matmul(q, inner))
    return triangular_solve(r, k, left_side=False, lower=False, transpose_a=True)


def qr_vjp(ct: tuple[Any, Any], x: Any, *, outputs: Any, full_matrices: bool) -> tuple[Any]:
    q, r = outputs
    q_ct, r_ct = ct
    xt = type_of(x)
    m, n = (_static(d, "qr") for d in xt.shape[-2:])
    last = xt.ndim - 1
    if m >= n:
        if full_matrices and m > n:
            raise HornetError("the gradient of qr with full_matrices=True and m > n is not implemented; use "
                              "full_matrices=False")
        return (_qr_square_ct(q, r, q_ct, r_ct),)
    x2 = slice_axis(x, last, m, n)
    r1, r2_ct, r1_ct = slice_axis(r, last, 0, m), slice_axis(r_ct, last, m, n), slice_axis(r_ct, last, 0, m)
    x1_ct = _qr_square_ct(q, r1, _add(q_ct, matmul(x2, mT(r2_ct))), r1_ct)
    return (b("concatenate", x1_ct, matmul(q, r2_ct), dimension=last),)


# --- eigh, svd ----------------------------------------------------------------------------------------------------

def eigh_vjp(ct: tuple[Any, Any], x: Any, *, outputs: Any, lower: bool) -> tuple[Any]:
    w, v = outputs
    w_ct, v_ct = ct
    f = _off_diagonal_inverse(_pairwise_difference(w))
    inner = _add(diag_embed(w_ct), b("mul", f, matmul(mT(v), v_ct)))
    return (matmul(matmul(v, inner), mT(v)),)


def svd_vjp(ct: tuple[Any, Any, Any], x: Any, *, outputs: Any, full_matrices: bool) -> tuple[Any]:
    u, s, vh = outputs
    u_ct, s_ct, vh_ct = ct
    xt = type_of(x)
    m, n = (_static(d, "svd") for d in xt.shape[-2:])
    if full_matrices and m != n:
        raise HornetError("the gradient of svd with full_matrices=True is only implemented for square matrices; "
                          "use full_matrices=False")
    v, v_ct = mT(vh), mT(vh_ct)
    f = _off_diagonal_inverse(_pairwise_difference(b("mul", s, s)))
    j = b("mul", f, matmul(mT(u), u_ct))
    k = b("mul", f, matmul(mT(v), v_ct))
    inner = _add(diag_embed(s_ct), scale_columns(_add(j, mT(j)), s), scale_rows(_add(k, mT(k)), s))
    out = matmul(matmul(u, inner), vh)
    inv_s = b("div", full_like(s, 1), s)
    if m > n:
        rest = _sub(u_ct, matmul(u, matmul(mT(u), u_ct)))
        out = _add(out, matmul(scale_columns(rest, inv_s), vh))
    if n > m:
        rest = _sub(v_ct, matmul(v, matmul(vh, v_ct)))
        out = _add(out, matmul(u, scale_rows(mT(rest), inv_s)))
    return (out,)


# --- lu -----------------------------------------------------------------------------------------------------------

def _eye_from(size: int, start: int, like: Any) -> Any:
    """A [..., size, size] constant with ones on the diagonal from ``start`` on (batch dims of ``like``)."""
    t = type_of(like)
    eye = np.diag((np.arange(size) >= start).astype(t.dtype.np))
    shape = tuple(t.shape[:-2]) + (size, size)
    return expand(eye, shape, (len(shape) - 2, len(shape) - 1))


def lu_vjp(ct: tuple[Any, Any, Any], x: Any, *, outputs: Any) -> tuple[Any]:
    packed, _, permutation = outputs
    lu_ct = ct[0]
    xt = type_of(x)
    m, n = (_static(d, "lu") for d in xt.shape[-2:])
    k = min(m, n)
    last, nd = xt.ndim - 1, xt.ndim
    no_pad = [(0, 0, 0)] * (nd - 1)
    low = tril(pad_zeros(slice_axis(packed, last, 0, k), no_pad + [(0, m - k, 0)]), -1)
    low = _add(low, _eye_from(m, 0, packed))
    up = triu(pad_zeros(slice_axis(packed, last - 1, 0, k), no_pad[:-1] + [(0, n - k, 0), (0, 0, 0)]))
    up = _add(up, _eye_from(n, k, packed))
    g = _add(tril(matmul(mT(low), lu_ct), -1), triu(matmul(lu_ct, mT(up))))
    g = triangular_solve(up, g, left_side=False, lower=False, transpose_a=True)
    g = triangular_solve(low, g, left_side=True, lower=True, transpose_a=True, unit_diagonal=True)
    # rows were permuted: x[permutation] = L @ U, so row i of g belongs to row permutation[i] of x
    pt = type_of(permutation)
    square = tuple(pt.shape) + (m,)
    columns = b("iota", dtype=pt.dtype, shape=square, dimension=pt.ndim)
    onehot = to_float(b("eq", expand(permutation, square, tuple(range(pt.ndim))), columns), xt.dtype)
    return (matmul(mT(onehot), g),)


for _name, _rule in {
    "cholesky": cholesky_vjp,
    "triangular_solve": triangular_solve_vjp,
    "qr": qr_vjp,
    "eigh": eigh_vjp,
    "svd": svd_vjp,
    "lu": lu_vjp,
}.items():
    set_rule(_name, vjp=_rule)
