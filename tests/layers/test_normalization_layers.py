"""Normalization layers against Keras 3 (JAX backend): BatchNormalization in inference and training (outputs and
moving statistics), frozen BN, BN under hornet.jit (state written back), Layer/Group/Unit/RMS normalization,
config round trips and errors."""
import re

import numpy as np
import pytest

from layer_oracle import ATOL, RTOL, check_jit_matches_keras, keras_config_keys, rand

import hornet
from hornet import ops
from hornet.api import regularizers
from hornet.api.layers import normalization
from hornet.ir.errors import ShapeError
from hornet.runtime.variables import StateScope


def build_pair(keras, name, kwargs, shape):
    """Hornet and Keras layers built on ``shape`` with the same random weights (variances kept positive)."""
    k_layer = getattr(keras.layers, name)(**kwargs)
    h_layer = getattr(normalization, name)(**kwargs)
    k_layer.build(shape)
    h_layer.build(shape)
    assert [w.short_name for w in h_layer.weights] == [w.name for w in k_layer.weights]
    weights = []
    for i, w in enumerate(k_layer.weights):
        v = rand(w.shape, 100 + i)
        weights.append(np.abs(v) + 0.5 if w.name in ("moving_variance", "moving_stddev", "renorm_stddev") else v)
    k_layer.set_weights(weights)
    h_layer.set_weights(weights)
    return h_layer, k_layer


def assert_weights_equal(h_layer, k_layer):
    for hw, kw in zip(h_layer.weights, k_layer.weights):
        np.testing.assert_allclose(hw.numpy(), np.asarray(kw.value), rtol=RTOL, atol=ATOL, err_msg=kw.name)


BN_CASES = [
    (dict(), (8, 5), None),
    (dict(axis=1, momentum=0.9, epsilon=1e-2), (6, 3, 4, 4), None),
    (dict(center=False, scale=False), (8, 4, 3), None),
    (dict(axis=-1), (4, 6, 3), np.array([[1, 1, 1, 0, 0, 0], [1, 1, 1, 1, 1, 1], [0, 1, 0, 1, 0, 1],
                                          [1, 0, 0, 0, 0, 0]], bool)),
    (dict(renorm=True, renorm_clipping={"rmax": 1.5, "rmin": 0.7, "dmax": 0.4}, renorm_momentum=0.8), (8, 3), None),
    (dict(renorm=True, scale=False), (8, 2, 3), None),
]


@pytest.mark.parametrize("kwargs,shape,mask", BN_CASES, ids=[f"bn-{i}" for i in range(len(BN_CASES))])
def test_batch_norm_training_matches_keras(keras, kwargs, shape, mask):
    h_layer, k_layer = build_pair(keras, "BatchNormalization", kwargs, shape)
    x = rand(shape, 1, scale=3.0, shift=2.0)
    extra = {} if mask is None else {"mask": mask}
    expected = np.asarray(k_layer(x, training=True, **extra))
    np.testing.assert_allclose(np.asarray(h_layer(x, training=True, **extra)), expected, rtol=RTOL, atol=ATOL)
    assert_weights_equal(h_layer, k_layer)  # moving statistics updated the same way
    # inference afterwards uses the updated moving statistics
    x2 = rand(shape, 2)
    np.testing.assert_allclose(np.asarray(h_layer(x2)), np.asarray(k_layer(x2)), rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(np.asarray(h_layer(x2, training=False)), np.asarray(k_layer(x2, training=False)),
                               rtol=RTOL, atol=ATOL)


def test_batch_norm_moving_stats_formula():
    """One training call: moving = moving * momentum + batch * (1 - momentum), with the biased variance."""
    layer = normalization.BatchNormalization(momentum=0.8)
    x = rand((16, 3), 3, scale=2.0, shift=1.0)
    y = np.asarray(layer(x, training=True))
    np.testing.assert_allclose(layer.moving_mean.numpy(), 0.2 * x.mean(0), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(layer.moving_variance.numpy(), 0.8 + 0.2 * x.var(0), rtol=1e-5)
    np.testing.assert_allclose(y, (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-3), rtol=1e-4, atol=1e-5)


def test_frozen_batch_norm_runs_in_inference_mode(keras):
    h_layer, k_layer = build_pair(keras, "BatchNormalization", dict(momentum=0.5), (8, 4))
    h_layer.trainable = False
    k_layer.trainable = False
    before = [w.numpy() for w in h_layer.weights]
    x = rand((8, 4), 4, shift=5.0)
    expected = np.asarray(k_layer(x, training=True))
    np.testing.assert_allclose(np.asarray(h_layer(x, training=True)), expected, rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(expected, np.asarray(k_layer(x, training=False)), rtol=RTOL, atol=ATOL)
    for b, w in zip(before, h_layer.weights):
        np.testing.assert_array_equal(w.numpy(), b)
    assert h_layer.trainable_weights == []
    jitted = hornet.jit(lambda a: h_layer(a, training=True))
    np.testing.assert_allclose(np.asarray(jitted(x)), expected, rtol=RTOL, atol=ATOL)
    np.testing.assert_array_equal(h_layer.moving_mean.numpy(), before[2])


def test_batch_norm_training_gradients_match_keras(keras):
    """Gradients w.r.t. gamma/beta in training mode (through the batch statistics), hornet vs jax.grad of Keras."""
    import jax
    import jax.numpy as jnp

    h_layer, k_layer = build_pair(keras, "BatchNormalization", dict(axis=1), (6, 3, 4))
    x, target = rand((6, 3, 4), 1, scale=2.0), rand((6, 3, 4), 2)
    weights = h_layer.trainable_weights

    def loss(gamma, beta):
        with StateScope({weights[0]: gamma, weights[1]: beta}):
            return ops.sum(ops.multiply(h_layer(x, training=True), target))

    grads = hornet.jit(ops.grad(loss, argnums=(0, 1)))(*[w.value for w in weights])
    moving = [v.value for v in k_layer.non_trainable_variables]

    def keras_loss(values):
        return jnp.sum(k_layer.stateless_call(values, moving, x, training=True)[0] * target)

    expected = jax.grad(keras_loss)([v.value for v in k_layer.trainable_variables])
    for g, e in zip(grads, expected):
        np.testing.assert_allclose(np.asarray(g), np.asarray(e), rtol=1e-4, atol=1e-4)


def test_batch_norm_weights_split(keras):
    h_layer, k_layer = build_pair(keras, "BatchNormalization", dict(), (2, 3))
    assert [w.short_name for w in h_layer.trainable_weights] == [w.name for w in k_layer.trainable_weights]
    assert [w.short_name for w in h_layer.non_trainable_weights] == [w.name for w in k_layer.non_trainable_weights]


def test_batch_norm_in_jit_writes_back_moving_stats(keras):
    shape = (6, 5, 3)
    h_layer, k_layer = build_pair(keras, "BatchNormalization", dict(momentum=0.7), shape)
    train = hornet.jit(lambda a: h_layer(a, training=True))
    for step in range(2):
        x = rand(shape, 10 + step, scale=2.0, shift=1.0)
        expected = np.asarray(k_layer(x, training=True))
        np.testing.assert_allclose(np.asarray(train(x)), expected, rtol=RTOL, atol=ATOL)
        assert_weights_equal(h_layer, k_layer)
    assert train.cache_size == 1
    x = rand((2,) + shape[1:], 20)  # another batch size: a second compile, state still threaded
    k_layer(x, training=True)
    train(x)
    assert_weights_equal(h_layer, k_layer)
    graph = hornet.trace(lambda a: h_layer(a, training=True), hornet.TensorSpec((None,) + shape[1:]))
    assert graph.outputs[0].type.shape[0] == "batch"
    assert len(graph.outputs) == 3  # output + new moving_mean + new moving_variance


NORM_CASES = [
    ("LayerNormalization", dict(), (4, 5, 6)),
    ("LayerNormalization", dict(axis=[1, 2], epsilon=1e-5), (4, 5, 6)),
    ("LayerNormalization", dict(axis=1, center=False), (4, 5, 6)),
    ("LayerNormalization", dict(scale=False), (3, 7)),
    ("LayerNormalization", dict(rms_scaling=True), (4, 5, 6)),
    ("GroupNormalization", dict(groups=2), (4, 5, 6)),
    ("GroupNormalization", dict(groups=3, axis=1, epsilon=1e-5), (4, 6, 3, 3)),
    ("GroupNormalization", dict(groups=-1, center=False), (4, 5, 6)),
    ("GroupNormalization", dict(groups=1, scale=False), (4, 5, 6)),
    ("UnitNormalization", dict(), (4, 5, 6)),
    ("UnitNormalization", dict(axis=[1, 2]), (4, 5, 6)),
    ("RMSNormalization", dict(), (4, 5, 6)),
    ("RMSNormalization", dict(axis=[1, 2], epsilon=1e-3), (4, 5, 6)),
]


@pytest.mark.filterwarnings("ignore:.*rms_scaling")
@pytest.mark.parametrize("name,kwargs,shape", NORM_CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(NORM_CASES)])
def test_matches_keras(keras, name, kwargs, shape):
    h_layer, k_layer = build_pair(keras, name, kwargs, shape)
    x = rand(shape, 1, scale=2.0, shift=1.0)
    expected = np.asarray(k_layer(x))
    np.testing.assert_allclose(np.asarray(h_layer(x)), expected, rtol=RTOL, atol=ATOL)
    assert tuple(h_layer.compute_output_shape((None,) + shape[1:])) == (None,) + shape[1:]


@pytest.mark.parametrize("name,kwargs,shape", [NORM_CASES[1], NORM_CASES[6], NORM_CASES[10], NORM_CASES[11]],
                         ids=["layer", "group", "unit", "rms"])
def test_symbolic_batch_and_jit(keras, name, kwargs, shape):
    h_layer, k_layer = build_pair(keras, name, kwargs, shape)
    check_jit_matches_keras(h_layer, k_layer, shape)
    assert tuple(k_layer.compute_output_shape(shape)) == shape  # normalization keeps the shape


@pytest.mark.parametrize("name,kwargs,shape", [
    ("BatchNormalization", dict(axis=1, momentum=0.9, center=False, gamma_regularizer=regularizers.L2(0.1),
                                moving_variance_initializer="zeros", name="bn"), (2, 3, 4)),
    ("BatchNormalization", dict(renorm=True, renorm_clipping={"rmax": 2.0}), (4, 3)),
    ("LayerNormalization", dict(axis=[1, 2], beta_initializer="ones", beta_regularizer="l1"), (2, 3, 4)),
    ("GroupNormalization", dict(groups=2, epsilon=1e-4, gamma_initializer="zeros"), (2, 3, 4)),
    ("UnitNormalization", dict(axis=[1, 2]), (2, 3, 4)),
    ("RMSNormalization", dict(epsilon=1e-4), (2, 3, 4)),
])
def test_config_round_trip(keras, name, kwargs, shape):
    cls = getattr(normalization, name)
    layer = cls(**kwargs)
    config = layer.get_config()
    expected_keys = keras_config_keys(getattr(keras.layers, name))
    if name == "LayerNormalization":
        expected_keys.add("rms_scaling")  # a Keras **kwargs argument, saved in its config
    assert set(config) == expected_keys
    clone = cls.from_config(config)
    assert clone.get_config() == config
    x = rand(shape, 1)
    y = np.asarray(layer(x))
    clone.build(shape)
    clone.set_weights(layer.get_weights())
    np.testing.assert_array_equal(np.asarray(clone(x)), y)


def test_regularization_losses_match_keras(keras):
    kwargs = dict(gamma_regularizer=regularizers.L2(0.1), beta_regularizer="l1")
    h_layer, k_layer = build_pair(keras, "LayerNormalization", kwargs, (2, 4))
    np.testing.assert_allclose(sorted(float(v) for v in h_layer.losses), sorted(float(v) for v in k_layer.losses),
                               rtol=1e-5)


def test_batch_norm_mixed_precision(keras):
    """float16 compute (inputs autocast, statistics in float32), float32 variables, as Keras."""
    h_layer, k_layer = build_pair(keras, "BatchNormalization", dict(dtype="mixed_float16"), (8, 3))
    x = rand((8, 3), 0, scale=2.0, shift=1.0)
    y = h_layer(x, training=True)
    expected = np.asarray(k_layer(x, training=True))
    assert hornet.ops.dtype(y) == str(expected.dtype) == "float16"
    assert [w.dtype.name for w in h_layer.weights] == ["float32"] * 4
    np.testing.assert_allclose(np.asarray(y, "float32"), expected.astype("float32"), rtol=1e-3, atol=1e-3)
    assert_weights_equal(h_layer, k_layer)


@pytest.mark.parametrize("layer,shape,match", [
    (normalization.BatchNormalization(axis=3), (2, 3), "axis 3 is out of bounds"),
    (normalization.LayerNormalization(axis=[1, 4]), (2, 3, 4), "axis 4 is out of bounds"),
    (normalization.GroupNormalization(groups=4), (2, 6), "groups=4"),
    (normalization.GroupNormalization(groups=8), (2, 6), "groups=8"),
    (normalization.GroupNormalization(axis=0), (2, 6), "batch axis"),
])
def test_bad_shapes(layer, shape, match):
    with pytest.raises((ShapeError, ValueError), match=match):
        layer(rand(shape))


@pytest.mark.parametrize("layer,built,shape,message", [
    (normalization.BatchNormalization(), (2, 3), (2, 4, 3), "rank-2 inputs with 3 channels on axis 1, got shape "
                                                             "(2, 4, 3)"),
    (normalization.BatchNormalization(axis=1), (2, 3, 4), (2, 4, 4), "3 channels on axis 1, got shape (2, 4, 4)"),
    (normalization.GroupNormalization(groups=2), (2, 3, 4), (2, 3, 6), "4 channels on axis 2, got shape (2, 3, 6)"),
])
def test_shape_change_after_build_is_clear(layer, built, shape, message):
    layer(rand(built))
    with pytest.raises(ShapeError, match=re.escape(message)):
        layer(rand(shape))


@pytest.mark.parametrize("cls,kwargs,error,match", [
    (normalization.GroupNormalization, dict(groups=0), ValueError, "groups"),
    (normalization.LayerNormalization, dict(axis="last"), TypeError, "axis"),
    (normalization.UnitNormalization, dict(axis=1.5), TypeError, "axis"),
    (normalization.BatchNormalization, dict(renorm=True, renorm_clipping={"rmaxx": 1.0}), ValueError, "rmaxx"),
    (normalization.BatchNormalization, dict(renorm=True, renorm_clipping={"rmax": 0.5, "rmin": 1.0}), ValueError,
     "rmax"),
])
def test_bad_arguments(cls, kwargs, error, match):
    with pytest.raises(error, match=match):
        cls(**kwargs)
