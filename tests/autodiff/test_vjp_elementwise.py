"""VJP rules of the elementwise prims against jax.grad (float32, tight) and central finite differences
(float64, inputs away from kinks and poles), on every lowering; plus broadcasting through public ops, second
derivatives, stop_gradient, select with NaNs in the branch not taken, and the no-gradient cases."""
import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax import lax

from grad_check import check_grad as _check_grad
from hornet import ops
from hornet.api.autodiff import grad
from hornet.ir.errors import HornetError
from hornet.ir.prims import PRIMITIVES
from hornet.ir.tracer import trace
from hornet.ir.types import TensorType
from hornet.runtime.bind import bind

DTYPES = ("float32", "float64")
TOL = {"float32": dict(rtol=2e-5, atol=2e-6), "float64": dict(rtol=1e-10, atol=1e-12)}


def check_grad(fn, jax_fn, *args, **kwargs):
    """grad_check.check_grad with the JAX oracle jitted, and used for float32 only: float64 gradients are checked
    against finite differences (and the lowerings against each other), which keeps the file fast."""
    if all(np.asarray(a).dtype == np.float64 for a in args):
        jax_fn = None
    return _check_grad(fn, None if jax_fn is None else jax.jit(jax_fn), *args, **kwargs)


def rand(shape, dtype, low=-2.0, high=2.0, seed=0):
    return np.random.default_rng(seed).uniform(low, high, size=shape).astype(dtype)


def away_from_zero(shape, dtype, low=0.3, high=2.0, seed=0):
    """Magnitudes in [low, high) with random signs."""
    rng = np.random.default_rng(seed)
    return (rng.uniform(low, high, size=shape) * rng.choice([-1.0, 1.0], size=shape)).astype(dtype)


def between_integers(shape, dtype, seed=0):
    """k + f with f in [0.1, 0.4): away from the jumps of floor/ceil and of round (half to even)."""
    rng = np.random.default_rng(seed)
    return (rng.integers(-3, 3, size=shape) + rng.uniform(0.1, 0.4, size=shape)).astype(dtype)


def test_every_differentiable_elementwise_prim_has_a_vjp():
    family = {n for n, p in PRIMITIVES.items() if "elementwise" in p.tags and p.differentiable}
    assert {"sin", "pow", "select", "clamp", "convert", "integer_pow", "stop_gradient", "sharding_constraint",
            "optimization_barrier", "nextafter", "digamma"} <= family
    assert [n for n in sorted(family) if PRIMITIVES[n].vjp is None] == []


# --- unary ---------------------------------------------------------------------------------------------------------

def _inputs(make, **kw):
    return lambda dtype: make((2, 3), dtype, **kw)


# prim -> (JAX equivalent, input maker for a dtype)
UNARY = {
    "neg": (lax.neg, _inputs(rand)),
    "abs": (lax.abs, _inputs(away_from_zero)),
    "sign": (lax.sign, _inputs(away_from_zero)),
    "floor": (lax.floor, _inputs(between_integers)),
    "ceil": (lax.ceil, _inputs(between_integers)),
    "round": (lambda x: lax.round(x, lax.RoundingMethod.TO_NEAREST_EVEN), _inputs(between_integers)),
    "exp": (lax.exp, _inputs(rand)),
    "expm1": (lax.expm1, _inputs(rand)),
    "log": (lax.log, _inputs(rand, low=0.5, high=3.0)),
    "log1p": (lax.log1p, _inputs(rand, low=-0.5, high=2.0)),
    "sqrt": (lax.sqrt, _inputs(rand, low=0.5, high=3.0)),
    "rsqrt": (lax.rsqrt, _inputs(rand, low=0.5, high=3.0)),
    "cbrt": (lax.cbrt, _inputs(away_from_zero)),
    "sin": (lax.sin, _inputs(rand)),
    "cos": (lax.cos, _inputs(rand)),
    "tan": (lax.tan, _inputs(rand, low=-1.2, high=1.2)),
    "asin": (lax.asin, _inputs(rand, low=-0.8, high=0.8)),
    "acos": (lax.acos, _inputs(rand, low=-0.8, high=0.8)),
    "atan": (lax.atan, _inputs(rand)),
    "sinh": (lax.sinh, _inputs(rand)),
    "cosh": (lax.cosh, _inputs(rand)),
    "tanh": (lax.tanh, _inputs(rand)),
    "asinh": (lax.asinh, _inputs(rand)),
    "acosh": (lax.acosh, _inputs(rand, low=1.2, high=3.0)),
    "atanh": (lax.atanh, _inputs(rand, low=-0.8, high=0.8)),
    "logistic": (lax.logistic, _inputs(rand, low=-4.0, high=4.0)),
    "erf": (lax.erf, _inputs(rand)),
    "erfinv": (lax.erf_inv, _inputs(rand, low=-0.8, high=0.8)),
    "lgamma": (lax.lgamma, _inputs(rand, low=0.5, high=3.0)),
}


def test_the_unary_table_covers_every_differentiable_unary_prim():
    unary = {n for n, p in PRIMITIVES.items() if {"elementwise", "unary"} <= p.tags and p.differentiable
             and not p.attrs}
    assert unary - set(UNARY) == {"digamma", "stop_gradient"}  # both tested on their own below


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("prim", UNARY)
def test_unary(prim, dtype):
    jax_fn, make = UNARY[prim]
    check_grad(lambda x: bind(prim, x), jax_fn, make(dtype), **TOL[dtype])


@pytest.mark.parametrize("prim", ["sign", "floor", "ceil", "round", "abs"])
def test_kinks_follow_jax(prim):
    """At the kinks the gradient is JAX's: 0 for sign/floor/ceil/round everywhere, and abs'(0) = +1."""
    x = np.array([-1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.5], "float32")
    check_grad(lambda x: bind(prim, x), UNARY[prim][0], x, fd=False)


def test_digamma_gradient_raises_a_clear_error():
    with pytest.raises(HornetError, match="digamma"):
        grad(lambda x: ops.sum(bind("digamma", x)))(np.ones(3, "float32"))
    with pytest.raises(HornetError, match="digamma"):  # lgamma'' = digamma' = trigamma
        grad(lambda x: ops.sum(grad(lambda z: ops.sum(bind("lgamma", z)))(x)))(np.ones(3, "float32"))


@pytest.mark.parametrize("prim,attrs", [("neg", {}), ("abs", {}), ("add", {}), ("mul", {}), ("max", {}), ("rem", {}),
                                        ("integer_pow", {"y": 2}), ("clamp", {}), ("select", {})])
def test_integer_operands_get_no_cotangent(prim, attrs):
    """The rules return None for integer operands (no integer cotangents are built)."""
    p = PRIMITIVES[prim]
    arity = 3 if prim in ("clamp", "select") else 2 if "binary" in p.tags else 1
    seen = []

    def probe(*xs):
        ins = ([xs[0] > 0] + list(xs[1:])) if prim == "select" else list(xs)
        out = bind(prim, *ins, **attrs)
        seen.append(p.vjp(out, *ins, outputs=(out,), **attrs))
        return out

    trace(probe, *[TensorType("int32", (3,))] * arity)
    assert seen == [(None,) * arity]


# --- binary --------------------------------------------------------------------------------------------------------

def _pair(dtype, mx, my):
    return mx((3, 4), dtype, seed=1), my((3, 4), dtype, seed=2)


def _rem_inputs(dtype):
    y = away_from_zero((3, 4), dtype, 0.5, 2.0, seed=1)
    q = between_integers((3, 4), dtype, seed=2) + np.float64(0.2)  # x / y stays away from integers
    return (q * y).astype(dtype), y


BINARY = {
    "add": (lax.add, lambda d: _pair(d, rand, rand)),
    "sub": (lax.sub, lambda d: _pair(d, rand, rand)),
    "mul": (lax.mul, lambda d: _pair(d, rand, rand)),
    "div": (lax.div, lambda d: _pair(d, rand, away_from_zero)),
    "rem": (lax.rem, _rem_inputs),
    "pow": (lax.pow, lambda d: (rand((3, 4), d, 0.5, 2.0, seed=1), rand((3, 4), d, seed=2))),
    "max": (lax.max, lambda d: _pair(d, rand, rand)),
    "min": (lax.min, lambda d: _pair(d, rand, rand)),
    "atan2": (lax.atan2, lambda d: _pair(d, away_from_zero, away_from_zero)),
    # JAX has no rule for nextafter; its gradient is zero almost everywhere
    "nextafter": (lambda x, y: lax.nextafter(lax.stop_gradient(x), lax.stop_gradient(y)),
                  lambda d: _pair(d, rand, rand)),
}


def test_the_binary_table_covers_every_differentiable_binary_prim():
    binary = {n for n, p in PRIMITIVES.items() if {"elementwise", "binary"} <= p.tags and p.differentiable}
    assert binary == set(BINARY)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("prim", BINARY)
def test_binary(prim, dtype):
    jax_fn, make = BINARY[prim]
    # nextafter is taken as piecewise constant (JAX has no rule); differences see it as ~identity in x
    check_grad(lambda x, y: bind(prim, x, y), jax_fn, *make(dtype), argnums=(0, 1), fd=None if prim != "nextafter"
               else False, **TOL[dtype])


@pytest.mark.parametrize("prim", ["max", "min"])
def test_max_min_split_ties_half_each_as_jax(prim):
    x = np.array([1.0, 2.0, -3.0, 0.0, np.nan, 4.0], "float32")
    y = np.array([1.0, 1.0, -3.0, 0.5, 1.0, np.nan], "float32")
    gx, gy = check_grad(lambda x, y: bind(prim, x, y), BINARY[prim][0], x, y, argnums=(0, 1), fd=False)
    w = np.random.default_rng(123).uniform(0.5, 1.5, 6).astype("float32")  # check_grad's weights
    np.testing.assert_allclose(gx[[0, 2]], 0.5 * w[[0, 2]], rtol=1e-6)
    np.testing.assert_allclose(gy[[0, 2]], 0.5 * w[[0, 2]], rtol=1e-6)
    assert gx[4] == gy[4] == gx[5] == gy[5] == 0.0  # a NaN result: no gradient to either side (as JAX)


def test_pow_at_zero_base():
    """x = 0: d/dx is y * 0**(y-1) (0 for y > 1, 1 for y = 1) and d/dy is 0 (log 0 is not taken), as JAX; where
    y = 0 the x gradient is 0 (x**0 is constant), where JAX's formula gives 0 * 0**-1 = NaN."""
    x = np.array([0.0, 0.0, 0.0, 2.0, 0.0], "float32")
    y = np.array([2.0, 1.0, 3.0, 0.0, 0.0], "float32")
    w = np.random.default_rng(123).uniform(0.5, 1.5, 4).astype("float32")  # check_grad's weights
    gx, gy = check_grad(lambda x, y: bind("pow", x, y), lax.pow, x[:4], y[:4], argnums=(0, 1), fd=False)
    np.testing.assert_allclose(gx, [0.0, w[1], 0.0, 0.0])
    np.testing.assert_allclose(gy, [0.0, 0.0, 0.0, w[3] * np.log(2.0)], rtol=1e-6)
    gx, gy = grad(lambda x, y: ops.sum(bind("pow", x, y)), argnums=(0, 1))(x[[4, 3]], y[[4, 3]])
    np.testing.assert_allclose(np.asarray(gx), [0.0, 0.0])
    np.testing.assert_allclose(np.asarray(gy), [0.0, np.log(2.0)], rtol=1e-6)


@pytest.mark.parametrize("dtype", DTYPES)
def test_power_of_negative_base_with_integer_exponent(dtype):
    x = away_from_zero((5,), dtype)
    check_grad(lambda x: ops.power(x, 3.0), lambda x: jnp.power(x, 3.0), x, **TOL[dtype])


# --- select, clamp, convert, integer_pow, identities ---------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
def test_select(dtype):
    pred = rand((3, 4), "float32", seed=5) > 0
    t, f = rand((3, 4), dtype, seed=1), rand((3, 4), dtype, seed=2)
    gt, gf = check_grad(lambda t, f: bind("select", pred, t, f), lambda t, f: lax.select(pred, t, f), t, f,
                        argnums=(0, 1), **TOL[dtype])
    w = np.random.default_rng(123).uniform(0.5, 1.5, (3, 4)).astype(dtype)
    np.testing.assert_array_equal(gt, np.where(pred, w, 0))
    np.testing.assert_array_equal(gf, np.where(pred, 0, w))


def test_select_with_nan_in_the_branch_not_taken():
    """The branch not taken gets an exact zero cotangent, so a NaN VALUE there does no harm: where(x > 0, log(x), x)
    has the finite gradient 1 at x < 0 (where log(x) is NaN), as in JAX. But a NaN in that branch's DERIVATIVE
    still reaches the input through 0 * NaN, exactly as in JAX: where(x > 0, sqrt(x), 0) at x < 0 has a NaN
    gradient, and the usual fix (a second where on the input: sqrt(where(x > 0, x, 1))) gives a finite one."""
    x = np.array([-1.0, 2.0, -3.0, 0.5], "float32")

    def finite_value(where, log):
        return lambda x: where(x > 0, log(x), x)

    def sqrt_nan(where, sqrt):
        return lambda x: where(x > 0, sqrt(x), 0.0 * x)

    def double_where(where, sqrt):
        return lambda x: where(x > 0, sqrt(where(x > 0, x, 1.0 + 0.0 * x)), 0.0 * x)

    cases = {"finite": (finite_value, ops.log, jnp.log), "nan": (sqrt_nan, ops.sqrt, jnp.sqrt),
             "double": (double_where, ops.sqrt, jnp.sqrt)}
    got = {}
    for name, (make, h_fn, j_fn) in cases.items():
        ours = np.asarray(grad(lambda x: ops.sum(make(ops.where, h_fn)(x)))(x))
        theirs = np.asarray(jax.grad(lambda x: jnp.sum(make(jnp.where, j_fn)(x)))(x))
        np.testing.assert_allclose(ours, theirs, rtol=1e-6)  # NaNs in the same places
        got[name] = ours
    np.testing.assert_allclose(got["finite"], [1.0, 0.5, 1.0, 2.0], rtol=1e-6)
    assert np.isnan(got["nan"][[0, 2]]).all() and np.isfinite(got["nan"][[1, 3]]).all()
    assert np.isfinite(got["double"]).all()


@pytest.mark.parametrize("dtype", DTYPES)
def test_clamp(dtype):
    x = rand((4, 5), dtype, seed=1)
    lo, hi = rand((4, 5), dtype, -1.5, 0.0, seed=2), rand((4, 5), dtype, 0.0, 1.5, seed=3)
    check_grad(lambda lo, x, hi: bind("clamp", lo, x, hi), lax.clamp, lo, x, hi, argnums=(0, 1, 2), **TOL[dtype])


def test_clamp_with_lo_above_hi():
    """The result is hi there, and hi gets the gradient (JAX's rule gives it to nobody when x < hi < lo)."""
    x = rand((4, 5), "float64", seed=1)
    lo, hi = rand((4, 5), "float64", 0.5, 1.5, seed=2), rand((4, 5), "float64", -1.5, 0.4, seed=3)
    w = np.random.default_rng(123).uniform(0.5, 1.5, (4, 5))
    g_lo, g_x, g_hi = check_grad(lambda lo, x, hi: bind("clamp", lo, x, hi), None, lo, x, hi, argnums=(0, 1, 2),
                                 **TOL["float64"])
    assert not g_lo.any() and not g_x.any()
    np.testing.assert_allclose(g_hi, w)


def test_clamp_ties_give_no_gradient_as_jax():
    lo = np.array([0.0, 0.0, 0.0, -1.0], "float32")
    x = np.array([0.0, 1.0, 0.5, -2.0], "float32")
    hi = np.array([1.0, 1.0, 0.5, -1.0], "float32")
    check_grad(lambda lo, x, hi: bind("clamp", lo, x, hi), lax.clamp, lo, x, hi, argnums=(0, 1, 2), fd=False)


@pytest.mark.parametrize("src,dst", [("float32", "float64"), ("float64", "float32"), ("float32", "float16"),
                                     ("float32", "bfloat16"), ("float64", "float64")])
def test_convert(src, dst):
    x = rand((3, 4), src)
    tol = dict(rtol=1e-6, atol=1e-7) if dst in ("float16", "bfloat16") else TOL[src]
    check_grad(lambda x: bind("convert", x, new_dtype=dst), lambda x: x.astype(jnp.dtype(dst)), x, fd=False, **tol)


def test_convert_through_an_integer_has_zero_gradient():
    x = rand((3, 4), "float32")
    g = check_grad(lambda x: ops.add(ops.cast(ops.cast(x, "int32"), "float32"), x),
                   lambda x: x.astype(jnp.int32).astype(jnp.float32) + x, x, fd=False)[0]
    np.testing.assert_allclose(g, np.random.default_rng(123).uniform(0.5, 1.5, (3, 4)).astype("float32"))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("y", [-2, -1, 0, 1, 2, 3])
def test_integer_pow(y, dtype):
    check_grad(lambda x: bind("integer_pow", x, y=y), lambda x: lax.integer_pow(x, y),
               away_from_zero((2, 3), dtype, 0.5, 2.0), **TOL[dtype])


def test_stop_gradient_blocks_the_gradient():
    x = rand((5,), "float32")
    g = check_grad(lambda x: ops.multiply(x, ops.stop_gradient(ops.square(x))),
                   lambda x: x * lax.stop_gradient(x * x), x, fd=False)[0]
    w = np.random.default_rng(123).uniform(0.5, 1.5, 5).astype("float32")
    np.testing.assert_allclose(g, w * x * x, rtol=1e-6)
    np.testing.assert_array_equal(np.asarray(grad(lambda x: ops.sum(ops.stop_gradient(ops.exp(x))))(x)), 0.0)


@pytest.mark.parametrize("dtype", DTYPES)
def test_sharding_constraint_is_identity(dtype):
    check_grad(lambda x: ops.sin(bind("sharding_constraint", x, spec=("data", None))), jnp.sin,
               rand((4, 3), dtype), **TOL[dtype])


@pytest.mark.parametrize("dtype", DTYPES)
def test_optimization_barrier_is_identity(dtype):
    def f(x, y):
        a, c = bind("optimization_barrier", x, y)
        return ops.multiply(a, ops.sin(c))

    check_grad(f, lambda x, y: x * jnp.sin(y), rand((3,), dtype, seed=1), rand((3,), dtype, seed=2),
               argnums=(0, 1), **TOL[dtype])


# --- through the public ops ----------------------------------------------------------------------------------------

BROADCASTING = {
    "add": (ops.add, jnp.add),
    "subtract": (ops.subtract, jnp.subtract),
    "multiply": (ops.multiply, jnp.multiply),
    "divide": (ops.divide, jnp.divide),
    "maximum": (ops.maximum, jnp.maximum),
    "power": (lambda a, b: ops.power(ops.abs(a), b), lambda a, b: jnp.power(jnp.abs(a), b)),
    "arctan2": (ops.arctan2, jnp.arctan2),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", BROADCASTING)
def test_broadcasting_gradients_are_reduced_back(name, dtype):
    a, b = away_from_zero((3, 1), dtype, 0.5, 2.0, seed=1), away_from_zero((1, 4), dtype, 0.5, 2.0, seed=2)
    ga, gb = check_grad(*BROADCASTING[name], a, b, argnums=(0, 1), **TOL[dtype])
    assert ga.shape == (3, 1) and gb.shape == (1, 4)


def test_broadcasting_a_scalar_and_a_lower_rank_operand():
    a, b = rand((2, 3, 4), "float64", seed=1), rand((4,), "float64", seed=2)
    check_grad(lambda a, b: ops.multiply(ops.add(a, b), 2.0), lambda a, b: (a + b) * 2.0, a, b, argnums=(0, 1),
               **TOL["float64"])


def test_where_and_clip_through_public_ops():
    x, y = rand((3, 4), "float64", seed=1), rand((4,), "float64", seed=2)
    check_grad(lambda x, y: ops.where(x > 0, ops.clip(x, -1.0, 0.7), y), lambda x, y: jnp.where(x > 0, jnp.clip(
        x, -1.0, 0.7), y), x, y, argnums=(0, 1), **TOL["float64"])


# --- second derivatives --------------------------------------------------------------------------------------------

SECOND = {
    "sin": (ops.sin, lambda x: -np.sin(x)),
    "tanh": (ops.tanh, lambda x: -2 * np.tanh(x) * (1 - np.tanh(x) ** 2)),
    "cube": (lambda x: x ** 3, lambda x: 6 * x),
}


@pytest.mark.parametrize("name", SECOND)
def test_second_derivative_matches_the_analytic_value(name):
    fn, expected = SECOND[name]
    x = rand((5,), "float64")
    d2 = grad(lambda x: ops.sum(grad(lambda z: ops.sum(fn(z)))(x)))(x)
    np.testing.assert_allclose(np.asarray(d2), expected(x), rtol=1e-12, atol=1e-12)


# every unary rule is itself differentiable: its gradient's gradient matches JAX's (lgamma: digamma test above)
@pytest.mark.parametrize("prim", [p for p in UNARY if p != "lgamma"])
def test_second_derivative_of_every_unary_prim(prim):
    jax_fn, make = UNARY[prim]
    x = make("float64")
    check_grad(lambda x: grad(lambda z: ops.sum(bind(prim, z)))(x), None, x, rtol=1e-9, atol=1e-11)


@pytest.mark.parametrize("prim", [p for p in BINARY if p != "nextafter"])
def test_second_derivative_of_every_binary_prim(prim):
    jax_fn, make = BINARY[prim]
    x, y = make("float64")

    def ours(x, y):
        gx, gy = grad(lambda a, b: ops.sum(bind(prim, a, b)), argnums=(0, 1))(x, y)
        return ops.add(ops.multiply(gx, 1.5), gy)

    def theirs(x, y):
        gx, gy = jax.grad(lambda a, b: jnp.sum(jax_fn(a, b)), argnums=(0, 1))(x, y)
        return gx * 1.5 + gy

    check_grad(ours, theirs, x, y, argnums=(0, 1), rtol=1e-9, atol=1e-11)


def test_second_derivative_of_erf_is_the_gaussian_slope():
    x = rand((4,), "float64")
    d2 = grad(lambda x: ops.sum(grad(lambda z: ops.sum(ops.erf(z)))(x)))(x)
    np.testing.assert_allclose(np.asarray(d2), -4 * x / math.sqrt(math.pi) * np.exp(-x * x), rtol=1e-12)
