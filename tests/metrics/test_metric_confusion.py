"""AUC, Precision, Recall and TP/FP/TN/FN against Keras 3 on JAX (several updates, sample weights, reset)."""
import os

os.environ["KERAS_BACKEND"] = "jax"

import json  # noqa: E402

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import hornet.metrics as hm  # noqa: E402
from hornet.ir.errors import ShapeError  # noqa: E402

RTOL, ATOL = 1e-5, 1e-6
N = 16
rng = np.random.default_rng(5)


def _binary_batches(cols=1, logits=False):
    out = []
    for weights in (None, "random", "zeros"):
        y_true = (rng.random((N, cols)) < 0.4).astype("float32")
        y_pred = rng.normal(size=(N, cols)).astype("float32") * 2 if logits else rng.random((N, cols)).astype(
            "float32")
        y_pred[:2] = np.round(y_pred[:2] * 4) / 4  # values exactly on thresholds
        sw = None if weights is None else rng.random(N).astype("float32")
        if weights == "zeros":
            sw[::3] = 0.0
        out.append((y_true, y_pred, sw))
    return out


def _compare(ours, theirs, batches, rtol=RTOL, atol=ATOL):
    for y_true, y_pred, sw in batches:
        ours.update_state(y_true, y_pred, sample_weight=sw)
        theirs.update_state(y_true, y_pred, sample_weight=sw)
        np.testing.assert_allclose(np.asarray(ours.result()), np.asarray(theirs.result()), rtol=rtol, atol=atol)
    ours.reset_state()
    theirs.reset_state()
    np.testing.assert_allclose(np.asarray(ours.result()), np.asarray(theirs.result()), rtol=rtol, atol=atol)
    y_true, y_pred, sw = batches[-1]
    np.testing.assert_allclose(np.asarray(ours(y_true, y_pred, sample_weight=sw)),
                               np.asarray(theirs(y_true, y_pred, sample_weight=sw)), rtol=rtol, atol=atol)
    config, keras_config = ours.get_config(), theirs.get_config()
    keras_config = {k: np.asarray(v).tolist() if hasattr(v, "shape") else v
                    for k, v in keras_config.items() if k != "name"}
    assert {k: config[k] for k in keras_config} == keras_config
    clone = hm.deserialize(json.loads(json.dumps(hm.serialize(ours))))
    assert type(clone) is type(ours) and clone.get_config() == config


AUC_CASES = [
    {}, {"curve": "PR"}, {"curve": "PRGAIN"}, {"summation_method": "minoring"}, {"summation_method": "majoring"},
    {"curve": "PR", "summation_method": "majoring"}, {"num_thresholds": 7}, {"thresholds": [0.1, 0.35, 0.5, 0.9]},
    {"thresholds": [0.25, 0.5, 0.75]}, {"from_logits": True}, {"label_weights": [0.5]},
]


@pytest.mark.parametrize("kwargs", AUC_CASES, ids=[str(k) for k in AUC_CASES])
def test_auc_matches_keras(kwargs):
    batches = _binary_batches(logits=kwargs.get("from_logits", False))
    _compare(hm.AUC(**kwargs), keras.metrics.AUC(**kwargs), batches, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("kwargs", [{"multi_label": True}, {"multi_label": True, "num_labels": 3, "curve": "PR"},
                                    {"multi_label": True, "label_weights": [0.2, 0.5, 1.0]},
                                    {"multi_label": True, "thresholds": [0.3, 0.6]},
                                    {"multi_label": False}])
def test_auc_multi_label_matches_keras(kwargs):
    _compare(hm.AUC(**kwargs), keras.metrics.AUC(**kwargs), _binary_batches(cols=3), rtol=1e-4, atol=1e-5)


def test_auc_perfect_and_random_orderings():
    m = hm.AUC(num_thresholds=1000)
    m.update_state([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9])
    assert float(m.result()) == pytest.approx(1.0, abs=1e-3)
    m.reset_state()
    m.update_state([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    assert float(m.result()) == pytest.approx(0.75, abs=1e-2)


PR_CASES = [{}, {"thresholds": 0.3}, {"thresholds": [0.2, 0.5, 0.8]}, {"thresholds": [0.0, 0.5, 1.0]},
            {"top_k": 2}, {"class_id": 1}, {"top_k": 1, "class_id": 2}]


@pytest.mark.parametrize("cls", ["Precision", "Recall"])
@pytest.mark.parametrize("kwargs", PR_CASES, ids=[str(k) for k in PR_CASES])
def test_precision_recall_match_keras(cls, kwargs):
    cols = 3 if ("top_k" in kwargs or "class_id" in kwargs) else 1
    _compare(getattr(hm, cls)(**kwargs), getattr(keras.metrics, cls)(**kwargs), _binary_batches(cols=cols))


@pytest.mark.parametrize("cls", ["TruePositives", "FalsePositives", "TrueNegatives", "FalseNegatives"])
@pytest.mark.parametrize("thresholds", [None, [0.2, 0.6]])
def test_confusion_counts_match_keras(cls, thresholds):
    _compare(getattr(hm, cls)(thresholds=thresholds), getattr(keras.metrics, cls)(thresholds=thresholds),
             _binary_batches(cols=2))


@pytest.mark.parametrize("make", [lambda: hm.AUC(), lambda: hm.AUC(curve="PR", multi_label=True),
                                  lambda: hm.Precision(thresholds=[0.3, 0.7]), lambda: hm.Recall(),
                                  lambda: hm.Precision(top_k=1), lambda: hm.FalseNegatives()])
def test_zero_weight_rows_are_excluded_exactly(make):
    y_true, y_pred, _ = _binary_batches(cols=3)[0]
    sw = rng.random(N).astype("float32")
    reference, padded = make(), make()
    reference.update_state(y_true, y_pred, sample_weight=sw)
    padded.update_state(np.concatenate([y_true, np.ones((4, 3), "float32")]),
                        np.concatenate([y_pred, np.full((4, 3), np.nan, "float32")]),
                        sample_weight=np.concatenate([sw, np.zeros(4, "float32")]))
    np.testing.assert_allclose(np.asarray(padded.result()), np.asarray(reference.result()), rtol=RTOL, atol=ATOL)


def test_argument_and_shape_errors():
    with pytest.raises(ValueError, match="curve"):
        hm.AUC(curve="XYZ")
    with pytest.raises(ValueError, match="num_thresholds"):
        hm.AUC(num_thresholds=1)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        hm.Precision(thresholds=[0.5, 1.5])
    with pytest.raises(ShapeError) as e:
        hm.AUC(name="my_auc").update_state(np.zeros((4, 2)), np.zeros((4, 3)))
    assert "AUC" in str(e.value) and "my_auc" in str(e.value) and "(4, 2)" in str(e.value)
