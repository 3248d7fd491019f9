"""Pooling layers against Keras 3 (JAX backend): outputs, output shapes, masking, symbolic batch, config round
trip and errors."""
import inspect
import re

import numpy as np
import pytest

from layer_oracle import ATOL, RTOL, check_jit_matches_keras, keras_config_keys, rand

import hornet
from hornet.api.layers import pooling
from hornet.ir.errors import ShapeError


CASES = [
    ("MaxPooling1D", dict(), (2, 7, 3)),
    ("MaxPooling1D", dict(pool_size=3, strides=2, padding="same", data_format="channels_first"), (2, 3, 8)),
    ("MaxPooling2D", dict(pool_size=3, strides=2, padding="same"), (2, 7, 7, 3)),
    ("MaxPooling2D", dict(pool_size=(2, 3), strides=1), (2, 5, 6, 2)),
    ("MaxPooling3D", dict(), (2, 4, 5, 4, 3)),
    ("MaxPooling3D", dict(pool_size=2, padding="same", data_format="channels_first"), (1, 2, 5, 3, 3)),
    ("AveragePooling1D", dict(pool_size=2), (2, 7, 3)),
    ("AveragePooling1D", dict(pool_size=3, strides=2, padding="same"), (2, 8, 3)),
    ("AveragePooling2D", dict(pool_size=3, strides=2, padding="same", data_format="channels_first"), (2, 3, 7, 7)),
    ("AveragePooling2D", dict(pool_size=(2, 2)), (2, 6, 5, 3)),
    ("AveragePooling3D", dict(pool_size=2, strides=(1, 2, 2), padding="same"), (1, 3, 5, 4, 2)),
    ("GlobalMaxPooling1D", dict(), (2, 5, 3)),
    ("GlobalMaxPooling1D", dict(keepdims=True, data_format="channels_first"), (2, 5, 3)),
    ("GlobalMaxPooling2D", dict(keepdims=True), (2, 4, 5, 3)),
    ("GlobalMaxPooling3D", dict(data_format="channels_first"), (2, 4, 3, 3, 2)),
    ("GlobalAveragePooling1D", dict(), (2, 5, 3)),
    ("GlobalAveragePooling2D", dict(data_format="channels_first"), (2, 3, 4, 5)),
    ("GlobalAveragePooling2D", dict(keepdims=True), (2, 4, 5, 3)),
    ("GlobalAveragePooling3D", dict(keepdims=True, data_format="channels_first"), (2, 2, 3, 3, 3)),
    ("AdaptiveAveragePooling1D", dict(output_size=3), (2, 7, 3)),
    ("AdaptiveAveragePooling2D", dict(output_size=(2, 3), data_format="channels_first"), (2, 3, 7, 8)),
    ("AdaptiveMaxPooling2D", dict(output_size=2), (2, 5, 5, 3)),
    ("AdaptiveMaxPooling3D", dict(output_size=(1, 2, 2)), (1, 3, 4, 5, 2)),
]


@pytest.mark.parametrize("name,kwargs,shape", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_matches_keras(keras, name, kwargs, shape):
    h_layer = getattr(pooling, name)(**kwargs)
    k_layer = getattr(keras.layers, name)(**kwargs)
    x = rand(shape)
    expected = np.asarray(k_layer(x))
    np.testing.assert_allclose(np.asarray(h_layer(x)), expected, rtol=RTOL, atol=ATOL)
    symbolic = (None,) + shape[1:]
    assert tuple(h_layer.compute_output_shape(symbolic)) == tuple(k_layer.compute_output_shape(symbolic))
    assert tuple(h_layer.compute_output_shape(shape)) == expected.shape
    assert h_layer.weights == []


@pytest.mark.parametrize("name,kwargs,shape", [CASES[2], CASES[8], CASES[17], CASES[20]],
                         ids=["max2d", "avg2d-same", "global", "adaptive"])
def test_symbolic_batch_and_jit(keras, name, kwargs, shape):
    check_jit_matches_keras(getattr(pooling, name)(**kwargs), getattr(keras.layers, name)(**kwargs), shape, 2)


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("keepdims", [False, True])
def test_global_average_pooling_1d_mask(keras, data_format, keepdims):
    x = rand((3, 5, 4) if data_format == "channels_last" else (3, 4, 5))
    mask = np.array([[1, 1, 1, 0, 0], [1, 0, 1, 1, 1], [1, 1, 1, 1, 1]], bool)
    kwargs = dict(data_format=data_format, keepdims=keepdims)
    h_layer, k_layer = pooling.GlobalAveragePooling1D(**kwargs), keras.layers.GlobalAveragePooling1D(**kwargs)
    expected = np.asarray(k_layer(x, mask=mask))
    np.testing.assert_allclose(np.asarray(h_layer(x, mask=mask)), expected, rtol=RTOL, atol=ATOL)
    assert h_layer.compute_mask(x, mask) is None
    jitted = hornet.jit(lambda a, m: h_layer(a, mask=m))
    np.testing.assert_allclose(np.asarray(jitted(x, mask)), expected, rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("name,kwargs,shape", [
    ("MaxPooling2D", dict(pool_size=(3, 2), strides=(1, 2), padding="same", name="pool"), (2, 5, 6, 3)),
    ("AveragePooling1D", dict(pool_size=2, data_format="channels_first"), (2, 3, 6)),
    ("GlobalMaxPooling3D", dict(keepdims=True), (2, 3, 3, 3, 2)),
    ("GlobalAveragePooling1D", dict(data_format="channels_first"), (2, 3, 4)),
    ("AdaptiveMaxPooling1D", dict(output_size=2), (2, 5, 3)),
])
def test_config_round_trip(keras, name, kwargs, shape):
    cls = getattr(pooling, name)
    layer = cls(**kwargs)
    config = layer.get_config()
    assert set(config) == keras_config_keys(getattr(keras.layers, name))
    clone = cls.from_config(config)
    assert clone.get_config() == config
    x = rand(shape)
    np.testing.assert_array_equal(np.asarray(clone(x)), np.asarray(layer(x)))


def test_defaults_match_keras(keras):
    for name in ("MaxPooling1D", "MaxPooling2D", "MaxPooling3D"):
        ours = inspect.signature(getattr(pooling, name).__init__).parameters["pool_size"].default
        theirs = inspect.signature(getattr(keras.layers, name).__init__).parameters["pool_size"].default
        assert ours == theirs
    for name in ("AveragePooling1D", "AveragePooling2D", "AveragePooling3D"):  # pool_size is required
        with pytest.raises(TypeError):
            getattr(pooling, name)()
    assert pooling.MaxPooling2D().strides == (2, 2)


@pytest.mark.parametrize("name,kwargs,shape", [
    ("MaxPooling2D", dict(), (2, 8, 3)),
    ("AveragePooling1D", dict(pool_size=2), (2, 4, 4, 3)),
    ("GlobalAveragePooling2D", dict(), (2, 4, 3)),
    ("GlobalMaxPooling1D", dict(), (4, 3)),
    ("AdaptiveAveragePooling2D", dict(output_size=2), (2, 4, 3)),
])
def test_wrong_rank_names_layer_and_shape(name, kwargs, shape):
    layer = getattr(pooling, name)(**kwargs)
    rank = int(name[-2]) + 2
    expected = f"'{layer.name}' ({name}) expects a rank-{rank} input, got shape {shape}"
    with pytest.raises(ShapeError, match=re.escape(expected)):
        layer(rand(shape))


@pytest.mark.parametrize("cls,kwargs,match", [
    (pooling.MaxPooling2D, dict(padding="causal"), "padding"),
    (pooling.MaxPooling2D, dict(pool_size=(2, 2, 2)), "pool_size"),
    (pooling.AveragePooling1D, dict(pool_size=0), "pool_size"),
    (pooling.GlobalMaxPooling2D, dict(data_format="NCHW"), "data_format"),
])
def test_bad_arguments(cls, kwargs, match):
    with pytest.raises(ValueError, match=match):
        cls(**kwargs)


def test_valid_pool_larger_than_input():
    with pytest.raises(ValueError, match="zero or negative"):
        pooling.MaxPooling2D(4).compute_output_shape((None, 3, 3, 1))


def test_aliases():
    assert pooling.MaxPool2D is pooling.MaxPooling2D
    assert pooling.AvgPool3D is pooling.AveragePooling3D
    assert pooling.GlobalAvgPool1D is pooling.GlobalAveragePooling1D
    assert pooling.GlobalMaxPool3D is pooling.GlobalMaxPooling3D
