"""One compile per step kind: a fit of several epochs over 203 samples in batches of 32 (a short last batch) traces
the train step once, and steps_per_execution=4 runs the same numbers through one scanned program."""
from __future__ import annotations

import numpy as np
import pytest

import hornet
from hornet import layers

RNG = np.random.default_rng(0)
X = RNG.normal(size=(203, 8)).astype("float32")
Y = RNG.integers(0, 3, size=(203,))


def _model(steps_per_execution: int = 1):
    model = hornet.Sequential([hornet.Input((8,)), layers.Dense(16, activation="relu"), layers.Dense(3)])
    # deterministic weights, identical for every model of this file
    model.set_weights([np.cos(np.arange(int(np.prod(w.shape)), dtype="float32")).reshape(w.shape) * 0.3
                       for w in model.weights])
    model.compile(optimizer=hornet.optimizers.Adam(0.01),
                  loss=hornet.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"],
                  steps_per_execution=steps_per_execution)
    return model


@pytest.fixture(scope="module")
def runs():
    out = {}
    for k in (1, 4):
        model = _model(k)
        history = model.fit(X, Y, batch_size=32, epochs=3, shuffle=False, verbose=0, validation_split=0.25)
        out[k] = (model, history.history, dict(model.compile_stats))
    return out


def test_fit_compiles_the_train_step_once(runs):
    model, history, stats = runs[1]
    assert stats == {"train": 1, "test": 1, "predict": 0}
    assert len(history["loss"]) == 3
    assert history["loss"][2] < history["loss"][0]


def test_steps_per_execution_gives_the_same_history_and_one_compile(runs):
    _, h1, _ = runs[1]
    model4, h4, stats4 = runs[4]
    assert stats4["train"] == 1 and stats4["test"] == 1
    assert sorted(h4) == sorted(h1) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    for key in h1:
        np.testing.assert_allclose(h4[key], h1[key], rtol=1e-6, atol=1e-7, err_msg=key)
    model1 = runs[1][0]
    for a, b in zip(model1.get_weights(), model4.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def test_more_fits_evaluate_and_predict_reuse_the_compiled_steps(runs):
    model = _model()
    model.fit(X, Y, batch_size=32, epochs=2, shuffle=False, verbose=0)
    model.fit(X[:100], Y[:100], batch_size=32, epochs=1, shuffle=False, verbose=0)  # 100 = 3*32 + 4
    assert model.compile_stats["train"] == 1
    first = model.evaluate(X, Y, batch_size=32, verbose=0)
    model.evaluate(X[:37], Y[:37], batch_size=32, verbose=0)
    assert model.compile_stats["test"] == 1
    p1 = model.predict(X, batch_size=32, verbose=0)
    p2 = model.predict(X[:40], batch_size=32, verbose=0)  # 32 + a padded 8
    assert model.compile_stats["predict"] == 1
    assert model.compile_stats["train"] == 1
    np.testing.assert_array_equal(p2, p1[:40])
    assert p1.shape == (203, 3)
    assert first == pytest.approx(model.evaluate(X, Y, batch_size=32, verbose=0))


def test_a_new_batch_size_is_a_new_signature():
    model = _model()
    model.fit(X, Y, batch_size=32, epochs=1, shuffle=False, verbose=0)
    model.fit(X, Y, batch_size=64, epochs=1, shuffle=False, verbose=0)
    assert model.compile_stats["train"] == 2


def test_steps_per_execution_evaluate_and_train_on_batch_match_single_steps():
    m1, m4 = _model(1), _model(4)
    for m in (m1, m4):
        m.fit(X, Y, batch_size=16, epochs=1, shuffle=False, verbose=0)
    np.testing.assert_allclose(m4.evaluate(X, Y, batch_size=16, verbose=0),
                               m1.evaluate(X, Y, batch_size=16, verbose=0), rtol=1e-6)
    r1 = m1.train_on_batch(X[:10], Y[:10], return_dict=True)
    r4 = m4.train_on_batch(X[:10], Y[:10], return_dict=True)
    assert r1 == pytest.approx(r4, rel=1e-6)
    np.testing.assert_allclose(m4.predict(X, verbose=0), m1.predict(X, verbose=0), rtol=1e-6, atol=1e-7)


def test_steps_per_execution_must_be_positive():
    model = hornet.Sequential([hornet.Input((2,)), layers.Dense(1)])
    with pytest.raises(ValueError, match="steps_per_execution"):
        model.compile(optimizer="sgd", loss="mse", steps_per_execution=0)
