"""Moments and normalizations against NumPy and keras.ops (on JAX): eager, traced and on each lowering."""
import os

os.environ.setdefault("KERAS_BACKEND", "jax")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from helpers import LOWERINGS, check_op, random_array, run_graph  # noqa: E402
import hornet  # noqa: E402
from hornet import ops  # noqa: E402
from hornet.ir.errors import HornetError, ShapeError  # noqa: E402

TOL = dict(rtol=1e-5, atol=1e-5)
RNG = np.random.default_rng(11)


def rand(*shape, dtype="float32", low=-2.0, high=3.0):
    return random_array(shape, dtype, RNG, low=low, high=high)


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("axes", [0, (0, 1), (1, 2), -1])
@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_moments(dtype, axes, keepdims):
    x = rand(3, 4, 5, dtype=dtype)
    w = x.astype(np.float64)
    want = tuple(f(w, axis=axes, keepdims=keepdims).astype(dtype) for f in (np.mean, np.var))
    got = check_op(lambda t: ops.moments(t, axes, keepdims=keepdims), x, expected=want)
    kmean, kvar = keras.ops.moments(x, axes, keepdims=keepdims)
    tol = 2e-3 if dtype == "float16" else 1e-5
    np.testing.assert_allclose(got[0], np.asarray(kmean), rtol=tol, atol=tol)
    np.testing.assert_allclose(got[1], np.asarray(kvar), rtol=tol, atol=tol)


def test_moments_of_integers_are_float32():
    mean, var = check_op(lambda t: ops.moments(t, 0), np.array([1, 2, 3, 6], np.int32))
    assert mean.dtype == var.dtype == np.float32 and mean == 3.0 and var == 3.5


def test_moments_over_a_symbolic_batch():
    g = hornet.trace(lambda x: ops.moments(x, (0, 1)), hornet.TensorSpec((None, 4, 3)))
    assert [str(t) for t in g.output_types] == ["float32[3]", "float32[3]"]
    x = rand(6, 4, 3)
    for lowering in LOWERINGS:
        mean, var = run_graph(lowering, g, x)
        np.testing.assert_allclose(mean, x.mean(axis=(0, 1)), **TOL)
        np.testing.assert_allclose(var, x.astype(np.float64).var(axis=(0, 1)), **TOL)


@pytest.mark.parametrize("with_params", [False, True])
@pytest.mark.parametrize("axis", [-1, 1])
def test_batch_normalization(axis, with_params):
    x = rand(2, 3, 4)
    c = x.shape[axis]
    mean, var = rand(c), rand(c, low=0.1, high=2.0)
    offset, scale = rand(c), rand(c)
    extra = (offset, scale) if with_params else ()

    def fn(x, mean, var, *params):
        o, s = params if params else (None, None)
        return ops.batch_normalization(x, mean, var, axis, offset=o, scale=s, epsilon=1e-3)

    want = keras.ops.batch_normalization(x, mean, var, axis, *(extra or (None, None)), epsilon=1e-3)
    check_op(fn, x, mean, var, *extra, expected=np.asarray(want), **TOL)


@pytest.mark.parametrize("params", ["none", "gamma", "both"])
@pytest.mark.parametrize("axis", [-1, (1, 2), 1])
def test_layer_normalization(axis, params):
    x = rand(2, 3, 4)
    axes = (axis,) if isinstance(axis, int) else axis
    pshape = tuple(x.shape[a] for a in axes)
    gamma, beta = rand(*pshape), rand(*pshape)
    args = {"none": (), "gamma": (gamma,), "both": (gamma, beta)}[params]
    want = keras.ops.layer_normalization(x, *args, axis=axis, epsilon=1e-5)
    check_op(lambda t, *p: ops.layer_normalization(t, *p, axis=axis, epsilon=1e-5), x, *args,
             expected=np.asarray(want), **TOL)


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float64"])
def test_layer_normalization_dtypes(dtype):
    x = rand(3, 8, dtype=dtype)
    gamma = rand(8, dtype=dtype)
    w = x.astype(np.float64)
    want = (w - w.mean(-1, keepdims=True)) / np.sqrt(w.var(-1, keepdims=True) + 1e-7) * gamma.astype(np.float64)
    out = check_op(lambda t, g: ops.layer_normalization(t, g), x, gamma, expected=want.astype(dtype))
    assert out.dtype == x.dtype


def test_layer_normalization_binds_its_composite():
    g = hornet.trace(lambda x: ops.layer_normalization(x, epsilon=1e-3), hornet.TensorSpec((None, 8), "float16"))
    assert g.prim_counts()["layer_norm"] == 1
    assert [str(t) for t in g.output_types] == ["float16[batch,8]"]


@pytest.mark.filterwarnings("ignore:You passed `rms_scaling=True`")
def test_layer_normalization_rms_scaling():
    x, gamma = rand(3, 6), rand(6)
    want = keras.ops.layer_normalization(x, gamma, rms_scaling=True)
    check_op(lambda t, g: ops.layer_normalization(t, g, rms_scaling=True), x, gamma, expected=np.asarray(want),
             **TOL)


@pytest.mark.parametrize("axis", [-1, (0, 2)])
@pytest.mark.parametrize("with_scale", [False, True])
@pytest.mark.parametrize("dtype", ["float16", "float32"])
def test_rms_normalization(with_scale, axis, dtype):
    x = rand(2, 3, 4, dtype=dtype)
    scale = rand(4, dtype=dtype)
    args = (scale,) if with_scale else ()
    want = keras.ops.rms_normalization(x, *args, axis=axis, epsilon=1e-6)
    out = check_op(lambda t, *s: ops.rms_normalization(t, *s, axis=axis, epsilon=1e-6), x, *args,
                   expected=np.asarray(want))
    assert out.dtype == x.dtype


@pytest.mark.parametrize("order,axis", [(2, -1), (2, 0), (2, (0, 1)), (1, -1), (3, 1), (1, (0, 1))])
def test_normalize(order, axis):
    x = rand(3, 4)
    want = keras.ops.normalize(x, axis=axis, order=order)
    check_op(lambda t: ops.normalize(t, axis=axis, order=order), x, expected=np.asarray(want), **TOL)


def test_normalize_floors_the_norm_at_epsilon():
    x = np.zeros((2, 3), np.float32)
    check_op(lambda t: ops.normalize(t, epsilon=1e-3), x, expected=x)
    check_op(lambda t: ops.normalize(t, order=1, epsilon=1e-3), x, expected=x)


def test_errors():
    with pytest.raises(HornetError, match="order"):
        ops.normalize(np.ones((2, 2)), order=0)
    with pytest.raises(HornetError, match="order"):
        ops.normalize(np.ones((2, 2, 2)), order=3, axis=(0, 1))
    with pytest.raises(ShapeError, match="1-D"):
        ops.batch_normalization(np.ones((2, 3)), np.ones((1, 3)), np.ones(3), axis=-1)
    with pytest.raises(ShapeError, match="out of bounds"):
        ops.moments(np.ones((2, 3)), axes=2)
