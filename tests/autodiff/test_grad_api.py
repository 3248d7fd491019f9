"""The public autodiff API: grad / value_and_grad over pytrees, has_aux, argnums, custom_gradient, nesting."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import hornet
from hornet import ops
from hornet.api.autodiff import custom_gradient, grad, value_and_grad
from hornet.ir.errors import HornetError

X = np.array([0.5, -1.0, 2.0], "float32")


def test_grad_eager_matches_jax():
    g = grad(lambda x: ops.sum(ops.sin(x) * x))(X)
    want = jax.grad(lambda x: jnp.sum(jnp.sin(x) * x))(X)
    np.testing.assert_allclose(np.asarray(g), want, rtol=1e-6)


def test_value_and_grad_pytrees_and_argnums():
    params = {"w": np.ones((3, 2), "float32"), "b": np.zeros(2, "float32")}

    def loss(p, x):
        return ops.sum(ops.square(ops.matmul(x, p["w"]) + p["b"]))

    x = np.arange(6, dtype="float32").reshape(2, 3)
    value, grads = value_and_grad(loss)(params, x)
    jv, jg = jax.value_and_grad(lambda p, x: jnp.sum(jnp.square(x @ p["w"] + p["b"])))(params, x)
    np.testing.assert_allclose(np.asarray(value), jv, rtol=1e-6)
    assert set(grads) == {"w", "b"}
    for k in grads:
        np.testing.assert_allclose(np.asarray(grads[k]), jg[k], rtol=1e-6)
    gp, gx = grad(loss, argnums=(0, 1))(params, x)
    np.testing.assert_allclose(np.asarray(gx), jax.grad(lambda p, x: jnp.sum(jnp.square(x @ p["w"] + p["b"])),
                                                        argnums=1)(params, x), rtol=1e-6)


def test_has_aux():
    (value, aux), g = value_and_grad(lambda x: (ops.sum(x * x), ops.max(x)), has_aux=True)(X)
    np.testing.assert_allclose(np.asarray(g), 2 * X)
    assert float(aux) == 2.0
    g2, aux2 = grad(lambda x: (ops.sum(x * x), x + 1.0), has_aux=True)(X)
    np.testing.assert_allclose(np.asarray(aux2), X + 1)


def test_grad_inside_jit_is_one_graph():
    f = hornet.jit(lambda x: grad(lambda y: ops.sum(ops.exp(y)))(x) * 2.0)
    np.testing.assert_allclose(np.asarray(f(X)), 2 * np.exp(X), rtol=1e-6)
    graph = f.trace(X)
    assert "exp" in graph.prim_counts()


def test_second_derivative():
    d2 = grad(lambda x: ops.sum(grad(lambda y: ops.sum(y * y * y))(x)))(X)
    np.testing.assert_allclose(np.asarray(d2), 6 * X, rtol=1e-6)


def test_same_tensor_twice_gets_separate_gradients():
    ga, gb = grad(lambda a, b: ops.sum(a * 3.0 + b), argnums=(0, 1))(X, X)
    np.testing.assert_allclose(np.asarray(ga), [3, 3, 3])
    np.testing.assert_allclose(np.asarray(gb), [1, 1, 1])


def test_unreached_input_gets_zeros():
    g = grad(lambda a, b: ops.sum(a), argnums=1)(X, X)
    np.testing.assert_array_equal(np.asarray(g), [0, 0, 0])


def test_custom_gradient():
    @custom_gradient
    def clipped_identity(x):
        def grad_fn(upstream):
            return ops.clip(upstream, -0.5, 0.5)

        return x, grad_fn

    g = grad(lambda x: ops.sum(clipped_identity(x) * 3.0))(X)
    np.testing.assert_allclose(np.asarray(g), [0.5, 0.5, 0.5])
    np.testing.assert_array_equal(np.asarray(clipped_identity(X)), X)  # eager: the forward only


def test_custom_gradient_keras_log1pexp():
    @custom_gradient
    def log1pexp(x):
        e = ops.exp(x)

        def grad_fn(*args, upstream=None):
            if upstream is None:
                (upstream,) = args
            return ops.multiply(upstream, 1.0 - 1.0 / ops.add(1, e))

        return ops.log(1 + e), grad_fn

    g = grad(lambda x: ops.sum(log1pexp(x)))(np.array([100.0, 0.0], "float32"))
    np.testing.assert_allclose(np.asarray(g), [1.0, 0.5], rtol=1e-6)


@pytest.mark.parametrize("fn,match", [
    (lambda x: x * 2.0, "scalar float"),
    (lambda x: ops.sum(ops.cast(x, "int32")), "scalar float"),
])
def test_errors(fn, match):
    with pytest.raises(HornetError, match=match):
        grad(fn)(X)


def test_integer_argument_is_refused():
    with pytest.raises(HornetError, match="int32"):
        grad(lambda x: ops.sum(ops.cast(x, "float32")))(np.arange(3, dtype="int32"))
