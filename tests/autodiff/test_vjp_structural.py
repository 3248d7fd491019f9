"""VJP rules of the structural prims against jax.grad (float32, tight) and central finite differences (float64),
on every lowering; plus symbolic shapes and second derivatives."""
import jax.numpy as jnp
import numpy as np
import pytest
from jax import lax

from grad_check import check_grad
from helpers import LOWERINGS, run_graph
from hornet.api.autodiff import grad
from hornet.ir.tracer import trace_with_tree
from hornet.ir.types import TensorType
from hornet.runtime.bind import bind

DTYPES = ("float32", "float64")
TOL = {"float32": dict(rtol=2e-5, atol=2e-6), "float64": dict(rtol=1e-10, atol=1e-12)}


def rand(shape, dtype, seed=0):
    return np.random.default_rng(seed).uniform(-2.0, 2.0, size=shape).astype(dtype)


# (x shape, target shape, broadcast_dimensions): new dims, expanded 1-dims, both, and a no-op
BROADCASTS = [
    ((3,), (2, 3), (1,)),
    ((1, 3), (4, 3), (0, 1)),
    ((2, 1, 1), (2, 3, 5), (0, 1, 2)),
    ((1, 4), (2, 3, 4), (1, 2)),
    ((), (2, 2), ()),
    ((1,), (1, 1), (1,)),
    ((2, 3), (2, 3), (0, 1)),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", BROADCASTS, ids=str)
def test_broadcast_in_dim(case, dtype):
    shape, target, bd = case
    check_grad(lambda x: bind("broadcast_in_dim", x, shape=target, broadcast_dimensions=bd),
               lambda x: lax.broadcast_in_dim(x, target, bd), rand(shape, dtype), **TOL[dtype])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("new", [(6, 2), (12,), (2, 2, 3), (1, 12, 1)])
def test_reshape(new, dtype):
    check_grad(lambda x: bind("reshape", x, new_sizes=new), lambda x: x.reshape(new), rand((3, 4), dtype),
               **TOL[dtype])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("perm", [(1, 0, 2), (2, 0, 1), (1, 2, 0), (0, 1, 2)])
def test_transpose(perm, dtype):
    check_grad(lambda x: bind("transpose", x, permutation=perm), lambda x: jnp.transpose(x, perm),
               rand((2, 3, 4), dtype), **TOL[dtype])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("dims", [(0,), (1, 2), (0, 1, 2), ()])
def test_rev(dims, dtype):
    check_grad(lambda x: bind("rev", x, dimensions=dims), lambda x: lax.rev(x, dims), rand((2, 3, 4), dtype),
               **TOL[dtype])


SLICES = [  # (start, limit, strides) on a (7, 6) operand
    ((1, 0), (5, 6), None),
    ((0, 1), (7, 5), (2, 3)),
    ((2, 2), (7, 6), (3, 1)),
    ((1, 5), (6, 6), (4, 2)),
    ((3, 0), (3, 6), None),  # empty
    ((0, 0), (7, 6), (1, 1)),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", SLICES, ids=str)
def test_slice(case, dtype):
    start, limit, strides = case
    check_grad(lambda x: bind("slice", x, start_indices=start, limit_indices=limit, strides=strides),
               lambda x: lax.slice(x, start, limit, strides), rand((7, 6), dtype), **TOL[dtype])


# starts include out-of-range values, which are clamped so the window fits
DYNAMIC_STARTS = [(1, 2), (0, 0), (5, -3), (-1, 9)]


def _lax_starts(*starts):
    """The prim clamps negative starts to 0 (lax would wrap them first)."""
    return tuple(jnp.maximum(s, 0) for s in starts)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("starts", DYNAMIC_STARTS, ids=str)
def test_dynamic_slice(starts, dtype):
    idx = [np.int32(s) for s in starts]
    check_grad(lambda x, i, j: bind("dynamic_slice", x, i, j, slice_sizes=(3, 2)),
               lambda x, i, j: lax.dynamic_slice(x, _lax_starts(i, j), (3, 2)), rand((5, 4), dtype), *idx, **TOL[dtype])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("starts", DYNAMIC_STARTS, ids=str)
def test_dynamic_update_slice(starts, dtype):
    idx = [np.int32(s) for s in starts]
    check_grad(lambda x, u, i, j: bind("dynamic_update_slice", x, u, i, j),
               lambda x, u, i, j: lax.dynamic_update_slice(x, u, _lax_starts(i, j)),
               rand((5, 4), dtype), rand((3, 2), dtype, seed=1), *idx, argnums=(0, 1), **TOL[dtype])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("dimension", [0, 1])
def test_concatenate_three(dimension, dtype):
    shapes = [(2, 3), (4, 3), (1, 3)] if dimension == 0 else [(2, 1), (2, 4), (2, 2)]
    xs = [rand(s, dtype, seed=i) for i, s in enumerate(shapes)]
    check_grad(lambda *a: bind("concatenate", *a, dimension=dimension),
               lambda *a: lax.concatenate(a, dimension), *xs, argnums=(0, 1, 2), **TOL[dtype])


def test_concatenate_single_operand():
    check_grad(lambda a: bind("concatenate", a, dimension=0), lambda a: a, rand((3, 2), "float32"))


PADS = [
    ((1, 2, 0), (0, 1, 0)),
    ((-1, 2, 1), (2, -2, 0)),  # crop with negative low/high
    ((0, 0, 2), (1, 1, 1)),  # interior
    ((-3, -1, 2), (-1, 3, 2)),  # crop into the interior padding
    ((0, 0, 0), (0, 0, 0)),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("config", PADS, ids=str)
def test_pad(config, dtype):
    value = np.asarray(0.7, dtype)
    check_grad(lambda x, v: bind("pad", x, v, padding_config=config),
               lambda x, v: lax.pad(x, v, config), rand((4, 3), dtype), value, argnums=(0, 1), **TOL[dtype])


def test_iota_is_not_differentiated():
    """iota has no inputs: a function mixing it in still differentiates through the other operand."""
    def fn(x):
        return bind("mul", x, bind("iota", dtype="float32", shape=(3, 2), dimension=0))

    check_grad(fn, lambda x: x * lax.broadcasted_iota(jnp.float32, (3, 2), 0), rand((3, 2), "float32"))


# --- symbolic shapes and second derivatives ---------------------------------------------------------------------

def _run_symbolic(fn, shape, x):
    """Trace ``grad(fn)`` with a symbolic leading dim and run it on both lowerings."""
    g = grad(fn)
    graph, _ = trace_with_tree(g, [TensorType("float32", shape)])
    return [run_graph(low, graph, x)[0] for low in LOWERINGS]


def test_symbolic_dims():
    def fn(x):
        y = bind("slice", x, start_indices=(0, 1), limit_indices=("n", 3), strides=None)
        y = bind("broadcast_in_dim", y, shape=(2, "n", 2), broadcast_dimensions=(1, 2))
        y = bind("concatenate", y, y, dimension=1)
        y = bind("pad", y, np.float32(0), padding_config=((0, 0, 0), (1, 0, 0), (0, 0, 0)))
        return bind("reduce_sum", bind("mul", y, y), axes=(0, 1, 2))

    x = rand((3, 4), "float32")
    want = np.zeros_like(x)
    want[:, 1:3] = 2 * 2 * 2 * x[:, 1:3]  # two broadcast copies, concatenated twice, d(y^2) = 2y
    for got in _run_symbolic(fn, ("n", 4), x):
        np.testing.assert_allclose(got, want, rtol=1e-6)


def test_symbolic_slice_start():
    def fn(x):
        y = bind("slice", x, start_indices=(1, 0), limit_indices=("n", 2), strides=None)
        return bind("reduce_sum", bind("mul", y, y), axes=(0, 1))

    x = rand((4, 2), "float32")
    want = 2 * x
    want[0] = 0
    for got in _run_symbolic(fn, ("n", 2), x):
        np.testing.assert_allclose(got, want, rtol=1e-6)


def test_second_derivative_through_structural_rules():
    """grad of grad: the structural VJPs are themselves differentiable."""
    def f(x):
        y = bind("pad", x, np.float32(1.0), padding_config=((1, -1, 1),))
        y = bind("slice", y, start_indices=(1,), limit_indices=(6,), strides=(2,))
        return bind("reduce_sum", bind("mul", bind("mul", y, y), y), axes=(0,))

    x = rand((4,), "float32")
    got = np.asarray(grad(lambda x: bind("reduce_sum", grad(f)(x), axes=(0,)))(x))

    def jf(x):
        y = lax.slice(lax.pad(x, jnp.float32(1.0), ((1, -1, 1),)), (1,), (6,), (2,))
        return jnp.sum(y ** 3)

    import jax
    want = jax.grad(lambda x: jnp.sum(jax.grad(jf)(x)))(x)
    np.testing.assert_allclose(got, want, rtol=1e-5)
