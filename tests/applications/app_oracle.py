"""Helpers of the application tests: Keras models built without their (slow, and here overwritten) random
initialization, random weights safe for inference (positive variances), weights copied to hornet and
predictions compared."""
from __future__ import annotations

import contextlib
from typing import Any, Iterator

import numpy as np


@contextlib.contextmanager
def cheap_keras_init(keras: Any) -> Iterator[None]:
    """Keras's random initializers give zeros meanwhile: on JAX each new weight shape compiles a random kernel,
    which costs tens of seconds per big model, and the tests overwrite every weight anyway."""
    from keras.src.initializers import random_initializers as ri

    classes = [ri.VarianceScaling, ri.RandomNormal, ri.RandomUniform, ri.TruncatedNormal]
    saved = [c.__call__ for c in classes]
    for c in classes:
        c.__call__ = lambda self, shape, dtype=None: keras.ops.zeros(shape, dtype=dtype)
    try:
        yield
    finally:
        for c, call in zip(classes, saved):
            c.__call__ = call


def random_weights(model: Any, seed: int = 0) -> list[np.ndarray]:
    """One array per weight of a Keras model: fan-in scaled normals, positive variances and scales, so the
    activations stay O(1) through deep inference."""
    out = []
    for i, w in enumerate(model.weights):
        rng = np.random.default_rng(seed + i)
        path, shape = w.path, tuple(w.shape)
        if path.endswith("variance"):
            a = rng.uniform(0.5, 1.5, shape)
        elif path.endswith("moving_mean") or path.endswith("/mean"):
            a = rng.normal(0.0, 0.1, shape)
        elif path.endswith("gamma"):
            a = rng.uniform(0.5, 1.5, shape)
        elif path.endswith("count"):
            a = np.full(shape, 10)
        else:
            fan_in = int(np.prod(shape[:-1])) if len(shape) > 1 else 1
            a = rng.normal(0.0, 1.0 / np.sqrt(max(fan_in, 1)), shape)
        out.append(a.astype(w.dtype))
    return out


def images(shape: tuple, seed: int = 0) -> np.ndarray:
    """A float32 batch of pixels in [0, 255]."""
    return np.random.default_rng(seed).uniform(0.0, 255.0, shape).astype("float32")
