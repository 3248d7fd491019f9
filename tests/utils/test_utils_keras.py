"""hornet.utils against Keras 3 (JAX backend) as the oracle: to_categorical, pad_sequences, normalize."""
import os

os.environ["KERAS_BACKEND"] = "jax"

import keras
import numpy as np
import pytest

import hornet.utils as utils
from hornet.preprocessing.sequence import pad_sequences as preprocessing_pad_sequences

RNG = np.random.default_rng(0)


@pytest.mark.parametrize("labels,num_classes", [
    ([0, 1, 2, 3], None),
    ([0, 1, 2, 3], 6),
    (np.array([[1], [0], [2]]), None),
    (np.array([[0, 1], [2, 1]]), 3),
    (np.array([[[1], [0]], [[2], [1]]]), 4),
    (np.array([3.0, 1.0]), None),
    (np.array([], dtype="int64"), 3),
])
def test_to_categorical_matches_keras(labels, num_classes):
    expected = keras.utils.to_categorical(labels, num_classes=num_classes)
    got = utils.to_categorical(labels, num_classes=num_classes)
    assert isinstance(got, np.ndarray) and got.dtype == expected.dtype and got.shape == expected.shape
    np.testing.assert_array_equal(got, expected)


def test_to_categorical_of_a_tensor():
    import jax.numpy as jnp

    got = utils.to_categorical(jnp.array([[2], [0]]), num_classes=3)
    expected = keras.utils.to_categorical(jnp.array([[2], [0]]), num_classes=3)
    assert not isinstance(got, np.ndarray) and got.shape == (2, 3)
    np.testing.assert_array_equal(np.asarray(got), np.asarray(expected))
    np.testing.assert_array_equal(np.asarray(utils.to_categorical(jnp.array([1, 0]))), [[0, 1], [1, 0]])


def test_to_categorical_errors():
    with pytest.raises(ValueError, match="out of range for num_classes=2"):
        utils.to_categorical([0, 2], num_classes=2)
    with pytest.raises(ValueError, match="out of range"):
        utils.to_categorical([-1, 0])
    with pytest.raises(ValueError, match="must be integers"):
        utils.to_categorical(np.array([0.5]))


SEQS = [[1, 2, 3], [4], [], [5, 6, 7, 8, 9], [10, 11]]


@pytest.mark.parametrize("maxlen", [None, 1, 3, 7])
@pytest.mark.parametrize("padding", ["pre", "post"])
@pytest.mark.parametrize("truncating", ["pre", "post"])
@pytest.mark.parametrize("value", [0.0, -1])
def test_pad_sequences_every_option_matches_keras(maxlen, padding, truncating, value):
    kw = dict(maxlen=maxlen, padding=padding, truncating=truncating, value=value)
    expected = keras.utils.pad_sequences(SEQS, **kw)
    got = utils.pad_sequences(SEQS, **kw)
    assert got.dtype == expected.dtype == np.int32
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("dtype,value", [("float32", 0.5), ("int64", 7), ("float64", np.nan)])
def test_pad_sequences_dtypes(dtype, value):
    seqs = [np.array([0.25, 1.5]), np.array([2.0]), np.array([3.0, 4.0, 5.0])]
    expected = keras.utils.pad_sequences(seqs, maxlen=2, dtype=dtype, value=value)
    got = utils.pad_sequences(seqs, maxlen=2, dtype=dtype, value=value)
    assert got.dtype == expected.dtype
    np.testing.assert_array_equal(got, expected)


def test_pad_sequences_of_strings_and_multidim_samples():
    words = [["a", "b"], ["c"], ["d", "e", "f"]]
    expected = keras.utils.pad_sequences(words, dtype=object, value="<pad>", padding="post")
    np.testing.assert_array_equal(utils.pad_sequences(words, dtype=object, value="<pad>", padding="post"), expected)
    vecs = [RNG.normal(size=(n, 3)) for n in (2, 4, 1)]
    for kw in (dict(dtype="float32"), dict(dtype="float32", maxlen=3, padding="post", truncating="post")):
        np.testing.assert_array_equal(utils.pad_sequences(vecs, **kw), keras.utils.pad_sequences(vecs, **kw))


def test_pad_sequences_namespaces_and_errors():
    assert preprocessing_pad_sequences is utils.pad_sequences
    np.testing.assert_array_equal(preprocessing_pad_sequences(SEQS), keras.preprocessing.sequence.pad_sequences(SEQS))
    with pytest.raises(ValueError, match="Padding type"):
        utils.pad_sequences(SEQS, padding="middle")
    with pytest.raises(ValueError, match="Truncating type"):
        utils.pad_sequences(SEQS, truncating="middle")
    with pytest.raises(ValueError, match="not compatible"):
        utils.pad_sequences(SEQS, value="x")
    with pytest.raises(ValueError, match="non-iterable at position 1"):
        utils.pad_sequences([[1], 2])
    with pytest.raises(ValueError, match="different from expected shape"):
        utils.pad_sequences([np.zeros((2, 3)), np.zeros((2, 4))])


@pytest.mark.parametrize("axis", [-1, 1, 2])
@pytest.mark.parametrize("order", [1, 2, np.inf])
def test_normalize_numpy_matches_keras(axis, order):
    x = RNG.normal(size=(3, 4, 5)).astype("float32")
    x[0, 1] = 0.0  # an all-zero slice stays zero
    expected = keras.utils.normalize(x, axis=axis, order=order)
    got = utils.normalize(x, axis=axis, order=order)
    assert isinstance(got, np.ndarray) and got.dtype == expected.dtype
    np.testing.assert_allclose(got, expected, rtol=1e-6)


def test_normalize_axis_zero_is_along_axis_zero():
    # Keras's NumPy path maps axis=0 to -1 (`axis or -1`); hornet normalizes along the axis asked for,
    # which is what keras.ops.normalize does for tensors.
    x = RNG.normal(size=(3, 4)).astype("float32")
    got = utils.normalize(x, axis=0)
    np.testing.assert_allclose(got, np.asarray(keras.ops.normalize(x, axis=0)), rtol=1e-6)
    np.testing.assert_allclose(np.linalg.norm(got, axis=0), np.ones(4), rtol=1e-6)


def test_normalize_tensor_matches_keras_ops():
    import jax.numpy as jnp

    x = jnp.asarray(RNG.normal(size=(4, 6)).astype("float32"))
    for order in (1, 2):
        expected = keras.utils.normalize(x, axis=-1, order=order)
        np.testing.assert_allclose(np.asarray(utils.normalize(x, order=order)), np.asarray(expected), rtol=1e-5)
