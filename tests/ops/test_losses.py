"""Cross-entropy losses against keras.ops (on JAX) and NumPy: eager, traced and on each lowering."""
import os

os.environ.setdefault("KERAS_BACKEND", "jax")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from helpers import check_op, run_graph  # noqa: E402
import hornet  # noqa: E402
from hornet import ops  # noqa: E402
from hornet.ir.errors import ShapeError  # noqa: E402

TOL = dict(rtol=1e-5, atol=1e-6)
RNG = np.random.default_rng(13)


def probs(*shape, axis=-1, dtype="float32"):
    p = RNG.uniform(0.05, 1.0, shape)
    return (p / p.sum(axis=axis, keepdims=True)).astype(dtype)


def logits(*shape, dtype="float32"):
    return RNG.normal(0.0, 3.0, shape).astype(dtype)


@pytest.mark.parametrize("from_logits", [False, True])
@pytest.mark.parametrize("targets", ["hard", "soft", "int"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_binary_crossentropy(targets, from_logits, dtype):
    t = {"hard": (RNG.random((4, 3)) < 0.5).astype(dtype), "soft": RNG.random((4, 3)).astype(dtype),
         "int": (RNG.random((4, 3)) < 0.5).astype(np.int32)}[targets]
    o = logits(4, 3, dtype=dtype) if from_logits else RNG.uniform(0.0, 1.0, (4, 3)).astype(dtype)
    o[0, :2] = (-40.0, 40.0) if from_logits else (0.0, 1.0)  # saturated: clipped or computed stably
    want = np.asarray(keras.ops.binary_crossentropy(t.astype(dtype), o, from_logits=from_logits)).astype(dtype)
    check_op(lambda a, b: ops.binary_crossentropy(a, b, from_logits=from_logits), t, o, expected=want,
             rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("from_logits", [False, True])
@pytest.mark.parametrize("axis", [-1, 0])
def test_categorical_crossentropy(axis, from_logits):
    classes = probs(4, 5, axis=axis)
    t = (classes == classes.max(axis=axis, keepdims=True)).astype(np.float32)  # one-hot along axis
    o = logits(4, 5) if from_logits else probs(4, 5, axis=axis) * 2.0  # un-normalized: Keras renormalizes
    want = keras.ops.categorical_crossentropy(t, o, from_logits=from_logits, axis=axis)
    check_op(lambda a, b: ops.categorical_crossentropy(a, b, from_logits=from_logits, axis=axis), t, o,
             expected=np.asarray(want), **TOL)


@pytest.mark.parametrize("from_logits", [False, True])
@pytest.mark.parametrize("target_shape,output_shape", [((4,), (4, 5)), ((4, 1), (4, 5)), ((2, 3), (2, 3, 5))])
def test_sparse_categorical_crossentropy(target_shape, output_shape, from_logits):
    t = RNG.integers(0, output_shape[-1], target_shape).astype(np.int32)
    o = logits(*output_shape) if from_logits else probs(*output_shape)
    want = keras.ops.sparse_categorical_crossentropy(t, o, from_logits=from_logits)
    check_op(lambda a, b: ops.sparse_categorical_crossentropy(a, b, from_logits=from_logits), t, o,
             expected=np.asarray(want), **TOL)


def test_sparse_categorical_crossentropy_on_another_axis():
    t = np.array([0, 2, 1], np.int32)
    o = logits(4, 3)  # classes on axis 0
    log_p = o - np.log(np.exp(o.astype(np.float64)).sum(axis=0, keepdims=True))
    want = -log_p[t, np.arange(3)]
    check_op(lambda a, b: ops.sparse_categorical_crossentropy(a, b, from_logits=True, axis=0), t, o,
             expected=want.astype(np.float32), **TOL)


def test_losses_trace_with_a_symbolic_batch():
    def f(labels, logits_):
        onehot = ops.one_hot(labels, 5)
        return (ops.sparse_categorical_crossentropy(labels, logits_, from_logits=True),
                ops.categorical_crossentropy(onehot, logits_, from_logits=True),
                ops.binary_crossentropy(onehot, ops.sigmoid(logits_)))

    g = hornet.trace(f, hornet.TensorSpec((None,), "int32"), hornet.TensorSpec((None, 5)))
    assert [str(t) for t in g.output_types] == ["float32[batch]", "float32[batch]", "float32[batch,5]"]
    labels, z = np.array([1, 4, 0], np.int32), logits(3, 5)
    for got, want in zip(run_graph("numpy", g, labels, z), f(labels, z)):
        np.testing.assert_allclose(got, np.asarray(want), **TOL)
    np.testing.assert_allclose(run_graph("jax", g, labels, z)[0], run_graph("numpy", g, labels, z)[0], **TOL)


def test_shape_errors():
    with pytest.raises(ShapeError, match=r"target \(2, 3\) and output \(2, 4\)"):
        ops.binary_crossentropy(np.ones((2, 3)), np.ones((2, 4)))
    with pytest.raises(ShapeError, match="same shape"):
        ops.categorical_crossentropy(np.ones((2, 3)), np.ones((3, 3)))
    with pytest.raises(ShapeError, match=r"target shape \(3,\)"):
        ops.sparse_categorical_crossentropy(np.ones(3, np.int32), np.ones((2, 4)))
