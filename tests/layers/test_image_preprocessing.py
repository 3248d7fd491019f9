"""Image preprocessing layers against Keras 3 (JAX backend). Deterministic layers (Resizing, CenterCrop) and the
sampling helpers match exactly; random layers match Keras draw for draw given the same seed (same threefry
stream), are the identity at inference, deterministic given a seed, and keep a symbolic batch when traced."""
import json

import numpy as np
import pytest

import hornet
from hornet.api.layers import image_preprocessing as ip
from hornet.api.layers import image_sampling as sampling
from hornet.ir.errors import ShapeError

ATOL = 1e-4  # pixel values up to 255 in float32: ~1e-7 relative
SHAPE = (3, 8, 10, 3)


def images(shape=SHAPE, seed=0, dtype="float32"):
    return np.random.default_rng(seed).uniform(0, 255, shape).astype(dtype)


def close(a, b, atol=ATOL):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-6, atol=atol)


def check_round_trip(layer, x, training=None):
    config = layer.get_config()
    json.dumps(config)
    clone = type(layer).from_config(config)
    kwargs = {} if training is None else {"training": training}
    close(clone(x, **kwargs), layer(x, **kwargs))
    assert clone.get_config() == {**config, "name": clone.name}


# --- sampling helpers -------------------------------------------------------------------------------------------


def test_resize_helper_matches_keras_ops(keras):
    x = images((2, 7, 9, 2), 1)
    for interpolation in sampling.INTERPOLATIONS:  # antialias matters when downsampling
        got = sampling.resize(x, 4, 5, interpolation=interpolation, antialias=True)
        close(got, keras.ops.image.resize(x, (4, 5), interpolation=interpolation, antialias=True))
    close(sampling.resize(x, 11, 13, "lanczos5"), keras.ops.image.resize(x, (11, 13), interpolation="lanczos5"))


@pytest.mark.parametrize("interpolation", sampling.AFFINE_INTERPOLATIONS)
@pytest.mark.parametrize("fill_mode", sampling.FILL_MODES)
def test_affine_transform_helper_matches_keras_ops(keras, interpolation, fill_mode):
    x = images((2, 7, 9, 2), 2)
    t = np.random.default_rng(3).normal(size=(2, 8)).astype("float32") * 0.3
    t += np.array([1, 0, 0.5, 0, 1, -0.7, 0, 0], "float32")
    t[:, 6:] = 0
    got = sampling.affine_transform(x, t, interpolation, fill_mode, fill_value=7.0)
    close(got, keras.ops.image.affine_transform(x, t, interpolation, fill_mode, fill_value=7.0))


# --- Resizing / CenterCrop --------------------------------------------------------------------------------------

RESIZING = [
    dict(height=4, width=5),
    dict(height=16, width=20, interpolation="nearest"),
    dict(height=5, width=5, crop_to_aspect_ratio=True),
    dict(height=6, width=3, crop_to_aspect_ratio=True, interpolation="bicubic"),
    dict(height=5, width=5, pad_to_aspect_ratio=True, fill_value=2.0),
    dict(height=3, width=4, antialias=True, interpolation="lanczos3"),
]


@pytest.mark.parametrize("kwargs", RESIZING)
def test_resizing_matches_keras(keras, kwargs):
    h, k = ip.Resizing(**kwargs), keras.layers.Resizing(**kwargs)
    x = images()
    close(h(x), k(x))
    assert h.compute_output_shape((None, 8, 10, 3)) == k.compute_output_shape((None, 8, 10, 3))
    graph = hornet.trace(lambda t: h(t), hornet.TensorSpec((None, 8, 10, 3)))
    assert str(graph.output_types[0]) == f"float32[batch,{kwargs['height']},{kwargs['width']},3]"
    check_round_trip(h, x)
    assert set(k.get_config()) <= set(h.get_config())


@pytest.mark.parametrize("kwargs", [dict(height=4, width=5), dict(height=16, width=20, interpolation="nearest"),
                                    dict(height=5, width=5, crop_to_aspect_ratio=True)])
def test_resizing_integer_images_keep_dtype(keras, kwargs):
    # 2x up/down sampling: the bilinear weights are dyadic, so rounding ties agree between float32 and float64
    x = images((2, 8, 10, 3), 4, "uint8")
    out = np.asarray(ip.Resizing(**kwargs)(x))
    assert out.dtype == np.uint8
    np.testing.assert_array_equal(out, np.asarray(keras.layers.Resizing(**kwargs)(x)))


@pytest.mark.parametrize("name,kwargs", [("Resizing", dict(height=5, width=4)), ("CenterCrop", dict(height=4, width=4)),
                                         ("RandomRotation", dict(factor=0.2, seed=2)),
                                         ("RandomContrast", dict(factor=0.3, seed=2))])
def test_single_image(keras, name, kwargs):
    x = images((8, 10, 3), 6)
    h, k = getattr(ip, name)(**kwargs), getattr(keras.layers, name)(**kwargs)
    close(h(x), k(x))
    assert np.asarray(h(x)).shape == np.asarray(k(x)).shape


def test_resizing_channels_first(keras):
    x = images((2, 3, 8, 10))
    h = ip.Resizing(5, 4, data_format="channels_first")
    close(h(x), keras.layers.Resizing(5, 4, data_format="channels_first")(x))
    assert h.compute_output_shape((None, 3, 8, 10)) == (None, 3, 5, 4)


@pytest.mark.parametrize("size", [(4, 5), (8, 10), (12, 6), (6, 14)])
def test_center_crop_matches_keras(keras, size):
    h, k = ip.CenterCrop(*size), keras.layers.CenterCrop(*size)
    x = images()
    close(h(x), k(x))
    assert h.compute_output_shape((None, 8, 10, 3)) == k.compute_output_shape((None, 8, 10, 3))
    check_round_trip(h, x)


def test_deterministic_errors():
    with pytest.raises(ValueError, match="interpolation='cubic'"):
        ip.Resizing(4, 4, interpolation="cubic")
    with pytest.raises(ValueError, match="only one of"):
        ip.Resizing(4, 4, crop_to_aspect_ratio=True, pad_to_aspect_ratio=True)
    with pytest.raises(ValueError, match="height"):
        ip.Resizing(0, 4)
    with pytest.raises(ShapeError, match=r"rank-3 or 4.*\(8, 10\)"):
        ip.Resizing(4, 4)(np.zeros((8, 10), "float32"))
    with pytest.raises(ValueError, match="data_format"):
        ip.CenterCrop(4, 4, data_format="nhwc")
    layer = ip.Resizing(4, 4)
    with pytest.raises(ValueError, match="height and width must be known"):
        hornet.trace(lambda t: layer(t), hornet.TensorSpec((None, None, None, 3)))


# --- random layers ------------------------------------------------------------------------------------------------

RANDOM = [
    ("RandomFlip", dict(mode="horizontal")),
    ("RandomFlip", dict()),
    ("RandomCrop", dict(height=5, width=6)),
    ("RandomTranslation", dict(height_factor=0.2, width_factor=(-0.3, 0.1))),
    ("RandomTranslation", dict(height_factor=0.3, width_factor=0.2, fill_mode="constant", fill_value=3.0,
                               interpolation="nearest")),
    ("RandomRotation", dict(factor=(-0.1, 0.3), fill_mode="wrap")),
    ("RandomRotation", dict(factor=0.2, fill_mode="nearest", interpolation="nearest")),
    ("RandomZoom", dict(height_factor=0.3)),
    ("RandomZoom", dict(height_factor=(-0.3, 0.2), width_factor=0.4, fill_mode="constant")),
    ("RandomContrast", dict(factor=(0.2, 0.5), value_range=(0, 200))),
    ("RandomBrightness", dict(factor=(-0.2, 0.5), value_range=(0, 1))),
]
IDS = [f"{name}-{i}" for i, (name, _) in enumerate(RANDOM)]


@pytest.mark.parametrize("name,kwargs", RANDOM, ids=IDS)
def test_random_layer_training_matches_keras_with_seed(keras, name, kwargs):
    h, k = getattr(ip, name)(seed=11, **kwargs), getattr(keras.layers, name)(seed=11, **kwargs)
    x = images()
    for _ in range(2):  # the second call continues each generator's stream
        close(h(x, training=True), k(x, training=True))
    assert h.compute_output_shape((None, 8, 10, 3)) == k.compute_output_shape((None, 8, 10, 3))
    assert set(k.get_config()) <= set(h.get_config())


@pytest.mark.parametrize("name,kwargs", RANDOM, ids=IDS)
def test_random_layer_inference_is_identity_and_seeded(name, kwargs):
    x = images()
    a, b = getattr(ip, name)(seed=3, **kwargs), getattr(ip, name)(seed=3, **kwargs)
    if name != "RandomCrop":
        close(a(x, training=False), x, atol=0)
    y1, y2 = np.asarray(a(x, training=True)), np.asarray(b(x, training=True))
    np.testing.assert_array_equal(y1, y2)  # same seed, same draws
    assert not np.allclose(np.asarray(a(x, training=True)), y1) or name == "RandomCrop"  # the stream moves on
    assert np.all(np.isfinite(y1))
    check_round_trip(getattr(ip, name)(seed=3, **kwargs), x, training=False)


@pytest.mark.parametrize("name,kwargs", [RANDOM[5]], ids=[IDS[5]])
def test_random_layer_jit_symbolic_batch(name, kwargs):
    layer = getattr(ip, name)(seed=5, **kwargs)
    graph = hornet.trace(lambda t: layer(t, training=True), hornet.TensorSpec((None, 8, 10, 3)))
    assert "batch" in str(graph.output_types[0])
    eager = getattr(ip, name)(seed=5, **kwargs)
    jitted = hornet.jit(lambda t: layer(t, training=True))
    for batch in (3, 5):  # the seed state is threaded through the compiled program: same stream as eager
        x = images((batch, 8, 10, 3), batch)
        close(jitted(x), eager(x, training=True), atol=1e-3)  # XLA fuses the angle math differently
    assert jitted.cache_size <= 2


def test_random_layers_in_functional_model_inference():
    from hornet.api.layers.input_layer import Input
    from hornet.api.models.functional import Functional

    inputs = Input((8, 10, 3))
    y = ip.RandomFlip(seed=1)(inputs)
    y = ip.RandomRotation(0.1, seed=2)(y)
    y = ip.RandomZoom(0.2, seed=3)(y)
    y = ip.RandomCrop(6, 6, seed=4)(y)
    model = Functional(inputs, y)
    x = images()
    out = np.asarray(model.predict(x, verbose=0))
    close(out, ip.Resizing(6, 6, crop_to_aspect_ratio=True)(x))
    assert model.output_shape == (None, 6, 6, 3)
    assert np.asarray(model(x, training=True)).shape == (3, 6, 6, 3)


def test_random_crop_inference_and_small_images(keras):
    """Inference (and training on images not larger than the target) takes the centred window of the target
    aspect ratio resized to the target size, so the output shape never depends on ``training``."""
    x = images()
    for size in ((4, 4), (6, 12), (10, 12)):
        layer = ip.RandomCrop(*size, seed=1)
        expected = keras.layers.Resizing(*size, crop_to_aspect_ratio=True)(x)
        close(layer(x, training=False), expected)
        if size != (4, 4):
            close(layer(x, training=True), expected)


def test_random_statistics():
    x = np.broadcast_to(np.arange(10, dtype="float32")[None, None, :, None], (400, 2, 10, 1)).copy()
    flipped = np.asarray(ip.RandomFlip("horizontal", seed=0)(x, training=True))[:, 0, 0, 0] == 9.0
    assert 0.4 < flipped.mean() < 0.6
    bright = np.asarray(ip.RandomBrightness((0.1, 0.3), value_range=(0, 100), seed=0)(x, training=True))
    delta = (bright - x)[:, 0, 0, 0]
    assert delta.min() >= 10.0 - 1e-4 and delta.max() <= 30.0 + 1e-4 and 18 < delta.mean() < 22
    contrast = np.asarray(ip.RandomContrast(0.5, value_range=(-100, 100), seed=0)(x, training=True))
    ratio = (contrast[:, 0, 9, 0] - 4.5) / 4.5  # the deviation from the image mean is scaled by the factor
    assert ratio.min() >= 1.0 - 1e-5 and ratio.max() <= 1.5 + 1e-5  # Keras 3 samples [1 - lower, 1 + upper]
    crops = np.asarray(ip.RandomCrop(2, 4, seed=0)(x[:1], training=True))
    assert crops.shape == (1, 2, 4, 1)


def test_random_errors():
    with pytest.raises(ValueError, match="mode='diagonal'"):
        ip.RandomFlip("diagonal")
    with pytest.raises(ValueError, match=r"factor=1.5"):
        ip.RandomRotation(1.5)
    with pytest.raises(ValueError, match="fill_mode='edge'"):
        ip.RandomZoom(0.2, fill_mode="edge")
    with pytest.raises(ValueError, match="height_factor"):
        ip.RandomZoom(-1.0)
    with pytest.raises(ValueError, match="width_factor"):
        ip.RandomTranslation(0.1, (0.1, 0.2, 0.3))
    with pytest.raises(ValueError, match="value_range"):
        ip.RandomBrightness(0.1, value_range=5)
    with pytest.raises(ValueError, match=r"factor.*\[0, 1\]"):
        ip.RandomContrast(-0.5)
    with pytest.raises(ShapeError, match="RandomFlip"):
        ip.RandomFlip(seed=0)(np.zeros((2, 8, 10, 3, 1), "float32"))
