"""Colour, tone and filter augmentation layers (image_color, image_tone, image_filters) against Keras 3 on JAX:
with the same seed they match Keras draw for draw over two calls (the generators' streams), in either data
format and on single images; inference is the identity (cast where Keras casts); configs round-trip; they trace
with a symbolic batch (the compiled program continues the eager stream) and run inside a compiled model."""
import json

import numpy as np
import pytest

import hornet
from hornet import layers
from hornet.api.models.sequential import Sequential
from hornet.ir.errors import ShapeError
from hornet.runtime.backend import using_backend
from layer_oracle import close as _close, uniform_images

SHAPE = (3, 8, 10, 3)  # as test_image_preprocessing: Keras and hornet reuse their compiled ops
ATOL = 2e-4  # values up to 255 through float32 HSV round trips


def images(shape=SHAPE, seed=0, high=255.0):
    return uniform_images(shape, seed, high)


def close(a, b, atol=ATOL):
    _close(a, b, rtol=1e-5, atol=atol)


CASES = [
    ("RandomColorDegeneration", dict(factor=0.6)),
    ("RandomGrayscale", dict(factor=0.5)),
    ("RandomHue", dict(factor=(0.2, 0.9))),
    ("RandomSaturation", dict(factor=0.7, value_range=(0, 1))),
    ("RandomColorJitter", dict(brightness_factor=0.2, contrast_factor=0.3, saturation_factor=(0.3, 0.7),
                               hue_factor=0.2)),
    ("RandomInvert", dict(factor=0.6)),
    ("RandomPosterization", dict(factor=(2, 6))),
    ("Solarization", dict(addition_factor=0.2, threshold_factor=(0.3, 0.8))),
    ("RandomSharpness", dict(factor=(0.1, 0.9))),
    ("RandomGaussianBlur", dict(factor=0.8, kernel_size=(3, 5), sigma=(0.3, 0.9))),
]
IDS = [f"{name}-{i}" for i, (name, _) in enumerate(CASES)]


def unit_range(kwargs):
    return tuple(kwargs.get("value_range", (0, 255)))[1] == 1


@pytest.mark.parametrize("name,kwargs", CASES, ids=IDS)
def test_matches_keras_with_seed_identity_at_inference_and_round_trip(keras, oracle, name, kwargs):
    x = images(high=1.0 if unit_range(kwargs) else 255.0)
    h, k = getattr(layers, name)(seed=9, **kwargs), getattr(keras.layers, name)(seed=9, **kwargs)
    np.testing.assert_array_equal(np.asarray(h(x, training=False)), x)
    wants = oracle((name, str(kwargs)), lambda: [k(x, training=True) for _ in range(2)])
    for want in wants:  # the second call continues each generator's stream
        close(h(x, training=True), want)
    config = h.get_config()
    json.dumps(config)
    assert set(k.get_config()) <= set(config)
    clone = type(h).from_config(config)
    assert clone.get_config() == {**config, "name": clone.name}
    close(clone(x, training=True), wants[0])  # a fresh generator from the same seed


def test_auto_contrast_matches_keras_in_training_and_inference(keras, oracle):
    x = images(seed=1) * 0.5 + 40.0
    x[0, ..., 1] = 7.0  # a constant channel keeps its values
    want, want_unit = oracle("auto_contrast", lambda: [keras.layers.AutoContrast()(x),
                                                       keras.layers.AutoContrast(value_range=(0, 1))(x / 255.0)])
    h = layers.AutoContrast()
    close(h(x), want)
    close(h(x, training=False), want)
    out = np.asarray(h(x))
    assert out[1].min() == 0.0 and out[1].max() == pytest.approx(255.0) and np.all(out[0, ..., 1] == 7.0)
    close(layers.AutoContrast(value_range=(0, 1))(x / 255.0), want_unit, atol=1e-6)
    # Keras reduces axes (1, 2) whatever the format; hornet stretches each channel of each image in both
    first = layers.AutoContrast(data_format="channels_first")(x.transpose(0, 3, 1, 2))
    close(np.asarray(first).transpose(0, 2, 3, 1), want)


def test_channels_first_and_single_image():
    """The same draws give the channels-last result transposed, and a single image the batch-of-one result."""
    x = images()
    hue, sharp = dict(factor=(0.2, 0.9)), dict(factor=(0.1, 0.9))
    want = np.asarray(layers.RandomHue(seed=4, **hue)(x))
    first = layers.RandomHue(seed=4, data_format="channels_first", **hue)(x.transpose(0, 3, 1, 2))
    close(np.asarray(first).transpose(0, 2, 3, 1), want)
    single = layers.RandomSharpness(seed=4, **sharp)(x[0])
    close(single, layers.RandomSharpness(seed=4, **sharp)(x[:1])[0])


def test_dtypes_at_inference_and_integer_images(keras, oracle):
    x = images(seed=6).astype("uint8")
    assert np.asarray(layers.RandomInvert(seed=0)(x, training=False)).dtype == np.uint8  # Keras: no cast
    assert np.asarray(layers.RandomSharpness(0.5, seed=0)(x, training=False)).dtype == np.float32  # Keras casts
    cases = (("RandomGrayscale", dict(factor=0.7)), ("RandomPosterization", dict(factor=4)))
    wants = oracle("integer", lambda: [getattr(keras.layers, n)(seed=2, **kw)(x, training=True) for n, kw in cases])
    for (name, kwargs), want in zip(cases, wants):
        got = np.asarray(getattr(layers, name)(seed=2, **kwargs)(x, training=True))
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("backend", ["torch"])
def test_statistics_and_structure(backend):
    with using_backend(backend):  # eager statistics: one backend is enough
        check_statistics()


def check_statistics():
    x = images((300, 2, 2, 3), 7)
    gray = np.asarray(layers.RandomGrayscale(0.3, seed=0)(x, training=True))
    is_gray = np.all(gray == gray[..., :1], axis=(1, 2, 3))
    assert 0.22 < is_gray.mean() < 0.38
    inverted = np.asarray(layers.RandomInvert((0.5, 0.5), seed=0)(x, training=True))
    flipped = np.all(np.isclose(inverted, 255.0 - x), axis=(1, 2, 3))
    assert 0.4 < flipped.mean() < 0.6 and np.all(flipped | np.all(inverted == x, axis=(1, 2, 3)))
    poster = np.asarray(layers.RandomPosterization((3, 3), seed=0)(x, training=True))  # equal bounds: 3 bits
    np.testing.assert_array_equal(poster, (x.astype("uint8") >> 5 << 5).astype("float32"))
    hue = np.asarray(layers.RandomHue(0.5, seed=0)(x, training=True))
    np.testing.assert_allclose(hue.max(-1), x.max(-1), atol=1e-3)  # a hue rotation keeps the HSV value
    np.testing.assert_allclose(hue.min(-1), x.min(-1), atol=1e-3)
    solar = np.asarray(layers.Solarization(value_range=(0, 1), seed=0)(x / 255.0, training=True))
    np.testing.assert_allclose(solar, 1.0 - x / 255.0, atol=1e-6)  # defaults: invert every pixel


def test_jit_symbolic_batch_continues_the_stream():
    layer = layers.RandomColorJitter(brightness_factor=0.2, hue_factor=0.3, seed=5)
    eager = layers.RandomColorJitter(brightness_factor=0.2, hue_factor=0.3, seed=5)
    graph = hornet.trace(lambda t: layer(t, training=True), hornet.TensorSpec((None, *SHAPE[1:])))
    assert str(graph.output_types[0]) == "float32[batch,8,10,3]"
    jitted = hornet.jit(lambda t: layer(t, training=True))
    x = images()
    for _ in range(2):  # the state is threaded through the compiled program: the same stream as eager calls
        close(jitted(x), eager(x, training=True), atol=1e-3)
    assert jitted.cache_size == 1


def test_compiled_model_fit_and_predict():
    x = images(seed=8)
    model = Sequential([layers.Input(SHAPE[1:]), layers.RandomGaussianBlur(seed=1), layers.RandomHue(0.3, seed=2),
                        layers.AutoContrast(), layers.Flatten(), layers.Dense(2)])
    model.compile("sgd", "mse")
    history = model.fit(x / 255.0, np.zeros((3, 2), "float32"), epochs=1, batch_size=3, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))
    reference = Sequential([layers.Input(SHAPE[1:]), layers.AutoContrast(), layers.Flatten(), model.layers[-1]])
    close(model.predict(x, verbose=0), reference.predict(x, verbose=0), atol=1e-4)  # inference: blur, hue off


def test_errors():
    with pytest.raises(ValueError, match=r"RandomHue: `factor`.*\[0, 1\].*factor=-0.2"):
        layers.RandomHue(-0.2)
    with pytest.raises(ValueError, match="RandomGrayscale: `factor` must be a number in \\[0, 1\\], got factor=1.5"):
        layers.RandomGrayscale(1.5)
    with pytest.raises(ValueError, match="RandomPosterization: `factor`.*factor=9"):
        layers.RandomPosterization(9)
    with pytest.raises(ValueError, match="Solarization: `threshold_factor`.*threshold_factor=\\(0.2, 1.5\\)"):
        layers.Solarization(threshold_factor=(0.2, 1.5))
    with pytest.raises(ValueError, match="RandomGaussianBlur: `kernel_size` must be an odd integer.*kernel_size=4"):
        layers.RandomGaussianBlur(kernel_size=4)
    with pytest.raises(ValueError, match="RandomGaussianBlur: `sigma`.*sigma=2.0"):
        layers.RandomGaussianBlur(sigma=2.0)
    with pytest.raises(ValueError, match="RandomSharpness: `value_range`.*value_range=255"):
        layers.RandomSharpness(0.5, value_range=255)
    with pytest.raises(ShapeError, match="RandomColorDegeneration"):
        layers.RandomColorDegeneration(0.5, seed=0)(np.zeros((8, 10), "float32"))
    with pytest.raises(ShapeError, match="rgb_to_hsv: `images` must have 3 channels"):
        layers.RandomHue(0.5, seed=0)(np.zeros((1, 8, 10, 4), "float32"))
