"""NumPy reference rules: linalg prims (cholesky, triangular_solve, qr, eigh, svd, lu). NumPy only.

float16/bfloat16 operands are computed in float32 and rounded back (NumPy's LAPACK has no half precision).
"""
from __future__ import annotations

import functools
from typing import Any, Callable

import numpy as np

from hornet.ir.dtypes import DType, dtype as to_dtype

_HALVES = (DType.float16, DType.bfloat16)


def _widened(rule: Callable[..., Any]) -> Callable[..., Any]:
    """Run ``rule`` in float32 for half-precision inputs; float outputs get the input dtype back."""

    @functools.wraps(rule)
    def run(*arrays: np.ndarray, **attrs: Any) -> Any:
        dt = arrays[0].dtype
        if to_dtype(dt) not in _HALVES:
            return rule(*arrays, **attrs)
        out = rule(*(a.astype(np.float32) for a in arrays), **attrs)
        back = lambda o: o.astype(dt) if o.dtype == np.float32 else o  # noqa: E731
        return tuple(back(o) for o in out) if isinstance(out, tuple) else back(out)

    return run


def _mT(x: np.ndarray) -> np.ndarray:
    return np.swapaxes(x, -1, -2)


@_widened
def cholesky(x: np.ndarray) -> np.ndarray:
    """Reads the symmetrized input (x + x^T) / 2, as JAX; a matrix that is not positive definite gives NaNs
    in the lower triangle (the upper part stays zero), as JAX."""
    sym = (x + _mT(x)) / 2
    flat = sym.reshape((-1,) + x.shape[-2:])
    out = np.empty_like(flat)
    for i, m in enumerate(flat):
        try:
            out[i] = np.linalg.cholesky(m)
        except np.linalg.LinAlgError:
            out[i] = np.tril(np.full_like(m, np.nan))
    return out.reshape(x.shape)


@_widened
def triangular_solve(a: np.ndarray, b: np.ndarray, *, left_side: bool = True, lower: bool = True,
                     transpose_a: bool = False, unit_diagonal: bool = False) -> np.ndarray:
    """Every variant becomes ``t @ x = rhs`` with a lower or upper triangular ``t``, solved by substitution."""
    t = np.tril(a) if lower else np.triu(a)
    if unit_diagonal:
        n = a.shape[-1]
        t = t.copy()
        t[..., np.arange(n), np.arange(n)] = 1
    is_lower = lower
    if transpose_a:
        t, is_lower = _mT(t), not is_lower
    rhs = b
    if not left_side:  # x @ t = b  <=>  t^T @ x^T = b^T
        t, rhs, is_lower = _mT(t), _mT(b), not is_lower
    x = np.zeros(rhs.shape, dtype=np.result_type(t, rhs))
    rows = range(t.shape[-1]) if is_lower else reversed(range(t.shape[-1]))
    with np.errstate(divide="ignore", invalid="ignore"):
        for i in rows:
            acc = np.einsum("...j,...jk->...k", t[..., i, :], x)  # x rows not solved yet are still zero
            x[..., i, :] = (rhs[..., i, :] - acc) / t[..., i, i][..., None]
    return x if left_side else _mT(x).copy()


@_widened
def qr(x: np.ndarray, *, full_matrices: bool = False) -> tuple[np.ndarray, np.ndarray]:
    q, r = np.linalg.qr(x, mode="complete" if full_matrices else "reduced")
    return q, r


@_widened
def eigh(x: np.ndarray, *, lower: bool = True) -> tuple[np.ndarray, np.ndarray]:
    w, v = np.linalg.eigh(x, UPLO="L" if lower else "U")
    return w, v


@_widened
def svd(x: np.ndarray, *, full_matrices: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    u, s, vh = np.linalg.svd(x, full_matrices=full_matrices)
    return u, s, vh


@_widened
def lu(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Right-looking LU with partial pivoting (the first largest |entry| wins, as LAPACK's getrf), batched.

    Returns (lu, pivots, permutation) as jax.lax.linalg.lu: row j was swapped with row pivots[j], and
    x[permutation] = L @ U with L unit lower triangular (below lu's diagonal) and U upper (lu's upper part).
    """
    m, n = x.shape[-2:]
    a = x.reshape((-1, m, n)).copy()
    batch = np.arange(a.shape[0])
    k = min(m, n)
    pivots = np.zeros((a.shape[0], k), dtype=np.int32)
    perm = np.tile(np.arange(m, dtype=np.int32), (a.shape[0], 1))
    for j in range(k):
        p = j + np.argmax(np.abs(a[:, j:, j]), axis=1)
        pivots[:, j] = p
        for arr in (a, perm):
            row = arr[batch, j].copy()
            arr[batch, j] = arr[batch, p]
            arr[batch, p] = row
        pivot = a[:, j, j]
        nonzero = pivot != 0  # a zero pivot column is left unscaled, as getrf does
        a[:, j + 1:, j] = np.where(nonzero[:, None], a[:, j + 1:, j] / np.where(nonzero, pivot, 1)[:, None],
                                   a[:, j + 1:, j])
        a[:, j + 1:, j + 1:] -= a[:, j + 1:, j:j + 1] * a[:, j:j + 1, j + 1:]
    lead = x.shape[:-2]
    return a.reshape(x.shape), pivots.reshape(lead + (k,)), perm.reshape(lead + (m,))


RULES: dict[str, Callable[..., Any]] = {
    "cholesky": cholesky,
    "triangular_solve": triangular_solve,
    "qr": qr,
    "eigh": eigh,
    "svd": svd,
    "lu": lu,
}
