"""Core layers (Dense, EinsumDense, Activation, Embedding, Lambda, Identity, Masking) against Keras 3 (JAX
backend): outputs with copied weights, output shapes, weight names, symbolic batch, config round trip, errors."""
import json

import numpy as np
import pytest

from layer_oracle import ATOL, RTOL, check_round_trip, check_symbolic_batch, rand
from layer_oracle import build_pair as build_layers

import hornet
from hornet.api.layers import core
from hornet.ir.errors import ShapeError


def build_pair(keras, name, kwargs, shape):
    """Hornet and Keras layers built on ``shape``, with random weights set in Keras and copied to hornet."""
    return build_layers(getattr(core, name)(**kwargs), getattr(keras.layers, name)(**kwargs), shape)


DENSE_CASES = [
    (dict(units=4), (3, 5)),
    (dict(units=3, activation="relu"), (2, 4, 6)),
    (dict(units=2, use_bias=False, activation="tanh"), (2, 3, 4, 5)),
    (dict(units=5, activation="softmax", kernel_initializer="he_normal", bias_initializer="ones"), (4, 3)),
]


@pytest.mark.parametrize("kwargs,shape", DENSE_CASES)
def test_dense_matches_keras(keras, kwargs, shape):
    h, k = build_pair(keras, "Dense", kwargs, shape)
    x = rand(shape, 1)
    np.testing.assert_allclose(np.asarray(h(x)), np.asarray(k(x)), rtol=RTOL, atol=ATOL)
    assert h.compute_output_shape((None, *shape[1:])) == k.compute_output_shape((None, *shape[1:]))
    assert [w.short_name for w in h.weights] == [w.name for w in k.weights]
    check_symbolic_batch(h, shape)
    check_round_trip(h, x)


def test_dense_defaults_and_config_match_keras(keras):
    h, k = core.Dense(3), keras.layers.Dense(3)
    hc, kc = h.get_config(), k.get_config()
    for key in ("units", "activation", "use_bias", "kernel_regularizer", "bias_regularizer", "kernel_constraint",
                "bias_constraint"):
        assert hc[key] == kc[key], key
    for key in ("kernel_initializer", "bias_initializer"):
        assert hc[key]["class_name"] == kc[key]["class_name"] and hc[key]["config"] == kc[key]["config"]
    kc = {key: v for key, v in kc.items() if key != "name"}
    from_keras = core.Dense.from_config(kc)  # a config Keras wrote loads in hornet
    assert from_keras.units == 3 and from_keras.use_bias


def test_dense_regularizer_losses_match_keras(keras):
    kwargs = dict(units=3, kernel_regularizer="l2", bias_regularizer="l1")
    h, k = build_pair(keras, "Dense", kwargs, (2, 4))
    np.testing.assert_allclose(sum(float(v) for v in h.losses), sum(float(v) for v in k.losses), rtol=RTOL)


def test_dense_activity_regularizer(keras):
    h, k = build_pair(keras, "Dense", dict(units=3, activity_regularizer="l2"), (2, 4))
    x = rand((2, 4), 3)
    h(x)
    k(x)
    np.testing.assert_allclose(sum(float(v) for v in h.losses), sum(float(v) for v in k.losses), rtol=RTOL)


def test_activity_losses_are_those_of_the_last_top_level_call_as_keras(keras):
    h, k = build_pair(keras, "Dense", dict(units=3, activity_regularizer="l2"), (2, 4))
    for scale in (1.0, 2.0):  # a second call replaces the first one's loss
        x = rand((2, 4), 3) * scale
        h(x)
        k(x)
        assert len(h.losses) == len(k.losses) == 1
        np.testing.assert_allclose(float(h.losses[0]), float(k.losses[0]), rtol=RTOL)


def test_activity_regularizer_in_a_model_with_a_symbolic_batch_matches_keras(keras):
    x = rand((5, 4), 4)
    y = np.zeros((5, 3), "float32")
    h = hornet.Sequential([hornet.layers.Dense(3, activity_regularizer="l2")])
    k = keras.Sequential([keras.layers.Dense(3, activity_regularizer="l2")])
    h(x)
    k(x)
    k.set_weights(h.get_weights())
    h.compile(optimizer="sgd", loss="mse")
    k.compile(optimizer="sgd", loss="mse")
    np.testing.assert_allclose(h.evaluate(x, y, batch_size=5, verbose=0), k.evaluate(x, y, batch_size=5, verbose=0),
                               rtol=1e-5)


def test_dense_errors():
    with pytest.raises(ShapeError, match="rank >= 2"):
        core.Dense(3)(np.ones((4,), "float32"))
    layer = core.Dense(3)
    layer(np.ones((2, 4), "float32"))
    with pytest.raises(ShapeError, match="last dimension 4"):
        layer(np.ones((2, 5), "float32"))
    with pytest.raises(ValueError, match="units"):
        core.Dense(0)
    with pytest.raises(NotImplementedError, match="LoRA"):
        core.Dense(3, lora_rank=2)


EINSUM_CASES = [
    (dict(equation="ab,bc->ac", output_shape=4, bias_axes="c"), (3, 5)),
    (dict(equation="abc,cd->abd", output_shape=(None, 6), bias_axes="d", activation="relu"), (2, 3, 4)),
    (dict(equation="abc,cde->abde", output_shape=(None, 3, 2), bias_axes="de"), (2, 5, 4)),
    (dict(equation="abc,cde->abde", output_shape=(None, 3, 2), bias_axes="e"), (2, 5, 4)),
    (dict(equation="...b,bc->...c", output_shape=3, bias_axes="c"), (2, 4, 5)),
    (dict(equation="ab...,bc->ac...", output_shape=3, bias_axes="c"), (2, 4, 5, 2)),
    (dict(equation="abcd,cde->abe", output_shape=(None, 7)), (2, 3, 4, 5)),
]


@pytest.mark.parametrize("kwargs,shape", EINSUM_CASES)
def test_einsum_dense_matches_keras(keras, kwargs, shape):
    h, k = build_pair(keras, "EinsumDense", kwargs, shape)
    x = rand(shape, 1)
    np.testing.assert_allclose(np.asarray(h(x)), np.asarray(k(x)), rtol=RTOL, atol=ATOL)
    assert [tuple(w.shape) for w in h.weights] == [tuple(w.shape) for w in k.weights]
    assert [w.short_name for w in h.weights] == [w.name for w in k.weights]
    assert h.compute_output_shape((None, *shape[1:])) == k.compute_output_shape((None, *shape[1:]))
    check_symbolic_batch(h, shape)
    check_round_trip(h, x)


def test_einsum_dense_kernel_fans_use_equation_axes():
    layer = core.EinsumDense("abc,cde->abde", output_shape=(None, 16, 16),
                             kernel_initializer=hornet.initializers.GlorotUniform(seed=1))
    layer.build((None, 3, 64))
    limit = np.sqrt(6 / (64 + 256))  # fan_in = c, fan_out = d * e, as Keras computes for EinsumDense
    w = layer.kernel.numpy()
    assert np.abs(w).max() <= limit and np.abs(w).max() > 0.9 * limit


def test_einsum_dense_errors():
    with pytest.raises(ValueError, match="Invalid einsum equation"):
        core.EinsumDense("ab->b", output_shape=3).build((None, 3))
    with pytest.raises(ValueError, match="Bias dimension 'x'"):
        core.EinsumDense("ab,bc->ac", output_shape=3, bias_axes="x").build((None, 3))
    with pytest.raises(ValueError, match="do not match"):
        core.EinsumDense("abc,cd->abd", output_shape=(5, 6)).build((None, 3, 4))


@pytest.mark.parametrize("activation", ["relu", "gelu", "softmax", "swish", "linear", "selu"])
def test_activation_layer_matches_keras(keras, activation):
    x = rand((3, 4, 5), 2)
    h, k = core.Activation(activation), keras.layers.Activation(activation)
    np.testing.assert_allclose(np.asarray(h(x)), np.asarray(k(x)), rtol=RTOL, atol=ATOL)
    assert h.get_config()["activation"] == k.get_config()["activation"]
    assert h.compute_output_shape((None, 4, 5)) == k.compute_output_shape((None, 4, 5))
    check_symbolic_batch(h, (3, 4, 5))
    check_round_trip(h, x)


def ids(shape, seed=0):
    return np.random.default_rng(seed).integers(0, 10, size=shape).astype("int32")


@pytest.mark.parametrize("kwargs,shape", [
    (dict(input_dim=10, output_dim=4), (3, 5)),
    (dict(input_dim=10, output_dim=3, mask_zero=True), (2, 6)),
    (dict(input_dim=10, output_dim=2), (2, 3, 4)),
])
def test_embedding_matches_keras(keras, kwargs, shape):
    h, k = build_pair(keras, "Embedding", kwargs, shape)
    x = ids(shape, 1)
    x[0, 0] = 0
    np.testing.assert_allclose(np.asarray(h(x)), np.asarray(k(x)), rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(np.asarray(h(x.astype("int64"))), np.asarray(k(x)), rtol=RTOL, atol=ATOL)
    h_mask, k_mask = h.compute_mask(x), k.compute_mask(x)
    assert (h_mask is None) == (k_mask is None)
    if k_mask is not None:
        np.testing.assert_array_equal(np.asarray(h_mask), np.asarray(k_mask))
    assert h.compute_output_shape((None, *shape[1:])) == k.compute_output_shape((None, *shape[1:]))
    assert [w.short_name for w in h.weights] == [w.name for w in k.weights]
    check_symbolic_batch(h, shape, "int32", ids)
    check_round_trip(h, x)


def test_embedding_weights_argument_and_float_ids():
    table = rand((5, 2))
    layer = core.Embedding(5, 2, weights=[table])
    np.testing.assert_allclose(np.asarray(layer(np.array([[4.0, 1.0]], "float32"))), table[[[4, 1]]])
    with pytest.raises(ValueError, match="output_dim"):
        core.Embedding(5, 0)


def test_lambda_function_arguments_and_shapes():
    layer = core.Lambda(lambda x, k: x * k, arguments={"k": 3.0})
    x = rand((2, 3))
    np.testing.assert_allclose(np.asarray(layer(x)), x * 3.0, rtol=RTOL)
    assert layer.compute_output_shape((None, 3)) == (None, 3)
    check_symbolic_batch(layer, (2, 3))
    fixed = core.Lambda(lambda x: hornet.ops.sum(x, axis=-1, keepdims=True), output_shape=(1,))
    assert fixed.compute_output_shape((None, 3)) == (None, 1)
    called = core.Lambda(lambda x: x, output_shape=lambda s: (s[0], 7))
    assert called.compute_output_shape((None, 3)) == (None, 7)


def test_lambda_training_and_mask():
    seen = {}

    def fn(x, training=None):
        seen["training"] = training
        return x

    core.Lambda(fn)(rand((2, 2)), training=True)
    assert seen["training"] is True
    masked = core.Lambda(lambda x: x, mask=lambda inputs, mask: hornet.ops.greater(inputs, 0.0))
    np.testing.assert_array_equal(np.asarray(masked.compute_mask(np.array([1.0, -1.0], "float32"))), [True, False])
    assert masked.supports_masking and not core.Lambda(lambda x: x).supports_masking


def double(x):
    return x * 2.0


def test_lambda_config_stores_function_name():
    layer = core.Lambda(double)
    config = layer.get_config()
    assert config["function"] == "double"
    json.dumps(config)
    with pytest.raises(ValueError, match="custom_objects"):
        core.Lambda.from_config(config)
    clone = core.Lambda.from_config(config, custom_objects={"double": double})
    np.testing.assert_allclose(np.asarray(clone(np.ones(2, "float32"))), [2.0, 2.0])
    with pytest.raises(ValueError, match="<lambda>"):
        core.Lambda.from_config(core.Lambda(lambda x: x).get_config())


def test_identity_matches_keras(keras):
    x = rand((2, 3, 4))
    h, k = core.Identity(), keras.layers.Identity()
    np.testing.assert_array_equal(np.asarray(h(x)), np.asarray(k(x)))
    assert h.compute_output_shape((None, 3, 4)) == (None, 3, 4) and h.supports_masking
    check_symbolic_batch(h, (2, 3, 4))
    check_round_trip(h, x)


@pytest.mark.parametrize("mask_value", [0.0, 1.5])
def test_masking_matches_keras(keras, mask_value):
    x = rand((3, 5, 4), 4)
    x[0, 1] = mask_value
    x[2, [0, 4]] = mask_value
    h, k = core.Masking(mask_value), keras.layers.Masking(mask_value)
    np.testing.assert_allclose(np.asarray(h(x)), np.asarray(k(x)), rtol=RTOL, atol=ATOL)
    np.testing.assert_array_equal(np.asarray(h.compute_mask(x)), np.asarray(k.compute_mask(x)))
    assert h.get_config()["mask_value"] == k.get_config()["mask_value"]
    check_symbolic_batch(h, (3, 5, 4))
    check_round_trip(h, x)


def test_input_refuses_negative_dimensions_naming_the_input():
    # a model file whose Input config says batch_shape [-1, 6] is refused at load by this same check
    with pytest.raises(hornet.ir.errors.ShapeError, match=r"Input 'x': dimensions must be >= 0 or None, got shape \(-1, 6\)"):
        hornet.Input(batch_shape=(-1, 6), name="x")
