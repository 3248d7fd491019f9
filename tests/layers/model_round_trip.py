"""Helper of the layer tests: a model holding the layer under test is compiled, fit a few steps, and saved and
reloaded with the same predictions."""
from __future__ import annotations

from typing import Any

import numpy as np

import hornet


def fit_predict_save_load(model: Any, x: Any, y: Any, tmp_path: Any, loss: str = "mse",
                          rtol: float = 1e-6, atol: float = 1e-6) -> Any:
    """Fits ``model`` for two steps (the loss stays finite and the weights move), then checks that
    ``model.save`` + ``load_model`` give a model of the same class with the same weights and predictions.
    Returns the reloaded model."""
    model.compile(optimizer=hornet.optimizers.SGD(learning_rate=0.05), loss=loss)
    before = [w.copy() for w in model.get_weights()]
    history = model.fit(x, y, batch_size=len(y) // 2, epochs=1, shuffle=False, verbose=0).history
    assert np.all(np.isfinite(history["loss"]))
    assert any(not np.allclose(a, b) for a, b in zip(before, model.get_weights()))
    predictions = model.predict(x, verbose=0)
    path = tmp_path / "model.hornet"
    model.save(path)
    loaded = hornet.models.load_model(path)
    assert type(loaded) is type(model)
    assert [type(layer) for layer in loaded.layers] == [type(layer) for layer in model.layers]
    for a, b in zip(loaded.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), predictions, rtol=rtol, atol=atol)
    return loaded
