"""Keras 3 (JAX backend) as the oracle for model tests: twin models built by the same recipe, data, and
history comparison helpers."""
from __future__ import annotations

import os
from typing import Any, Callable

import numpy as np

os.environ["KERAS_BACKEND"] = "jax"

import keras  # noqa: E402

import hornet  # noqa: E402
from hornet import layers as hl  # noqa: E402

RTOL = 1e-5
ATOL = 1e-6


class Kit:
    """One framework's namespace, so a recipe builds the same model in hornet and in Keras."""

    def __init__(self, name: str, mod: Any, layers: Any, ops: Any):
        self.name = name
        self.mod = mod
        self.layers = layers
        self.ops = ops
        self.Input = mod.Input
        self.Model = mod.Model
        self.Sequential = mod.Sequential
        self.Layer = layers.Layer
        self.optimizers = mod.optimizers
        self.losses = mod.losses
        self.regularizers = mod.regularizers
        self.callbacks = mod.callbacks


HORNET = Kit("hornet", hornet, hl, hornet.ops)
KERAS = Kit("keras", keras, keras.layers, keras.ops)


def twins(recipe: Callable[[Kit], Any]) -> tuple[Any, Any]:
    """(hornet model, keras model) from one recipe, with the hornet weights set to Keras's initial ones."""
    k = recipe(KERAS)
    h = recipe(HORNET)
    h.set_weights(k.get_weights())
    return h, k


def assert_history_close(h_hist: dict[str, list[float]], k_hist: dict[str, list[float]],
                         rtol: float = RTOL, atol: float = ATOL, keys: Any = None) -> None:
    keys = sorted(k_hist) if keys is None else keys
    missing = [key for key in keys if key not in h_hist]
    assert not missing, f"hornet History lacks {missing}; it has {sorted(h_hist)}"
    for key in keys:
        np.testing.assert_allclose(h_hist[key], k_hist[key], rtol=rtol, atol=atol, err_msg=key)


def assert_weights_close(h_model: Any, k_model: Any, rtol: float = 2e-5, atol: float = 2e-6) -> None:
    hw, kw = h_model.get_weights(), k_model.get_weights()
    assert len(hw) == len(kw)
    for i, (a, b) in enumerate(zip(hw, kw)):
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, err_msg=f"weight {i}")


def classification_data(n: int = 203, features: int = 8, classes: int = 3, seed: int = 0) -> tuple[Any, Any]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, features)).astype("float32")
    w = rng.normal(size=(features, classes))
    y = np.argmax(x @ w + 0.5 * rng.normal(size=(n, classes)), axis=1).astype("int64")
    return x, y


def regression_data(n: int = 90, features: int = 6, outputs: int = 2, seed: int = 1) -> tuple[Any, Any]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, features)).astype("float32")
    y = (np.tanh(x @ rng.normal(size=(features, outputs))) + 0.1 * rng.normal(size=(n, outputs))).astype("float32")
    return x, y


def mlp(kit: Kit, features: int = 8, hidden: int = 16, out: int = 3) -> Any:
    L = kit.layers
    return kit.Sequential([kit.Input((features,)), L.Dense(hidden, activation="relu"), L.Dense(out)])


def compile_classifier(model: Any, kit: Kit, lr: float = 0.01, **kwargs: Any) -> Any:
    model.compile(optimizer=kit.optimizers.Adam(learning_rate=lr),
                  loss=kit.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"], **kwargs)
    return model
