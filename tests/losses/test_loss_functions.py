"""hornet.losses functions (per-sample values) against Keras 3 on JAX."""
import os

os.environ["KERAS_BACKEND"] = "jax"

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import hornet.losses as hl  # noqa: E402
from hornet.ir.errors import ShapeError  # noqa: E402

RTOL, ATOL = 1e-5, 1e-6
rng = np.random.default_rng(0)


def probs(shape):
    x = rng.random(shape).astype("float32") + 0.05
    return x / x.sum(-1, keepdims=True)


def one_hot(n, c):
    return np.eye(c, dtype="float32")[rng.integers(0, c, n)]


def binary(shape):
    return (rng.random(shape) < 0.5).astype("float32")


REGRESSION = ["mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
              "mean_squared_logarithmic_error", "huber", "log_cosh", "poisson", "cosine_similarity"]


@pytest.mark.parametrize("name", REGRESSION)
@pytest.mark.parametrize("shape", [(6, 4), (3, 5, 2), (7,)])
def test_regression_functions_match_keras(name, shape):
    y_true = rng.normal(size=shape).astype("float32")
    y_pred = rng.normal(size=shape).astype("float32")
    if name in ("poisson", "mean_squared_logarithmic_error"):
        y_true, y_pred = np.abs(y_true), np.abs(y_pred) + 0.1
    ours = getattr(hl, name)(y_true, y_pred)
    theirs = getattr(keras.losses, name)(y_true, y_pred)
    np.testing.assert_allclose(np.asarray(ours), np.asarray(theirs), rtol=RTOL, atol=ATOL)


def test_huber_delta_and_squeezed_rank():
    y_true = rng.normal(size=(8, 1)).astype("float32") * 3
    y_pred = rng.normal(size=(8,)).astype("float32") * 3
    for delta in (0.5, 2.0):
        np.testing.assert_allclose(np.asarray(hl.huber(y_true, y_pred, delta=delta)),
                                   np.asarray(keras.losses.huber(y_true, y_pred, delta=delta)), rtol=RTOL, atol=ATOL)


def test_kl_divergence_and_cosine_axis():
    t, p = probs((5, 4)), probs((5, 4))
    np.testing.assert_allclose(np.asarray(hl.kl_divergence(t, p)), np.asarray(keras.losses.kl_divergence(t, p)),
                               rtol=RTOL, atol=ATOL)
    a, b = rng.normal(size=(3, 4, 5)).astype("float32"), rng.normal(size=(3, 4, 5)).astype("float32")
    np.testing.assert_allclose(np.asarray(hl.cosine_similarity(a, b, axis=1)),
                               np.asarray(keras.losses.cosine_similarity(a, b, axis=1)), rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("name", ["hinge", "squared_hinge"])
@pytest.mark.parametrize("labels", ["binary", "signed"])
def test_hinge_functions_match_keras(name, labels):
    y_true = binary((6, 3)) if labels == "binary" else binary((6, 3)) * 2 - 1
    y_pred = rng.normal(size=(6, 3)).astype("float32")
    np.testing.assert_allclose(np.asarray(getattr(hl, name)(y_true, y_pred)),
                               np.asarray(getattr(keras.losses, name)(y_true, y_pred)), rtol=RTOL, atol=ATOL)


def test_categorical_hinge_matches_keras():
    y_true, y_pred = one_hot(6, 4), rng.normal(size=(6, 4)).astype("float32")
    np.testing.assert_allclose(np.asarray(hl.categorical_hinge(y_true, y_pred)),
                               np.asarray(keras.losses.categorical_hinge(y_true, y_pred)), rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("from_logits", [False, True])
@pytest.mark.parametrize("label_smoothing", [0.0, 0.2])
def test_binary_crossentropy_matches_keras(from_logits, label_smoothing):
    y_true = binary((6, 3))
    y_pred = rng.normal(size=(6, 3)).astype("float32") if from_logits else rng.random((6, 3)).astype("float32")
    kw = dict(from_logits=from_logits, label_smoothing=label_smoothing)
    np.testing.assert_allclose(np.asarray(hl.binary_crossentropy(y_true, y_pred, **kw)),
                               np.asarray(keras.losses.binary_crossentropy(y_true, y_pred, **kw)), rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("from_logits", [False, True])
@pytest.mark.parametrize("balancing", [False, True])
def test_binary_focal_crossentropy_matches_keras(from_logits, balancing):
    y_true = binary((6, 3))
    y_pred = rng.normal(size=(6, 3)).astype("float32") if from_logits else rng.random((6, 3)).astype("float32")
    kw = dict(from_logits=from_logits, apply_class_balancing=balancing, alpha=0.3, gamma=1.5, label_smoothing=0.1)
    np.testing.assert_allclose(np.asarray(hl.binary_focal_crossentropy(y_true, y_pred, **kw)),
                               np.asarray(keras.losses.binary_focal_crossentropy(y_true, y_pred, **kw)),
                               rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("name", ["categorical_crossentropy", "categorical_focal_crossentropy"])
@pytest.mark.parametrize("from_logits", [False, True])
@pytest.mark.parametrize("label_smoothing", [0.0, 0.1])
def test_categorical_crossentropies_match_keras(name, from_logits, label_smoothing):
    y_true = one_hot(7, 5)
    y_pred = rng.normal(size=(7, 5)).astype("float32") if from_logits else probs((7, 5))
    kw = dict(from_logits=from_logits, label_smoothing=label_smoothing)
    np.testing.assert_allclose(np.asarray(getattr(hl, name)(y_true, y_pred, **kw)),
                               np.asarray(getattr(keras.losses, name)(y_true, y_pred, **kw)), rtol=RTOL, atol=ATOL)


def test_categorical_crossentropy_other_axis():
    y_true = np.moveaxis(one_hot(12, 3).reshape(4, 3, 3), -1, 1)
    y_pred = rng.normal(size=(4, 3, 3)).astype("float32")
    np.testing.assert_allclose(
        np.asarray(hl.categorical_crossentropy(y_true, y_pred, from_logits=True, axis=1)),
        np.asarray(keras.losses.categorical_crossentropy(y_true, y_pred, from_logits=True, axis=1)),
        rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("from_logits", [False, True])
@pytest.mark.parametrize("label_shape", [(6,), (6, 1)])
@pytest.mark.parametrize("ignore_class", [None, 2])
def test_sparse_categorical_crossentropy_matches_keras(from_logits, label_shape, ignore_class):
    labels = rng.integers(0, 4, label_shape)
    y_pred = rng.normal(size=(6, 4)).astype("float32") if from_logits else probs((6, 4))
    kw = dict(from_logits=from_logits, ignore_class=ignore_class)
    np.testing.assert_allclose(np.asarray(hl.sparse_categorical_crossentropy(labels, y_pred, **kw)),
                               np.asarray(keras.losses.sparse_categorical_crossentropy(labels, y_pred, **kw)),
                               rtol=RTOL, atol=ATOL)


def test_sparse_categorical_crossentropy_sequences():
    labels = rng.integers(0, 5, (3, 4))
    logits = rng.normal(size=(3, 4, 5)).astype("float32")
    np.testing.assert_allclose(np.asarray(hl.sparse_categorical_crossentropy(labels, logits, from_logits=True)),
                               np.asarray(keras.losses.sparse_categorical_crossentropy(labels, logits,
                                                                                       from_logits=True)),
                               rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("axis", [None, -1, (1, 2)])
def test_dice_and_tversky_match_keras(axis):
    y_true, y_pred = binary((4, 5, 3)), rng.random((4, 5, 3)).astype("float32")
    np.testing.assert_allclose(np.asarray(hl.dice(y_true, y_pred, axis=axis)),
                               np.asarray(keras.losses.dice(y_true, y_pred, axis=axis)), rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(np.asarray(hl.tversky(y_true, y_pred, alpha=0.7, beta=0.3, axis=axis)),
                               np.asarray(keras.losses.tversky(y_true, y_pred, alpha=0.7, beta=0.3, axis=axis)),
                               rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("q", [0.3, 0.7])
def test_categorical_generalized_cross_entropy_matches_keras(q):
    labels, y_pred = rng.integers(0, 4, (6,)), probs((6, 4))
    np.testing.assert_allclose(np.asarray(hl.categorical_generalized_cross_entropy(labels, y_pred, q=q)),
                               np.asarray(keras.losses.categorical_generalized_cross_entropy(labels, y_pred, q=q)),
                               rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("fn, y_true, y_pred", [
    ("mean_squared_error", np.zeros((4, 3)), np.zeros((4, 2))),
    ("categorical_crossentropy", np.zeros((4, 3)), np.zeros((4, 2))),
    ("binary_crossentropy", np.zeros((4, 3)), np.zeros((4, 2))),
    ("sparse_categorical_crossentropy", np.zeros((5,)), np.zeros((4, 3))),
])
def test_mismatched_shapes_name_the_loss_and_shapes(fn, y_true, y_pred):
    with pytest.raises(ShapeError) as e:
        getattr(hl, fn)(y_true.astype("float32"), y_pred.astype("float32"))
    msg = str(e.value)
    assert fn in msg and str(y_true.shape) in msg and str(y_pred.shape) in msg
