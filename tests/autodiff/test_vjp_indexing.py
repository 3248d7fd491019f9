"""VJP rules of the indexing prims (gather, scatter in every mode, sort, top_k) against jax.grad (float32, tight)
and central finite differences (float64), on every lowering."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax import lax

from grad_check import check_grad
from hornet.api.autodiff import grad
from hornet.runtime.bind import bind
from helpers import LOWERINGS

DTYPES = ("float32", "float64")
TOL = {"float32": dict(rtol=2e-5, atol=2e-6), "float64": dict(rtol=1e-10, atol=1e-12)}


def rand(shape, dtype, seed=0, low=-2.0, high=2.0):
    return np.random.default_rng(seed).uniform(low, high, size=shape).astype(dtype)


def idx(rows):
    return np.asarray(rows, np.int32)


# --- gather ---------------------------------------------------------------------------------------------------

def _jax_gather(x, indices):
    """The prim's semantics: each index component clamped into range."""
    k = indices.shape[-1]
    return x[tuple(jnp.clip(indices[..., j], 0, x.shape[j] - 1) for j in range(k))]


GATHERS = [  # (operand shape, indices): repeated rows accumulate; out-of-range rows are clamped
    ((5, 3), [[0], [2], [2], [4], [2]]),
    ((5, 3), [[7], [-1], [4], [0]]),
    ((4, 3, 2), [[0, 1], [3, 2], [0, 1]]),
    ((4, 3), [[[1, 2], [1, 2]], [[0, 0], [5, -2]]]),
    ((6,), [[1], [1], [1]]),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", GATHERS, ids=str)
def test_gather(case, dtype):
    shape, rows = case
    check_grad(lambda x, i: bind("gather", x, i), _jax_gather, rand(shape, dtype), idx(rows), **TOL[dtype])


# --- scatter --------------------------------------------------------------------------------------------------

_LAX_SCATTERS = {"set": lax.scatter, "add": lax.scatter_add, "mul": lax.scatter_mul, "min": lax.scatter_min,
                 "max": lax.scatter_max}


def _jax_scatter(mode, unique=False):
    def fn(x, indices, updates):
        k = indices.shape[-1]
        batch = indices.ndim - 1
        numbers = lax.ScatterDimensionNumbers(update_window_dims=tuple(range(batch, batch + x.ndim - k)),
                                              inserted_window_dims=tuple(range(k)),
                                              scatter_dims_to_operand_dims=tuple(range(k)))
        return _LAX_SCATTERS[mode](x, indices, updates, numbers, unique_indices=unique,
                                   mode=lax.GatherScatterMode.FILL_OR_DROP)

    return fn


def _hornet_scatter(mode):
    return lambda x, i, u: bind("scatter", x, i, u, mode=mode)


UNIQUE_ROWS = [[3], [0], [9], [2], [-1]]  # rows 9 and -1 are out of bounds: dropped
DUPLICATE_ROWS = [[1], [3], [1], [6], [3], [1]]


def _scatter_args(rows, dtype, seed=0, width=3, size=5):
    return rand((size, width), dtype, seed), idx(rows), rand((len(rows), width), dtype, seed + 1)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("mode", ["set", "add", "mul", "min", "max"])
def test_scatter_unique_rows(mode, dtype):
    x, i, u = _scatter_args(UNIQUE_ROWS, dtype)
    check_grad(_hornet_scatter(mode), _jax_scatter(mode, unique=True), x, i, u, argnums=(0, 2), **TOL[dtype])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("mode", ["set", "add"])
def test_scatter_duplicate_rows(mode, dtype):
    """add accumulates; set differentiates the update the forward kept (as JAX's id trick)."""
    x, i, u = _scatter_args(DUPLICATE_ROWS, dtype, seed=2)
    check_grad(_hornet_scatter(mode), _jax_scatter(mode), x, i, u, argnums=(0, 2), **TOL[dtype])


def test_scatter_nd_indices_and_batched_rows():
    x = rand((4, 3, 2), "float64")
    i = idx([[[0, 1], [3, 2]], [[0, 1], [4, 0]]])  # a duplicate and a dropped row
    u = rand((2, 2, 2), "float64", seed=1)
    for mode in ("add", "set"):
        check_grad(_hornet_scatter(mode), _jax_scatter(mode), x, i, u, argnums=(0, 2), **TOL["float64"])


def test_scatter_mul_duplicates_with_zeros():
    """Each update's gradient is the product of the operand and every OTHER update at its row, zeros included
    (JAX only differentiates unique indices; checked against finite differences)."""
    x, i, u = _scatter_args([[1], [3], [1], [3], [1], [0], [0]], "float64", seed=4)
    u[0, 0] = 0.0  # one zero among three updates of row 1
    u[1, 1] = 0.0  # two zeros on row 3, column 1: every gradient there is zero
    u[3, 1] = 0.0
    x[0, 2] = 0.0  # a zero operand
    grads = check_grad(_hornet_scatter("mul"), None, x, i, u, argnums=(0, 2), **TOL["float64"])
    w = np.random.default_rng(123).uniform(0.5, 1.5, size=x.shape)  # check_grad's weights
    np.testing.assert_allclose(grads[1][0, 0], w[1, 0] * x[1, 0] * u[2, 0] * u[4, 0], rtol=1e-12)
    np.testing.assert_array_equal(grads[1][[1, 3], 1], 0.0)


@pytest.mark.parametrize("mode", ["min", "max"])
def test_scatter_extreme_ties_split_evenly_as_jax(mode):
    x = np.array([[1.0, 2.0], [0.5, -1.0], [3.0, 3.0]], "float32")
    i = idx([[0], [0], [2], [1], [2], [5]])
    u = np.array([[1.0, 2.0], [1.0, 0.0], [3.0, 5.0], [0.5, -1.0], [3.0, -4.0], [9.0, 9.0]], "float32")
    check_grad(_hornet_scatter(mode), _jax_scatter(mode), x, i, u, argnums=(0, 2), fd=False)


@pytest.mark.parametrize("mode", ["min", "max"])
def test_scatter_extreme_duplicates_without_ties(mode):
    x, i, u = _scatter_args(DUPLICATE_ROWS, "float64", seed=5)
    check_grad(_hornet_scatter(mode), _jax_scatter(mode), x, i, u, argnums=(0, 2), **TOL["float64"])


# --- sort / top_k ---------------------------------------------------------------------------------------------

def _jax_sort(dimension, num_keys, descending):
    def fn(*xs):
        flip = (lambda a: lax.rev(a, (dimension,))) if descending else (lambda a: a)
        out = lax.sort(tuple(flip(x) for x in xs), dimension=dimension, is_stable=True, num_keys=num_keys)
        return tuple(flip(o) for o in out)

    return fn


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("dimension", [0, 1])
@pytest.mark.parametrize("descending", [False, True])
def test_sort_one_operand(dimension, descending, dtype):
    x = rand((4, 5), dtype)  # distinct values: no ties
    attrs = dict(dimension=dimension, num_keys=1, descending=descending)
    check_grad(lambda x: bind("sort", x, **attrs)[0], lambda x: _jax_sort(dimension, 1, descending)(x)[0], x,
               **TOL[dtype])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("descending", [False, True])
def test_sort_with_payloads(descending, dtype):
    """Float keys and a float payload, both differentiated through one sort."""
    keys, vals = rand((3, 6), dtype), rand((3, 6), dtype, seed=1)
    attrs = dict(dimension=1, num_keys=1, descending=descending)

    def fn(k, v):
        sk, sv = bind("sort", k, v, **attrs)
        return bind("add", bind("mul", sk, sv), sv)

    def jfn(k, v):
        sk, sv = _jax_sort(1, 1, descending)(k, v)
        return sk * sv + sv

    check_grad(fn, jfn, keys, vals, argnums=(0, 1), **TOL[dtype])


@pytest.mark.parametrize("dtype", DTYPES)
def test_sort_integer_keys_with_ties(dtype):
    """Tied integer keys (num_keys=2 with a float second key); the stable order routes each payload back."""
    ikeys = idx([[2, 0, 2, 1, 0, 2], [1, 1, 1, 0, 0, 0]])
    fkeys, vals = rand((2, 6), dtype), rand((2, 6), dtype, seed=3)
    attrs = dict(dimension=1, num_keys=2, descending=False)

    def fn(f, v, i):
        _, sf, sv = bind("sort", i, f, v, **attrs)
        return bind("mul", sf, sv)

    def jfn(f, v, i):
        _, sf, sv = _jax_sort(1, 2, False)(i, f, v)
        return sf * sv

    check_grad(fn, jfn, fkeys, vals, ikeys, argnums=(0, 1), **TOL[dtype])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape,k", [((7,), 3), ((2, 3, 6), 2), ((2, 5), 5)])
def test_top_k(shape, k, dtype):
    check_grad(lambda x: bind("top_k", x, k=k)[0], lambda x: lax.top_k(x, k)[0], rand(shape, dtype), **TOL[dtype])


# --- second derivatives ---------------------------------------------------------------------------------------

def test_second_derivative_through_indexing_rules():
    """grad of grad through gather, scatter-mul and sort (their VJPs are differentiable)."""
    x = rand((5,), "float32", seed=8)
    i = idx([[1], [3], [0]])

    def f(x):
        y = bind("sort", bind("gather", x, i), dimension=0, num_keys=1, descending=False)[0]
        z = bind("scatter", x, i, y, mode="mul")
        return bind("reduce_sum", bind("mul", z, z), axes=(0,))

    def jf(x):
        z = _jax_scatter("mul", unique=True)(x, i, jnp.sort(x[i[:, 0]]))
        return jnp.sum(z * z)

    got = np.asarray(grad(lambda x: bind("reduce_sum", bind("mul", grad(f)(x), x), axes=(0,)))(x))
    want = jax.grad(lambda x: jnp.sum(jax.grad(jf)(x) * x))(x)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


# --- symbolic shapes ------------------------------------------------------------------------------------------

def test_symbolic_dims():
    """A symbolic operand dim (its size read at run time for the clamp / bounds) and symbolic index batches."""
    from helpers import run_graph
    from hornet.ir.tracer import trace_with_tree
    from hornet.ir.types import TensorType

    def fn(x, i):
        y = bind("gather", x, i)
        z = bind("scatter", x, i, y, mode="add")
        return bind("add", bind("reduce_sum", bind("mul", y, y), axes=(0, 1)), bind("reduce_sum", z, axes=(0, 1)))

    x, i = rand((4, 3), "float32"), idx([[0], [2], [2], [7], [-3]])
    graph, _ = trace_with_tree(grad(fn), [TensorType("float32", ("n", 3)), TensorType("int32", ("m", 1))])
    want = jax.grad(lambda x: jnp.sum(_jax_gather(x, i) ** 2) + jnp.sum(_jax_scatter("add")(x, i, _jax_gather(x, i))))(x)
    for low in LOWERINGS:
        np.testing.assert_allclose(run_graph(low, graph, x, i)[0], want, rtol=1e-6, err_msg=low)
