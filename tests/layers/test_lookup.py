"""IntegerLookup and StringLookup against Keras 3 (JAX backend): adapt (frequency ranking, max_tokens, tf-idf),
given vocabularies with or without special tokens, every output mode, masks, OOV buckets, invert, vocabulary
files, configs that reload the vocabulary, the traced integer lookup (jit and a saved functional model, on each
backend), and errors."""
import json
import os

import numpy as np
import pytest

import hornet
from hornet.api.layers.lookup import IntegerLookup, StringLookup

HOST = pytest.mark.parametrize("backend", ["jax"])  # host-side NumPy code: the backend makes no difference
INT_DATA = np.array([[12, 1138, 42], [42, 1000, 36], [36, 42, 7]])
INT_QUERY = np.array([[12, 0, 12], [42, 36, 5]])
STR_DATA = [["a", "b", "c"], ["c", "d", "a"], ["a", "e", "e"]]
STR_QUERY = np.array([["a", "z", "[MASK]"], ["e", "c", "q"]])


def _same(out, want, rtol=1e-6):
    out, want = np.asarray(out), np.asarray(want)
    assert out.dtype == want.dtype and out.shape == want.shape
    np.testing.assert_allclose(out, want, rtol=rtol)


def _round_trip(layer, x):
    config = json.loads(json.dumps(layer.get_config()))
    clone = type(layer).from_config(config)
    assert clone.get_vocabulary() == layer.get_vocabulary()
    _same(clone(x), layer(x))
    return config


ADAPT_CASES = [dict(), dict(output_mode="multi_hot"), dict(output_mode="count", mask_token=0),
               dict(output_mode="tf_idf"), dict(max_tokens=4, num_oov_indices=2, mask_token=0),
               dict(max_tokens=7, pad_to_max_tokens=True, output_mode="tf_idf"),
               dict(num_oov_indices=3, oov_method="farmhash", salt=5)]


@HOST
@pytest.mark.parametrize("case", range(len(ADAPT_CASES)))
def test_integer_lookup_adapt_matches_keras(keras, case):
    kwargs = ADAPT_CASES[case]
    h, k = IntegerLookup(**kwargs), keras.layers.IntegerLookup(**kwargs)
    h.adapt(INT_DATA)
    k.adapt(INT_DATA)
    assert h.get_vocabulary() == [int(v) for v in k.get_vocabulary()]
    assert h.vocabulary_size() == k.vocabulary_size()
    _same(h(INT_QUERY), k(INT_QUERY))
    config = _round_trip(h, INT_QUERY)
    assert set(k.get_config()) <= set(config)


@HOST
@pytest.mark.parametrize("case", range(len(ADAPT_CASES)))
def test_string_lookup_adapt_matches_keras(keras, case):
    kwargs = {key: ("[MASK]" if key == "mask_token" else v) for key, v in ADAPT_CASES[case].items()
              if key != "oov_method"}
    h, k = StringLookup(**kwargs), keras.layers.StringLookup(**kwargs)
    h.adapt(STR_DATA)
    k.adapt(STR_DATA)
    assert h.get_vocabulary() == [str(v) for v in k.get_vocabulary()]
    _same(h(STR_QUERY), k(STR_QUERY))
    config = _round_trip(h, STR_QUERY)
    assert set(k.get_config()) <= set(config)


VOCAB_CASES = [dict(vocabulary=[12, 36, 1138, 42], num_oov_indices=2, mask_token=0),
               dict(vocabulary=[0, -1, 12, 36], mask_token=0),  # the special tokens included, in order
               dict(vocabulary=[-1, 4, 5], mask_token=0, output_mode="multi_hot"),
               dict(vocabulary=[4, 5, 36], output_mode="one_hot"),
               dict(vocabulary=[12, 36], num_oov_indices=3),
               dict(vocabulary=[12, 36, 42], num_oov_indices=2, oov_method="farmhash"),
               dict(vocabulary=[4, 5, 12], output_mode="tf_idf", idf_weights=[0.5, 1.0, 2.0]),
               dict(vocabulary=[12, 36], invert=True, mask_token=0),
               dict(vocabulary=[12, 36], invert=True)]


def test_integer_lookup_given_vocabulary_matches_keras_and_traces(keras):
    for kwargs in VOCAB_CASES:
        h, k = IntegerLookup(**kwargs), keras.layers.IntegerLookup(**kwargs)
        assert h.get_vocabulary() == [int(v) for v in k.get_vocabulary()]
        x = np.array([[0, 1, 2, 3, 9, -1]]) if h.invert else np.array([[12, 0, 7, 8, -3, 4, 4, 36]])
        if kwargs.get("output_mode") == "one_hot":
            x = x[0]
        want = np.asarray(k(x))
        _same(h(x), want)
        _same(hornet.jit(h)(x), want)
        _round_trip(h, x)


def test_integer_lookup_in_a_saved_functional_model(tmp_path):
    lookup = IntegerLookup(output_mode="multi_hot")
    lookup.adapt(INT_DATA)
    inp = hornet.Input((3,), dtype="int64")
    assert lookup(inp).shape == (None, lookup.vocabulary_size())
    model = hornet.Model(inp, hornet.layers.Dense(2)(lookup(inp)))
    x = np.array([[12, 36, 9], [7, 7, 42]], "int64")
    path = str(tmp_path / "m.hornet")
    model.save(path)
    loaded = hornet.saving.load_model(path)
    np.testing.assert_allclose(np.asarray(loaded.predict(x, verbose=0)), np.asarray(model.predict(x, verbose=0)),
                               rtol=1e-6)
    assert loaded.layers[1].get_vocabulary() == lookup.get_vocabulary()


@HOST
def test_string_lookup_invert_bytes_scalars_and_oov_buckets(keras):
    layer = StringLookup(vocabulary=["a", "b"], invert=True, mask_token="")
    assert layer(np.array([[0, 1, 2, 3, 7, -1]])).tolist() == [["", "[UNK]", "a", "b", "[UNK]", "[UNK]"]]
    layer = StringLookup(vocabulary=["a", "b"])
    _same(layer(["a", b"b", "c"]), keras.layers.StringLookup(vocabulary=["a", "b"])(["a", b"b", "c"]))
    assert int(np.asarray(layer("b"))) == 2
    for salt in (None, 5):
        h = StringLookup(vocabulary=["a", "b"], num_oov_indices=3, salt=salt)
        k = keras.layers.StringLookup(vocabulary=["a", "b"], num_oov_indices=3, salt=salt)
        x = np.array(["x", "y", "z", "a", "w", "é" * 30])
        _same(h(x), k(x))


@HOST
def test_vocabulary_files_and_set_vocabulary(keras, tmp_path):
    path = str(tmp_path / "vocab.txt")
    with open(path, "w", encoding="utf-8") as f:
        f.write("x\nyé\nz\n")
    h, k = StringLookup(vocabulary=path), keras.layers.StringLookup(vocabulary=path)
    assert h.get_vocabulary() == [str(v) for v in k.get_vocabulary()]
    _same(h(np.array(["yé", "q"])), k(np.array(["yé", "q"])))
    assert h.get_config()["vocabulary"] == ["[UNK]", "x", "yé", "z"]  # the config holds the words, not the path
    with open(path, "w") as f:
        f.write("7\n3\n")
    assert IntegerLookup(vocabulary=path).get_vocabulary() == [-1, 7, 3]
    layer = IntegerLookup()
    layer.set_vocabulary(np.array([5, 6]))
    layer.adapt(np.array([9, 9, 8]))  # set_vocabulary (unlike the constructor argument) still allows adapt
    assert layer.get_vocabulary() == [-1, 9, 8]


@HOST
def test_adapt_on_batches(keras):
    batches = [np.array([["a", "b"], ["b", "c"]]), np.array([["c", "c"], ["d", "b"]]), np.array([["z", "z"]])]
    h = StringLookup(output_mode="tf_idf")
    k = keras.layers.StringLookup(output_mode="tf_idf")
    h.adapt(iter(batches), steps=2)
    k.adapt(iter(batches), steps=2)
    assert h.get_vocabulary() == [str(v) for v in k.get_vocabulary()]
    np.testing.assert_allclose(h.idf_weights, np.asarray(k.idf_weights), rtol=1e-6)
    h = IntegerLookup()
    h.adapt(b for b in (np.array([1, 2, 2]), np.array([3, 3, 3])))
    assert h.get_vocabulary() == [-1, 3, 2, 1]


@HOST
def test_lookup_errors():
    with pytest.raises(ValueError, match="max_tokens=1"):
        IntegerLookup(max_tokens=1)
    with pytest.raises(ValueError, match="pad_to_max_tokens"):
        IntegerLookup(pad_to_max_tokens=True)
    with pytest.raises(ValueError, match="num_oov_indices=-1"):
        StringLookup(num_oov_indices=-1)
    with pytest.raises(ValueError, match="output_mode='bad'"):
        StringLookup(output_mode="bad")
    with pytest.raises(ValueError, match="must be 'int' when invert"):
        StringLookup(invert=True, output_mode="count")
    with pytest.raises(ValueError, match="salt"):
        IntegerLookup(salt=3)
    with pytest.raises(ValueError, match="idf_weights"):
        StringLookup(vocabulary=["a"], output_mode="tf_idf")
    with pytest.raises(ValueError, match="repeated terms"):
        StringLookup(vocabulary=["a", "a"])
    with pytest.raises(ValueError, match="mask token 0"):
        IntegerLookup(vocabulary=[3, 0], mask_token=0)
    with pytest.raises(ValueError, match="exceeds max_tokens=3"):
        StringLookup(vocabulary=["a", "b", "c"], max_tokens=3)
    with pytest.raises(ValueError, match="does not exist"):
        StringLookup(vocabulary=os.path.join("no", "such", "file.txt"))
    with pytest.raises(ValueError, match="static vocabulary"):
        StringLookup(vocabulary=["a"]).adapt(["a"])
    with pytest.raises(RuntimeError, match="must set the layer's vocabulary"):
        StringLookup(output_mode="multi_hot")(np.array([["a"]]))
    with pytest.raises(RuntimeError, match="cannot be changed"):
        StringLookup(vocabulary=["a"], output_mode="multi_hot").set_vocabulary(["a", "b"])
    with pytest.raises(ValueError, match=r"found OOV values \[5\]"):
        IntegerLookup(vocabulary=[12], num_oov_indices=0)(np.array([12, 5]))
    with pytest.raises(ValueError, match="integer tokens, got dtype float32"):
        IntegerLookup(vocabulary=[1])(np.array([1.5], "float32"))
    with pytest.raises(ValueError, match="vocabulary_dtype='int32'"):
        IntegerLookup(vocabulary_dtype="int32")
    with pytest.raises(TypeError, match="host-side preprocessing"):
        StringLookup(vocabulary=["a"])(hornet.Input((1,), dtype="int32"))
