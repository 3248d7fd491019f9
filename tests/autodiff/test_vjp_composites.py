"""VJP rules of the composite prims (softmax, log_softmax, logsumexp, layer_norm, dot_product_attention) against
jax.grad (float32, tight) and central finite differences (float64), on every lowering; half floats, the public
ops, attention with causal masks, grouped heads and biases, symbolic dims and second derivatives."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from grad_check import check_grad as _check_grad
from helpers import LOWERINGS, run_graph
from hornet import ops
from hornet.api.autodiff import grad, value_and_grad
from hornet.ir.prims import PRIMITIVES
from hornet.ir.tracer import trace
from hornet.ir.types import TensorType
from hornet.runtime.bind import bind

DTYPES = ("float32", "float64")
TOL = {"float32": dict(rtol=2e-5, atol=2e-6), "float64": dict(rtol=1e-10, atol=1e-12)}
HALF_TOL = {"float16": dict(rtol=2e-2, atol=2e-3), "bfloat16": dict(rtol=5e-2, atol=2e-2)}


def check_grad(fn, jax_fn, *args, **kwargs):
    """grad_check.check_grad with the JAX oracle jitted, and used unless all inputs are float64 (those are checked
    against finite differences and across lowerings), which keeps the file fast."""
    if all(np.asarray(a).dtype == np.float64 for a in args):
        jax_fn = None
    return _check_grad(fn, None if jax_fn is None else jax.jit(jax_fn), *args, **kwargs)


def rand(shape, dtype, low=-2.0, high=2.0, seed=0):
    return np.random.default_rng(seed).uniform(low, high, size=shape).astype(dtype)


def test_every_composite_prim_has_a_vjp():
    composites = {n for n, p in PRIMITIVES.items() if "composite" in p.tags and p.differentiable}
    # select_and_scatter_add's VJP is tested with the window prims (test_vjp_reductions)
    assert composites == {"softmax", "log_softmax", "logsumexp", "layer_norm", "dot_product_attention",
                          "select_and_scatter_add"}
    assert all(PRIMITIVES[n].vjp is not None for n in composites)


# --- the normalizers -----------------------------------------------------------------------------------------------

def jax_layer_norm(x, axes, eps):
    mean = jnp.mean(x, axis=axes, keepdims=True)
    var = jnp.mean(jnp.square(x - mean), axis=axes, keepdims=True)
    return (x - mean) / jnp.sqrt(var + eps)


# prim -> (extra attrs, JAX equivalent of the prim on (x, axes))
NORMALIZERS = {
    "softmax": ({}, lambda x, axes: jax.nn.softmax(x, axis=axes)),
    "log_softmax": ({}, lambda x, axes: jax.nn.log_softmax(x, axis=axes)),
    "logsumexp": ({}, lambda x, axes: jax.nn.logsumexp(x, axis=axes)),
    "layer_norm": ({"epsilon": 1e-3}, lambda x, axes: jax_layer_norm(x, axes, 1e-3)),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("axes", [(2,), (0, 2), (0, 1, 2)])
@pytest.mark.parametrize("prim", NORMALIZERS)
def test_normalizer(prim, axes, dtype):
    attrs, jax_fn = NORMALIZERS[prim]
    x = rand((2, 3, 4), dtype, seed=len(axes))
    check_grad(lambda x: bind(prim, x, axes=axes, **attrs), lambda x: jax_fn(x, axes), x, **TOL[dtype])


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
@pytest.mark.parametrize("prim", NORMALIZERS)
def test_normalizer_in_half_floats(prim, dtype):
    """Half floats compute the gradient in float32 and round once: close to the float32 gradient."""
    attrs, jax_fn = NORMALIZERS[prim]
    x = rand((3, 5), dtype, seed=4)
    half = check_grad(lambda x: bind(prim, x, axes=(1,), **attrs),
                      lambda x: jax_fn(x.astype(jnp.float32), (1,)).astype(x.dtype), x, fd=False, **HALF_TOL[dtype])
    full = check_grad(lambda x: bind(prim, x, axes=(1,), **attrs), lambda x: jax_fn(x, (1,)),
                      x.astype("float32"), fd=False, **TOL["float32"])
    assert half[0].dtype == x.dtype
    np.testing.assert_allclose(half[0].astype("float32"), full[0], **HALF_TOL[dtype])


def test_logsumexp_with_large_and_minus_inf_entries():
    x = np.array([[1000.0, 1000.0, -np.inf], [-3.0, 2.0, 0.5]], "float32")
    g = check_grad(lambda x: bind("logsumexp", x, axes=(1,)), lambda x: jax.nn.logsumexp(x, axis=1), x, fd=False)[0]
    assert np.isfinite(g).all() and g[0, 2] == 0.0


def test_softmax_rows_that_saturate():
    x = np.array([[80.0, -80.0, 0.0], [1.0, 2.0, 3.0]], "float32")
    for prim in ("softmax", "log_softmax"):
        check_grad(lambda x: bind(prim, x, axes=(1,)), lambda x: NORMALIZERS[prim][1](x, (1,)), x, fd=False)


PUBLIC = {
    "softmax": (lambda x: ops.softmax(x, axis=-1), lambda x: jax.nn.softmax(x, axis=-1)),
    "log_softmax": (lambda x: ops.log_softmax(x, axis=0), lambda x: jax.nn.log_softmax(x, axis=0)),
    "logsumexp": (lambda x: ops.logsumexp(x, axis=1, keepdims=True),
                  lambda x: jax.nn.logsumexp(x, axis=1, keepdims=True)),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", PUBLIC)
def test_public_normalizers(name, dtype):
    check_grad(*PUBLIC[name], rand((3, 4), dtype, seed=2), **TOL[dtype])


@pytest.mark.parametrize("dtype", DTYPES)
def test_public_layer_normalization_with_scale_and_offset(dtype):
    x, gamma, beta = rand((3, 2, 5), dtype, seed=1), rand((5,), dtype, 0.5, 1.5, seed=2), rand((5,), dtype, seed=3)
    check_grad(lambda x, g, b: ops.layer_normalization(x, g, b, axis=-1, epsilon=1e-5),
               lambda x, g, b: jax_layer_norm(x, (2,), 1e-5) * g + b, x, gamma, beta, argnums=(0, 1, 2),
               **TOL[dtype])


def test_layer_norm_over_a_symbolic_axis():
    """With a symbolic normalized dim the rule counts the elements at run time."""
    w = rand((5, 3), "float64", seed=9)

    def scalar(x):
        return ops.sum(ops.multiply(bind("layer_norm", x, axes=(0,), epsilon=1e-3), w[0]))

    graph = trace(lambda x: value_and_grad(scalar)(x), TensorType("float64", ("n", 3)))
    x = rand((5, 3), "float64", seed=8)
    expected = jax.grad(lambda x: jnp.sum(jax_layer_norm(x, (0,), 1e-3) * w[0]))(x)
    for low in LOWERINGS:
        np.testing.assert_allclose(run_graph(low, graph, x)[1], expected, rtol=1e-10, atol=1e-12)


# --- second derivatives --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("prim", NORMALIZERS)
def test_second_derivative(prim):
    attrs = NORMALIZERS[prim][0]
    v = rand((2, 4), "float64", seed=5)

    def first(x):  # the gradient of a weighted sum, so that it depends on x in every direction
        return grad(lambda z: ops.sum(ops.multiply(ops.exp(bind(prim, z, axes=(1,), **attrs)), v[:, :1] if
                                                   prim == "logsumexp" else v)))(x)

    check_grad(first, None, rand((2, 4), "float64", seed=6), rtol=1e-9, atol=1e-11)


# --- attention -----------------------------------------------------------------------------------------------------

def qkv(dtype, t=3, s=4, n=4, k=2, h=3, b=2):
    return (rand((b, t, n, h), dtype, seed=1), rand((b, s, k, h), dtype, seed=2), rand((b, s, k, h), dtype, seed=3))


def attention_case(name, dtype):
    """(hornet fn, JAX fn, args, argnums) for one configuration: grads w.r.t. q, k, v (and the bias)."""
    q, k, v = qkv(dtype)
    b, t, n, _ = q.shape
    s = k.shape[1]
    mask = rand((b, 1, t, s), "float32", seed=4) > -1.0
    mask[..., 0] = True  # every query sees at least one key
    cases = {
        "plain": (dict(), ()),
        "scale": (dict(scale=0.7), ()),
        "causal": (dict(is_causal=True), ()),
        "mask": (dict(mask=mask), ()),
        "causal_mask": (dict(mask=mask, is_causal=True), ()),
        "bias": (dict(), (rand((b, n, t, s), dtype, seed=5),)),
        "broadcast_bias": (dict(is_causal=True), (rand((1, n, 1, s), dtype, seed=6),)),
        "bias_mask": (dict(mask=mask), (rand((t, s), dtype, seed=7),)),
    }
    kw, bias = cases[name]

    def ours(q, k, v, *bias):
        return ops.dot_product_attention(q, k, v, *bias, **kw)

    def theirs(q, k, v, *bias):
        return jax.nn.dot_product_attention(q, k, v, *bias, implementation="xla", **kw)

    return ours, theirs, (q, k, v, *bias), tuple(range(3 + len(bias)))


ATTENTION = ["plain", "scale", "causal", "mask", "causal_mask", "bias", "broadcast_bias", "bias_mask"]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", ATTENTION)
def test_attention(name, dtype):
    ours, theirs, args, argnums = attention_case(name, dtype)
    grads = check_grad(ours, theirs, *args, argnums=argnums, **TOL[dtype])
    assert [g.shape for g in grads] == [a.shape for a in args]


def test_attention_with_equal_heads_and_one_query():
    q, k, v = qkv("float32", t=1, s=5, n=2, k=2, h=4, b=1)
    check_grad(lambda q, k, v: ops.dot_product_attention(q, k, v, is_causal=True),
               lambda q, k, v: jax.nn.dot_product_attention(q, k, v, is_causal=True), q, k, v, argnums=(0, 1, 2))


def test_attention_mask_gets_no_cotangent():
    """The rule returns None for the boolean mask (and a cotangent for everything else)."""
    rule = PRIMITIVES["dot_product_attention"].vjp
    seen = []

    def probe(q, k, v, bias, mask):
        attrs = dict(scale=None, is_causal=True, has_bias=True, has_mask=True)
        out = bind("dot_product_attention", q, k, v, bias, mask, **attrs)
        cts = rule(out, q, k, v, bias, mask, outputs=(out,), **attrs)
        seen.append([None if c is None else c.type for c in cts])
        return out

    q, k, v = (TensorType("float32", a.shape) for a in qkv("float32"))
    trace(probe, q, k, v, TensorType("float32", (1, 4, 1, 4)), TensorType("bool", (2, 1, 3, 4)))
    assert seen == [[q, k, v, TensorType("float32", (1, 4, 1, 4)), None]]


def test_attention_second_derivative():
    q, k, v = qkv("float64", t=2, s=3, n=2, k=1, h=2, b=1)
    w = rand(q.shape, "float64", seed=8)

    def dq(q, k, v):
        return grad(lambda q: ops.sum(ops.multiply(ops.dot_product_attention(q, k, v, is_causal=True), w)))(q)

    check_grad(dq, None, q, k, v, argnums=(0, 1, 2), rtol=1e-9, atol=1e-11)
