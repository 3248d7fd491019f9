"""torch rules: linalg prims via ``torch.linalg`` (LAPACK on CPU).

float16/bfloat16 operands are computed in float32 and rounded back (torch's linalg kernels are f32/f64). The
``_ex`` variants are used where a failure must become a value (NaNs for cholesky, getrf's output for a singular
LU) instead of an error, which would need a host sync.
"""
from __future__ import annotations

from typing import Any, Callable

import torch

from hornet.lowering.torch.dtypes import in_float32


@in_float32
def cholesky(x: torch.Tensor) -> torch.Tensor:
    """Of the symmetrized input (x + x^T) / 2, as JAX and the NumPy reference; a matrix that is not positive
    definite gives NaNs in the lower triangle (the upper part stays zero)."""
    factor, info = torch.linalg.cholesky_ex((x + x.mT) / 2)
    failed = (info != 0)[..., None, None]
    return torch.where(failed, torch.tril(torch.full_like(factor, float("nan"))), factor)


@in_float32
def triangular_solve(a: torch.Tensor, b: torch.Tensor, *, left_side: bool = True, lower: bool = True,
                     transpose_a: bool = False, unit_diagonal: bool = False) -> torch.Tensor:
    t = torch.tril(a) if lower else torch.triu(a)  # the other triangle may hold junk
    upper = not lower
    if transpose_a:
        t, upper = t.mT, lower
    return torch.linalg.solve_triangular(t, b, upper=upper, left=left_side, unitriangular=unit_diagonal)


@in_float32
def qr(x: torch.Tensor, *, full_matrices: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
    q, r = torch.linalg.qr(x, mode="complete" if full_matrices else "reduced")
    return q, r


@in_float32
def eigh(x: torch.Tensor, *, lower: bool = True) -> tuple[torch.Tensor, torch.Tensor]:
    values, vectors = torch.linalg.eigh(x, UPLO="L" if lower else "U")  # reads only that triangle
    return values, vectors


@in_float32
def svd(x: torch.Tensor, *, full_matrices: bool = False) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    u, s, vh = torch.linalg.svd(x, full_matrices=full_matrices)
    return u, s, vh


@in_float32
def lu(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(lu, pivots, permutation) as jax.lax.linalg.lu: getrf's packed factors and 0-based pivots; the
    permutation (x[permutation] = L @ U) read off the unpacked P of x = P L U (column i has its 1 in row
    permutation[i])."""
    packed, pivots, _ = torch.linalg.lu_factor_ex(x)
    p, _, _ = torch.lu_unpack(packed, pivots, unpack_data=False)
    permutation = torch.argmax(p, dim=-2)
    return packed, (pivots - 1).to(torch.int32), permutation.to(torch.int32)


RULES: dict[str, Callable[..., Any]] = {
    "cholesky": cholesky,
    "triangular_solve": triangular_solve,
    "qr": qr,
    "eigh": eigh,
    "svd": svd,
    "lu": lu,
}
