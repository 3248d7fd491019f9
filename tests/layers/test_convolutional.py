"""Convolution layers against Keras 3 (JAX backend) as the oracle: outputs with copied weights, output shapes,
weight names, symbolic batch, config round trip, regularization and errors."""
import re

import numpy as np
import pytest

from layer_oracle import ATOL, RTOL, check_jit_matches_keras, keras_config_keys, rand
from layer_oracle import build_pair as build_layers

import hornet
from hornet import ops
from hornet.api import constraints, regularizers
from hornet.api.layers import conv_transpose, convolutional, depthwise
from hornet.ir.errors import ShapeError
from hornet.runtime.variables import StateScope

MODULES = (convolutional, conv_transpose, depthwise)


def hornet_cls(name):
    for m in MODULES:
        if hasattr(m, name):
            return getattr(m, name)
    raise AttributeError(name)


def build_pair(keras, name, kwargs, shape):
    """The hornet and Keras layers built on ``shape`` with the same random weights."""
    # Keras's random initializers compile per shape on JAX (slow); the weights are overwritten anyway
    fast = {k: "zeros" for k in ("kernel_initializer", "depthwise_initializer", "pointwise_initializer")
            if k in getattr(keras.layers, name).__init__.__code__.co_varnames}
    return build_layers(hornet_cls(name)(**kwargs), getattr(keras.layers, name)(**{**fast, **kwargs}), shape)


CASES = [
    ("Conv1D", dict(filters=4, kernel_size=3), (2, 9, 3)),
    ("Conv1D", dict(filters=4, kernel_size=3, strides=2, padding="same"), (2, 9, 3)),
    ("Conv1D", dict(filters=4, kernel_size=3, padding="causal", dilation_rate=2), (2, 9, 3)),
    ("Conv1D", dict(filters=4, kernel_size=2, padding="causal", data_format="channels_first", activation="relu"),
     (2, 3, 8)),
    ("Conv1D", dict(filters=6, kernel_size=3, groups=3, use_bias=False), (2, 8, 6)),
    ("Conv2D", dict(filters=4, kernel_size=3, strides=2, padding="same", activation="tanh"), (2, 7, 7, 3)),
    ("Conv2D", dict(filters=4, kernel_size=(3, 2), dilation_rate=(2, 1)), (2, 8, 7, 3)),
    ("Conv2D", dict(filters=4, kernel_size=3, groups=2, data_format="channels_first"), (2, 4, 6, 6)),
    ("Conv2D", dict(filters=5, kernel_size=(3, 1), strides=(2, 1), padding="same"), (2, 7, 5, 2)),
    ("Conv3D", dict(filters=3, kernel_size=2), (2, 4, 5, 4, 2)),
    ("Conv3D", dict(filters=3, kernel_size=3, strides=2, padding="same", data_format="channels_first"),
     (1, 2, 5, 5, 4)),
    ("Conv1DTranspose", dict(filters=4, kernel_size=3, strides=2), (2, 5, 3)),
    ("Conv1DTranspose", dict(filters=4, kernel_size=3, strides=2, padding="same", output_padding=1), (2, 5, 3)),
    ("Conv2DTranspose", dict(filters=4, kernel_size=3, strides=2, padding="same"), (2, 5, 5, 3)),
    ("Conv2DTranspose", dict(filters=4, kernel_size=2, strides=3, output_padding=2), (2, 4, 3, 3)),
    ("Conv2DTranspose", dict(filters=3, kernel_size=3, dilation_rate=2, data_format="channels_first"),
     (2, 2, 5, 5)),
    ("Conv3DTranspose", dict(filters=2, kernel_size=2, strides=2, padding="same"), (1, 3, 3, 3, 2)),
    ("DepthwiseConv1D", dict(kernel_size=3, depth_multiplier=2), (2, 8, 3)),
    ("DepthwiseConv1D", dict(kernel_size=3, strides=2, padding="same", activation="relu"), (2, 9, 3)),
    ("DepthwiseConv2D", dict(kernel_size=3, depth_multiplier=3, padding="same"), (2, 6, 6, 2)),
    ("DepthwiseConv2D", dict(kernel_size=2, dilation_rate=2, data_format="channels_first"), (2, 3, 6, 6)),
    ("SeparableConv1D", dict(filters=5, kernel_size=3, depth_multiplier=2), (2, 8, 3)),
    ("SeparableConv2D", dict(filters=5, kernel_size=3, strides=2, padding="same", use_bias=False), (2, 7, 7, 3)),
    ("SeparableConv2D", dict(filters=4, kernel_size=2, data_format="channels_first", depth_multiplier=2),
     (2, 3, 5, 5)),
]


@pytest.mark.parametrize("name,kwargs,shape", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_matches_keras(keras, name, kwargs, shape):
    h_layer, k_layer = build_pair(keras, name, kwargs, shape)
    assert [w.short_name for w in h_layer.weights] == [w.name for w in k_layer.weights]
    x = rand(shape, 1)
    expected = np.asarray(k_layer(x))
    np.testing.assert_allclose(np.asarray(h_layer(x)), expected, rtol=RTOL, atol=ATOL)
    symbolic = (None,) + shape[1:]
    assert tuple(h_layer.compute_output_shape(symbolic)) == tuple(k_layer.compute_output_shape(symbolic))
    assert tuple(h_layer.compute_output_shape(shape)) == expected.shape


@pytest.mark.parametrize("name,kwargs,shape", [CASES[2], CASES[7], CASES[13], CASES[19], CASES[22]],
                         ids=["causal", "grouped", "transpose", "depthwise", "separable"])
def test_symbolic_batch_and_jit(keras, name, kwargs, shape):
    check_jit_matches_keras(*build_pair(keras, name, kwargs, shape), shape)


@pytest.mark.parametrize("name,kwargs", [
    ("Conv2D", dict(filters=4, kernel_size=3, strides=2, padding="same", activation="relu", groups=2,
                    kernel_initializer="he_normal", kernel_regularizer=regularizers.L2(0.01),
                    bias_regularizer="l1", kernel_constraint=constraints.MaxNorm(2.0),
                    activity_regularizer="l2", name="my_conv")),
    ("Conv1D", dict(filters=2, kernel_size=3, padding="causal", dilation_rate=2, use_bias=False)),
    ("Conv2DTranspose", dict(filters=3, kernel_size=3, strides=2, output_padding=1, activation="sigmoid")),
    ("DepthwiseConv2D", dict(kernel_size=3, depth_multiplier=2, depthwise_regularizer="l2",
                             bias_constraint=constraints.NonNeg())),
    ("SeparableConv1D", dict(filters=3, kernel_size=2, pointwise_initializer="ones", padding="same")),
])
def test_config_round_trip(keras, name, kwargs):
    shape = (2, 6, 4) if name.endswith("1D") else (2, 6, 6, 4)
    layer = hornet_cls(name)(**kwargs)
    config = layer.get_config()
    assert set(config) == keras_config_keys(getattr(keras.layers, name))
    clone = hornet_cls(name).from_config(config)
    assert clone.get_config() == config
    x = rand(shape)
    y = np.asarray(layer(x))
    clone.build(shape)
    clone.set_weights(layer.get_weights())
    np.testing.assert_array_equal(np.asarray(clone(x)), y)


@pytest.mark.parametrize("name,kwargs,shape", [CASES[7], CASES[13]], ids=["grouped", "transpose"])
def test_gradients_match_keras(keras, name, kwargs, shape):
    """Gradients of a loss w.r.t. the weights (hornet's autodiff under jit vs jax.grad of Keras)."""
    import jax
    import jax.numpy as jnp

    h_layer, k_layer = build_pair(keras, name, kwargs, shape)
    x = rand(shape, 1)
    target = rand(k_layer.compute_output_shape(shape), 2)
    weights = h_layer.trainable_weights

    def loss(*values):
        with StateScope(dict(zip(weights, values))):
            return ops.sum(ops.multiply(h_layer(x), target))

    grads = hornet.jit(lambda *v: ops.grad(loss, argnums=tuple(range(len(v))))(*v))(*[w.value for w in weights])

    def keras_loss(values):
        return jnp.sum(k_layer.stateless_call(values, [], x)[0] * target)

    expected = jax.grad(keras_loss)([v.value for v in k_layer.trainable_variables])
    for g, e in zip(grads, expected):
        np.testing.assert_allclose(np.asarray(g), np.asarray(e), rtol=1e-4, atol=1e-4)


def test_mixed_precision(keras):
    h_layer, k_layer = build_pair(keras, "SeparableConv2D", dict(filters=4, kernel_size=3, dtype="mixed_float16"),
                                  (2, 6, 6, 3))
    x = rand((2, 6, 6, 3))
    y, expected = h_layer(x), np.asarray(k_layer(x))
    assert hornet.ops.dtype(y) == str(expected.dtype) == "float16"
    assert [w.dtype.name for w in h_layer.weights] == ["float32"] * 3
    np.testing.assert_allclose(np.asarray(y, "float32"), expected.astype("float32"), rtol=1e-3, atol=1e-3)


def test_regularization_losses_match_keras(keras):
    kwargs = dict(filters=3, kernel_size=2, kernel_regularizer=regularizers.L2(0.1), bias_regularizer="l1",
                  bias_initializer="ones")
    h_layer, k_layer = build_pair(keras, "Conv2D", kwargs, (2, 4, 4, 2))
    x = rand((2, 4, 4, 2))
    h_layer(x)
    k_layer(x)
    np.testing.assert_allclose(sorted(float(v) for v in h_layer.losses), sorted(float(v) for v in k_layer.losses),
                               rtol=1e-5)


def test_grouped_conv_is_blockwise():
    """groups=2 equals two separate convs over the channel halves (independent of Keras)."""
    layer = convolutional.Conv2D(4, 3, groups=2, use_bias=False)
    x = rand((1, 5, 5, 4))
    y = np.asarray(layer(x))
    kernel = layer.kernel.numpy()  # (3, 3, 2, 4)
    for g in range(2):
        half = convolutional.Conv2D(2, 3, use_bias=False)
        half.build((1, 5, 5, 2))
        half.set_weights([kernel[..., 2 * g:2 * g + 2]])
        np.testing.assert_allclose(np.asarray(half(x[..., 2 * g:2 * g + 2])), y[..., 2 * g:2 * g + 2],
                                   rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("name,kwargs,shape", [
    ("Conv2D", dict(filters=2, kernel_size=3), (2, 8, 3)),
    ("Conv1D", dict(filters=2, kernel_size=3), (2, 4, 8, 3)),
    ("Conv3DTranspose", dict(filters=2, kernel_size=2), (2, 4, 4, 3)),
    ("DepthwiseConv2D", dict(kernel_size=2), (2, 4, 3)),
    ("SeparableConv1D", dict(filters=2, kernel_size=2), (4, 3)),
])
def test_wrong_rank_names_layer_and_shape(name, kwargs, shape):
    layer = hornet_cls(name)(**kwargs)
    expected = f"'{layer.name}' ({name}) expects a rank-{layer.rank + 2} input, got shape {shape}"
    with pytest.raises(ShapeError, match=re.escape(expected)):
        layer(rand(shape))


def test_wrong_rank_after_build():
    layer = convolutional.Conv2D(2, 3)
    layer(rand((1, 5, 5, 3)))
    with pytest.raises(ShapeError, match="rank-4"):
        layer(rand((5, 5, 3)))


@pytest.mark.parametrize("cls,kwargs,match", [
    (convolutional.Conv2D, dict(filters=2, kernel_size=3, padding="causal"), "padding"),
    (convolutional.Conv1D, dict(filters=3, kernel_size=3, groups=2), "divisible by `groups`"),
    (convolutional.Conv2D, dict(filters=0, kernel_size=3), "filters"),
    (convolutional.Conv2D, dict(filters=2, kernel_size=(3, 3, 3)), "kernel_size"),
    (convolutional.Conv2D, dict(filters=2, kernel_size=3, strides=2, dilation_rate=2), "dilation_rate"),
    (convolutional.Conv2D, dict(filters=2, kernel_size=3, data_format="NHWC"), "data_format"),
    (conv_transpose.Conv2DTranspose, dict(filters=2, kernel_size=3, strides=2, output_padding=2), "output_padding"),
    (conv_transpose.Conv1DTranspose, dict(filters=2, kernel_size=3, padding="causal"), "padding"),
    (depthwise.DepthwiseConv2D, dict(kernel_size=3, depth_multiplier=0), "depth_multiplier"),
])
def test_bad_arguments(cls, kwargs, match):
    with pytest.raises(ValueError, match=match):
        cls(**kwargs)


def test_input_channels_not_divisible_by_groups():
    with pytest.raises(ValueError, match="groups=2"):
        convolutional.Conv2D(4, 3, groups=2)(rand((1, 5, 5, 3)))


def test_valid_padding_too_small_input():
    with pytest.raises(ValueError, match="zero or negative"):
        convolutional.Conv2D(2, 5).compute_output_shape((None, 3, 3, 1))


def test_aliases():
    assert convolutional.Convolution2D is convolutional.Conv2D
    assert conv_transpose.Convolution3DTranspose is conv_transpose.Conv3DTranspose
    assert depthwise.SeparableConvolution1D is depthwise.SeparableConv1D
