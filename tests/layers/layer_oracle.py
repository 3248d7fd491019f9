"""Helpers of the layer tests (Keras 3 on JAX is the oracle): random inputs, tolerant comparison, weights copied
from Keras, config round trips and symbolic-batch checks."""
from __future__ import annotations

import inspect
import json
from typing import Any, Callable, Sequence

import numpy as np

import hornet
from hornet.api.layers.input_layer import Input

RTOL = ATOL = 1e-5


def rand(shape: Sequence[int], seed: int = 0, scale: float = 1.0, shift: float = 0.0) -> np.ndarray:
    """float32 normal draws times ``scale`` plus ``shift``, fixed by ``seed``."""
    return (np.random.default_rng(seed).normal(size=shape) * scale + shift).astype("float32")


def uniform_images(shape: Sequence[int], seed: int = 0, high: float = 255.0) -> np.ndarray:
    """float32 images uniform in [0, high), fixed by ``seed``."""
    return np.random.default_rng(seed).uniform(0, high, shape).astype("float32")


def close_levels(a: Any, b: Any, level: float = 1.0, atol: float = 2e-4, fraction: float = 0.1) -> None:
    """Equal but for at most ``fraction`` of the values, which may differ by up to one output ``level``: XLA's CPU
    division is not correctly rounded (and depends on how it is vectorized), so a histogram lookup ending in
    exactly .5 can round either way, and later operations spread that to neighbouring pixels."""
    diff = np.abs(np.asarray(a, np.float64) - np.asarray(b, np.float64))
    assert diff.max() <= level * 1.0001 and np.mean(diff > atol) < fraction


def close(a: Any, b: Any, rtol: float = RTOL, atol: float = ATOL) -> None:
    """``a`` matches ``b`` elementwise; lists and tuples are compared item by item."""
    if isinstance(b, (list, tuple)):
        assert isinstance(a, (list, tuple)) and len(a) == len(b)
        for x, y in zip(a, b):
            close(x, y, rtol, atol)
        return
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=rtol, atol=atol)


def plain(v: Any) -> Any:
    """Config values with tuples as lists, so hornet's and Keras's compare equal."""
    if isinstance(v, (list, tuple)):
        return [plain(x) for x in v]
    return v


def assert_configs_match(h_config: dict, k_config: dict, skip: Sequence[str] = ("name", "dtype")) -> None:
    """hornet's and Keras's configs agree (tuples and lists alike) on every key but ``skip``."""
    assert {key: plain(v) for key, v in h_config.items() if key not in skip} == \
        {key: plain(v) for key, v in k_config.items() if key not in skip}


def keras_config_keys(cls: type) -> set[str]:
    """A Keras layer's config keys: its __init__ arguments plus the base ones (Keras's own get_config imports
    TensorFlow, which costs seconds)."""
    params = inspect.signature(cls.__init__).parameters
    return {p for p in params if p not in ("self", "kwargs")} | {"name", "trainable", "dtype"}


def copy_random_weights(h_layer: Any, k_layer: Any, seed: int = 10, scale: float = 1.0) -> None:
    """Sets random weights (seeds ``seed``, ``seed + 1``...) in the Keras layer and copies them to hornet's."""
    k_layer.set_weights([rand(w.shape, seed + i, scale) for i, w in enumerate(k_layer.weights)])
    h_layer.set_weights(k_layer.get_weights())


def build_pair(h_layer: Any, k_layer: Any, shape: Sequence[int], seed: int = 10,
               scale: float = 1.0) -> tuple[Any, Any]:
    """The two layers built on ``shape``, with the same random weights."""
    k_layer.build(shape)
    h_layer.build(shape)
    copy_random_weights(h_layer, k_layer, seed, scale)
    return h_layer, k_layer


def check_round_trip(layer: Any, x: Any, rtol: float = RTOL, atol: float = ATOL, **call_kwargs: Any) -> None:
    """The JSON-ready config rebuilds a layer that gives the same outputs and config (but its name)."""
    config = layer.get_config()
    json.dumps(config)
    clone = type(layer).from_config(config)
    if layer.weights:
        clone.build(x.shape)
        clone.set_weights(layer.get_weights())
    close(clone(x, **call_kwargs), layer(x, **call_kwargs), rtol, atol)
    assert clone.get_config() == {**config, "name": clone.name}


def check_symbolic_batch(layer: Any, shape: Sequence[int], dtype: str = "float32",
                         make: Callable[..., np.ndarray] = rand) -> None:
    """One trace with a symbolic batch serves two batch sizes; outputs match eager calls."""
    graph = hornet.trace(lambda x: layer(x), hornet.TensorSpec((None, *shape[1:]), dtype))
    assert "batch" in str(graph.output_types[0])
    jitted = hornet.jit(layer)
    for batch in (2, 5):
        x = make((batch, *shape[1:]), batch)
        close(jitted(x), layer(x))
    assert jitted.cache_size <= 2


def check_jit_matches_keras(h_layer: Any, k_layer: Any, shape: Sequence[int], second_batch: int = 3) -> None:
    """A trace with a symbolic batch gives Keras's output shape; the jitted layer compiles once per batch size and
    matches Keras at ``shape[0]`` and ``shape[0] + second_batch``; a functional Input gets Keras's output shape."""
    shape = tuple(shape)
    graph = hornet.trace(lambda x: h_layer(x), hornet.TensorSpec((None,) + shape[1:]))
    out_shape = graph.outputs[0].type.shape
    assert out_shape[0] == "batch"
    assert tuple(out_shape[1:]) == tuple(k_layer.compute_output_shape(shape))[1:]
    jitted = hornet.jit(h_layer)
    for batch in (shape[0], shape[0] + second_batch):
        x = rand((batch,) + shape[1:], batch)
        close(jitted(x), k_layer(x))
    assert jitted.cache_size == 2
    assert h_layer(Input(shape[1:])).shape == tuple(k_layer.compute_output_shape((None,) + shape[1:]))
