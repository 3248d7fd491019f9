"""VJPs of the control-flow prims (cond, scan; while_loop's clear error) through the public ops: float32 against
jax.grad of the lax equivalents, float64 also against finite differences, on every lowering."""
from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax import lax

from grad_check import check_grad
from helpers import random_array
from hornet import ops
from hornet.api.autodiff import grad
from hornet.api.ops import control_flow as cf
from hornet.ir.errors import HornetError
from hornet.ir.types import type_of_array
from hornet.runtime.bind import bind

DTYPES = ("float32", "float64")


def _args(dtype, *shapes, seed=0):
    rng = np.random.default_rng(seed)
    return [random_array(s, dtype, rng, low=-1.0, high=1.0) for s in shapes]


# --- cond -----------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_cond_gradients_reach_captured_operands(dtype, sign):
    x, y = _args(dtype, (4, 3), (3,))

    def fn(x, y):
        return cf.cond(ops.sum(x) * sign > 0, lambda: ops.sin(x) * y, lambda: ops.cos(x) + y * y)

    def jfn(x, y):
        return lax.cond(jnp.sum(x) * sign > 0, lambda: jnp.sin(x) * y, lambda: jnp.cos(x) + y * y)

    check_grad(fn, jfn, x, y, argnums=(0, 1))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("index", [0, 1, 2, 5])
def test_switch_gradient(dtype, index):
    """More than two branches: a tree of nested conds."""
    x, y = _args(dtype, (2, 3), (2, 3))
    branches = [lambda a, b: a * b, lambda a, b: ops.exp(a) - b, lambda a, b: a * a * 3.0]
    jbranches = [lambda a, b: a * b, lambda a, b: jnp.exp(a) - b, lambda a, b: a * a * 3.0]
    check_grad(lambda a, b: cf.switch(index, branches, a, b), lambda a, b: lax.switch(index, jbranches, a, b),
               x, y, argnums=(0, 1))


@pytest.mark.parametrize("dtype", DTYPES)
def test_cond_with_pytree_outputs_and_an_unused_output(dtype):
    (x,) = _args(dtype, (3,))

    def fn(x):
        out = cf.cond(ops.max(x) > 0, lambda: {"a": x * x, "b": ops.sum(x)}, lambda: {"a": -x, "b": ops.min(x)})
        return out["a"] * 2.0

    def jfn(x):
        out = lax.cond(jnp.max(x) > 0, lambda: {"a": x * x, "b": jnp.sum(x)}, lambda: {"a": -x, "b": jnp.min(x)})
        return out["a"] * 2.0

    check_grad(fn, jfn, x)


def test_cond_prim_directly():
    """cond bound on explicit operands (no captures): the index gets no gradient, every operand does."""
    x, y = _args("float64", (3,), (3,))
    types = [type_of_array(x)] * 2
    true_g, _ = cf.loop_region(lambda a, b: [bind("mul", a, b)], types, "true")
    false_g, _ = cf.loop_region(lambda a, b: [bind("sub", a, b)], types, "false")

    def fn(x, y, index):
        return bind("cond", index, x, y, regions=(false_g, true_g))[0]

    for index, jfn in ((1, lambda a, b: a * b), (0, lambda a, b: a - b)):
        check_grad(lambda a, b: fn(a, b, np.int32(index)), jfn, x, y, argnums=(0, 1))


# --- scan and fori_loop ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reverse", [False, True])
def test_scan_gradient_carry_consts_xs_and_ys(dtype, reverse):
    xs, h0, w = _args(dtype, (5, 3), (3,), (3,))

    def fn(xs, h0, w):
        def body(carry, x):
            h, n = carry
            h = ops.tanh(h * w + x)
            return (h, n + 1), h * h
        (h, _), ys = cf.scan(body, (h0, 0), xs, reverse=reverse)
        return ys + h

    def jfn(xs, h0, w):
        def body(carry, x):
            h, n = carry
            h = jnp.tanh(h * w + x)
            return (h, n + 1), h * h
        (h, _), ys = lax.scan(body, (h0, 0), xs, reverse=reverse)
        return ys + h

    check_grad(fn, jfn, xs, h0, w, argnums=(0, 1, 2))


@pytest.mark.parametrize("dtype", DTYPES)
def test_scan_gradient_pytree_xs_and_no_ys(dtype):
    a, b, c0 = _args(dtype, (4, 2), (4, 2), (2,))

    def fn(a, b, c0):
        c, _ = cf.scan(lambda c, x: (ops.sin(c) * x["a"] + x["b"], None), c0, {"a": a, "b": b})
        return c

    def jfn(a, b, c0):
        c, _ = lax.scan(lambda c, x: (jnp.sin(c) * x["a"] + x["b"], None), c0, {"a": a, "b": b})
        return c

    check_grad(fn, jfn, a, b, c0, argnums=(0, 1, 2))


@pytest.mark.parametrize("length", [0, 1])
def test_scan_gradient_short(length):
    xs, c0 = _args("float64", (length, 3), (3,))
    fn = lambda xs, c0: cf.scan(lambda c, x: (c * x, c + x), c0, xs)[0]  # noqa: E731
    jfn = lambda xs, c0: lax.scan(lambda c, x: (c * x, c + x), c0, xs)[0]  # noqa: E731
    check_grad(fn, jfn, xs, c0, argnums=(0, 1))


@pytest.mark.parametrize("dtype", DTYPES)
def test_map_gradient(dtype):
    (xs,) = _args(dtype, (3, 4))
    check_grad(lambda xs: cf.map(lambda r: ops.exp(r) * ops.sum(r), xs),
               lambda xs: lax.map(lambda r: jnp.exp(r) * jnp.sum(r), xs), xs)


@pytest.mark.parametrize("dtype", DTYPES)
def test_fori_loop_static_bounds_gradient(dtype):
    v, w = _args(dtype, (3,), (3,))
    fn = lambda v, w: cf.fori_loop(1, 4, lambda i, x: ops.sin(x) * w + ops.cast(i, dtype), v)  # noqa: E731
    jfn = lambda v, w: lax.fori_loop(1, 4, lambda i, x: jnp.sin(x) * w + i.astype(dtype), v)  # noqa: E731
    check_grad(fn, jfn, v, w, argnums=(0, 1))


@pytest.mark.parametrize("dtype", DTYPES)
def test_cond_inside_scan_gradient(dtype):
    xs, y = _args(dtype, (4, 3), (3,))

    def fn(xs, y):
        def body(c, x):
            c = cf.cond(ops.sum(x) > 0, lambda: c * x, lambda: ops.sin(c) + y)
            return c, ops.sum(c)
        c, ys = cf.scan(body, y, xs)
        return c * ops.sum(ys)

    def jfn(xs, y):
        def body(c, x):
            c = lax.cond(jnp.sum(x) > 0, lambda: c * x, lambda: jnp.sin(c) + y)
            return c, jnp.sum(c)
        c, ys = lax.scan(body, y, xs)
        return c * jnp.sum(ys)

    check_grad(fn, jfn, xs, y, argnums=(0, 1))


def test_associative_scan_gradient():
    (x,) = _args("float64", (5,))
    check_grad(lambda x: cf.associative_scan(lambda a, b: a * b, x, reverse=True),
               lambda x: lax.associative_scan(lambda a, b: a * b, x, reverse=True), x)


def test_second_order_through_scan_and_cond():
    (xs,) = _args("float32", (4, 3))
    (y,) = _args("float32", (3,), seed=3)

    def inner(z):
        c, _ = cf.scan(lambda c, x: (cf.cond(ops.sum(x) > 0, lambda: ops.sin(c) * x, lambda: c * c), None), z, xs)
        return ops.sum(c)

    def jinner(z):
        c, _ = lax.scan(lambda c, x: (lax.cond(jnp.sum(x) > 0, lambda: jnp.sin(c) * x, lambda: c * c), None), z, xs)
        return jnp.sum(c)

    got = grad(lambda z: ops.sum(ops.square(grad(inner)(z))))(y)
    want = jax.grad(lambda z: jnp.sum(jnp.square(jax.grad(jinner)(z))))(y)
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-5, atol=1e-5)


# --- while_loop ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("make", [
    lambda x: cf.while_loop(lambda v, i: i < 3, lambda v, i: (v * 2.0, i + 1), (x, 0))[0],
    lambda x: cf.fori_loop(ops.convert_to_tensor(0), 3, lambda i, v: v * 2.0, x),
])
def test_while_loop_reverse_mode_is_a_clear_error(make):
    x = np.ones(3, np.float32)
    with pytest.raises(HornetError, match="reverse-mode differentiation through a dynamic while_loop is not "
                                          "supported .* use fori_loop with Python-int bounds, or scan"):
        grad(lambda x: ops.sum(make(x)))(x)


def test_while_loop_with_integer_results_does_not_block_gradients():
    """Only integer loop results reach the differentiated value: nothing flows into the while_loop."""
    x = np.array([0.5, 1.5, 2.5], np.float32)

    def fn(x):
        steps = cf.while_loop(lambda i: i * i < 10, lambda i: i + 1, 0)
        return ops.sum(x * x * ops.cast(steps, "float32"))

    np.testing.assert_allclose(np.asarray(grad(fn)(x)), 2 * x * 4, rtol=1e-6)


def test_scan_gradient_with_symbolic_batch_under_export():
    """One exported value-and-grad program (symbolic batch in the carry) serves every batch size."""
    import hornet
    from hornet.api.autodiff import value_and_grad

    def loss(w, h, xs):
        c, ys = ops.scan(lambda c, x: (ops.tanh(ops.matmul(c, w) + x), ops.sum(c, axis=1)), h, xs)
        return ops.sum(ys) + ops.sum(c * c)

    def jloss(w, h, xs):
        c, ys = lax.scan(lambda c, x: (jnp.tanh(c @ w + x), jnp.sum(c, axis=1)), h, xs)
        return jnp.sum(ys) + jnp.sum(c * c)

    lowered = hornet.jit(value_and_grad(loss)).lower(hornet.TensorSpec((3, 3)), hornet.TensorSpec((None, 3)),
                                                      hornet.TensorSpec((5, 1, 3)))
    exported = lowered.exported
    w, xs = _args("float32", (3, 3), (5, 1, 3))
    for batch in (2, 4):
        (h,) = _args("float32", (batch, 3), seed=batch)
        value, g = exported.call(w, h, xs)
        want_value, want_g = jax.value_and_grad(jloss)(w, h, xs)
        np.testing.assert_allclose(np.asarray(value), want_value, rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(np.asarray(g), want_g, rtol=1e-5, atol=1e-5)
