"""fit / evaluate / predict against Keras 3 on JAX: the same initial weights, shuffle=False and the same
optimizer give the same per-epoch History, including a data size that is not a multiple of the batch size,
validation_split, validation_data, sample_weight and class_weight."""
from __future__ import annotations

import numpy as np
import pytest

from keras_oracle import (HORNET, Kit, assert_history_close, assert_weights_close, classification_data,
                          compile_classifier, mlp, twins)

X, Y = classification_data(203)
SW = np.random.default_rng(7).uniform(0.2, 2.0, size=(203,)).astype("float32")


# 203 = 6 * 32 + 11: every case has a short last batch (162 = 5 * 32 + 2 after validation_split=0.2)
FIT_CASES = {
    "validation_split_and_class_weight": {"validation_split": 0.2, "class_weight": {0: 1.0, 1: 2.5, 2: 0.5}},
    "sample_weight_and_weighted_validation_data": {"sample_weight": SW,
                                                   "validation_data": (X[:50], Y[:50], SW[:50])},
}
_RUNS: dict = {}


def _fit_both(case):
    """(hornet model, keras model, hornet History, keras History) after 2 epochs of batch 32 (cached per case)."""
    if case not in _RUNS:
        h, k = twins(lambda kit: compile_classifier(mlp(kit), kit))
        hh = h.fit(X, Y, batch_size=32, epochs=2, shuffle=False, verbose=0, **FIT_CASES[case])
        kh = k.fit(X, Y, batch_size=32, epochs=2, shuffle=False, verbose=0, **FIT_CASES[case])
        _RUNS[case] = (h, k, hh, kh)
    return _RUNS[case]


@pytest.mark.parametrize("case", list(FIT_CASES))
def test_history_matches_keras(case):
    h, k, hh, kh = _fit_both(case)
    assert hh.epoch == kh.epoch == [0, 1]
    assert sorted(hh.history) == sorted(kh.history)
    assert_history_close(hh.history, kh.history)
    assert_weights_close(h, k)


def test_evaluate_and_predict_match_keras_after_fit():
    h, k, _, _ = _fit_both("sample_weight_and_weighted_validation_data")
    hd = h.evaluate(X, Y, batch_size=40, verbose=0, return_dict=True)
    kd = k.evaluate(X, Y, batch_size=40, verbose=0, return_dict=True)
    assert set(hd) == set(kd) == {"loss", "accuracy"}
    for key in kd:
        np.testing.assert_allclose(hd[key], kd[key], rtol=1e-5, err_msg=key)
    hw = h.evaluate(X, Y, batch_size=40, sample_weight=SW, verbose=0, return_dict=True)
    kw = k.evaluate(X, Y, batch_size=40, sample_weight=SW, verbose=0, return_dict=True)
    np.testing.assert_allclose(hw["loss"], kw["loss"], rtol=1e-5)
    hp = h.predict(X, batch_size=64, verbose=0)
    assert hp.shape == (203, 3) and hp.dtype == np.float32
    np.testing.assert_allclose(hp, k.predict(X, batch_size=64, verbose=0), rtol=1e-5, atol=1e-6)


def _frozen_classifier(**compile_kwargs):
    """A classifier whose weights never change (SGD with learning rate 0): epoch metrics are exact."""
    model = mlp(HORNET)
    model.compile(optimizer=HORNET.optimizers.SGD(0.0),
                  loss=HORNET.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"],
                  **compile_kwargs)
    return model


def test_evaluate_list_order_is_loss_first_like_keras():
    model = _frozen_classifier()
    logs = model.evaluate(X, Y, verbose=0, return_dict=True)
    assert model.evaluate(X, Y, verbose=0) == pytest.approx([logs["loss"], logs["accuracy"]])
    assert model.test_on_batch(X, Y) == pytest.approx([logs["loss"], logs["accuracy"]])


def test_weighted_metrics_are_logged_apart_from_plain_metrics():
    model = _frozen_classifier(weighted_metrics=["accuracy"])
    correct = (np.argmax(model.predict(X, verbose=0), axis=1) == Y).astype("float64")
    hist = model.fit(X, Y, sample_weight=SW, batch_size=32, epochs=1, shuffle=False, verbose=0).history
    assert hist["accuracy"][0] == pytest.approx(correct.mean(), rel=1e-6)
    assert hist["weighted_accuracy"][0] == pytest.approx((correct * SW).sum() / SW.sum(), rel=1e-6)


def _multi_output(kit: Kit):
    L = kit.layers
    a = kit.Input((4,), name="a")
    b = kit.Input((3,), name="b")
    h = L.Concatenate(name="cat")([L.Dense(6, activation="tanh", name="da")(a),
                                   L.Dense(6, activation="tanh", name="db")(b)])
    model = kit.Model({"a": a, "b": b}, {"cls": L.Dense(2, name="cls")(h), "reg": L.Dense(1, name="reg")(h)})
    model.compile(optimizer=kit.optimizers.Adam(0.01),
                  loss={"cls": kit.losses.SparseCategoricalCrossentropy(from_logits=True), "reg": "mse"},
                  loss_weights={"cls": 1.0, "reg": 0.5}, metrics={"cls": ["accuracy"], "reg": ["mae"]})
    return model


def _multi_output_data():
    rng = np.random.default_rng(2)
    x = {"a": rng.normal(size=(70, 4)).astype("float32"), "b": rng.normal(size=(70, 3)).astype("float32")}
    y = {"cls": rng.integers(0, 2, size=(70,)), "reg": rng.normal(size=(70, 1)).astype("float32")}
    return x, y


@pytest.fixture(scope="module")
def multi():
    h, k = twins(_multi_output)
    x, y = _multi_output_data()
    hh = h.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0)
    kh = k.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0)
    return h, k, hh, kh, x, y


def test_multi_output_dict_fit_evaluate_predict_match_keras(multi):
    h, k, hh, kh, x, y = multi
    assert_history_close(hh.history, kh.history, keys=["loss", "cls_accuracy", "reg_mae"])
    assert_weights_close(h, k)
    he = h.evaluate(x, y, verbose=0, return_dict=True)
    ke = k.evaluate(x, y, verbose=0, return_dict=True)
    for key in ("loss", "cls_accuracy", "reg_mae"):
        np.testing.assert_allclose(he[key], ke[key], rtol=1e-5, err_msg=key)
    hp, kp = h.predict(x, verbose=0), k.predict(x, verbose=0)
    for key in ("cls", "reg"):
        np.testing.assert_allclose(hp[key], kp[key], rtol=1e-5, atol=1e-6)


def test_multi_output_logs_per_output_losses(multi):
    _, _, hh, kh, _, _ = multi
    assert_history_close(hh.history, kh.history, keys=["cls_loss", "reg_loss"])
