"""JAX rules: linalg prims via ``jax.lax.linalg`` / ``jnp.linalg``.

float16/bfloat16 operands are computed in float32 and rounded back (XLA's CPU linalg kernels are f32/f64).
"""
from __future__ import annotations

import functools
from typing import Any, Callable

import jax.numpy as jnp
from jax import lax

_HALVES = (jnp.dtype("float16"), jnp.dtype("bfloat16"))


def _widened(rule: Callable[..., Any]) -> Callable[..., Any]:
    """Run ``rule`` in float32 for half-precision inputs; float outputs get the input dtype back."""

    @functools.wraps(rule)
    def run(*arrays: Any, **attrs: Any) -> Any:
        dt = arrays[0].dtype
        if dt not in _HALVES:
            return rule(*arrays, **attrs)
        out = rule(*(a.astype(jnp.float32) for a in arrays), **attrs)
        back = lambda o: o.astype(dt) if o.dtype == jnp.float32 else o  # noqa: E731
        return tuple(back(o) for o in out) if isinstance(out, tuple) else back(out)

    return run


@_widened
def cholesky(x: Any) -> Any:
    return lax.linalg.cholesky(x)  # symmetrizes its input; NaNs when not positive definite


@_widened
def triangular_solve(a: Any, b: Any, *, left_side: bool = True, lower: bool = True, transpose_a: bool = False,
                     unit_diagonal: bool = False) -> Any:
    return lax.linalg.triangular_solve(a, b, left_side=left_side, lower=lower, transpose_a=transpose_a,
                                       unit_diagonal=unit_diagonal)


@_widened
def qr(x: Any, *, full_matrices: bool = False) -> tuple[Any, Any]:
    q, r = lax.linalg.qr(x, full_matrices=full_matrices)
    return q, r


@_widened
def eigh(x: Any, *, lower: bool = True) -> tuple[Any, Any]:
    vectors, values = lax.linalg.eigh(x, lower=lower, symmetrize_input=False)  # reads only one triangle
    return values, vectors


@_widened
def svd(x: Any, *, full_matrices: bool = False) -> tuple[Any, Any, Any]:
    u, s, vh = jnp.linalg.svd(x, full_matrices=full_matrices)
    return u, s, vh


@_widened
def lu(x: Any) -> tuple[Any, Any, Any]:
    packed, pivots, permutation = lax.linalg.lu(x)
    return packed, pivots.astype(jnp.int32), permutation.astype(jnp.int32)


RULES: dict[str, Callable[..., Any]] = {
    "cholesky": cholesky,
    "triangular_solve": triangular_solve,
    "qr": qr,
    "eigh": eigh,
    "svd": svd,
    "lu": lu,
}
