"""Fixtures of the layer tests: Keras 3 on the JAX backend as the oracle; every test runs on each compiled hornet
backend."""
import os

import numpy as np
import pytest

from helpers import on_each_backend  # noqa: F401

os.environ.setdefault("KERAS_BACKEND", "jax")  # before anything imports keras


@pytest.fixture(scope="module")
def keras():
    os.environ["KERAS_BACKEND"] = "jax"
    import keras as k

    assert k.backend.backend() == "jax"
    return k


@pytest.fixture(scope="module")
def oracle(keras):
    """``oracle(key, compute)``: Keras's outputs (a list, as NumPy) computed once per module and key, so the
    runs on every hornet backend compare against one Keras run (Keras on JAX is slow to warm up)."""
    cache: dict = {}

    def get(key, compute):
        if key not in cache:
            cache[key] = [np.asarray(v) for v in compute()]
        return cache[key]

    return get
