"""CategoryEncoding and Discretization against Keras 3 (JAX backend): encodings for every output mode and input
rank, count weights, adapt() boundaries, output shapes, symbolic batch, config round trip, errors."""
import json

import numpy as np
import pytest

import hornet
from hornet.api.layers import category


def rng(seed=0):
    return np.random.default_rng(seed)


IDS = {"batch": rng(1).integers(0, 6, (4, 5)), "vector": rng(2).integers(0, 6, (5,)),
       "column": rng(3).integers(0, 6, (4, 1)), "scalar": np.array(3)}


@pytest.mark.parametrize("mode", ["one_hot", "multi_hot", "count", "binary"])
@pytest.mark.parametrize("which", list(IDS))
def test_category_encoding_matches_keras(keras, mode, which):
    ids = IDS[which]
    h, k = category.CategoryEncoding(6, mode), keras.layers.CategoryEncoding(6, mode)
    out, want = np.asarray(h(ids)), np.asarray(k(ids))
    assert out.dtype == want.dtype == np.float32
    np.testing.assert_array_equal(out, want)
    assert h.compute_output_shape(ids.shape) == k.compute_output_shape(ids.shape)


def test_category_encoding_count_weights_and_out_of_range(keras):
    ids, w = IDS["batch"], rng(4).uniform(size=(4, 5)).astype("float32")
    h, k = category.CategoryEncoding(6, "count"), keras.layers.CategoryEncoding(6, "count")
    np.testing.assert_allclose(np.asarray(h(ids, count_weights=w)), np.asarray(k(ids, count_weights=w)), rtol=1e-6)
    bad = np.array([[0, 9], [7, 1]])  # ids >= num_tokens encode as zeros (as Keras on JAX)
    np.testing.assert_array_equal(np.asarray(category.CategoryEncoding(6, "multi_hot")(bad)),
                                  np.asarray(keras.layers.CategoryEncoding(6, "multi_hot")(bad)))
    with pytest.raises(ValueError, match="count_weights"):
        category.CategoryEncoding(6, "one_hot")(ids, count_weights=w)


def test_category_encoding_symbolic_batch_and_config(keras):
    layer = category.CategoryEncoding(7, "multi_hot")
    graph = hornet.trace(lambda x: layer(x), hornet.TensorSpec((None, 3), "int32"))
    assert str(graph.output_types[0]) == "float32[batch,7]"
    jitted = hornet.jit(layer)
    for batch in (2, 5):
        ids = rng(batch).integers(0, 7, (batch, 3)).astype("int32")
        np.testing.assert_array_equal(np.asarray(jitted(ids)), np.asarray(layer(ids)))
    config = layer.get_config()
    json.dumps(config)
    assert set(keras.layers.CategoryEncoding(7).get_config()) <= set(config)
    clone = category.CategoryEncoding.from_config(config)
    assert clone.num_tokens == 7 and clone.output_mode == "multi_hot"


def test_category_encoding_errors():
    with pytest.raises(ValueError, match="num_tokens"):
        category.CategoryEncoding()
    with pytest.raises(ValueError, match="num_tokens=0"):
        category.CategoryEncoding(0)
    with pytest.raises(ValueError, match="output_mode='tf_idf'"):
        category.CategoryEncoding(3, "tf_idf")
    with pytest.raises(ValueError, match="sparse"):
        category.CategoryEncoding(3, sparse=True)


@pytest.mark.parametrize("mode", ["int", "one_hot", "multi_hot", "count"])
@pytest.mark.parametrize("shape", [(4, 3), (6,), (4, 1)])
def test_discretization_with_boundaries_matches_keras(keras, mode, shape):
    x = (rng(5).normal(size=shape) * 3).astype("float32")
    x.flat[0] = 0.0  # exactly on a boundary: goes to the upper bucket
    bins = [-1.0, 0.0, 2.0]
    h = category.Discretization(bin_boundaries=bins, output_mode=mode)
    k = keras.layers.Discretization(bin_boundaries=bins, output_mode=mode)
    out, want = np.asarray(h(x)), np.asarray(k(x))
    assert out.dtype == want.dtype
    np.testing.assert_array_equal(out, want)
    none_batch = (None, *shape[1:])
    assert h.compute_output_shape(none_batch) == k.compute_output_shape(none_batch)


@pytest.mark.parametrize("num_bins,epsilon", [(2, 0.01), (5, 0.01), (10, 0.05), (4, 0.2)])
def test_discretization_adapt_matches_keras(keras, num_bins, epsilon):
    data = (rng(6).normal(size=(1000,)) * 3).astype("float32")
    h = category.Discretization(num_bins=num_bins, epsilon=epsilon)
    k = keras.layers.Discretization(num_bins=num_bins, epsilon=epsilon)
    h.adapt(data)
    k.adapt(data)
    np.testing.assert_allclose(h.bin_boundaries, k.bin_boundaries, rtol=1e-6)
    batches = [data[i:i + 130].reshape(-1, 1) for i in range(0, 1000, 130)]  # a list of batches
    h.adapt(batches)
    k.adapt(batches)
    np.testing.assert_allclose(h.bin_boundaries, k.bin_boundaries, rtol=1e-6)
    x = data[:20].reshape(4, 5)
    np.testing.assert_array_equal(np.asarray(h(x)), np.asarray(k(x)))


def test_discretization_adapt_generator_steps_and_quantiles():
    layer = category.Discretization(num_bins=4)
    layer.adapt(np.arange(100.0, dtype="float32") for _ in range(1))
    np.testing.assert_allclose(layer.bin_boundaries, [24.0, 49.0, 74.0], atol=1.0)
    layer.adapt(iter([np.zeros(10), np.ones(10) * 100]), steps=1)
    assert all(b == 0.0 for b in layer.bin_boundaries)
    ints = np.asarray(layer(np.array([[-1, 0, 5]], "int32")))
    assert ints.dtype == np.int32 and ints.tolist() == [[0, 3, 3]]


def test_discretization_config_round_trip_and_symbolic_batch(keras):
    layer = category.Discretization(num_bins=3)
    layer.adapt(np.linspace(0, 1, 300).astype("float32"))
    config = layer.get_config()
    json.dumps(config)
    assert set(config) == set(keras.layers.Discretization(num_bins=3).get_config()) | {"trainable"}
    clone = category.Discretization.from_config(config)
    assert clone.bin_boundaries == layer.bin_boundaries and clone.num_bins == 3
    x = np.linspace(-0.5, 1.5, 12, dtype="float32").reshape(3, 4)
    np.testing.assert_array_equal(np.asarray(clone(x)), np.asarray(layer(x)))
    graph = hornet.trace(lambda t: layer(t), hornet.TensorSpec((None, 4)))
    assert str(graph.output_types[0]) == "int32[batch,4]"


def test_discretization_errors():
    with pytest.raises(ValueError, match="either"):
        category.Discretization()
    with pytest.raises(ValueError, match="only one"):
        category.Discretization(bin_boundaries=[0.0], num_bins=2)
    with pytest.raises(ValueError, match="num_bins=-1"):
        category.Discretization(num_bins=-1)
    with pytest.raises(ValueError, match="output_mode='bucket'"):
        category.Discretization(num_bins=2, output_mode="bucket")
    with pytest.raises(ValueError, match="adapt"):
        category.Discretization(num_bins=2)(np.zeros(3, "float32"))
    with pytest.raises(ValueError, match="num_bins"):
        category.Discretization(bin_boundaries=[0.0]).adapt(np.zeros(3))
