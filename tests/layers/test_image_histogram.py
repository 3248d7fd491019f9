"""Equalization and CLAHE (image_histogram) against Keras 3 on JAX and a NumPy histogram reference: value
ranges, bin counts, tile grids that do not divide the image, clip limits, integer images, data formats;
inference behaviour as Keras; config round trips; traced with a symbolic batch and inside a compiled model."""
import json

import numpy as np
import pytest

import hornet
from hornet import layers
from hornet.api.models.sequential import Sequential

from layer_oracle import close as _close, close_levels, uniform_images

SHAPE = (3, 8, 10, 3)  # as test_image_preprocessing: Keras and hornet reuse their compiled ops
GRID = (3, 4)  # 8x10 images: padded to 9x12


def images(shape=SHAPE, seed=0, high=255.0):
    return uniform_images(shape, seed, high)


def close(a, b, atol=1e-4):
    _close(a, b, rtol=1e-5, atol=atol)


def equalize_reference(x, bins=256):
    """NumPy histogram equalization of a (batch, h, w, c) batch in [0, 255], one histogram per channel."""
    out = np.empty_like(x)
    for c in range(x.shape[-1]):
        v = x[..., c]
        hist = np.bincount(np.clip((v * (bins - 1) / 255.0).astype(np.int32), 0, bins - 1).ravel(), minlength=bins)
        cdf = np.cumsum(hist)
        first = cdf[cdf > 0][0]
        table = np.clip(np.round((cdf - first) * 255.0 / max(cdf[-1] - first, 1)), 0, 255)
        index = np.clip(v / 255.0 * (bins - 1), 0, bins - 1).astype(np.int32)
        out[..., c] = v if np.count_nonzero(hist) <= 1 else table[index]
    return out


def test_equalization_matches_keras(keras, oracle):
    kwargs = dict(value_range=(0, 1), bins=8)  # Keras on JAX counts bin by bin: few bins keep it quick
    x = images(high=1.0)
    x[..., 2] = x[0, 0, 0, 2]  # a constant channel is left as it is
    h, k = layers.Equalization(**kwargs), keras.layers.Equalization(**kwargs)
    (want,) = oracle("equalization", lambda: [k(x, training=True)])
    close_levels(hornet.jit(lambda t: h(t, training=True))(x), want, level=1.0 / 255.0, atol=1e-4, fraction=0.05)
    np.testing.assert_array_equal(np.asarray(h(x, training=False)), x)  # Keras: identity at inference
    assert set(k.get_config()) <= set(h.get_config())


def test_equalization_matches_numpy_reference():  # eager (the Keras test runs it compiled)
    x = np.round(images(seed=1) / 3.0) * 3.0
    close_levels(layers.Equalization()(x, training=True), equalize_reference(x), atol=1e-4, fraction=0.05)


def test_clahe_matches_keras(keras, oracle):
    kwargs = dict(tile_grid_size=GRID, clip_limit=2.0, value_range=(0, 1))
    high = float(kwargs.get("value_range", (0, 255))[1])
    x = images(high=high)
    name = "ContrastLimitedAdaptiveHistogramEqualization"
    h, k = getattr(layers, name)(**kwargs), getattr(keras.layers, name)(**kwargs)
    (want,) = oracle("clahe", lambda: [k(x)])
    # compiled at inference (eager calls in training: the integer test below), where Keras applies it too
    close(hornet.jit(lambda t: h(t, training=False))(x), want, atol=1e-4 * high)
    config = h.get_config()
    json.dumps(config)
    assert set(k.get_config()) <= set(config)
    clone = type(h).from_config(config)
    assert clone.get_config() == {**config, "name": clone.name}


def test_clahe_integer_images_and_channels_first(keras, oracle):
    x = images(seed=2).astype("uint8")
    h = layers.ContrastLimitedAdaptiveHistogramEqualization(tile_grid_size=GRID, clip_limit=0.0)  # no clipping
    k = keras.layers.ContrastLimitedAdaptiveHistogramEqualization(tile_grid_size=GRID, clip_limit=0.0)
    xf = images(seed=3)
    want_int, want_float = oracle("clahe-int", lambda: [k(x), k(xf)])
    got = np.asarray(h(x))
    assert got.dtype == np.uint8
    # float sums truncated to uint8: the compiled sum order may move a value across an integer
    assert np.abs(got.astype(int) - want_int.astype(int)).max() <= 1
    first = layers.ContrastLimitedAdaptiveHistogramEqualization(tile_grid_size=GRID, clip_limit=0.0,
                                                                data_format="channels_first")
    close(np.asarray(first(xf.transpose(0, 3, 1, 2))).transpose(0, 2, 3, 1), want_float)


def test_traced_symbolic_batch_and_compiled_model():
    clahe = layers.ContrastLimitedAdaptiveHistogramEqualization(tile_grid_size=GRID, clip_limit=0.0)
    equal = layers.Equalization()
    graph = hornet.trace(lambda t: clahe(equal(t, training=True)), hornet.TensorSpec((None, *SHAPE[1:])))
    assert str(graph.output_types[0]) == "float32[batch,8,10,3]"
    x = images(seed=4)
    close(hornet.jit(lambda t: equal(t, training=True))(x), equal(x, training=True))
    model = Sequential([layers.Input(SHAPE[1:]), layers.Equalization(), clahe, layers.Flatten(), layers.Dense(1)])
    model.compile("sgd", "mse")
    model.fit(x / 255.0, np.zeros((3, 1), "float32"), epochs=1, verbose=0)
    reference = Sequential([layers.Input(SHAPE[1:]), clahe, layers.Flatten(), model.layers[-1]])
    close(model.predict(x, verbose=0), reference.predict(x, verbose=0), atol=1e-3)  # Equalization: off


def test_errors():
    with pytest.raises(ValueError, match="Equalization: `bins` must be an integer of at least 2, got bins=1"):
        layers.Equalization(bins=1)
    with pytest.raises(ValueError, match="Equalization: `value_range`.*value_range=\\(0, 1, 2\\)"):
        layers.Equalization(value_range=(0, 1, 2))
    with pytest.raises(ValueError, match="`tile_grid_size` must be a pair of positive integers.*\\(0, 2\\)"):
        layers.ContrastLimitedAdaptiveHistogramEqualization(tile_grid_size=(0, 2))
    with pytest.raises(ValueError, match="`clip_limit` must be a number, got clip_limit='high'"):
        layers.ContrastLimitedAdaptiveHistogramEqualization(clip_limit="high")
    layer = layers.ContrastLimitedAdaptiveHistogramEqualization()
    with pytest.raises(ValueError, match="height and width must be known"):
        hornet.trace(lambda t: layer(t), hornet.TensorSpec((None, None, None, 3)))
