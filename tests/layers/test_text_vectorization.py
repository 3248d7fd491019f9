"""TextVectorization against Keras 3 (JAX backend): standardize (ASCII lowercasing, punctuation), splitting
(ASCII whitespace, characters, none, callables), n-grams, every output mode, sequence lengths, row and column
inputs, tf.data batches, output shapes, configs that reload the vocabulary, and errors. Host-side preprocessing:
each test runs once."""
import json

import numpy as np
import pytest

import hornet
from hornet.api.layers.text_vectorization import TextVectorization

pytestmark = pytest.mark.parametrize("backend", ["jax"])  # host-side NumPy code: the backend makes no difference
DOCS = ["The cat sat.", "The DOG, sat!  on the mat", "ÉCOLE école\u00a0x  y\tz", "a\x0bb\x0cc\x1cd"]
QUERY = np.array(DOCS + ["unknownword cat", ""])


def _same(out, want):
    out, want = np.asarray(out), np.asarray(want)
    assert out.dtype == want.dtype and out.shape == want.shape
    np.testing.assert_allclose(out, want, rtol=1e-6)


CASES = [dict(), dict(output_sequence_length=3), dict(output_sequence_length=8, ngrams=2),
         dict(ngrams=(2, 3), standardize="lower"), dict(split="character", standardize=None),
         dict(output_mode="multi_hot"), dict(output_mode="count", max_tokens=5),
         dict(output_mode="tf_idf", max_tokens=8, pad_to_max_tokens=True), dict(output_mode="tf_idf", ngrams=2)]


@pytest.mark.parametrize("case", range(len(CASES)))
def test_text_vectorization_matches_keras(keras, case):
    kwargs = CASES[case]
    h, k = TextVectorization(**kwargs), keras.layers.TextVectorization(**kwargs)
    h.adapt(DOCS)
    k.adapt(DOCS)
    assert h.get_vocabulary() == [str(v) for v in k.get_vocabulary()]
    assert h.vocabulary_size() == k.vocabulary_size()
    _same(h(QUERY), k(QUERY))
    _same(h(QUERY.reshape(-1, 1)), k(QUERY.reshape(-1, 1)))
    assert h.compute_output_shape((None,)) == k.compute_output_shape((None,))
    config = json.loads(json.dumps(h.get_config()))
    assert set(k.get_config()) <= set(config)
    clone = TextVectorization.from_config(config)
    assert clone.get_vocabulary() == h.get_vocabulary()
    _same(clone(QUERY), h(QUERY))


def test_unsplit_inputs_scalars_empty_rows_and_given_vocabulary(keras):
    for kwargs in (dict(split=None, standardize="strip_punctuation"), dict(split=None, output_mode="one_hot")):
        h, k = TextVectorization(**kwargs), keras.layers.TextVectorization(**kwargs)
        h.adapt(["a b.", "c", "a b"])
        k.adapt(["a b.", "c", "a b"])
        x = np.array([["a b"], ["c!"], ["zz"]])
        _same(h(x), k(x))
    h = TextVectorization(vocabulary=["cat", "sat"])
    k = keras.layers.TextVectorization(vocabulary=["cat", "sat"])
    _same(h(["cat sat dog"]), k(["cat sat dog"]))
    _same(h("cat cat"), k("cat cat"))
    _same(h(["", ""]), k(["", ""]))
    assert h.get_vocabulary() == ["", "[UNK]", "cat", "sat"]
    h.set_vocabulary(["", "[UNK]", "dog"])  # the special tokens may lead the list
    assert np.asarray(h(["dog cat"])).tolist() == [[2, 1]]


def test_callables_and_tf_data_batches(keras):
    import tensorflow as tf

    def shout(x):
        return np.char.upper(x)

    h, k = TextVectorization(standardize=shout), keras.layers.TextVectorization(standardize=shout)
    h.adapt(["a b", "c a"])
    k.adapt(["a b", "c a"])
    assert h.get_vocabulary() == [str(v) for v in k.get_vocabulary()]
    split = TextVectorization(split=lambda x: [s.split("-") for s in x.tolist()], standardize=None)
    split.adapt(["a-b", "b-c-b"])
    assert split.get_vocabulary() == ["", "[UNK]", "b", "c", "a"]
    dataset = tf.data.Dataset.from_tensor_slices(DOCS).batch(3)
    h, k = TextVectorization(output_mode="tf_idf"), keras.layers.TextVectorization(output_mode="tf_idf")
    h.adapt(dataset)
    k.adapt(dataset)
    _same(h(QUERY), k(QUERY))


def test_text_vectorization_errors():
    with pytest.raises(ValueError, match="ragged=True"):
        TextVectorization(ragged=True)
    with pytest.raises(ValueError, match="sparse=True"):
        TextVectorization(sparse=True)
    with pytest.raises(ValueError, match="standardize='upper'"):
        TextVectorization(standardize="upper")
    with pytest.raises(ValueError, match="split='comma'"):
        TextVectorization(split="comma")
    with pytest.raises(ValueError, match="ngrams=2.5"):
        TextVectorization(ngrams=2.5)
    with pytest.raises(ValueError, match="output_sequence_length=4"):
        TextVectorization(output_mode="multi_hot", output_sequence_length=4)
    with pytest.raises(ValueError, match=r"last dimension of size 1, got shape \(1, 2\)"):
        TextVectorization(vocabulary=["a"])(np.array([["a", "b"]]))
    with pytest.raises(ValueError, match="static vocabulary"):
        TextVectorization(vocabulary=["a"]).adapt(["a"])
    with pytest.raises(TypeError, match="host-side preprocessing"):
        TextVectorization(vocabulary=["a"])(hornet.Input((1,), dtype="int32"))
