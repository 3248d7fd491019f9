"""The string hashes against TensorFlow (FarmHash Fingerprint64, keyed SipHash, hashed crosses), and Hashing /
HashedCrossing against Keras 3: bucket ids for strings, integers, floats and booleans, masks, salts, output modes,
the traced path on integer tensors (jit and functional models, on each backend), configs and errors."""
import json

import numpy as np
import pytest

import hornet
from hornet.api.layers import string_hashing as sh
from hornet.api.layers import tensor_hashing as th
from hornet.api.layers.hashing import HashedCrossing, Hashing

HOST = pytest.mark.parametrize("backend", ["jax"])  # host-side NumPy code: the backend makes no difference


@pytest.fixture(scope="module")
def tf():
    import tensorflow

    return tensorflow


def _strings():
    rng = np.random.default_rng(0)
    fixed = ["", "a", "ab", "abc", "abcd", "héllo", "日本語テキスト", "🐝" * 20, "x" * 15, "y" * 16, "z" * 17,
             "q" * 31, "w" * 32, "e" * 33, "r" * 63, "t" * 64, "u" * 65, "long text " * 30]
    drawn = ["".join(chr(c) for c in rng.integers(32, 2000, n)) for n in range(0, 260, 9)]
    return [s.encode() for s in fixed + drawn]


INTS = np.array([0, 1, -1, 9, 10, -10, 99, 12345, -(2 ** 63), 2 ** 63 - 1, -(2 ** 63 - 1), 10 ** 18, 10 ** 18 - 1,
                 -10 ** 18, 2 ** 32, 7777777, -1234567], np.int64)


@HOST
def test_fingerprint64_and_siphash_match_tensorflow(tf):
    strings = _strings()
    want = np.frombuffer(tf.fingerprint(tf.constant(strings)).numpy().tobytes(), "<u8")
    np.testing.assert_array_equal(sh.fingerprint64(strings), want)
    top = 2 ** 63 - 1  # the largest bucket count TensorFlow takes
    for key in ([1, 2], [133, 137], [-5, 12345678901234567]):
        want = tf.strings.to_hash_bucket_strong(strings, top, key=key).numpy()
        np.testing.assert_array_equal((sh.siphash64(strings, key) % np.uint64(top)).astype(np.int64), want)


@HOST
def test_hash_buckets_of_integers_and_bools_match_tensorflow(tf):
    want = tf.strings.to_hash_bucket_fast(tf.as_string(INTS), 1000).numpy()
    np.testing.assert_array_equal(sh.hash_buckets(INTS, 1000), want)
    flags = np.array([True, False, True])
    want = tf.strings.to_hash_bucket_strong(tf.as_string(flags), 7, key=[3, 4]).numpy()
    np.testing.assert_array_equal(sh.hash_buckets(flags, 7, key=[3, 4]), want)


HASHING_CASES = [
    (dict(num_bins=5), np.array([["A"], ["B"], ["héllo"], [""]])),
    (dict(num_bins=5), np.array([[1.7], [2.2], [-1.5]], "float32")),
    (dict(num_bins=5, mask_value=2.0), np.array([[1.7], [2.0]], "float32")),
    (dict(num_bins=5, mask_value=""), ["", "a", "b"]),
    (dict(num_bins=1, mask_value=0), np.array([0, 1, 2])),
    (dict(num_bins=6, mask_value=0, salt=[7, 11]), np.array([[0, 12345], [-3, 0]])),
    (dict(num_bins=5, salt=3), np.array(["x" * 70, "y", "é"])),
    (dict(num_bins=5, output_mode="multi_hot"), np.array([[1, 2], [3, 4]])),
    (dict(num_bins=5, output_mode="count"), np.array([[1, 1], [3, 4]])),
    (dict(num_bins=5, output_mode="one_hot"), np.array([[1], [3]])),
    (dict(num_bins=5, dtype="int32"), np.array([True, False])),
    (dict(num_bins=4), "abc"),
]


@HOST
@pytest.mark.parametrize("case", range(len(HASHING_CASES)))
def test_hashing_matches_keras(keras, case):
    kwargs, x = HASHING_CASES[case]
    out, want = np.asarray(Hashing(**kwargs)(x)), np.asarray(keras.layers.Hashing(**kwargs)(x))
    assert out.dtype == want.dtype and out.shape == want.shape
    np.testing.assert_array_equal(out, want)
    assert Hashing(**kwargs).compute_output_shape(np.shape(x)) == want.shape


def test_hashing_traces_on_integer_tensors(keras):
    x = INTS.reshape(-1, 1)
    inp = hornet.Input((1,), dtype="int64")
    assert Hashing(6, output_mode="multi_hot")(inp).shape == (None, 6)
    model = hornet.Model(inp, Hashing(10, mask_value=3)(inp))
    want = np.asarray(keras.layers.Hashing(10, mask_value=3)(x))
    np.testing.assert_array_equal(np.asarray(model.predict(x, verbose=0)), want)
    salted = hornet.jit(lambda t: th.int_hash_buckets(t, 97, key=[3, 2 ** 62]))
    np.testing.assert_array_equal(np.asarray(salted(INTS)), sh.hash_buckets(INTS, 97, key=[3, 2 ** 62]))
    np.testing.assert_array_equal(np.asarray(salted(INTS)),
                                  np.asarray(keras.layers.Hashing(97, salt=[3, 2 ** 62])(INTS)))


CROSS_CASES = [
    [np.array([[1], [2], [3]]), np.array([["a"], ["b"], ["c"]])],
    [np.array([1, -2]), np.array([3, 4], "int32")],
    [np.array(1), np.array(3)],
    [np.array(["x", "y"]), np.array(["p", "q"]), np.array([7, 8])],
]


@HOST
@pytest.mark.parametrize("mode", ["int", "one_hot"])
def test_hashed_crossing_matches_keras(keras, mode):
    for inputs in CROSS_CASES:
        out = np.asarray(HashedCrossing(7, output_mode=mode)(inputs))
        want = np.asarray(keras.layers.HashedCrossing(7, output_mode=mode)(inputs))
        assert out.dtype == want.dtype and out.shape == want.shape
        np.testing.assert_array_equal(out, want)


def test_hashed_crossing_traces_on_integer_tensors(keras):
    a, b = np.array([[1], [-2], [2 ** 40]], "int64"), np.array([[7], [8], [-(2 ** 63)]], "int64")
    layer = HashedCrossing(1000)
    want = np.asarray(keras.layers.HashedCrossing(1000)([a, b]))
    np.testing.assert_array_equal(np.asarray(hornet.jit(lambda p, q: layer([p, q]))(a, b)), want)
    x = hornet.Input((1,), dtype="int64")
    y = hornet.Input((1,), dtype="int64")
    out = HashedCrossing(5, output_mode="one_hot")([x, y])
    assert out.shape == (None, 5)
    model = hornet.Model([x, y], out)
    np.testing.assert_array_equal(np.asarray(model.predict([a, b], verbose=0)),
                                  np.asarray(keras.layers.HashedCrossing(5, output_mode="one_hot")([a, b])))


@HOST
def test_hashing_configs_round_trip(keras):
    for layer, k_cls in ((Hashing(8, mask_value="", salt=5, output_mode="count"), keras.layers.Hashing),
                         (HashedCrossing(9, output_mode="one_hot"), keras.layers.HashedCrossing)):
        config = json.loads(json.dumps(layer.get_config()))
        keras_keys = set(k_cls(**{k: v for k, v in config.items() if k != "dtype"}).get_config())
        assert keras_keys <= set(config) | {"dtype"}
        clone = type(layer).from_config(config)
        assert clone.get_config() == {**config, "name": clone.name}
    x = np.array([["a", "", "b"]])
    layer = Hashing(8, mask_value="", salt=5, output_mode="count")
    np.testing.assert_array_equal(np.asarray(Hashing.from_config(layer.get_config())(x)), np.asarray(layer(x)))


@HOST
def test_hashing_errors():
    with pytest.raises(ValueError, match="num_bins=0"):
        Hashing(0)
    with pytest.raises(ValueError, match="output_mode='tf_idf'"):
        Hashing(3, output_mode="tf_idf")
    with pytest.raises(ValueError, match="salt='x'"):
        Hashing(3, salt="x")
    with pytest.raises(ValueError, match="dtype='float32'"):
        Hashing(3, dtype="float32")
    with pytest.raises(ValueError, match="sparse"):
        Hashing(3, output_mode="count", sparse=True)
    with pytest.raises(ValueError, match="mask_value='a' is a string"):
        Hashing(3, mask_value="a")(np.array([1, 2]))
    with pytest.raises(ValueError, match="at least two inputs"):
        HashedCrossing(3)([np.array([1])])
    with pytest.raises(ValueError, match="same shape"):
        HashedCrossing(3)([np.array([1, 2]), np.array([1])])
    with pytest.raises(ValueError, match=r"shape \(\), \(batch,\) or \(batch, 1\)"):
        HashedCrossing(3)([np.ones((2, 2), int), np.ones((2, 2), int)])
    with pytest.raises(ValueError, match="integers or strings, got dtype float32"):
        HashedCrossing(3)([np.array([1.0], "float32"), np.array([2])])
    with pytest.raises(ValueError, match="output_mode='count'"):
        HashedCrossing(3, output_mode="count")
    with pytest.raises(ValueError, match="integers or strings, got dtype float32"):
        hornet.trace(lambda t: HashedCrossing(3)([t, t]), hornet.TensorSpec((2,), "float32"))
