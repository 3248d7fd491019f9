"""IoU metrics, correlation metrics and the rate-at-constraint metrics against Keras 3 on JAX (several updates,
sample weights, reset, configs), inside ``hornet.jit``, and the exact exclusion of samples with weight 0."""
import os

os.environ["KERAS_BACKEND"] = "jax"

import json  # noqa: E402

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import hornet  # noqa: E402
import hornet.metrics as hm  # noqa: E402
from hornet.ir.errors import ShapeError  # noqa: E402

RTOL, ATOL = 1e-5, 1e-6
N, C = 24, 3
rng = np.random.default_rng(11)


def _weights(kind, n=N):
    """None, integer weights (exact for IoU's int32 default state), real weights in [0, 1) ("real"), or with
    every third weight 0 ("zeros")."""
    if kind is None:
        return None
    if kind == "int":
        return rng.integers(0, 3, n).astype("float32")
    if kind == "scaled":  # fractional weights up to 3 (IoU's int32 state truncates them, as Keras)
        return (rng.random(n) * 3).astype("float32")
    w = rng.random(n).astype("float32")
    if kind == "zeros":
        w[::3] = 0.0
    return w


def _ids(n=N):
    return rng.integers(0, C, n).astype("int32"), rng.integers(0, C, n).astype("int32")


def _out_of_range_ids(n=N):
    t, p = _ids(n)
    p[:3] = [-1, C, 1]
    return t, p


def _one_hot(n=N):
    return np.eye(C, dtype="float32")[rng.integers(0, C, n)], rng.random((n, C)).astype("float32")


def _binary(n=N):
    y_true = (rng.random(n) < 0.45).astype("float32")
    y_pred = rng.random(n).astype("float32")
    y_pred[:4] = [0.0, 1.0, 0.5, 0.25]  # on the thresholds
    return y_true, y_pred


def _regression(n=N):
    y_true = rng.normal(size=(n, 5)).astype("float32")
    return y_true, (y_true + rng.normal(size=(n, 5))).astype("float32")


DATA = {"ids": _ids, "ids_out_of_range": _out_of_range_ids, "one_hot": _one_hot, "binary": _binary,
        "regression": _regression}

# name: (factory taking the metrics module, data kind, weight kinds)
CASES = {
    "mean_iou": (lambda m: m.MeanIoU(num_classes=C), "ids", (None, "scaled", "int")),
    "mean_iou_float": (lambda m: m.MeanIoU(num_classes=C, dtype="float32"), "ids", (None, "real", "zeros")),
    "mean_iou_ignore": (lambda m: m.MeanIoU(num_classes=C, ignore_class=1), "ids_out_of_range", (None, "int")),
    "iou_one_class": (lambda m: m.IoU(num_classes=C, target_class_ids=[1], dtype="float32"), "ids_out_of_range",
                      ("real", "zeros")),
    "iou_dense": (lambda m: m.IoU(num_classes=C, target_class_ids=[1, 2], sparse_y_true=False, sparse_y_pred=False),
                  "one_hot", (None, "int")),
    "binary_iou": (lambda m: m.BinaryIoU(threshold=0.3), "binary", (None, "int")),
    "binary_iou_class_1": (lambda m: m.BinaryIoU(target_class_ids=[1], threshold=0.5, dtype="float32"), "binary",
                           ("real", "zeros")),
    "one_hot_iou": (lambda m: m.OneHotIoU(num_classes=C, target_class_ids=[0, 2]), "one_hot", (None, "int")),
    "one_hot_mean_iou": (lambda m: m.OneHotMeanIoU(num_classes=C, dtype="float32"), "one_hot", ("real", "zeros")),
    "pearson": (lambda m: m.PearsonCorrelation(), "regression", (None, "real", "zeros")),
    "concordance": (lambda m: m.ConcordanceCorrelation(), "regression", (None, "real", "zeros")),
    "sensitivity_at_specificity": (lambda m: m.SensitivityAtSpecificity(0.6), "binary", (None, "real", "zeros")),
    "sensitivity_at_specificity_t1": (lambda m: m.SensitivityAtSpecificity(0.3, num_thresholds=1), "binary",
                                      (None, "real")),
    "specificity_at_sensitivity": (lambda m: m.SpecificityAtSensitivity(0.7, num_thresholds=7), "binary",
                                   (None, "real", "zeros")),
    "specificity_at_sensitivity_t2": (lambda m: m.SpecificityAtSensitivity(0.7, num_thresholds=2), "binary",
                                      (None, "real")),
    "precision_at_recall": (lambda m: m.PrecisionAtRecall(0.5), "binary", (None, "real", "zeros")),
    "precision_at_recall_class": (lambda m: m.PrecisionAtRecall(0.4, class_id=1), "one_hot", (None, "real")),
    "recall_at_precision": (lambda m: m.RecallAtPrecision(0.4, num_thresholds=50), "binary", (None, "real", "zeros")),
    "recall_at_precision_class": (lambda m: m.RecallAtPrecision(0.3, class_id=2), "one_hot", ("real", "zeros")),
}


def _batches(case, seed):
    global rng
    rng = np.random.default_rng(seed)
    _, kind, weights = CASES[case]
    return [(*DATA[kind](), _weights(w)) for w in weights]


def _close(got, want):
    np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=RTOL, atol=ATOL)


@pytest.mark.filterwarnings("ignore:You are passing weight as `float`")
@pytest.mark.parametrize("case", list(CASES))
def test_matches_keras(case):
    ours, theirs = CASES[case][0](hm), CASES[case][0](keras.metrics)
    batches = _batches(case, 0)
    for y_true, y_pred, sw in batches:
        ours.update_state(y_true, y_pred, sample_weight=sw)
        theirs.update_state(y_true, y_pred, sample_weight=sw)
        _close(ours.result(), theirs.result())
    for v, kv in zip(ours.variables, theirs.variables):
        _close(v.numpy(), kv.value)
    ours.reset_state()
    theirs.reset_state()
    _close(ours.result(), theirs.result())
    y_true, y_pred, sw = batches[0]
    _close(ours(y_true, y_pred, sample_weight=sw), theirs(y_true, y_pred, sample_weight=sw))
    config, keras_config = ours.get_config(), theirs.get_config()
    assert {k: v for k, v in config.items() if k != "name"} == {k: v for k, v in keras_config.items() if k != "name"}
    clone = hm.deserialize(json.loads(json.dumps(hm.serialize(ours))))
    assert type(clone) is type(ours) and clone.get_config() == config


JIT_CASES = ["mean_iou", "iou_one_class", "binary_iou", "one_hot_mean_iou", "pearson", "concordance",
             "sensitivity_at_specificity", "specificity_at_sensitivity_t2", "precision_at_recall_class",
             "recall_at_precision"]


def _state(metric):
    return [v.numpy() for v in metric.variables]


@pytest.mark.parametrize("case", JIT_CASES)
def test_jit_updates_equal_eager(case):
    eager, compiled = CASES[case][0](hm), CASES[case][0](hm)
    step = hornet.jit(lambda t, p, w: (compiled.update_state(t, p, sample_weight=w), compiled.result())[1])
    for seed in range(3):
        y_true, y_pred, _ = _batches(case, seed)[0]
        sw = _weights("int")
        got = step(y_true, y_pred, sw)
        eager.update_state(y_true, y_pred, sample_weight=sw)
        _close(got, eager.result())
    assert step.cache_size == 1
    for a, b in zip(_state(compiled), _state(eager)):
        _close(a, b)
    hornet.jit(lambda: compiled.reset_state())()
    assert all(not np.any(v) for v in _state(compiled))


def _with_padding(y_true, y_pred, sw, pad=5):
    """The batch plus ``pad`` rows of weight 0 holding garbage: NaN in float inputs, class 1 in integer ones."""
    def junk(x):
        filler = np.full((pad, *x.shape[1:]), np.nan if x.dtype.kind == "f" else 1, x.dtype)
        return np.concatenate([x, filler])
    return junk(y_true), junk(y_pred), np.concatenate([sw, np.zeros(pad, "float32")])


@pytest.mark.parametrize("compiled", [False, True], ids=["eager", "jit"])
@pytest.mark.parametrize("case", ["mean_iou", "binary_iou", "one_hot_iou", "pearson", "concordance",
                                  "sensitivity_at_specificity", "precision_at_recall_class", "recall_at_precision"])
def test_zero_weight_excludes_sample_exactly(case, compiled):
    plain, padded = CASES[case][0](hm), CASES[case][0](hm)
    update = lambda m: (lambda t, p, w: (m.update_state(t, p, sample_weight=w), m.result())[1])  # noqa: E731
    run_plain, run_padded = update(plain), update(padded)
    if compiled:
        run_plain, run_padded = hornet.jit(run_plain), hornet.jit(run_padded)
    for seed in range(2):
        y_true, y_pred, _ = _batches(case, seed)[0]
        sw = _weights("int")
        sw[sw == 0] = 1.0
        want = np.asarray(run_plain(y_true, y_pred, sw))
        got = np.asarray(run_padded(*_with_padding(y_true, y_pred, sw)))
        assert np.isfinite(got)
        if case in ("pearson", "concordance"):  # float sums of per-sample values: equal up to summation order
            np.testing.assert_allclose(got, want, rtol=1e-6)
        else:  # integer-weighted counts: bit-exact
            np.testing.assert_array_equal(got, want)
    if case not in ("pearson", "concordance"):
        for a, b in zip(_state(padded), _state(plain)):
            np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("fn", ["pearson_correlation", "concordance_correlation"])
@pytest.mark.parametrize("axis", [-1, 0])
def test_correlation_functions_match_keras(fn, axis):
    y_true, y_pred = _regression()
    _close(getattr(hm, fn)(y_true, y_pred, axis=axis), getattr(keras.metrics, fn)(y_true, y_pred, axis=axis))
    _close(getattr(hm, fn)(y_true[0], y_pred[0]), getattr(keras.metrics, fn)(y_true[0], y_pred[0]))
    wrapped = hm.MeanMetricWrapper(getattr(hm, fn), axis=axis)
    clone = hm.deserialize(json.loads(json.dumps(hm.serialize(wrapped))))
    _close(clone(y_true, y_pred), keras.metrics.MeanMetricWrapper(getattr(keras.metrics, fn), axis=axis)(y_true,
                                                                                                          y_pred))


def test_names_are_registered():
    for name in ["IoU", "MeanIoU", "BinaryIoU", "OneHotIoU", "OneHotMeanIoU", "PearsonCorrelation",
                 "ConcordanceCorrelation", "SensitivityAtSpecificity", "SpecificityAtSensitivity",
                 "PrecisionAtRecall", "RecallAtPrecision", "pearson_correlation", "concordance_correlation"]:
        assert name in hm.__all__ and getattr(hm, name) is not None
    assert type(hm.get("pearson_correlation")) is hm.PearsonCorrelation  # the class's snake_case name, as Keras
    assert type(hm.get("BinaryIoU")) is hm.BinaryIoU
    assert hm.get({"class_name": "ConcordanceCorrelation", "config": {"axis": 0}}).axis == 0


@pytest.mark.parametrize("make, error, match", [
    (lambda: hm.IoU(num_classes=3, target_class_ids=[3]), ValueError, "Target class id 3 is out of range"),
    (lambda: hm.MeanIoU(num_classes=0), ValueError, "num_classes"),
    (lambda: hm.SensitivityAtSpecificity(1.5), ValueError, "`specificity` must be in the range"),
    (lambda: hm.SpecificityAtSensitivity(-0.1), ValueError, "`sensitivity` must be in the range"),
    (lambda: hm.PrecisionAtRecall(2.0), ValueError, "`recall` must be in the range"),
    (lambda: hm.RecallAtPrecision(0.5, num_thresholds=0), ValueError, "num_thresholds"),
])
def test_bad_arguments(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_bad_shapes_name_the_metric():
    with pytest.raises(ShapeError, match="MeanIoU"):
        hm.MeanIoU(num_classes=2).update_state([0, 1, 1], [0, 1])
    with pytest.raises(ShapeError, match="PrecisionAtRecall"):
        hm.PrecisionAtRecall(0.5).update_state([0, 1, 1], [0.2, 0.7])
