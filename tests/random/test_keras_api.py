"""``hornet.random`` against ``keras.random`` on JAX: the same numbers for the same seeds, the same signatures,
and distribution statistics."""
from __future__ import annotations

import inspect
import os

os.environ["KERAS_BACKEND"] = "jax"  # before keras is imported (keras is the oracle only)

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import hornet.random as hr  # noqa: E402
from hornet.api.ops import core  # noqa: E402
from hornet.backend import using_backend  # noqa: E402
from hornet.ir.errors import DTypeError, ShapeError  # noqa: E402
from helpers import LOWERINGS

BACKENDS = LOWERINGS
KERAS_NAMES = ["normal", "uniform", "randint", "truncated_normal", "dropout", "shuffle", "categorical", "gamma",
               "beta", "binomial"]


def as_np(x) -> np.ndarray:
    return np.asarray(core.convert_to_numpy(x))


def assert_same(got, want) -> None:
    got, want = as_np(got), np.asarray(want)
    assert (got.dtype, got.shape) == (want.dtype, want.shape), f"{got.dtype}{got.shape} != {want.dtype}{want.shape}"
    np.testing.assert_array_equal(got, want)


def _params(fn) -> list[tuple[str, object, object]]:
    return [(p.name, p.kind, p.default) for p in inspect.signature(fn).parameters.values()]


@pytest.mark.parametrize("name", KERAS_NAMES)
def test_signatures_match_keras(name):
    assert _params(getattr(hr, name)) == _params(getattr(keras.random, name))


def test_seed_generator_signature_and_config():
    assert _params(hr.SeedGenerator) == _params(keras.random.SeedGenerator)
    gen = hr.SeedGenerator(5, name="g")
    assert gen.get_config() == {"seed": 5, "name": "g"}
    clone = hr.SeedGenerator.from_config(gen.get_config())
    np.testing.assert_array_equal(clone.state.numpy(), [5, 0])
    assert gen.state.dtype == "uint32" and gen.state.shape == (2,) and not gen.state.trainable


# The same seed gives Keras-on-JAX's numbers (eagerly, on the JAX backend).
KERAS_CASES = {
    "normal": (lambda r, s: r.normal((3, 4), 0.5, 2.0, seed=s)),
    "uniform": (lambda r, s: r.uniform((3, 4), -1.0, 3.0, seed=s)),
    "uniform_f16": (lambda r, s: r.uniform((5,), dtype="float16", seed=s)),
    "randint": (lambda r, s: r.randint((3, 4), -1, 30, seed=s)),
    "truncated_normal": (lambda r, s: r.truncated_normal((3, 4), 1.0, 0.5, seed=s)),
    "categorical": (lambda r, s: r.categorical(np.log(np.float32([[0.1, 0.2, 0.7], [0.5, 0.25, 0.25]])), 6,
                                               seed=s)),
    "shuffle": (lambda r, s: r.shuffle(np.arange(20, dtype=np.float32).reshape(4, 5), 1, seed=s)),
}


@pytest.mark.parametrize("case", sorted(KERAS_CASES))
def test_int_seed_matches_keras(case):
    fn = KERAS_CASES[case]
    assert_same(fn(hr, 42), as_np(fn(keras.random, 42)))


@pytest.mark.parametrize("case", ["normal", "randint", "shuffle"])
def test_seed_generator_sequence_matches_keras(case):
    fn = KERAS_CASES[case]
    ours, theirs = hr.SeedGenerator(7), keras.random.SeedGenerator(7)
    for _ in range(3):
        assert_same(fn(hr, ours), as_np(fn(keras.random, theirs)))
    np.testing.assert_array_equal(ours.state.numpy(), np.asarray(theirs.state.value))


def test_dropout_matches_keras_semantics():
    # Keras on JAX: mask = bernoulli(key, 1 - rate) (a float32 uniform < keep), kept values / keep
    x = np.arange(1, 25, dtype=np.float32).reshape(4, 6)
    got = as_np(hr.dropout(x, 0.3, seed=9))
    key = np.array([9, 0], np.uint32)
    mask = jax.random.uniform(key, (4, 6), jnp.float32) < np.float32(0.7)
    np.testing.assert_array_equal(got, np.asarray(jax.lax.select(mask, jnp.asarray(x) / 0.7, jnp.zeros_like(x))))
    with using_backend("numpy"):  # the same numbers on the reference backend
        np.testing.assert_array_equal(as_np(hr.dropout(x, 0.3, seed=9)), got)


@pytest.mark.parametrize("backend", BACKENDS)
def test_dropout_noise_shape_and_special_rates(backend):
    x = np.ones((6, 5), np.float32)
    with using_backend(backend):
        shared = as_np(hr.dropout(x, 0.5, noise_shape=(None, 1), seed=3))
        np.testing.assert_array_equal(as_np(hr.dropout(x, 0.0, seed=3)), x)
        np.testing.assert_array_equal(as_np(hr.dropout(x, 1.0, seed=3)), np.zeros_like(x))
    assert np.all((shared == shared[:, :1]))  # one draw per row, broadcast along the columns
    assert set(np.unique(shared)) <= {0.0, 2.0}
    key = np.array([3, 0], np.uint32)
    row_mask = np.asarray(jax.random.uniform(key, (6, 1), jnp.float32) < 0.5)
    np.testing.assert_array_equal(shared[:, 0] != 0, row_mask[:, 0])


@pytest.mark.parametrize("backend", BACKENDS)
def test_statistics(backend):
    with using_backend(backend):
        n = as_np(hr.normal((100_000,), mean=1.0, stddev=2.0, seed=1))
        u = as_np(hr.uniform((100_000,), minval=-3.0, maxval=5.0, seed=2))
        r = as_np(hr.randint((100_000,), -4, 7, seed=3))
        t = as_np(hr.truncated_normal((100_000,), mean=-1.0, stddev=0.5, seed=4))
        d = as_np(hr.dropout(np.ones(100_000, np.float32), 0.25, seed=5))
    assert abs(n.mean() - 1.0) < 0.02 and abs(n.std() - 2.0) < 0.02
    assert u.min() >= -3.0 and u.max() < 5.0 and abs(u.mean() - 1.0) < 0.05
    assert r.min() == -4 and r.max() == 6 and r.dtype == np.int32
    np.testing.assert_allclose(np.bincount(r + 4) / r.size, np.full(11, 1 / 11), atol=0.005)
    assert np.all(np.abs(t + 1.0) < 1.0)  # within 2 stddev
    assert abs(t.mean() + 1.0) < 0.01 and abs(t.std() - 0.5 * 0.8796) < 0.01  # std of N(0,1) cut at +-2
    assert abs((d != 0).mean() - 0.75) < 0.01 and np.allclose(d[d != 0], 1 / 0.75)


def test_categorical_frequencies():
    probs = np.float32([[0.1, 0.6, 0.3], [0.8, 0.1, 0.1]])
    out = as_np(hr.categorical(np.log(probs), 20_000, seed=0))
    assert out.shape == (2, 20_000) and out.dtype == np.int32
    for row, p in zip(out, probs):
        np.testing.assert_allclose(np.bincount(row, minlength=3) / row.size, p, atol=0.015)
    assert as_np(hr.categorical(np.log(probs), 4, dtype="int64", seed=0)).dtype == np.int64


def test_shuffle_is_a_permutation_per_column():
    x = np.arange(40, dtype=np.int32).reshape(10, 4)
    out = as_np(hr.shuffle(x, seed=0))
    np.testing.assert_array_equal(np.sort(out, axis=0), x)
    assert not np.array_equal(out, x)


def test_gamma_beta_binomial_api():
    g = as_np(hr.gamma((5000,), alpha=3.0, seed=0))
    b = as_np(hr.beta((5000,), alpha=2.0, beta=2.0, dtype="float16", seed=0))
    n = as_np(hr.binomial((5000,), counts=10, probabilities=0.3, seed=0))
    assert g.dtype == np.float32 and abs(g.mean() - 3.0) < 0.15
    assert b.dtype == np.float16 and abs(b.astype(np.float32).mean() - 0.5) < 0.02
    assert n.dtype == np.float32 and set(np.unique(n)) <= set(range(11)) and abs(n.mean() - 3.0) < 0.1


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float64"])
def test_float_dtypes(dtype):
    out = hr.normal((4,), dtype=dtype, seed=0)
    assert core.dtype(out) == dtype
    assert core.dtype(hr.uniform((4,), dtype=dtype, seed=0)) == dtype


def test_int_seed_is_deterministic_and_seeds_differ():
    a, b, c = (as_np(hr.normal((8,), seed=s)) for s in (11, 11, 12))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_unseeded_calls_differ():
    assert not np.array_equal(as_np(hr.uniform((8,))), as_np(hr.uniform((8,))))


def test_errors():
    with pytest.raises(DTypeError, match="float"):
        hr.uniform((2,), dtype="int32")
    with pytest.raises(DTypeError, match="integer"):
        hr.randint((2,), 0, 4, dtype="float32")
    with pytest.raises(ShapeError, match="2-D"):
        hr.categorical(np.zeros(3, np.float32), 2)
    with pytest.raises(ValueError, match="seed"):
        hr.normal((2,), seed="abc")
    with pytest.raises(ValueError, match="integer"):
        hr.SeedGenerator(seed=1.5)
    with pytest.raises(ValueError, match="Unrecognized"):
        hr.SeedGenerator(seed=1, bogus=True)
    with pytest.raises(ShapeError, match="noise_shape"):
        hr.dropout(np.ones((2, 3), np.float32), 0.5, noise_shape=(2,), seed=0)
