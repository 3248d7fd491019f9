"""Fixtures of the application tests: Keras 3 on the JAX backend as the oracle; every test runs on each compiled
hornet backend (tests bound to one backend say so)."""
import os

import pytest

from helpers import on_each_backend  # noqa: F401

os.environ.setdefault("KERAS_BACKEND", "jax")  # before anything imports keras


@pytest.fixture(scope="module")
def keras():
    os.environ["KERAS_BACKEND"] = "jax"
    import keras as k

    assert k.backend.backend() == "jax"
    return k
