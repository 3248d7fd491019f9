"""F1Score, FBetaScore and R2Score against Keras 3 on JAX (several updates, sample weights, reset)."""
import os

os.environ["KERAS_BACKEND"] = "jax"

import json  # noqa: E402

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import hornet.metrics as hm  # noqa: E402
from hornet.ir.errors import ShapeError  # noqa: E402

RTOL, ATOL = 1e-5, 1e-6
N = 10
rng = np.random.default_rng(6)


def _batches(kind):
    out = []
    for weights in (None, "random", "zeros"):
        if kind == "multilabel":
            y_true = (rng.random((N, 4)) < 0.4).astype("float32")
            y_pred = rng.random((N, 4)).astype("float32")
        elif kind == "multiclass":
            y_true = np.eye(4, dtype="float32")[rng.integers(0, 4, N)]
            y_pred = rng.random((N, 4)).astype("float32")
        else:
            y_true = rng.normal(size=(N, 3)).astype("float32")
            y_pred = (y_true + rng.normal(size=(N, 3)) * 0.5).astype("float32")
        sw = None if weights is None else rng.random(N).astype("float32")
        if weights == "zeros":
            sw[::2] = 0.0
        out.append((y_true, y_pred, sw))
    return out


def _compare(ours, theirs, batches):
    for y_true, y_pred, sw in batches:
        ours.update_state(y_true, y_pred, sample_weight=sw)
        theirs.update_state(y_true, y_pred, sample_weight=sw)
        np.testing.assert_allclose(np.asarray(ours.result()), np.asarray(theirs.result()), rtol=RTOL, atol=ATOL)
    ours.reset_state()
    theirs.reset_state()
    y_true, y_pred, sw = batches[1]
    np.testing.assert_allclose(np.asarray(ours(y_true, y_pred, sample_weight=sw)),
                               np.asarray(theirs(y_true, y_pred, sample_weight=sw)), rtol=RTOL, atol=ATOL)
    assert ours.get_config() == theirs.get_config()
    clone = hm.deserialize(json.loads(json.dumps(hm.serialize(ours))))
    assert type(clone) is type(ours) and clone.get_config() == ours.get_config()


@pytest.mark.parametrize("average", [None, "micro", "macro", "weighted"])
@pytest.mark.parametrize("threshold", [None, 0.5])
@pytest.mark.parametrize("kind", ["multilabel", "multiclass"])
def test_f1_score_matches_keras(average, threshold, kind):
    _compare(hm.F1Score(average=average, threshold=threshold),
             keras.metrics.F1Score(average=average, threshold=threshold), _batches(kind))


@pytest.mark.parametrize("beta", [0.5, 2.0])
@pytest.mark.parametrize("average", [None, "macro"])
def test_fbeta_score_matches_keras(beta, average):
    _compare(hm.FBetaScore(beta=beta, average=average, threshold=0.4),
             keras.metrics.FBetaScore(beta=beta, average=average, threshold=0.4), _batches("multilabel"))


@pytest.mark.parametrize("class_aggregation", ["uniform_average", "variance_weighted_average", None])
@pytest.mark.parametrize("num_regressors", [0, 2])
def test_r2_score_matches_keras(class_aggregation, num_regressors):
    batches = _batches("regression")
    if num_regressors:
        # The adjusted score counts samples; Keras counts zero-weight samples too, hornet leaves them out.
        batches = batches[:2]
    _compare(hm.R2Score(class_aggregation=class_aggregation, num_regressors=num_regressors),
             keras.metrics.R2Score(class_aggregation=class_aggregation, num_regressors=num_regressors), batches)


def test_r2_adjusted_falls_back_with_too_few_samples():
    ours = hm.R2Score(num_regressors=5)
    y_true = np.array([[1.0], [2.0], [4.0]], "float32")
    y_pred = np.array([[1.5], [2.0], [3.0]], "float32")
    plain = hm.R2Score()
    np.testing.assert_allclose(np.asarray(ours(y_true, y_pred)), np.asarray(plain(y_true, y_pred)), rtol=RTOL)


@pytest.mark.parametrize("make", [lambda: hm.F1Score(average="macro"), lambda: hm.F1Score(threshold=0.5),
                                  lambda: hm.FBetaScore(beta=2.0, average="weighted"),
                                  lambda: hm.R2Score(num_regressors=1)])
def test_zero_weight_rows_are_excluded_exactly(make):
    y_true, y_pred, _ = _batches("multilabel")[0]
    sw = rng.random(N).astype("float32")
    reference, padded = make(), make()
    reference.update_state(y_true, y_pred, sample_weight=sw)
    padded.update_state(np.concatenate([y_true, np.ones((3, 4), "float32")]),
                        np.concatenate([y_pred, np.full((3, 4), 0.9, "float32")]),
                        sample_weight=np.concatenate([sw, np.zeros(3, "float32")]))
    np.testing.assert_allclose(np.asarray(padded.result()), np.asarray(reference.result()), rtol=RTOL, atol=ATOL)


def test_variables_are_created_on_first_update():
    m = hm.F1Score()
    assert m.variables == []
    m.update_state(np.eye(3, dtype="float32"), np.eye(3, dtype="float32"))
    assert [v.shape for v in m.variables] == [(3,)] * 4
    np.testing.assert_allclose(np.asarray(m.result()), np.ones(3), rtol=1e-5)


def test_shape_errors_name_metric_and_shapes():
    with pytest.raises(ShapeError) as e:
        hm.F1Score().update_state(np.zeros((4,)), np.zeros((4,)))
    assert "F1Score" in str(e.value) and "(4,)" in str(e.value)
    with pytest.raises(ShapeError) as e:
        hm.R2Score().update_state(np.zeros((4, 2)), np.zeros((4, 3)))
    assert "R2Score" in str(e.value) and "(4, 2)" in str(e.value) and "(4, 3)" in str(e.value)
    with pytest.raises(ValueError, match="average"):
        hm.F1Score(average="mean")
