"""The CTC and Circle losses (classes and functions) against Keras 3 on JAX: values per reduction, sample
weights, Circle's leaving zero-loss samples out of averages, configs, serialization, and a compiled training step."""
import os

os.environ["KERAS_BACKEND"] = "jax"

import json  # noqa: E402

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import hornet  # noqa: E402
import hornet.losses as hl  # noqa: E402
from hornet import ops  # noqa: E402
from hornet.ir.errors import ShapeError  # noqa: E402

rng = np.random.default_rng(7)
LOGITS = rng.normal(size=(3, 6, 5)).astype("float32")
LABELS = np.array([[1, 2, 2], [3, 1, 0], [4, 0, 0]])
EMB = rng.normal(size=(6, 4)).astype("float32")
EMB /= np.linalg.norm(EMB, axis=1, keepdims=True)
IDS = np.array([0, 0, 1, 1, 2, 3])
WEIGHTS = np.arange(6, dtype="float32")
REFS = rng.normal(size=(5, 4)).astype("float32")
REFS /= np.linalg.norm(REFS, axis=1, keepdims=True)
REF_IDS = np.array([0, 1, 2, 3, 0])
REDUCTIONS = ("sum_over_batch_size", "sum", None)
CIRCLES = ({}, {"reduction": "sum"}, {"reduction": None}, {"gamma": 30.0, "margin": 0.2, "remove_diagonal": False})


@pytest.fixture(scope="module")
def want():
    """Keras's values, computed once for every backend's run."""
    k = keras.losses
    return {
        "ctc": k.ctc(LABELS, LOGITS),
        "CTC": [k.CTC(reduction=r)(LABELS, LOGITS) for r in REDUCTIONS],
        "CTC-weighted": k.CTC()(LABELS, LOGITS, sample_weight=WEIGHTS[:3]),
        "Circle": [k.Circle(**kw)(IDS, EMB) for kw in CIRCLES],
        "circle": k.circle(IDS, EMB),
        "Circle-weighted": k.Circle()(IDS, EMB, sample_weight=WEIGHTS),
        "circle-refs": k.circle(IDS, EMB, ref_labels=REF_IDS, ref_embeddings=REFS),
    }


def close(got, want, rtol=1e-5):
    np.testing.assert_allclose(ops.convert_to_numpy(got), np.asarray(want), rtol=rtol, atol=1e-6)


def test_ctc_function_and_class_match_keras(want):
    close(hl.ctc(LABELS, LOGITS), want["ctc"])
    for reduction, expected in zip(REDUCTIONS, want["CTC"]):
        close(hl.CTC(reduction=reduction)(LABELS, LOGITS), expected)
    close(hl.CTC()(LABELS, LOGITS, sample_weight=WEIGHTS[:3]), want["CTC-weighted"])
    with pytest.raises(ShapeError, match="ctc: y_pred must be logits of shape"):
        hl.ctc(LABELS, LOGITS[0])


def test_circle_matches_keras_and_leaves_zero_losses_out_of_averages(want):
    for kwargs, expected in zip(CIRCLES, want["Circle"]):
        close(hl.Circle(**kwargs)(IDS, EMB), expected, rtol=2e-5)
    per_sample = np.asarray(want["circle"])
    close(hl.circle(IDS, EMB), per_sample, rtol=2e-5)
    assert (per_sample == 0).any()  # the average below must leave those samples out, as Keras does
    close(hl.Circle()(IDS, EMB), per_sample.sum() / (per_sample > 0).sum(), rtol=2e-5)
    close(hl.Circle()(IDS, EMB, sample_weight=WEIGHTS), want["Circle-weighted"], rtol=2e-5)
    close(hl.circle(IDS, EMB, ref_labels=REF_IDS, ref_embeddings=REFS), want["circle-refs"], rtol=2e-5)


@pytest.mark.parametrize("backend", ["jax"])  # configs and the registry do not depend on the backend
def test_configs_and_serialization_round_trip(backend):
    assert hl.CTC().get_config() == keras.losses.CTC().get_config()
    assert hl.Circle(gamma=64.0).get_config() == keras.losses.Circle(gamma=64.0).get_config()
    restored = hl.deserialize(json.loads(json.dumps(hl.serialize(hl.Circle(margin=0.3)))))
    assert isinstance(restored, hl.Circle) and restored.margin == 0.3
    theirs = hl.deserialize(json.loads(json.dumps(keras.losses.serialize(keras.losses.CTC(reduction="sum")))))
    assert isinstance(theirs, hl.CTC) and theirs.reduction == "sum"
    assert hl.get("ctc") is hl.ctc and isinstance(hl.get("Circle"), hl.Circle)


def test_ctc_trains_a_model():
    model = hornet.Sequential([hornet.Input((6, 4)), hornet.layers.Dense(5)])
    model.compile(optimizer="adam", loss=hl.CTC())
    x = np.random.default_rng(8).normal(size=(3, 6, 4)).astype("float32")
    first = model.evaluate(x, LABELS, verbose=0)
    model.fit(x, LABELS, epochs=3, verbose=0)
    assert np.isfinite(first) and model.evaluate(x, LABELS, verbose=0) < first
