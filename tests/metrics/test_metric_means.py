"""Mean, Sum, MeanMetricWrapper and every mean-based metric (accuracies, cross-entropies, regression errors)
against Keras 3 on JAX: several update_state calls, sample weights, reset_state, configs."""
import os

os.environ["KERAS_BACKEND"] = "jax"

import json  # noqa: E402

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import hornet.metrics as hm  # noqa: E402
import hornet.losses as hl  # noqa: E402
from hornet.ir.errors import ShapeError  # noqa: E402

RTOL, ATOL = 1e-5, 1e-6
rng = np.random.default_rng(4)


def _probs(n, c):
    p = rng.random((n, c)).astype("float32") + 0.05
    return p / p.sum(-1, keepdims=True)


def _onehot(n, c):
    return np.eye(c, dtype="float32")[rng.integers(0, c, n)]


GEN = {
    "regression": lambda n: (rng.normal(size=(n, 3)).astype("float32"), rng.normal(size=(n, 3)).astype("float32")),
    "positive": lambda n: (rng.random((n, 3)).astype("float32"), rng.random((n, 3)).astype("float32") + 0.1),
    "binary": lambda n: ((rng.random((n, 1)) < 0.5).astype("float32"), rng.random((n, 1)).astype("float32")),
    "binary_logits": lambda n: ((rng.random((n, 2)) < 0.5).astype("float32"), rng.normal(size=(n, 2)).astype(
        "float32")),
    "categorical": lambda n: (_onehot(n, 5), _probs(n, 5)),
    "categorical_logits": lambda n: (_onehot(n, 5), rng.normal(size=(n, 5)).astype("float32")),
    "sparse": lambda n: (rng.integers(0, 5, (n, 1)), _probs(n, 5)),
    "sparse_flat": lambda n: (rng.integers(0, 5, (n,)), _probs(n, 5)),
    "sparse_logits": lambda n: (rng.integers(0, 5, (n,)), rng.normal(size=(n, 5)).astype("float32")),
    "exact": lambda n: (rng.integers(0, 3, (n, 1)).astype("float32"), rng.integers(0, 3, (n, 1)).astype("float32")),
    "distribution": lambda n: (_probs(n, 4), _probs(n, 4)),
    "sequence": lambda n: (rng.normal(size=(n, 4, 2)).astype("float32"), rng.normal(size=(n, 4, 2)).astype("float32")),
}

CASES = [
    ("Accuracy", {}, "exact"),
    ("BinaryAccuracy", {}, "binary"),
    ("BinaryAccuracy", {"threshold": 0.3}, "binary"),
    ("CategoricalAccuracy", {}, "categorical"),
    ("SparseCategoricalAccuracy", {}, "sparse"),
    ("SparseCategoricalAccuracy", {}, "sparse_flat"),
    ("TopKCategoricalAccuracy", {"k": 2}, "categorical"),
    ("SparseTopKCategoricalAccuracy", {"k": 3}, "sparse_flat"),
    ("SparseTopKCategoricalAccuracy", {"k": 2}, "sparse"),
    ("BinaryCrossentropy", {}, "binary"),
    ("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.1}, "binary_logits"),
    ("CategoricalCrossentropy", {}, "categorical"),
    ("CategoricalCrossentropy", {"from_logits": True, "label_smoothing": 0.2}, "categorical_logits"),
    ("SparseCategoricalCrossentropy", {}, "sparse"),
    ("SparseCategoricalCrossentropy", {"from_logits": True}, "sparse_logits"),
    ("SparseCategoricalCrossentropy", {"from_logits": True, "ignore_class": 2}, "sparse_logits"),
    ("KLDivergence", {}, "distribution"),
    ("Poisson", {}, "positive"),
    ("Hinge", {}, "binary_logits"),
    ("SquaredHinge", {}, "binary_logits"),
    ("CategoricalHinge", {}, "categorical_logits"),
    ("MeanSquaredError", {}, "regression"),
    ("MeanAbsoluteError", {}, "regression"),
    ("MeanAbsolutePercentageError", {}, "regression"),
    ("MeanSquaredLogarithmicError", {}, "positive"),
    ("RootMeanSquaredError", {}, "regression"),
    ("CosineSimilarity", {}, "regression"),
    ("CosineSimilarity", {"axis": 1}, "sequence"),
    ("LogCoshError", {}, "regression"),
]


def _ids(case):
    return case[0] + "".join(f"-{k}={v}" for k, v in case[1].items()) + f"-{case[2]}"


def _batches(kind):
    """Three batches of different sizes with: no weights, random weights, weights with zeros."""
    out = []
    for n, weights in ((6, None), (6, "random"), (6, "zeros")):
        y_true, y_pred = GEN[kind](n)
        sw = None if weights is None else rng.random(n).astype("float32")
        if weights == "zeros":
            sw[::2] = 0.0
        out.append((y_true, y_pred, sw))
    return out


@pytest.mark.parametrize("case", CASES, ids=[_ids(c) for c in CASES])
def test_metric_matches_keras_over_updates_and_reset(case):
    name, kwargs, kind = case
    ours, theirs = getattr(hm, name)(**kwargs), getattr(keras.metrics, name)(**kwargs)
    batches = _batches(kind)
    for y_true, y_pred, sw in batches:
        if sw is None and kwargs.get("ignore_class") is not None:
            # Keras drops ignored entries from the count only when a sample_weight is given; hornet always does.
            sw = np.ones(len(y_true), "float32")
        ours.update_state(y_true, y_pred, sample_weight=sw)
        theirs.update_state(y_true, y_pred, sample_weight=sw)
        np.testing.assert_allclose(np.asarray(ours.result()), np.asarray(theirs.result()), rtol=RTOL, atol=ATOL)
    ours.reset_state()
    theirs.reset_state()
    np.testing.assert_allclose(np.asarray(ours.result()), np.asarray(theirs.result()), rtol=RTOL, atol=ATOL)
    y_true, y_pred, sw = batches[1]
    np.testing.assert_allclose(np.asarray(ours(y_true, y_pred, sample_weight=sw)),
                               np.asarray(theirs(y_true, y_pred, sample_weight=sw)), rtol=RTOL, atol=ATOL)
    assert ours.name == theirs.name
    config, keras_config = ours.get_config(), theirs.get_config()
    assert {k: config[k] for k in keras_config} == keras_config
    clone = hm.deserialize(json.loads(json.dumps(hm.serialize(ours))))
    assert type(clone) is type(ours) and clone.get_config() == config


@pytest.mark.parametrize("cls", ["Mean", "Sum"])
@pytest.mark.parametrize("values_shape, weight_shape", [((6,), None), ((6,), (6,)), ((6, 3), (6,)),
                                                        ((6, 3), (6, 3)), ((6, 1), (6,)), ((), None)])
def test_mean_and_sum_match_keras(cls, values_shape, weight_shape):
    ours, theirs = getattr(hm, cls)(), getattr(keras.metrics, cls)()
    for _ in range(2):
        values = rng.normal(size=values_shape).astype("float32")
        sw = None if weight_shape is None else rng.random(weight_shape).astype("float32")
        ours.update_state(values, sample_weight=sw)
        theirs.update_state(values, sample_weight=sw)
    np.testing.assert_allclose(np.asarray(ours.result()), np.asarray(theirs.result()), rtol=RTOL, atol=ATOL)
    assert [v.shape for v in ours.variables] == [tuple(v.shape) for v in theirs.variables]
    assert not any(v.trainable for v in ours.variables)


def test_mean_metric_wrapper_of_loss_function_and_lambda():
    y_true, y_pred = GEN["regression"](6)
    sw = rng.random(6).astype("float32")
    ours = hm.MeanMetricWrapper(hl.huber, delta=0.5)
    theirs = keras.metrics.MeanMetricWrapper(keras.losses.huber, delta=0.5)
    ours.update_state(y_true, y_pred, sample_weight=sw)
    theirs.update_state(y_true, y_pred, sample_weight=sw)
    np.testing.assert_allclose(np.asarray(ours.result()), np.asarray(theirs.result()), rtol=RTOL, atol=ATOL)
    clone = hm.MeanMetricWrapper.from_config(json.loads(json.dumps(ours.get_config())))
    clone.update_state(y_true, y_pred, sample_weight=sw)
    np.testing.assert_allclose(np.asarray(clone.result()), np.asarray(ours.result()), rtol=RTOL)
    custom = hm.MeanMetricWrapper(lambda t, p: (t - p) ** 2, name="sq")
    custom.update_state(np.array([1.0, 2.0], "float32"), np.array([1.0, 4.0], "float32"), sample_weight=[1.0, 0.0])
    assert float(custom.result()) == 0.0 and custom.name == "sq"


@pytest.mark.parametrize("case", CASES, ids=[_ids(c) for c in CASES])
def test_zero_weight_rows_are_excluded_exactly(case):
    name, kwargs, kind = case
    y_true, y_pred = GEN[kind](5)
    pad_true, pad_pred = GEN[kind](3)
    if np.asarray(pad_pred).dtype.kind == "f":
        pad_pred = np.full_like(pad_pred, np.nan)
    reference, padded = getattr(hm, name)(**kwargs), getattr(hm, name)(**kwargs)
    sw = rng.random(5).astype("float32")
    reference.update_state(y_true, y_pred, sample_weight=sw)
    padded.update_state(np.concatenate([y_true, pad_true]), np.concatenate([y_pred, pad_pred]),
                        sample_weight=np.concatenate([sw, np.zeros(3, "float32")]))
    np.testing.assert_allclose(np.asarray(padded.result()), np.asarray(reference.result()), rtol=RTOL, atol=ATOL)


def test_custom_metric_subclass_and_tracking():
    class MaxSeen(hm.Metric):
        def __init__(self, name="max_seen", dtype=None):
            super().__init__(name=name, dtype=dtype)
            self.best = self.add_variable((), initializer="zeros", name="best")
            self.inner = hm.Mean()

        def update_state(self, values, sample_weight=None):
            from hornet import ops
            self.best.assign(ops.maximum(self.best.value, ops.max(values)))
            self.inner.update_state(values)

        def result(self):
            return self.best.value

    m = MaxSeen()
    m.update_state(np.array([1.0, 5.0], "float32"))
    m.update_state(np.array([3.0], "float32"))
    assert float(m.result()) == 5.0 and len(m.variables) == 3
    m.reset_state()
    assert float(m.result()) == 0.0 and float(m.inner.result()) == 0.0


def test_metric_shape_errors_name_metric_and_shapes():
    with pytest.raises(ShapeError) as e:
        hm.CategoricalAccuracy(name="cat_acc").update_state(np.zeros((4, 3)), np.zeros((5, 3)))
    msg = str(e.value)
    assert "CategoricalAccuracy" in msg and "cat_acc" in msg and "(4, 3)" in msg and "(5, 3)" in msg
    with pytest.raises(ShapeError, match="MeanSquaredError"):
        hm.MeanSquaredError().update_state(np.zeros((4, 3)), np.zeros((4, 2)))
