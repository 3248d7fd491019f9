"""The bench models, written once for hornet and Keras (the same public API), their data, and the Keras-style
measurement (fit per step, first step, one-sample predict, a long fit) that the per-backend benches share.
Imports no framework: each bench script picks its backend before importing Keras."""
from __future__ import annotations

import statistics
import threading
import time
from typing import Any, Callable

import numpy as np

RNG = np.random.default_rng(0)


def data(kind: str, n: int) -> tuple[np.ndarray, np.ndarray]:
    y = RNG.integers(0, 10, n).astype("int64")
    if kind == "transformer":
        return RNG.integers(0, 1000, (n, 32)).astype("int64"), y
    shape = {"mlp": (784,), "cnn": (28, 28, 1), "lstm": (20, 16)}[kind]
    return RNG.normal(size=(n, *shape)).astype("float32"), y


def build(lib: Any, kind: str) -> Any:
    L = lib.layers
    if kind == "mlp":
        return lib.Sequential([lib.Input((784,)), L.Dense(512, activation="relu"), L.Dense(512, activation="relu"),
                               L.Dense(10)])
    if kind == "lstm":
        return lib.Sequential([lib.Input((20, 16)), L.LSTM(64), L.Dense(10)])
    if kind == "transformer":
        tokens = lib.Input((32,), dtype="int32")
        h = L.Embedding(1000, 64)(tokens)
        h = L.LayerNormalization()(L.Add()([h, L.MultiHeadAttention(4, 16)(h, h)]))
        h = L.LayerNormalization()(L.Add()([h, L.Dense(64)(L.Dense(128, activation="relu")(h))]))
        return lib.Model(tokens, L.Dense(10)(L.GlobalAveragePooling1D()(h)))
    return lib.Sequential([lib.Input((28, 28, 1)), L.Conv2D(32, 3, activation="relu"),
                           L.Conv2D(64, 3, activation="relu"), L.MaxPooling2D(2), L.Flatten(),
                           L.Dense(128, activation="relu"), L.Dense(10)])


def median_ms(fn: Callable[[], Any], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1e3)
    return statistics.median(times)


def keras_like(lib: Any, kind: str, x: np.ndarray, y: np.ndarray, batch: int, steps: int, long_steps: int,
               **compile_args: Any) -> dict[str, float]:
    def fresh() -> Any:
        model = build(lib, kind)
        loss = lib.losses.SparseCategoricalCrossentropy(from_logits=True)
        model.compile(optimizer=lib.optimizers.Adam(1e-3), loss=loss, **compile_args)
        return model

    model = fresh()
    t = time.perf_counter()
    model.fit(x[:batch], y[:batch], batch_size=batch, epochs=1, verbose=0)
    first = (time.perf_counter() - t) * 1e3
    n = batch * steps
    fit = median_ms(lambda: model.fit(x[:n], y[:n], batch_size=batch, epochs=1, verbose=0, shuffle=False), 3)
    predict = median_ms(lambda: model.predict(x[:1], verbose=0), 30)
    model = fresh()
    t = time.perf_counter()
    model.fit(x[:n], y[:n], batch_size=batch, epochs=long_steps // steps, verbose=0, shuffle=False)
    long = time.perf_counter() - t
    for thread in threading.enumerate():  # a background compile still running must not slow the next column
        if thread.name == "hornet-inductor":
            thread.join()
    return {"fit": fit / steps, "first": first, "predict": predict, "long": long}
