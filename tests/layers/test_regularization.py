"""Regularization layers (Dropout, SpatialDropout1D/2D/3D, GaussianNoise, GaussianDropout, AlphaDropout,
ActivityRegularization) against Keras 3 (JAX backend): inference is the identity, training noise has the right
statistics (and equals Keras's draw where both use the same sampler), shapes, configs, symbolic batch, errors."""
import json

import numpy as np
import pytest

from layer_oracle import ATOL, RTOL, rand

import hornet
from hornet.api.layers import regularization as reg
from hornet.ir.errors import ShapeError


CASES = [
    ("Dropout", dict(rate=0.3, seed=1), (4, 6, 5)),
    ("Dropout", dict(rate=0.5, noise_shape=(None, 1, 5), seed=2), (4, 6, 5)),
    ("SpatialDropout1D", dict(rate=0.4, seed=3), (4, 6, 5)),
    ("SpatialDropout2D", dict(rate=0.4, seed=3), (2, 4, 4, 6)),
    ("SpatialDropout2D", dict(rate=0.4, data_format="channels_first", seed=3), (2, 6, 4, 4)),
    ("SpatialDropout3D", dict(rate=0.4, seed=3), (2, 3, 3, 3, 4)),
    ("GaussianNoise", dict(stddev=0.2, seed=4), (4, 6, 5)),
    ("GaussianDropout", dict(rate=0.3, seed=5), (4, 6, 5)),
    ("AlphaDropout", dict(rate=0.2, seed=6), (4, 6, 5)),
    ("AlphaDropout", dict(rate=0.2, noise_shape=(None, 1, 5), seed=6), (4, 6, 5)),
    ("ActivityRegularization", dict(l1=0.1, l2=0.01), (4, 6, 5)),
]


@pytest.mark.parametrize("name,kwargs,shape", CASES)
def test_inference_is_identity_and_config_matches_keras(keras, name, kwargs, shape):
    h, k = getattr(reg, name)(**kwargs), getattr(keras.layers, name)(**kwargs)
    x = rand(shape, 1)
    for out in (h(x), h(x, training=False)):
        np.testing.assert_array_equal(np.asarray(out), np.asarray(k(x, training=False)))
    assert h.compute_output_shape((None, *shape[1:])) == k.compute_output_shape((None, *shape[1:]))
    assert h.weights == [] and k.weights == []
    assert h.supports_masking == k.supports_masking
    hc, kc = h.get_config(), k.get_config()
    for key in set(kc) - {"name", "dtype", "trainable"}:
        assert (list(hc[key]) if isinstance(hc[key], tuple) else hc[key]) == \
            (list(kc[key]) if isinstance(kc[key], tuple) else kc[key]), key
    json.dumps(hc)
    clone = type(h).from_config(hc)
    assert clone.get_config() == {**hc, "name": clone.name}


@pytest.mark.parametrize("name,kwargs,shape", [c for c in CASES if c[0] in
                                               ("GaussianNoise", "GaussianDropout", "AlphaDropout")])
def test_training_noise_equals_keras_draw(keras, name, kwargs, shape):
    """Same seed, same threefry stream: hornet's normal/uniform noise is Keras's on JAX, call after call."""
    h, k = getattr(reg, name)(**kwargs), getattr(keras.layers, name)(**kwargs)
    x = rand(shape, 2)
    for _ in range(2):
        np.testing.assert_allclose(np.asarray(h(x, training=True)), np.asarray(k(x, training=True)),
                                   rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("name,kwargs,shape", [c for c in CASES if "Dropout" in c[0] and c[0] != "AlphaDropout"
                                               and c[0] != "GaussianDropout"])
def test_dropout_training_statistics(name, kwargs, shape):
    layer = getattr(reg, name)(**kwargs)
    x = np.abs(rand(shape, 3)) + 0.5
    y = np.asarray(layer(x, training=True))
    rate = kwargs["rate"]
    kept = y != 0
    np.testing.assert_allclose(y[kept], x[kept] / (1 - rate), rtol=RTOL)
    # the drop is shared along the broadcast dims of the noise shape
    if name.startswith("Spatial"):
        channels_first = kwargs.get("data_format") == "channels_first"
        axes = tuple(range(2, len(shape))) if channels_first else tuple(range(1, len(shape) - 1))
        assert np.all(kept.all(axis=axes) | (~kept).all(axis=axes))
    elif kwargs.get("noise_shape"):
        assert np.all(kept.all(axis=1) | (~kept).all(axis=1))
    big = getattr(reg, name)(**kwargs)
    big_x = np.ones((64, *shape[1:]), "float32")
    frac = 1 - np.mean(np.asarray(big(big_x, training=True)) != 0)
    assert abs(frac - rate) < 0.1


def test_dropout_uses_the_layer_seed_stream():
    x = rand((3, 4, 5), 4)
    ours = reg.Dropout(0.4, seed=3)(x, training=True)
    expected = hornet.random.dropout(x, 0.4, seed=hornet.random.SeedGenerator(3))
    np.testing.assert_array_equal(np.asarray(ours), np.asarray(expected))


def test_gaussian_layers_statistics():
    x = np.full((200, 100), 2.0, "float32")
    noise = np.asarray(reg.GaussianNoise(0.3, seed=1)(x, training=True)) - 2.0
    assert abs(noise.mean()) < 0.01 and noise.std() == pytest.approx(0.3, rel=0.03)
    mult = np.asarray(reg.GaussianDropout(0.5, seed=1)(x, training=True)) / 2.0
    assert abs(mult.mean() - 1.0) < 0.02 and mult.std() == pytest.approx(1.0, rel=0.03)
    alpha = np.asarray(reg.AlphaDropout(0.1, seed=1)(rand((200, 100), 5), training=True))
    assert abs(alpha.mean()) < 0.05 and alpha.std() == pytest.approx(1.0, rel=0.05)  # keeps mean 0, var 1


@pytest.mark.parametrize("name,kwargs,shape", [c for c in CASES if c[0] != "ActivityRegularization"])
def test_jit_draws_fresh_noise_with_symbolic_batch(name, kwargs, shape):
    layer = getattr(reg, name)(**kwargs)
    graph = hornet.trace(lambda x: layer(x, training=True), hornet.TensorSpec((None, *shape[1:])))
    assert "batch" in str(graph.output_types[0])
    step = hornet.jit(lambda x: layer(x, training=True))
    x = np.abs(rand(shape, 6)) + 0.5
    a, b = np.asarray(step(x)), np.asarray(step(x))
    assert a.shape == shape and not np.array_equal(a, b)  # the seed state advanced between calls
    assert np.asarray(step(np.ones((3, *shape[1:]), "float32"))).shape == (3, *shape[1:])
    assert step.cache_size <= 2


def test_zero_rate_has_no_seed_and_is_identity():
    x = rand((2, 3))
    for layer in (reg.Dropout(0.0), reg.GaussianNoise(0.0), reg.GaussianDropout(0.0), reg.AlphaDropout(0.0)):
        np.testing.assert_array_equal(np.asarray(layer(x, training=True)), x)
        assert layer.variables == []


def test_activity_regularization_loss_matches_keras(keras):
    x = rand((4, 3), 7)
    h, k = reg.ActivityRegularization(l1=0.1, l2=0.2), keras.layers.ActivityRegularization(l1=0.1, l2=0.2)
    h(x)
    k(x)
    np.testing.assert_allclose(sum(float(v) for v in h.losses), sum(float(v) for v in k.losses), rtol=RTOL)


def test_activity_regularization_adds_l1_l2_loss():
    x = rand((4, 3), 7)
    layer = reg.ActivityRegularization(l1=0.1, l2=0.2)
    np.testing.assert_array_equal(np.asarray(layer(x)), x)
    expected = 0.1 * np.abs(x).sum() + 0.2 * np.square(x).sum()
    assert len(layer.losses) == 1
    loss = float(layer.losses[0])
    # the raw penalty, or (Keras's rule, once Layer.__call__ applies it) the penalty over the batch size
    assert loss == pytest.approx(expected, rel=1e-4) or loss == pytest.approx(expected / 4, rel=1e-4)


def test_errors():
    with pytest.raises(ValueError, match="rate"):
        reg.Dropout(1.5)
    with pytest.raises(ValueError, match="stddev"):
        reg.GaussianNoise(-0.1)
    with pytest.raises(ValueError, match="noise_shape"):
        reg.Dropout(0.5, noise_shape="batch")
    with pytest.raises(ValueError, match="noise_shape"):
        reg.Dropout(0.5, noise_shape=(None, 0))
    with pytest.raises(ValueError, match="data_format"):
        reg.SpatialDropout2D(0.5, data_format="channels_middle")
    with pytest.raises(ShapeError, match="rank-3"):
        reg.SpatialDropout1D(0.5)(np.ones((2, 3, 4, 5), "float32"), training=True)
    with pytest.raises(ValueError, match="noise_shape"):
        reg.Dropout(0.5, noise_shape=(None, 1))(np.ones((2, 3, 4), "float32"), training=True)
