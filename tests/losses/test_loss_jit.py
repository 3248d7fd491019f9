"""Losses inside hornet.jit equal eager, trace with a symbolic batch, and keep padding out of compiled steps."""
import numpy as np
import pytest

import hornet
import hornet.losses as hl
from hornet.runtime import jax_export

RTOL, ATOL = 1e-5, 1e-6
rng = np.random.default_rng(3)


def _probs(n, c):
    p = rng.random((n, c)).astype("float32") + 0.05
    return p / p.sum(-1, keepdims=True)


CASES = {
    "mse": (lambda: hl.MeanSquaredError(), lambda n: (rng.normal(size=(n, 3)), rng.normal(size=(n, 3)))),
    "mae_sum": (lambda: hl.MeanAbsoluteError(reduction="sum"), lambda n: (rng.normal(size=(n, 3)),
                                                                            rng.normal(size=(n, 3)))),
    "mape": (lambda: hl.MeanAbsolutePercentageError(), lambda n: (rng.normal(size=(n, 3)), rng.normal(size=(n, 3)))),
    "msle": (lambda: hl.MeanSquaredLogarithmicError(), lambda n: (rng.random((n, 3)), rng.random((n, 3)))),
    "huber": (lambda: hl.Huber(delta=0.5), lambda n: (rng.normal(size=(n, 3)), rng.normal(size=(n, 3)))),
    "log_cosh": (lambda: hl.LogCosh(), lambda n: (rng.normal(size=(n, 3)), rng.normal(size=(n, 3)))),
    "kld": (lambda: hl.KLDivergence(), lambda n: (_probs(n, 4), _probs(n, 4))),
    "poisson": (lambda: hl.Poisson(), lambda n: (rng.random((n, 3)), rng.random((n, 3)) + 0.1)),
    "cosine": (lambda: hl.CosineSimilarity(), lambda n: (rng.normal(size=(n, 3)), rng.normal(size=(n, 3)))),
    "hinge": (lambda: hl.Hinge(), lambda n: ((rng.random((n, 2)) < 0.5) * 1.0, rng.normal(size=(n, 2)))),
    "squared_hinge": (lambda: hl.SquaredHinge(), lambda n: ((rng.random((n, 2)) < 0.5) * 1.0,
                                                            rng.normal(size=(n, 2)))),
    "categorical_hinge": (lambda: hl.CategoricalHinge(), lambda n: (np.eye(4)[rng.integers(0, 4, n)],
                                                                    rng.normal(size=(n, 4)))),
    "bce": (lambda: hl.BinaryCrossentropy(label_smoothing=0.1), lambda n: ((rng.random((n, 1)) < 0.5) * 1.0,
                                                                           rng.random((n, 1)))),
    "bce_logits": (lambda: hl.BinaryCrossentropy(from_logits=True), lambda n: ((rng.random((n, 1)) < 0.5) * 1.0,
                                                                               rng.normal(size=(n, 1)))),
    "focal": (lambda: hl.BinaryFocalCrossentropy(from_logits=True, apply_class_balancing=True),
              lambda n: ((rng.random((n, 2)) < 0.5) * 1.0, rng.normal(size=(n, 2)))),
    "cce": (lambda: hl.CategoricalCrossentropy(label_smoothing=0.1), lambda n: (np.eye(4)[rng.integers(0, 4, n)],
                                                                                _probs(n, 4))),
    "cce_logits": (lambda: hl.CategoricalCrossentropy(from_logits=True), lambda n: (np.eye(4)[rng.integers(0, 4, n)],
                                                                                    rng.normal(size=(n, 4)))),
    "categorical_focal": (lambda: hl.CategoricalFocalCrossentropy(), lambda n: (np.eye(4)[rng.integers(0, 4, n)],
                                                                                _probs(n, 4))),
    "scce": (lambda: hl.SparseCategoricalCrossentropy(), lambda n: (rng.integers(0, 4, (n, 1)), _probs(n, 4))),
    "scce_logits_ignore": (lambda: hl.SparseCategoricalCrossentropy(from_logits=True, ignore_class=0),
                           lambda n: (rng.integers(0, 4, (n,)), rng.normal(size=(n, 4)))),
    "mean_with_sample_weight": (lambda: hl.MeanSquaredError(reduction="mean_with_sample_weight"),
                                lambda n: (rng.normal(size=(n, 3)), rng.normal(size=(n, 3)))),
}


def _inputs(name, n):
    y_true, y_pred = CASES[name][1](n)
    y_true = y_true if np.asarray(y_true).dtype.kind == "i" else np.asarray(y_true, "float32")
    return np.asarray(y_true), np.asarray(y_pred, "float32")


@pytest.mark.parametrize("name", list(CASES))
def test_jit_equals_eager_with_weights_and_mask(name):
    loss = CASES[name][0]()
    y_true, y_pred = _inputs(name, 7)
    sw = rng.random(7).astype("float32")
    mask = np.array([1, 1, 1, 1, 1, 0, 0], "float32")
    step = hornet.jit(lambda t, p, w, m: (loss(t, p), loss(t, p, sample_weight=w, mask=m)))
    jit_plain, jit_masked = step(y_true, y_pred, sw, mask)
    np.testing.assert_allclose(np.asarray(jit_plain), np.asarray(loss(y_true, y_pred)), rtol=RTOL, atol=ATOL)
    eager_real = loss(y_true[:5], y_pred[:5], sample_weight=sw[:5])
    np.testing.assert_allclose(np.asarray(jit_masked), np.asarray(eager_real), rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("name", ["mse", "cce_logits", "scce_logits_ignore", "bce", "mean_with_sample_weight",
                                  "cosine", "hinge"])
@pytest.mark.parametrize("backend", ["jax"])  # the artifact is jax.export's
def test_symbolic_batch_export_runs_any_batch(name, backend):
    loss = CASES[name][0]()
    y_true, y_pred = _inputs(name, 4)
    specs = [hornet.TensorSpec((None,) + y_true.shape[1:], str(y_true.dtype)),
             hornet.TensorSpec((None,) + y_pred.shape[1:], "float32"),
             hornet.TensorSpec((None,), "float32"), hornet.TensorSpec((None,), "float32")]
    lowered = hornet.jit(lambda t, p, w, m: loss(t, p, sample_weight=w, mask=m)).lower(*specs)
    assert lowered.graph.input_types[0].shape[0] == "batch"
    exported = jax_export.load(lowered.serialize())
    for n in (3, 8):
        y_true, y_pred = _inputs(name, n)
        sw = rng.random(n).astype("float32")
        mask = (np.arange(n) < n - 1).astype("float32")
        (got,) = exported.call(y_true, y_pred, sw, mask)
        expected = loss(y_true[:-1], y_pred[:-1], sample_weight=sw[:-1])
        np.testing.assert_allclose(np.asarray(got), np.asarray(expected), rtol=RTOL, atol=ATOL)


def test_jit_compiles_once_per_signature():
    loss = hl.SparseCategoricalCrossentropy(from_logits=True)
    step = hornet.jit(lambda t, p, m: loss(t, p, mask=m))
    for _ in range(3):
        y_true, y_pred = _inputs("scce_logits_ignore", 6)
        step(y_true, y_pred, np.ones(6, "float32"))
    assert step.cache_size == 1


def test_gradient_through_loss_matches_finite_differences():
    from hornet import ops

    y_true, y_pred = _inputs("cce_logits", 5)
    loss = hl.CategoricalCrossentropy(from_logits=True)
    grad = np.asarray(ops.grad(lambda p: loss(y_true, p))(y_pred))
    eps = 1e-3
    num = np.zeros_like(y_pred)
    for i in range(y_pred.shape[0]):
        for j in range(y_pred.shape[1]):
            d = np.zeros_like(y_pred)
            d[i, j] = eps
            num[i, j] = (float(loss(y_true, y_pred + d)) - float(loss(y_true, y_pred - d))) / (2 * eps)
    np.testing.assert_allclose(grad, num, rtol=1e-2, atol=1e-3)
