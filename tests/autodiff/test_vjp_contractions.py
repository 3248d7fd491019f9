"""VJP rules of the contractions prims (dot_general, conv_general) and the public ops built on them, against
jax.grad (float32) and central finite differences (float64), on every lowering."""
import os

os.environ.setdefault("KERAS_BACKEND", "jax")  # keras.ops is the oracle of the public conv ops

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax import lax

from grad_check import check_grad as _check_grad
from helpers import LOWERINGS, run_graph
from hornet import ops
from hornet.api.autodiff import grad
from hornet.ir.prims import PRIMITIVES
from hornet.ir.tracer import trace_with_tree
from hornet.ir.types import TensorType
from hornet.runtime.bind import bind

DTYPES = ("float32", "float64")
TOL = {"float32": dict(rtol=2e-5, atol=2e-6), "float64": dict(rtol=1e-10, atol=1e-11)}
BOTH = (0, 1)


def check_grad(fn, jax_fn, *args, **kwargs):
    """grad_check.check_grad with the JAX oracle jitted (one compile instead of one per primitive)."""
    return _check_grad(fn, None if jax_fn is None else jax.jit(jax_fn), *args, **kwargs)


def rand(shape, dtype, seed=0):
    return np.random.default_rng(seed).uniform(-1.5, 1.5, size=shape).astype(dtype)


def test_every_contraction_prim_has_a_vjp():
    family = {n for n, p in PRIMITIVES.items() if "contraction" in p.tags}
    assert family == {"dot_general", "conv_general"}
    assert all(PRIMITIVES[n].differentiable and PRIMITIVES[n].vjp is not None for n in family)


# --- dot_general ---------------------------------------------------------------------------------------------------

DOTS = {  # name -> (lhs shape, rhs shape, attrs)
    "matmul": ((3, 4), (4, 5), dict(lhs_contracting=(1,), rhs_contracting=(0,))),
    "transposed_contracting": ((4, 3), (5, 4), dict(lhs_contracting=(0,), rhs_contracting=(1,))),
    "batch_dims_moved": ((3, 2, 4), (4, 5, 2), dict(lhs_contracting=(2,), rhs_contracting=(0,), lhs_batch=(1,),
                                                     rhs_batch=(2,))),
    "two_contracting_permuted": ((3, 2, 4, 6), (6, 2, 5, 3), dict(lhs_contracting=(3, 0), rhs_contracting=(0, 3),
                                                                   lhs_batch=(1,), rhs_batch=(1,))),
    "full_contraction": ((2, 3, 4), (2, 4, 3), dict(lhs_contracting=(1, 2), rhs_contracting=(2, 1), lhs_batch=(0,),
                                                     rhs_batch=(0,))),
    "outer": ((3,), (4,), dict(lhs_contracting=(), rhs_contracting=())),
}


def jax_dot(attrs, preferred=None):
    dims = ((attrs["lhs_contracting"], attrs["rhs_contracting"]),
            (attrs.get("lhs_batch", ()), attrs.get("rhs_batch", ())))
    return lambda lhs, rhs: lax.dot_general(lhs, rhs, dims, preferred_element_type=preferred)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", DOTS)
def test_dot_general(case, dtype):
    lhs, rhs, attrs = DOTS[case]
    check_grad(lambda a, b: bind("dot_general", a, b, **attrs), jax_dot(attrs), rand(lhs, dtype, 1),
               rand(rhs, dtype, 2), argnums=BOTH, **TOL[dtype])


@pytest.mark.parametrize("operand", ["float16", "bfloat16", "float32"])
def test_dot_general_preferred_element_type(operand):
    import ml_dtypes

    dtype = ml_dtypes.bfloat16 if operand == "bfloat16" else operand
    preferred = "float64" if operand == "float32" else "float32"
    attrs = DOTS["batch_dims_moved"][2]
    lhs, rhs = rand((3, 2, 4), "float32", 3).astype(dtype), rand((4, 5, 2), "float32", 4).astype(dtype)
    grads = check_grad(lambda a, b: bind("dot_general", a, b, preferred_element_type=preferred, **attrs),
                       jax_dot(attrs, preferred), lhs, rhs, argnums=BOTH, rtol=2e-2, atol=2e-2, fd=False)
    assert [g.dtype for g in grads] == [lhs.dtype, rhs.dtype]


# --- conv_general --------------------------------------------------------------------------------------------------

def conv_attrs(n, strides=None, padding=None, lhs_dilation=None, rhs_dilation=None, groups=1):
    return dict(window_strides=strides or (1,) * n, padding=padding or ((0, 0),) * n,
                lhs_dilation=lhs_dilation or (1,) * n, rhs_dilation=rhs_dilation or (1,) * n,
                feature_group_count=groups)


CONVS = {  # name -> (lhs (N, C, *S), rhs (O, C/groups, *K), attrs)
    "1d_stride2_same": ((2, 3, 9), (4, 3, 3), conv_attrs(1, strides=(2,), padding=((1, 1),))),
    "1d_stride3_leftover": ((2, 3, 10), (4, 3, 3), conv_attrs(1, strides=(3,), rhs_dilation=(2,))),
    "2d_stride2_same": ((2, 3, 7, 6), (4, 3, 3, 3), conv_attrs(2, strides=(2, 2), padding=((1, 1), (1, 1)))),
    "2d_negative_padding": ((1, 2, 7, 8), (3, 2, 2, 3), conv_attrs(2, padding=((-1, 2), (0, -2)))),
    "2d_rhs_dilation2": ((2, 2, 8, 7), (3, 2, 3, 2), conv_attrs(2, padding=((2, 2), (1, 0)), rhs_dilation=(2, 2))),
    "2d_lhs_dilation2": ((2, 2, 4, 5), (3, 2, 3, 3), conv_attrs(2, padding=((2, 2), (1, 1)), lhs_dilation=(2, 2))),
    "2d_groups2": ((2, 4, 7, 8), (6, 2, 3, 2), conv_attrs(2, strides=(2, 1), padding=((1, 2), (-1, 1)),
                                                          rhs_dilation=(2, 1), groups=2)),
    "2d_depthwise": ((2, 4, 6, 5), (8, 1, 3, 3), conv_attrs(2, strides=(1, 2), padding=((1, 1), (1, 1)),
                                                            lhs_dilation=(2, 1), groups=4)),
    "3d_strides2": ((1, 2, 5, 4, 6), (3, 2, 2, 3, 2), conv_attrs(3, strides=(2, 1, 2),
                                                                  padding=((0, 1), (1, 1), (-1, 0)),
                                                                  lhs_dilation=(1, 2, 1), rhs_dilation=(1, 1, 2))),
}


def jax_conv(attrs, preferred=None):
    def fn(lhs, rhs):
        spec = tuple(range(lhs.ndim))
        return lax.conv_general_dilated(lhs, rhs, attrs["window_strides"], attrs["padding"],
                                        lhs_dilation=attrs["lhs_dilation"], rhs_dilation=attrs["rhs_dilation"],
                                        dimension_numbers=lax.ConvDimensionNumbers(spec, spec, spec),
                                        feature_group_count=attrs["feature_group_count"],
                                        preferred_element_type=preferred)
    return fn


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", CONVS)
def test_conv_general(case, dtype):
    lhs, rhs, attrs = CONVS[case]
    check_grad(lambda a, b: bind("conv_general", a, b, **attrs), jax_conv(attrs), rand(lhs, dtype, 5),
               rand(rhs, dtype, 6), argnums=BOTH, **TOL[dtype])


def test_conv_general_preferred_element_type():
    lhs, rhs, attrs = CONVS["2d_groups2"]
    a, b = rand(lhs, "float16", 7), rand(rhs, "float16", 8)
    grads = check_grad(lambda a, b: bind("conv_general", a, b, preferred_element_type="float32", **attrs),
                       jax_conv(attrs, jnp.float32), a, b, argnums=BOTH, rtol=1e-2, atol=1e-2)
    assert [g.dtype for g in grads] == [np.float16, np.float16]


def test_conv_general_without_outputs_gives_zero_gradients():
    attrs = conv_attrs(1, padding=((0, -3),))
    a, b = rand((2, 3, 4), "float32", 9), rand((2, 3, 2), "float32", 10)
    ga, gb = check_grad(lambda a, b: bind("conv_general", a, b, **attrs), None, a, b, argnums=BOTH)
    assert not ga.any() and not gb.any()


# --- symbolic dims: one traced gradient graph for every batch size (and sequence length) -----------------------------

@pytest.mark.parametrize("lhs_type,attrs", [
    (("batch", 4, 8), conv_attrs(1, strides=(2,), padding=((1, 1),), groups=2)),
    (("batch", 4, "t"), conv_attrs(1, padding=((2, 1),), lhs_dilation=(2,), rhs_dilation=(2,))),
])
def test_symbolic_shapes(lhs_type, attrs):
    kernel = rand((6, 4 // attrs["feature_group_count"], 3), "float32", 11)

    def loss(x, k):
        y = bind("conv_general", x, k, **attrs)
        return ops.sum(ops.multiply(y, y))

    graph, _ = trace_with_tree(grad(loss, argnums=BOTH),
                               [TensorType("float32", lhs_type), TensorType("float32", kernel.shape)])
    want_fn = jax.jit(jax.grad(lambda x, k: jnp.sum(jax_conv(attrs)(x, k) ** 2), argnums=BOTH))
    for batch, length in ((1, 8), (3, 11)):
        x = rand((batch, 4, length if lhs_type[2] == "t" else 8), "float32", batch)
        for low in LOWERINGS:
            for got, want in zip(run_graph(low, graph, x, kernel), want_fn(x, kernel)):
                np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4, err_msg=low)


# --- public ops ------------------------------------------------------------------------------------------------------

def _keras():
    import keras

    return keras.ops


@pytest.mark.parametrize("x_shape,k_shape,strides,padding,dilation", [
    ((2, 9, 3), (3, 3, 4), 2, "same", 1),
    ((2, 7, 6, 3), (3, 3, 3, 4), 2, "same", 1),
    ((2, 8, 7, 2), (2, 3, 2, 3), 1, "valid", 2),
    ((1, 5, 4, 6, 2), (2, 3, 2, 2, 3), (2, 1, 2), "same", 1),
])
def test_conv(x_shape, k_shape, strides, padding, dilation):
    x, k = rand(x_shape, "float32", 12), rand(k_shape, "float32", 13)
    check_grad(lambda x, k: ops.conv(x, k, strides, padding, dilation_rate=dilation),
               lambda x, k: _keras().conv(x, k, strides, padding, dilation_rate=dilation), x, k, argnums=BOTH,
               **TOL["float32"])


def test_grouped_and_depthwise_conv():
    x = rand((2, 7, 6, 4), "float64", 14)
    grouped, depthwise = rand((3, 3, 2, 6), "float64", 15), rand((3, 3, 4, 2), "float64", 16)
    check_grad(lambda x, k: ops.conv(x, k, 2, "same"), lambda x, k: _keras().conv(x, k, 2, "same"), x, grouped,
               argnums=BOTH, **TOL["float64"])
    check_grad(lambda x, k: ops.depthwise_conv(x, k, 1, "same"), lambda x, k: _keras().depthwise_conv(x, k, 1, "same"),
               x, depthwise, argnums=BOTH, **TOL["float64"])


def test_conv_transpose():
    x, k = rand((2, 4, 5, 3), "float32", 17), rand((3, 3, 2, 3), "float32", 18)
    check_grad(lambda x, k: ops.conv_transpose(x, k, 2, "same"),
               lambda x, k: _keras().conv_transpose(x, k, 2, "same"), x, k, argnums=BOTH, **TOL["float32"])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("a_shape,b_shape", [((3, 4), (4, 5)), ((2, 3, 4), (4, 5)), ((4,), (2, 4, 3)),
                                             ((2, 1, 3, 4), (5, 4, 2))])
def test_matmul(a_shape, b_shape, dtype):
    check_grad(ops.matmul, jnp.matmul, rand(a_shape, dtype, 19), rand(b_shape, dtype, 20), argnums=BOTH,
               **TOL[dtype])


@pytest.mark.parametrize("spec,shapes", [
    ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]),
    ("ij,kj->ik", [(3, 4), (5, 4)]),
    ("bhqd,bhkd->bhqk", [(2, 2, 3, 4), (2, 2, 5, 4)]),
    ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 2)]),
])
def test_einsum(spec, shapes):
    args = [rand(s, "float64", 21 + i) for i, s in enumerate(shapes)]
    check_grad(lambda *a: ops.einsum(spec, *a), lambda *a: jnp.einsum(spec, *a), *args,
               argnums=tuple(range(len(args))), **TOL["float64"])


# --- second order: the rules are differentiable ----------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
def test_second_order(dtype):
    lhs, rhs, attrs = CONVS["2d_groups2"]  # output (2, 6, 3, 7)
    k, w = rand(rhs, dtype, 22), rand((4, 7), dtype, 23)

    def hornet_inner(x):  # d/dx of a loss through conv_general and dot_general; check_grad differentiates it again
        def loss(x):
            y = bind("conv_general", x, k, **attrs)
            z = bind("dot_general", y, w, lhs_contracting=(3,), rhs_contracting=(1,))
            return ops.sum(ops.multiply(z, z))
        return grad(loss)(x)

    def jax_inner(x):
        return jax.grad(lambda x: jnp.sum((jax_conv(attrs)(x, k) @ w.T) ** 2))(x)

    tol = TOL[dtype] if dtype == "float64" else dict(rtol=2e-5, atol=2e-5)  # second-order sums of ~100 terms
    check_grad(hornet_inner, jax_inner, rand(lhs, dtype, 24), **tol)
