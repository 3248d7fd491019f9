"""Metric updates inside hornet.jit equal eager ones (state threaded as graph state), trace with a symbolic batch,
and padding rows with sample_weight 0 leave compiled results unchanged."""
import numpy as np
import pytest

import hornet
import hornet.metrics as hm

RTOL, ATOL = 1e-5, 1e-6
N = 8
rng = np.random.default_rng(7)


def _probs(n, c):
    p = rng.random((n, c)).astype("float32") + 0.05
    return p / p.sum(-1, keepdims=True)


GEN = {
    "binary": lambda n: ((rng.random((n, 1)) < 0.5).astype("float32"), rng.random((n, 1)).astype("float32")),
    "multilabel": lambda n: ((rng.random((n, 3)) < 0.5).astype("float32"), rng.random((n, 3)).astype("float32")),
    "categorical": lambda n: (np.eye(4, dtype="float32")[rng.integers(0, 4, n)], _probs(n, 4)),
    "sparse": lambda n: (rng.integers(0, 4, (n, 1)).astype("int32"), _probs(n, 4)),
    "regression": lambda n: (rng.normal(size=(n, 3)).astype("float32"), rng.normal(size=(n, 3)).astype("float32")),
}

CASES = {
    "accuracy": (lambda: hm.Accuracy(), "binary"),
    "binary_accuracy": (lambda: hm.BinaryAccuracy(), "binary"),
    "categorical_accuracy": (lambda: hm.CategoricalAccuracy(), "categorical"),
    "sparse_categorical_accuracy": (lambda: hm.SparseCategoricalAccuracy(), "sparse"),
    "top_k": (lambda: hm.TopKCategoricalAccuracy(k=2), "categorical"),
    "sparse_top_k": (lambda: hm.SparseTopKCategoricalAccuracy(k=2), "sparse"),
    "auc_roc": (lambda: hm.AUC(), "binary"),
    "auc_pr_multi": (lambda: hm.AUC(curve="PR", multi_label=True, num_labels=3), "multilabel"),
    "auc_thresholds": (lambda: hm.AUC(thresholds=[0.2, 0.4, 0.9]), "binary"),
    "precision": (lambda: hm.Precision(thresholds=[0.3, 0.6]), "binary"),
    "recall_top_k": (lambda: hm.Recall(top_k=1), "multilabel"),
    "true_negatives": (lambda: hm.TrueNegatives(), "binary"),
    "f1_macro": (lambda: hm.F1Score(average="macro"), "multilabel"),
    "fbeta": (lambda: hm.FBetaScore(beta=2.0, threshold=0.5), "multilabel"),
    "mse": (lambda: hm.MeanSquaredError(), "regression"),
    "mae": (lambda: hm.MeanAbsoluteError(), "regression"),
    "rmse": (lambda: hm.RootMeanSquaredError(), "regression"),
    "r2": (lambda: hm.R2Score(), "regression"),
    "cosine": (lambda: hm.CosineSimilarity(), "regression"),
    "bce": (lambda: hm.BinaryCrossentropy(), "binary"),
    "cce": (lambda: hm.CategoricalCrossentropy(label_smoothing=0.1), "categorical"),
    "scce": (lambda: hm.SparseCategoricalCrossentropy(), "sparse"),
}


def _state(metric):
    return [np.asarray(v.numpy()) for v in metric.variables]


@pytest.mark.parametrize("name", list(CASES))
def test_jit_updates_equal_eager(name):
    make, kind = CASES[name]
    eager, compiled = make(), make()
    step = hornet.jit(lambda t, p, w: (compiled.update_state(t, p, sample_weight=w), compiled.result())[1])
    for _ in range(3):
        y_true, y_pred = GEN[kind](N)
        sw = rng.random(N).astype("float32")
        sw[0] = 0.0
        got = step(y_true, y_pred, sw)
        eager.update_state(y_true, y_pred, sample_weight=sw)
        np.testing.assert_allclose(np.asarray(got), np.asarray(eager.result()), rtol=RTOL, atol=ATOL)
    assert step.cache_size == 1
    for a, b in zip(_state(compiled), _state(eager)):
        np.testing.assert_allclose(a, b, rtol=RTOL, atol=ATOL)
    reset = hornet.jit(lambda: compiled.reset_state())
    reset()
    assert all(not np.any(v) for v in _state(compiled))


@pytest.mark.parametrize("name", ["sparse_categorical_accuracy", "auc_roc", "precision", "f1_macro", "rmse", "r2",
                                  "scce", "top_k"])
def test_jit_padding_rows_with_zero_weight_change_nothing(name):
    make, kind = CASES[name]
    real, padded = make(), make()
    step = hornet.jit(lambda t, p, w: (padded.update_state(t, p, sample_weight=w), padded.result())[1])
    for _ in range(2):
        y_true, y_pred = GEN[kind](N - 3)
        pad_true, pad_pred = GEN[kind](3)
        sw = rng.random(N - 3).astype("float32")
        real.update_state(y_true, y_pred, sample_weight=sw)
        got = step(np.concatenate([y_true, pad_true]), np.concatenate([y_pred, pad_pred]),
                   np.concatenate([sw, np.zeros(3, "float32")]))
        np.testing.assert_allclose(np.asarray(got), np.asarray(real.result()), rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("name", ["sparse_categorical_accuracy", "auc_roc", "auc_pr_multi", "precision", "rmse",
                                  "cce", "top_k", "f1_macro"])
def test_update_traces_with_symbolic_batch(name):
    make, kind = CASES[name]
    metric = make()
    y_true, y_pred = GEN[kind](N)
    if name == "f1_macro":
        metric.update_state(y_true, y_pred)  # builds its per-class variables from concrete shapes first
    specs = [hornet.TensorSpec((None,) + y_true.shape[1:], str(y_true.dtype)),
             hornet.TensorSpec((None,) + y_pred.shape[1:], "float32"), hornet.TensorSpec((None,), "float32")]
    graph = hornet.trace(lambda t, p, w: (metric.update_state(t, p, sample_weight=w), metric.result())[1], *specs)
    assert graph.input_types[0].shape[0] == "batch"
    assert len(graph.outputs) == 1 + len(metric.variables)  # the result, then each variable's new value
