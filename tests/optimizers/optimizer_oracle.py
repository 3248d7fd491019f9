"""Shared fixtures for the optimizer tests: fixed weights and gradients, and running N steps of an optimizer in
hornet and in Keras 3 (on JAX, the oracle) from the same start."""
from __future__ import annotations

import os

os.environ["KERAS_BACKEND"] = "jax"  # before keras is imported (keras is the oracle only)

from typing import Any, Callable  # noqa: E402

import keras  # noqa: E402
import numpy as np  # noqa: E402

import hornet  # noqa: E402
import hornet.optimizers as hopt  # noqa: E402

RTOL, ATOL = 1e-5, 1e-6
STEPS = 5
SHAPES = {"kernel": (3, 4), "bias": (4,)}


def initial_weights() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(7)
    return {name: rng.normal(size=shape).astype("float32") for name, shape in SHAPES.items()}


def gradients(steps: int = STEPS) -> list[list[np.ndarray]]:
    """A fixed gradient per step and variable (of mixed scales, so clipping has work to do)."""
    rng = np.random.default_rng(11)
    return [[(rng.normal(size=shape) * (1 + 2 * i)).astype("float32") for i, shape in enumerate(SHAPES.values())]
            for _ in range(steps)]


def hornet_variables() -> list[hornet.Variable]:
    return [hornet.Variable(v, name=n) for n, v in initial_weights().items()]


def keras_variables() -> list[Any]:
    return [keras.Variable(v, name=n) for n, v in initial_weights().items()]


def run_hornet(make: Callable[[Any], Any], steps: int = STEPS, setup: Callable[[Any, list], None] | None = None):
    variables = hornet_variables()
    opt = make(hopt)
    if setup:
        setup(opt, variables)
    for grads in gradients(steps):
        opt.apply(grads, variables)
    return opt, variables


def run_keras(make: Callable[[Any], Any], steps: int = STEPS, setup: Callable[[Any, list], None] | None = None):
    variables = keras_variables()
    opt = make(keras.optimizers)
    if setup:
        setup(opt, variables)
    for grads in gradients(steps):
        opt.apply([keras.ops.convert_to_tensor(g) for g in grads], variables)
    return opt, variables


def assert_close(got: list[Any], want: list[Any], what: str = "weights") -> None:
    assert len(got) == len(want), f"{what}: {len(got)} values, expected {len(want)}"
    for i, (g, w) in enumerate(zip(got, want)):
        g, w = np.asarray(g), np.asarray(w)
        assert g.shape == w.shape, f"{what}[{i}]: shape {g.shape}, expected {w.shape}"
        np.testing.assert_allclose(g.astype("float64"), w.astype("float64"), rtol=RTOL, atol=ATOL,
                                   err_msg=f"{what}[{i}]")
