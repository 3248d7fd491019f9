"""A tiny stand-in for a compiled model, and a loop that drives callbacks the way ``fit`` does.

The same driver runs hornet's callbacks and Keras 3's (the oracle), so their decisions can be compared.
"""
from __future__ import annotations

import os
from typing import Any, Callable, Sequence

import numpy as np


def keras_module():
    os.environ["KERAS_BACKEND"] = "jax"
    import keras

    return keras


class FakeOptimizer:
    def __init__(self, learning_rate: float = 0.01):
        self.learning_rate = learning_rate
        self.iterations = 0


class FakeModel:
    """get/set_weights, stop_training, optimizer.learning_rate, save/save_weights writing small files."""

    def __init__(self, learning_rate: float = 0.01, optimizer: Any = None):
        self.stop_training = False
        self.optimizer = optimizer if optimizer is not None else FakeOptimizer(learning_rate)
        self.weights = [np.zeros((2, 2), "float32"), np.zeros((2,), "float32")]
        self.history = None
        self.saved: list[tuple[str, str]] = []

    def get_weights(self) -> list[np.ndarray]:
        return [w.copy() for w in self.weights]

    def set_weights(self, weights: Sequence[Any]) -> None:
        self.weights = [np.array(w, copy=True) for w in weights]

    def save(self, filepath: str, overwrite: bool = True, **kwargs: Any) -> None:
        with open(filepath, "w") as f:
            f.write(f"model {self.weights[0][0, 0]}")
        self.saved.append(("model", filepath))

    def save_weights(self, filepath: str, overwrite: bool = True, **kwargs: Any) -> None:
        with open(filepath, "w") as f:
            f.write(f"weights {self.weights[0][0, 0]}")
        self.saved.append(("weights", filepath))


def learning_rate(model: Any) -> float:
    return float(np.asarray(model.optimizer.learning_rate))


def run_fit(callback_list_cls: Callable, callbacks: list, model: Any, epoch_logs: Sequence[dict],
            steps: int = 2, batch_logs: Callable[[int, int], dict] | None = None, verbose: int = 0,
            on_epoch: Callable[[int], None] | None = None) -> dict:
    """Drives ``callbacks`` like ``fit``: weights become the epoch index during epoch ``e``; stops on stop_training.

    Returns what the callbacks decided: epochs run, learning rate at each epoch end, final weights marker.
    """
    cbs = callback_list_cls(callbacks, add_history=True, model=model, verbose=verbose,
                            epochs=len(epoch_logs), steps=steps)
    model.stop_training = False
    lrs, ran = [], 0
    cbs.on_train_begin()
    for epoch, logs in enumerate(epoch_logs):
        cbs.on_epoch_begin(epoch)
        model.set_weights([np.full_like(w, epoch) for w in model.get_weights()])
        for step in range(steps):
            cbs.on_train_batch_begin(step)
            if hasattr(model.optimizer, "iterations") and isinstance(model.optimizer.iterations, int):
                model.optimizer.iterations += 1
            cbs.on_train_batch_end(step, batch_logs(epoch, step) if batch_logs else {"loss": logs.get("loss", 0.0)})
        if on_epoch:
            on_epoch(epoch)
        cbs.on_epoch_end(epoch, dict(logs))
        lrs.append(learning_rate(model))
        ran += 1
        if model.stop_training:
            break
    cbs.on_train_end()
    return {"epochs": ran, "lrs": lrs, "weights": float(model.weights[0][0, 0]),
            "history": dict(model.history.history)}
