"""VJP rules of the linalg prims against jax.grad (float32) and central finite differences (float64), on every
lowering, on well-conditioned random matrices. Eigen/singular vectors are compared through sign-invariant
functions (squares, outer products) since their signs are not unique."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax import lax

from grad_check import check_grad
from hornet.api.autodiff import grad
from hornet.ir.errors import HornetError
from hornet.ir.tracer import trace_with_tree
from hornet.ir.types import TensorType
from hornet.runtime.bind import bind

DTYPES = ("float32", "float64")
TOL = {"float32": dict(rtol=2e-4, atol=2e-5), "float64": dict(rtol=1e-8, atol=1e-10)}
FD = dict(fd_rtol=1e-6)


def rand(shape, dtype, seed=0):
    return np.random.default_rng(seed).uniform(-1.0, 1.0, size=shape).astype(dtype)


def spd(shape, dtype, seed=0):
    a = rand(shape, "float64", seed)
    n = shape[-1]
    return (a @ np.swapaxes(a, -1, -2) + n * np.eye(n)).astype(dtype)


def diag_dominant(shape, dtype, seed=0):
    return (rand(shape, "float64", seed) + 3 * np.eye(shape[-1])).astype(dtype)


def _mT(x):
    return bind("transpose", x, permutation=tuple(range(x.ndim - 2)) + (x.ndim - 1, x.ndim - 2))


def _sym(x):
    """(x + x^T) / 2, so eigh sees a symmetric matrix under any perturbation."""
    return bind("mul", bind("add", x, _mT(x)), np.full(x.shape, 0.5, x.dtype))


def _jsym(x):
    return (x + jnp.swapaxes(x, -1, -2)) / 2


def _sq(x):
    return bind("mul", x, x)


# --- cholesky, triangular_solve -------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(1, 1), (4, 4), (2, 3, 3)])
def test_cholesky(shape, dtype):
    check_grad(lambda a: bind("cholesky", a), jax.jit(lax.linalg.cholesky), spd(shape, dtype), **TOL[dtype], **FD)


SOLVES = [dict(left_side=ls, lower=lo, transpose_a=tr, unit_diagonal=un)
          for ls in (True, False) for lo in (True, False) for tr in (False, True) for un in (False, True)]
# every variant in float64 (jax.grad and finite differences), a few in float32
SOLVE_CASES = [(attrs, "float64") for attrs in SOLVES] + [(SOLVES[i], "float32") for i in (0, 7, 10, 13)]


@pytest.mark.parametrize("attrs,dtype", SOLVE_CASES,
                         ids=lambda a: "-".join(k for k, v in a.items() if v) or "plain" if isinstance(a, dict) else a)
def test_triangular_solve(attrs, dtype):
    a = diag_dominant((2, 3, 3), dtype)
    rhs = rand((2, 3, 2) if attrs["left_side"] else (2, 2, 3), dtype, seed=1)
    check_grad(lambda a, r: bind("triangular_solve", a, r, **attrs),
               jax.jit(lambda a, r: lax.linalg.triangular_solve(a, r, **attrs)), a, rhs, argnums=(0, 1),
               **TOL[dtype], **FD)


def _flat(*xs):
    """All outputs flattened into one vector (so one check covers every output's cotangent)."""
    return bind("concatenate", *[bind("reshape", x, new_sizes=(int(np.prod(x.shape)),)) for x in xs], dimension=0)


def _jflat(*xs):
    return jnp.concatenate([x.reshape(-1) for x in xs])


# --- qr -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(4, 3), (3, 3), (3, 5), (2, 4, 2)], ids=str)
def test_qr(shape, dtype):
    check_grad(lambda a: _flat(*bind("qr", a, full_matrices=False)),
               jax.jit(lambda a: _jflat(*lax.linalg.qr(a, full_matrices=False))), rand(shape, dtype), **TOL[dtype],
               **FD)


@pytest.mark.parametrize("shape", [(3, 3), (2, 4)])
def test_qr_full_matrices_square_or_wide(shape):
    """full_matrices changes nothing when m <= n."""
    check_grad(lambda a: _flat(*bind("qr", a, full_matrices=True)),
               jax.jit(lambda a: _jflat(*lax.linalg.qr(a, full_matrices=True))), rand(shape, "float64", seed=2),
               **TOL["float64"], **FD)


def test_qr_full_matrices_tall_is_a_clear_error():
    with pytest.raises(HornetError, match="full_matrices"):
        trace_with_tree(grad(lambda a: bind("reduce_sum", bind("qr", a, full_matrices=True)[0], axes=(0, 1))),
                        [TensorType("float32", (4, 2))])


# --- eigh, svd --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("lower", [True, False])
def test_eigh(lower, dtype):
    """Eigenvalues and the eigenvector entries squared (sign-invariant); random symmetric matrices have distinct
    eigenvalues."""
    def fn(a):
        w, v = bind("eigh", _sym(a), lower=lower)
        return _flat(w, _sq(v))

    def jfn(a):
        v, w = lax.linalg.eigh(_jsym(a), lower=lower, symmetrize_input=False)
        return _jflat(w, v ** 2)

    check_grad(fn, jax.jit(jfn), rand((2, 4, 4), dtype, seed=3), **TOL[dtype], **FD)


def test_eigh_function_of_matrix():
    """V diag(w^3) V^T (a matrix function of a symmetric matrix) uses values and vectors together."""
    def fn(a):
        w, v = bind("eigh", _sym(a), lower=True)
        cubes = bind("mul", _sq(w), w)
        vs = bind("mul", v, bind("broadcast_in_dim", cubes, shape=v.shape, broadcast_dimensions=(1,)))
        return bind("dot_general", vs, v, lhs_contracting=(1,), rhs_contracting=(1,), lhs_batch=(), rhs_batch=(),
                    preferred_element_type=None)

    def jfn(a):
        v, w = lax.linalg.eigh(_jsym(a), symmetrize_input=False)
        return (v * w ** 3) @ v.T

    check_grad(fn, jax.jit(jfn), rand((4, 4), "float64", seed=4), **TOL["float64"], **FD)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(4, 4), (5, 3), (3, 5), (2, 4, 3)], ids=str)
def test_svd(shape, dtype):
    """Singular values and the squared entries of u and vh (sign-invariant)."""
    def fn(a):
        u, s, vh = bind("svd", a, full_matrices=False)
        return _flat(_sq(u), s, _sq(vh))

    def jfn(a):
        u, s, vh = jnp.linalg.svd(a, full_matrices=False)
        return _jflat(u ** 2, s, vh ** 2)

    check_grad(fn, jax.jit(jfn), rand(shape, dtype, seed=5), **TOL[dtype], **FD)


@pytest.mark.parametrize("shape", [(5, 3), (3, 5), (3, 3)], ids=str)
@pytest.mark.parametrize("full", [False, True])
def test_svd_gauge_invariant_product(shape, full):
    """U diag(c) V^T for fixed c: invariant to the joint sign of each singular pair; full_matrices only square."""
    if full and shape[0] != shape[1]:
        with pytest.raises(HornetError, match="full_matrices"):
            trace_with_tree(grad(lambda a: bind("reduce_sum", bind("svd", a, full_matrices=True)[1], axes=(0,))),
                            [TensorType("float32", shape)])
        return
    k = min(shape)
    c = np.linspace(1.0, 2.0, k)

    def fn(a):
        u, _, vh = bind("svd", a, full_matrices=full)
        uc = bind("mul", u, bind("broadcast_in_dim", c, shape=u.shape, broadcast_dimensions=(1,)))
        return bind("dot_general", uc, vh, lhs_contracting=(1,), rhs_contracting=(0,), lhs_batch=(), rhs_batch=(),
                    preferred_element_type=None)

    def jfn(a):
        u, _, vh = jnp.linalg.svd(a, full_matrices=full)
        return (u * c) @ vh

    check_grad(fn, jax.jit(jfn), rand(shape, "float64", seed=6), **TOL["float64"], **FD)


# --- lu -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(4, 4), (5, 3), (3, 5), (2, 3, 3)], ids=str)
def test_lu(shape, dtype):
    check_grad(lambda a: bind("lu", a)[0], jax.jit(lambda a: lax.linalg.lu(a)[0]), rand(shape, dtype, seed=7),
               **TOL[dtype], **FD)


# --- second derivatives ---------------------------------------------------------------------------------------

def test_second_derivative_through_linalg_rules():
    """grad of grad of sum(cholesky(a)) + sum(solve): the linalg VJPs are differentiable."""
    a = spd((3, 3), "float64", seed=9)
    rhs = rand((3, 2), "float64", seed=10)

    def f(a):
        low = bind("cholesky", a)
        x = bind("triangular_solve", low, rhs, left_side=True, lower=True, transpose_a=False, unit_diagonal=False)
        return bind("reduce_sum", bind("add", bind("reduce_sum", low, axes=(1,)), bind("reduce_sum", x, axes=(1,))),
                    axes=(0,))

    def jf(a):
        low = lax.linalg.cholesky(a)
        return jnp.sum(low) + jnp.sum(lax.linalg.triangular_solve(low, rhs, left_side=True, lower=True))

    weights = rand((3, 3), "float64", seed=11)
    got = np.asarray(grad(lambda a: bind("reduce_sum", bind("mul", grad(f)(a), weights), axes=(0, 1)))(a))
    want = jax.grad(lambda a: jnp.sum(jax.grad(jf)(a) * weights))(a)
    np.testing.assert_allclose(got, want, rtol=1e-8, atol=1e-10)
