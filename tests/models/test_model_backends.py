"""``model.compile(backend=...)``: models on different backends in one process keep their variables on their
own backend, train to the same weights from the same start, and host values come back through the backend."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

import hornet
from helpers import LOWERINGS
from hornet import layers
from hornet.runtime.backend import get_backend

RNG = np.random.default_rng(0)
X = RNG.normal(size=(40, 5)).astype("float32")
Y = RNG.integers(0, 3, 40)
PAIRS = list(itertools.combinations(LOWERINGS, 2))


def _model():
    return hornet.Sequential([hornet.Input((5,)), layers.Dense(8, activation="relu"), layers.Dropout(0.2, seed=1),
                              layers.BatchNormalization(), layers.Dense(3)])


@pytest.mark.parametrize("first, second", PAIRS, ids=[f"{a}+{b}" for a, b in PAIRS])
def test_two_models_on_two_backends_in_one_process(first, second):
    a, b = _model(), _model()
    b.set_weights(a.get_weights())
    for model, backend in ((a, first), (b, second)):
        model.compile(optimizer="adam", loss=hornet.losses.SparseCategoricalCrossentropy(from_logits=True),
                      metrics=["accuracy"], backend=backend)
    ha = a.fit(X, Y, batch_size=16, epochs=2, shuffle=False, verbose=0).history
    hb = b.fit(X, Y, batch_size=16, epochs=2, shuffle=False, verbose=0).history
    for model, backend in ((a, first), (b, second)):
        owner = get_backend(backend)
        state = model.variables + model.optimizer.variables
        assert all(v.backend is owner and owner.is_array(v.value) for v in state)
    np.testing.assert_allclose(ha["loss"], hb["loss"], rtol=1e-5)
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_allclose(wa, wb, rtol=1e-5, atol=1e-6)
    pa, pb = a.predict(X, verbose=0), b.predict(X, verbose=0)
    assert type(pa) is np.ndarray and type(pb) is np.ndarray
    np.testing.assert_allclose(pa, pb, rtol=1e-5, atol=1e-5)
    assert get_backend(first).is_array(a(X[:2])) and get_backend(second).is_array(b(X[:2]))


def test_an_unknown_backend_is_refused_at_compile():
    with pytest.raises(hornet.ir.HornetError, match="unknown backend 'tensorflo'.*available"):
        _model().compile(optimizer="sgd", loss="mse", backend="tensorflo")
