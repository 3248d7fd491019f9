"""VJP rules of the reductions prims: reduce_*, the cumulative scans and reduce_window (sum, max, min), against
jax.grad (float32, tight) and central finite differences (float64), on every lowering."""
import itertools
import os

os.environ.setdefault("KERAS_BACKEND", "jax")  # keras.ops is the oracle of the public pooling ops

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax import lax

from grad_check import check_grad as _check_grad
from helpers import LOWERINGS, run_graph
from hornet import ops
from hornet.api.autodiff import grad
from hornet.api.autodiff.rules import window_grads
from hornet.ir.prims import PRIMITIVES
from hornet.ir.tracer import trace_with_tree
from hornet.ir.types import type_of_array
from hornet.runtime.bind import bind

DTYPES = ("float32", "float64")
TOL = {"float32": dict(rtol=2e-5, atol=2e-6), "float64": dict(rtol=1e-10, atol=1e-12)}


def check_grad(fn, jax_fn, *args, **kwargs):
    """grad_check.check_grad with the JAX oracle jitted (one compile instead of one per primitive)."""
    return _check_grad(fn, None if jax_fn is None else jax.jit(jax_fn), *args, **kwargs)


def rand(shape, dtype, seed=0, low=-2.0, high=2.0):
    return np.random.default_rng(seed).uniform(low, high, size=shape).astype(dtype)


def test_every_differentiable_prim_of_the_family_has_a_vjp():
    family = {n for n, p in PRIMITIVES.items() if p.tags & {"reduction", "cumulative", "window"} and p.differentiable}
    assert family == {"reduce_sum", "reduce_prod", "reduce_max", "reduce_min", "cumsum", "cumprod", "cummax", "cummin",
                      "reduce_window", "select_and_scatter_add"}
    assert all(PRIMITIVES[n].vjp is not None for n in family)


# --- reduce_* ------------------------------------------------------------------------------------------------------

AXES = [(1,), (0, 2), ()]
REDUCE = {"reduce_sum": jnp.sum, "reduce_prod": jnp.prod, "reduce_max": jnp.max, "reduce_min": jnp.min}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("axes", AXES)
@pytest.mark.parametrize("prim", REDUCE)
def test_reduce(prim, axes, dtype):
    x = rand((2, 3, 4), dtype, seed=len(axes), low=0.5, high=1.5) * np.where(rand((2, 3, 4), dtype) > 0, 1, -1)
    check_grad(lambda x: bind(prim, x, axes=axes), lambda x: REDUCE[prim](x, axis=axes), x.astype(dtype),
               **TOL[dtype])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("axes", [(1,), (0, 2)])
def test_reduce_prod_with_zeros(axes, dtype):
    x = rand((3, 4, 2), dtype, seed=3)
    x[0, 1, 0] = 0.0  # one zero in a reduced row: its gradient is the product of the others
    x[1, 0, :] = 0.0  # two zeros in a reduced row: all gradients zero
    x[1, 2, :] = 0.0
    x[2, 3, 1] = 0.0
    check_grad(lambda x: bind("reduce_prod", x, axes=axes), lambda x: jnp.prod(x, axis=axes), x, **TOL[dtype])


@pytest.mark.parametrize("prim", ["reduce_max", "reduce_min"])
@pytest.mark.parametrize("axes", [(1,), (0, 1)])
def test_reduce_extreme_ties_split_evenly_as_jax(prim, axes):
    x = np.array([[1.0, 3.0, 3.0, -2.0], [-2.0, 0.0, -2.0, 3.0], [3.0, 3.0, 3.0, -2.0]], "float32")
    check_grad(lambda x: bind(prim, x, axes=axes), lambda x: REDUCE[prim](x, axis=axes), x, fd=False)


# --- cumulative scans ----------------------------------------------------------------------------------------------

SCANS = {"cumsum": lax.cumsum, "cumprod": lax.cumprod, "cummax": lax.cummax, "cummin": lax.cummin}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("axis,reverse", [(0, False), (2, True)])
@pytest.mark.parametrize("prim", SCANS)
def test_cumulative(prim, axis, reverse, dtype):
    x = rand((4, 2, 5), dtype, seed=axis + 2 * reverse, low=-1.5, high=1.5)
    check_grad(lambda x: bind(prim, x, axis=axis, reverse=reverse),
               lambda x: SCANS[prim](x, axis, reverse=reverse), x, **TOL[dtype])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reverse", [False, True])
def test_cumprod_with_zeros(reverse, dtype):
    x = rand((3, 6), dtype, seed=5)
    x[0, 2] = 0.0               # one zero
    x[1, 1] = x[1, 4] = 0.0     # two zeros
    x[2, 0] = x[2, 5] = 0.0     # zeros at both ends
    check_grad(lambda x: bind("cumprod", x, axis=1, reverse=reverse),
               lambda x: lax.cumprod(x, 1, reverse=reverse), x, **TOL[dtype])


def _grad_of(fn, x, w):
    g = grad(lambda x: ops.sum(ops.multiply(fn(x), w)))
    graph, _ = trace_with_tree(g, [type_of_array(x)])
    return [run_graph(low, graph, x)[0] for low in LOWERINGS]


@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("prim", ["cummax", "cummin"])
def test_cumulative_extreme_ties_go_to_the_first_occurrence(prim, reverse):
    x = np.array([1.0, 3.0, 3.0, 2.0, 3.0, 0.0, 5.0, 5.0], "float32")
    if prim == "cummin":
        x = -x
    if reverse:
        x = x[::-1].copy()
    w = np.arange(1.0, 9.0, dtype="float32")
    # running extreme set at positions 0, 1 and 6 (in scan order); each output's cotangent goes there
    want = np.zeros(8, "float32")
    want[0], want[1], want[6] = w[0], w[1:6].sum(), w[6:].sum()
    if reverse:
        w, want = w[::-1].copy(), want[::-1].copy()
    for got in _grad_of(lambda x: bind(prim, x, axis=0, reverse=reverse), x, w):
        np.testing.assert_array_equal(got, want)


# --- reduce_window ---------------------------------------------------------------------------------------------------

INIT = {"sum": 0.0, "max": -np.inf, "min": np.inf}
STACK_REDUCE = {"sum": jnp.sum, "max": jnp.max, "min": jnp.min}


def jax_window(x, computation, window_dimensions, window_strides, padding, base_dilation=None, window_dilation=None):
    """reduce_window spelled as pad + one strided slice per window offset + a reduction over the stacked slices
    (JAX's own max/min VJP supports neither window dilation nor negative padding)."""
    nd = x.ndim
    base = base_dilation or (1,) * nd
    wdil = window_dilation or (1,) * nd
    xp = lax.pad(x, jnp.array(INIT[computation], x.dtype), [(lo, hi, b - 1) for (lo, hi), b in zip(padding, base)])
    out = [(p - (w - 1) * r - 1) // s + 1 for p, w, r, s in zip(xp.shape, window_dimensions, wdil, window_strides)]
    parts = []
    for offset in itertools.product(*(range(w) for w in window_dimensions)):
        start = [o * r for o, r in zip(offset, wdil)]
        parts.append(lax.slice(xp, start, [s + (n - 1) * st + 1 for s, n, st in zip(start, out, window_strides)],
                               window_strides))
    return STACK_REDUCE[computation](jnp.stack(parts), axis=0)


WINDOWS = {
    "pool3x3_stride2_pad1": dict(window_dimensions=(1, 3, 3), window_strides=(1, 2, 2),
                                 padding=((0, 0), (1, 1), (1, 1))),
    "stride_exceeds_window": dict(window_dimensions=(1, 2, 2), window_strides=(1, 3, 3),
                                  padding=((0, 0), (0, 1), (1, 0))),
    "negative_padding": dict(window_dimensions=(1, 2, 3), window_strides=(1, 1, 2), padding=((0, 0), (0, 1), (-1, 2))),
    "window_dilation": dict(window_dimensions=(2, 2, 2), window_strides=(1, 2, 1), padding=((0, 0), (0, 0), (1, 0)),
                            window_dilation=(1, 2, 2)),
    "base_dilation": dict(window_dimensions=(1, 3, 2), window_strides=(1, 2, 3), padding=((0, 0), (2, 1), (1, 0)),
                          base_dilation=(1, 2, 2)),
    "large_window": dict(window_dimensions=(1, 5, 5), window_strides=(1, 1, 2), padding=((0, 0), (2, 2), (1, 1))),
}


@pytest.fixture(params=["offsets", "gather"])
def extreme_path(request, monkeypatch):
    """Run the max/min VJP through the offset walk or through gather + argmax + scatter."""
    monkeypatch.setattr(window_grads, "walk_offsets", lambda *attrs: request.param == "offsets")
    return request.param


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", WINDOWS)
def test_reduce_window_sum(case, dtype):
    attrs = WINDOWS[case]
    check_grad(lambda x: bind("reduce_window", x, computation="sum", **attrs),
               lambda x: jax_window(x, "sum", **attrs), rand((2, 7, 8), dtype, seed=11), **TOL[dtype])


@pytest.mark.parametrize("computation,dtype", [("max", "float32"), ("min", "float64")])
@pytest.mark.parametrize("case", WINDOWS)
def test_reduce_window_extreme(case, computation, dtype, extreme_path):
    attrs = WINDOWS[case]
    check_grad(lambda x: bind("reduce_window", x, computation=computation, **attrs),
               lambda x: jax_window(x, computation, **attrs), rand((2, 7, 8), dtype, seed=12), **TOL[dtype])


@pytest.mark.parametrize("computation", ["max", "min"])
def test_reduce_window_ties_go_to_the_first_extreme_as_jax(computation, extreme_path):
    x = np.array([[1.0, 3.0, 3.0, 2.0, 3.0], [3.0, 3.0, 0.0, 3.0, 3.0], [3.0, 1.0, 3.0, 3.0, 3.0]], "float32")
    x = x if computation == "max" else -x
    attrs = dict(window_dimensions=(2, 3), window_strides=(1, 1), padding=((0, 1), (1, 1)))
    op = lax.max if computation == "max" else lax.min
    check_grad(lambda x: bind("reduce_window", x, computation=computation, **attrs),
               lambda x: lax.reduce_window(x, INIT[computation], op, attrs["window_dimensions"],
                                           attrs["window_strides"], attrs["padding"]), x, fd=False)


@pytest.mark.parametrize("computation,dtype", [("max", "float32"), ("min", "float64")])
@pytest.mark.parametrize("case", WINDOWS)
def test_select_and_scatter_add_vjp_reads_the_selected_positions_back(case, computation, dtype):
    """Second order through pooling: the max/min VJP differentiated in its source (linear) against JAX."""
    attrs = WINDOWS[case]
    x = rand((2, 7, 8), dtype, seed=13)
    window = jax_window(x, computation, **attrs)
    source = rand(window.shape, dtype, seed=14)

    def jax_scatter(src, operand):
        return jax.vjp(lambda a: jax_window(a, computation, **attrs), operand)[1](src)[0]

    check_grad(lambda src, operand: bind("select_and_scatter_add", src, operand, computation=computation, **attrs),
               jax_scatter, source, x, **TOL[dtype])


# --- public pooling ops --------------------------------------------------------------------------------------------

POOLS = [(2, None, "valid", "float32"), (3, 2, "same", "float64"), ((2, 3), (2, 1), "same", "float32")]


@pytest.mark.parametrize("pool,strides,padding,dtype", POOLS)
def test_max_pool(pool, strides, padding, dtype):
    import keras

    x = rand((2, 7, 6, 3), dtype, seed=13)
    check_grad(lambda x: ops.max_pool(x, pool, strides, padding),
               lambda x: keras.ops.max_pool(x, pool, strides or pool, padding), x, **TOL[dtype])


@pytest.mark.parametrize("pool,strides,padding,dtype", POOLS)
def test_average_pool(pool, strides, padding, dtype):
    import keras

    x = rand((2, 3, 7, 6), dtype, seed=14)
    check_grad(lambda x: ops.average_pool(x, pool, strides, padding, data_format="channels_first"),
               lambda x: keras.ops.average_pool(x, pool, strides or pool, padding, data_format="channels_first"), x,
               **TOL[dtype])


# --- second order: the rules are differentiable ----------------------------------------------------------------------

def _inner_grad(fn, out_shape, jax_mode=False):
    """x -> d/dx sum(fn(x) * w): differentiating it again exercises the VJP rules' own VJPs."""
    w = rand(out_shape, "float64", seed=21, low=0.5, high=1.5)
    if jax_mode:
        return jax.grad(lambda x: jnp.sum(fn(x) * w.astype(x.dtype)))
    return grad(lambda x: ops.sum(ops.multiply(fn(x), w.astype(x.dtype))))


SECOND_ORDER = {  # name -> (hornet fn, JAX fn, output shape) on a (3, 4) input
    "reduce_prod": (lambda x: bind("reduce_prod", x, axes=(1,)), lambda x: jnp.prod(x, axis=1), (3,)),
    "cumprod": (lambda x: bind("cumprod", x, axis=1, reverse=False), lambda x: lax.cumprod(x, 1), (3, 4)),
    "max_pool": (lambda x: bind("reduce_window", x, computation="max", window_dimensions=(2, 2),
                                window_strides=(1, 1), padding=((0, 1), (0, 1))),
                 lambda x: jax_window(x, "max", (2, 2), (1, 1), ((0, 1), (0, 1))), (3, 4)),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", SECOND_ORDER)
def test_second_order(name, dtype):
    fn, jax_fn, out_shape = SECOND_ORDER[name]
    x = rand((3, 4), dtype, seed=22, low=0.5, high=1.5)
    check_grad(_inner_grad(fn, out_shape), _inner_grad(jax_fn, out_shape, True), x, **TOL[dtype])
