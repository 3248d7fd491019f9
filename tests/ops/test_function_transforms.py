"""jvp (forward mode from the transposed VJP), vectorize / vectorized_map (a map over the leading axis) and
rearrange (einops patterns): against JAX / Keras 3 on JAX, eager, inside hornet.jit and traced on each lowering."""
import os

os.environ.setdefault("KERAS_BACKEND", "jax")

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from helpers import check_op, rng  # noqa: E402
import hornet  # noqa: E402
from hornet import ops  # noqa: E402
from hornet.ir.errors import HornetError, ShapeError  # noqa: E402

R = rng("function_transforms")
X = R.normal(size=(3, 4)).astype("float32")
T = R.normal(size=(3, 4)).astype("float32")
W = R.normal(size=(4, 2)).astype("float32")


def test_jvp_scalar_example_from_keras():
    primal, tangent = ops.jvp(ops.sin, (0.1,), (0.2,))
    want_p, want_t = keras.ops.jvp(keras.ops.sin, (keras.ops.convert_to_tensor(0.1),),
                                   (keras.ops.convert_to_tensor(0.2),))
    assert ops.dtype(tangent) == "float32"
    np.testing.assert_allclose(ops.convert_to_numpy(primal), np.asarray(want_p), rtol=1e-6)
    np.testing.assert_allclose(ops.convert_to_numpy(tangent), np.asarray(want_t), rtol=1e-6)


def _net(x, w):
    return ops.sum(ops.tanh(ops.matmul(x, w)) * ops.exp(-x[:, :2]), axis=0)


def _net_jax(x, w):
    return jnp.sum(jnp.tanh(x @ w) * jnp.exp(-x[:, :2]), axis=0)


def test_jvp_matches_jax_for_two_arguments_and_has_aux():
    tw = np.ones_like(W)
    p, t, _ = ops.jvp(lambda x, w: (_net(x, w), ops.ones(2)), (X, W), (T, tw), has_aux=True)
    want_p, want_t = jax.jvp(_net_jax, (X, W), (T, tw))
    np.testing.assert_allclose(ops.convert_to_numpy(p), np.asarray(want_p), rtol=1e-5)
    np.testing.assert_allclose(ops.convert_to_numpy(t), np.asarray(want_t), rtol=1e-4, atol=1e-5)
    out = ops.jvp(lambda x: ({"y": ops.sum(x * x), "n": ops.argmax(x)}, x[0]), [X], [T], has_aux=True)
    assert len(out) == 3 and set(out[1]) == {"y", "n"}
    np.testing.assert_allclose(ops.convert_to_numpy(out[1]["y"]), np.sum(2 * X * T), rtol=1e-5)
    assert ops.convert_to_numpy(out[1]["n"]) == 0  # integer outputs get zero tangents of their dtype
    np.testing.assert_array_equal(ops.convert_to_numpy(out[2]), X[0])


def test_jvp_through_a_loop_and_inside_jit():
    def loop(x):
        return ops.fori_loop(0, 3, lambda i, c: ops.sin(c) * 1.5, x)

    def loop_jax(x):
        return jax.lax.fori_loop(0, 3, lambda i, c: jnp.sin(c) * 1.5, x)

    _, t = ops.jvp(loop, (X,), (T,))
    np.testing.assert_allclose(ops.convert_to_numpy(t), np.asarray(jax.jvp(loop_jax, (X,), (T,))[1]), rtol=1e-4,
                               atol=1e-6)
    jitted = hornet.jit(lambda x, v: ops.jvp(ops.exp, (x,), (v,))[1])
    np.testing.assert_allclose(ops.convert_to_numpy(jitted(X, T)), np.exp(X) * T, rtol=1e-6)


def test_jvp_errors():
    with pytest.raises(ValueError, match="jvp: got 2 primals but 1 tangents"):
        ops.jvp(ops.add, (X, X), (T,))
    with pytest.raises(HornetError, match="tangent 0 has shape"):
        ops.jvp(ops.sin, (X,), (T[:2],))


def test_vectorize_broadcasts_like_jax():
    f = ops.vectorize(lambda a, b: a * 2 + b)
    got = check_op(lambda a: f(a, np.array([1.0, 2.0, 3.0, 4.0], "float32")), X,
                   expected=np.asarray(jnp.vectorize(lambda a, b: a * 2 + b)(X, np.arange(1.0, 5.0, dtype="float32"))))
    assert got.shape == (3, 4)
    np.testing.assert_array_equal(ops.convert_to_numpy(ops.vectorize(lambda a, b: a + b)([1, 2, 3, 4], 2)),
                                  [3, 4, 5, 6])


def test_vectorize_with_signature_and_excluded():
    matvec = ops.vectorize(lambda m, v: ops.matmul(m, v), signature="(m,n),(n)->(m)")
    stack = R.normal(size=(5, 2, 4)).astype("float32")
    want = np.asarray(jnp.vectorize(jnp.matmul, signature="(m,n),(n)->(m)")(stack, X[0]))
    check_op(lambda s, v: matvec(s, v), stack, X[0], expected=want, rtol=1e-5, atol=1e-6)
    scaled = ops.vectorize(lambda x, k: ops.sum(x) * k, excluded={1}, signature="(n)->()")
    np.testing.assert_allclose(ops.convert_to_numpy(scaled(X, 3.0)), X.sum(1) * 3.0, rtol=1e-5)
    with pytest.raises(ShapeError, match="core dimension 'n' is 4 in one argument and 2"):
        matvec(stack, np.ones(2, "float32"))
    with pytest.raises(ValueError, match="not a valid gufunc signature"):
        ops.vectorize(ops.sum, signature="(n->()")


def test_vectorized_map_single_and_tuple_elements():
    check_op(lambda x: ops.vectorized_map(lambda row: ops.sum(row * row), x), X,
             expected=np.sum(X * X, axis=1), rtol=1e-5)
    out = ops.vectorized_map(lambda e: e[0] * e[1], (X, T))
    np.testing.assert_allclose(ops.convert_to_numpy(out), X * T, rtol=1e-6)


IMAGES = R.random((4, 6, 8, 3)).astype("float32")
PATTERNS = [("b h w c -> b c h w", {}), ("b h w c -> h (b w) c", {}),
            ("b (h1 h) (w1 w) c -> (b h1 w1) h w c", {"h1": 2, "w1": 2}),
            ("b (h h1) (w w1) c -> b h w (c h1 w1)", {"h1": 3, "w1": 2})]


@pytest.mark.parametrize("pattern,lengths", PATTERNS)
def test_rearrange_matches_keras(pattern, lengths):
    want = np.asarray(keras.ops.rearrange(IMAGES, pattern, **lengths))
    check_op(lambda x: ops.rearrange(x, pattern, **lengths), IMAGES, expected=want)


def test_rearrange_symbolic_batch_and_errors():
    g = hornet.trace(lambda x: ops.rearrange(x, "b (h w) -> b w h", h=2), hornet.TensorSpec((None, 6)))
    assert g.outputs[0].type.shape[1:] == (3, 2)
    with pytest.raises(ValueError, match="axis 'c' must appear on both sides"):
        ops.rearrange(IMAGES, "b h w c -> b h w")
    with pytest.raises(ShapeError, match="names 3 input axes"):
        ops.rearrange(IMAGES, "b h w -> b h w")
    with pytest.raises(ValueError, match="cannot infer the sizes"):
        ops.rearrange(IMAGES, "b (h x) w c -> b h x w c")
    with pytest.raises(ShapeError, match="cannot be split"):
        ops.rearrange(IMAGES, "b (h x) w c -> b h x w c", x=4)


def test_new_ops_record_functional_nodes_that_save_and_load(tmp_path):
    x = hornet.Input((6, 4))
    outs = [ops.rearrange(x, "b t c -> b c t"), ops.fabs(x), ops.trapezoid(x, axis=1), ops.view(x, "int32"),
            ops.unfold(ops.expand_dims(x, 1), 2)]
    model = hornet.Model(x, outs)
    data = R.normal(size=(2, 6, 4)).astype("float32")
    model.save(tmp_path / "m.hornet")
    for got, want in zip(hornet.saving.load_model(tmp_path / "m.hornet").predict(data, verbose=0),
                         model.predict(data, verbose=0)):
        np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(model.predict(data, verbose=0)[0], np.transpose(data, (0, 2, 1)))
