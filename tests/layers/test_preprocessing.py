"""Preprocessing layers (Normalization with adapt, Rescaling) against Keras 3 (JAX backend): adapted statistics,
outputs, weights, configs, symbolic batch, errors."""
import json

import numpy as np
import pytest

from layer_oracle import ATOL, RTOL

import hornet
from hornet.api.layers import preprocessing as pre


def data(shape, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.normal(size=shape) * rng.uniform(0.5, 3.0, size=shape[-1:]) + 2.0).astype("float32")


@pytest.mark.parametrize("axis,shape", [(-1, (40, 3)), (None, (40, 3)), (1, (20, 4, 3)), ((1, 2), (20, 4, 3)),
                                        (-1, (20, 4, 3))])
@pytest.mark.parametrize("invert", [False, True])
def test_adapt_matches_keras(keras, axis, shape, invert):
    x = data(shape, 1)
    h, k = pre.Normalization(axis=axis, invert=invert), keras.layers.Normalization(axis=axis, invert=invert)
    h.adapt(x)
    k.adapt(x)
    assert [w.short_name for w in h.weights] == [w.name for w in k.weights]
    for hw, kw in zip(h.get_weights(), k.get_weights()):
        assert hw.dtype == kw.dtype
        np.testing.assert_allclose(hw, kw, rtol=RTOL, atol=ATOL)
    y = x[:5]
    np.testing.assert_allclose(np.asarray(h(y)), np.asarray(k(y)), rtol=RTOL, atol=ATOL)
    assert h.compute_output_shape((None, *shape[1:])) == k.compute_output_shape((None, *shape[1:]))


def batches(x, size):
    for i in range(0, len(x), size):
        yield x[i:i + size]


@pytest.mark.parametrize("source", ["list", "generator", "xy_tuples", "tf_data"])
def test_adapt_on_batches_matches_whole_array(source):
    x = data((50, 4), 2)
    whole = pre.Normalization()
    whole.adapt(x)
    layer = pre.Normalization()
    if source == "list":
        layer.adapt([x[:13], x[13:30], x[30:]])
    elif source == "generator":
        layer.adapt(batches(x, 16))
    elif source == "xy_tuples":
        layer.adapt([(b, np.zeros(len(b))) for b in batches(x, 7)])
    else:
        import tensorflow as tf

        layer.adapt(tf.data.Dataset.from_tensor_slices(x))  # unbatched vectors: batched internally, as Keras
    np.testing.assert_allclose(layer.adapt_mean.numpy(), whole.adapt_mean.numpy(), rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(layer.adapt_variance.numpy(), whole.adapt_variance.numpy(), rtol=1e-4, atol=ATOL)


def test_adapt_updates_a_jitted_model_through_its_variables():
    layer = pre.Normalization()
    layer.adapt(data((30, 3), 3))
    jitted = hornet.jit(layer)
    x = data((4, 3), 4)
    np.testing.assert_allclose(np.asarray(jitted(x)), np.asarray(layer(x)), rtol=RTOL, atol=ATOL)
    layer.adapt(data((30, 3), 5) * 10)
    np.testing.assert_allclose(np.asarray(jitted(x)), np.asarray(layer(x)), rtol=RTOL, atol=ATOL)
    graph = hornet.trace(lambda t: layer(t), hornet.TensorSpec((None, 3)))
    assert "batch" in str(graph.output_types[0])


@pytest.mark.parametrize("mean,variance,axis,shape", [
    (2.0, 4.0, -1, (5, 3)),
    ([1.0, 2.0, 3.0], [1.0, 4.0, 9.0], -1, (5, 3)),
    ([1.0, 2.0, 3.0], [1.0, 4.0, 9.0], -1, (5, 2, 3)),
    ([[1.0, 2.0, 3.0]] * 2, [[1.0, 4.0, 0.5]] * 2, (1, 2), (5, 2, 3)),
    (0.5, 0.0, None, (4, 3)),  # zero variance: divided by epsilon, as Keras
])
@pytest.mark.parametrize("invert", [False, True])
def test_given_mean_and_variance_match_keras(keras, mean, variance, axis, shape, invert):
    x = data(shape, 6)
    kwargs = dict(mean=mean, variance=variance, axis=axis, invert=invert)
    h, k = pre.Normalization(**kwargs), keras.layers.Normalization(**kwargs)
    np.testing.assert_allclose(np.asarray(h(x)), np.asarray(k(x)), rtol=RTOL, atol=ATOL)
    assert h.weights == [] and k.weights == []
    hc, kc = h.get_config(), k.get_config()
    for key in ("axis", "invert", "mean", "variance"):
        assert hc[key] == kc[key], key
    json.dumps(hc)
    clone = pre.Normalization.from_config(hc)
    np.testing.assert_allclose(np.asarray(clone(x)), np.asarray(h(x)), rtol=RTOL, atol=ATOL)


def test_adapted_round_trip_through_config_and_weights():
    layer = pre.Normalization()
    x = data((20, 3), 7)
    layer.adapt(x)
    clone = pre.Normalization.from_config(layer.get_config())
    clone.build((None, 3))
    clone.set_weights(layer.get_weights())
    np.testing.assert_allclose(np.asarray(clone(x)), np.asarray(layer(x)), rtol=RTOL, atol=ATOL)


def test_integer_inputs_are_cast(keras):
    x = np.arange(12, dtype="int32").reshape(4, 3)
    h, k = pre.Normalization(mean=5.0, variance=4.0), keras.layers.Normalization(mean=5.0, variance=4.0)
    out = h(x)
    assert str(np.asarray(out).dtype) == "float32"
    np.testing.assert_allclose(np.asarray(out), np.asarray(k(x)), rtol=RTOL)


def test_normalization_errors():
    with pytest.raises(ValueError, match="both `mean` and `variance`"):
        pre.Normalization(mean=1.0)
    with pytest.raises(ValueError, match="same shape"):
        pre.Normalization(mean=[1.0, 2.0], variance=[1.0])
    with pytest.raises(ValueError, match="can't adapt"):
        pre.Normalization(mean=1.0, variance=1.0).adapt(np.ones((3, 2), "float32"))
    with pytest.raises(ValueError, match="range"):
        pre.Normalization(axis=3).build((None, 2))
    with pytest.raises(ValueError, match="empty"):
        pre.Normalization().adapt([])
    layer = pre.Normalization()
    layer.adapt(np.ones((4, 3), "float32"))
    with pytest.raises(ValueError, match="incompatible shape"):
        layer.adapt(np.ones((4, 5), "float32"))
    with pytest.raises(ValueError, match="known shape"):
        pre.Normalization().build((None, None))


@pytest.mark.parametrize("scale,offset,dtype", [
    (1 / 255, 0.0, "uint8"),
    (2.0, -1.0, "float32"),
    (np.array([1.0, 2.0, 0.5], "float32"), np.array([0.0, 1.0, -1.0], "float32"), "float32"),
    (0.5, 0.25, "int32"),
])
def test_rescaling_matches_keras(keras, scale, offset, dtype):
    x = (np.random.default_rng(0).uniform(0, 255, size=(4, 5, 3))).astype(dtype)
    h, k = pre.Rescaling(scale, offset), keras.layers.Rescaling(scale, offset)
    out = h(x)
    assert str(np.asarray(out).dtype) == "float32"
    np.testing.assert_allclose(np.asarray(out), np.asarray(k(x)), rtol=RTOL, atol=ATOL)
    assert h.compute_output_shape((None, 5, 3)) == k.compute_output_shape((None, 5, 3))
    config = h.get_config()
    json.dumps(config)
    np.testing.assert_allclose(np.asarray(pre.Rescaling.from_config(config)(x)), np.asarray(out), rtol=RTOL)
    from_keras = pre.Rescaling.from_config({k_: v for k_, v in k.get_config().items() if k_ != "name"})
    np.testing.assert_allclose(np.asarray(from_keras(x)), np.asarray(out), rtol=RTOL)
    graph = hornet.trace(lambda t: h(t), hornet.TensorSpec((None, 5, 3), dtype))
    assert str(graph.output_types[0]) == "float32[batch,5,3]"
