"""Key-level samplers against jax.random (threefry2x32 keys).

On the JAX backend every sampler reproduces jax.random bit for bit. On the numpy reference backend integer
results, booleans, permutations and unit-range uniforms are bit-identical too; float results that pass
through a multiply-add (XLA contracts it to an FMA) or erfinv/log (each backend's own rounding) agree to the
dtype's tolerance.
"""
from __future__ import annotations

import functools
import jax
import jax.numpy as jnp
import ml_dtypes
import numpy as np
import pytest

import hornet
from helpers import LOWERINGS, TOLERANCE, assert_close
from hornet.api.ops import core
from hornet.api.random import compound
from hornet.api.random import samplers
from hornet.backend import using_backend
from hornet.ir.dtypes import DType
from hornet.ir.errors import DTypeError, ShapeError

BACKENDS = LOWERINGS
FLOATS = ("float32", "float16", "bfloat16", "float64")
KEY = np.array([7, 1234], np.uint32)


@functools.cache
def jax_ref(name: str, *args) -> np.ndarray:
    """jax.random.<name>(KEY, *args), computed once for both backends' tests."""
    return np.asarray(getattr(jax.random, name)(KEY, *args))


def jdt(name: str):
    return jnp.bfloat16 if name == "bfloat16" else jnp.dtype(name)


def as_np(x) -> np.ndarray:
    return np.asarray(core.convert_to_numpy(x))


def assert_same(got, want) -> None:
    got, want = as_np(got), np.asarray(want)
    assert (got.dtype, got.shape) == (want.dtype, want.shape), f"{got.dtype}{got.shape} != {want.dtype}{want.shape}"
    np.testing.assert_array_equal(got.view(np.uint8), want.view(np.uint8))


def assert_matches(backend: str, got, want, dtype: str, rtol_scale: float = 1.0) -> None:
    """Bit-identical on JAX; within the dtype's tolerance (scaled) on the numpy reference."""
    if backend == "jax":
        assert_same(got, want)
    else:
        rtol, atol = TOLERANCE[DType(dtype)]
        assert as_np(got).dtype == np.asarray(want).dtype
        assert_close(as_np(got), np.asarray(want), dtype, rtol=rtol * rtol_scale, atol=atol * rtol_scale)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("dtype", FLOATS)
def test_unit_uniform_is_bit_identical(backend, dtype):
    with using_backend(backend):
        got = samplers.uniform(KEY, (3, 5), dtype)
    assert_same(got, jax_ref("uniform", (3, 5), jdt(dtype)))


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("dtype", FLOATS)
def test_uniform_range(backend, dtype):
    with using_backend(backend):
        got = samplers.uniform(KEY, (4, 6), dtype, -2.0, 3.0)
    assert_matches(backend, got, jax_ref("uniform", (4, 6), jdt(dtype), -2.0, 3.0), dtype)


@pytest.mark.parametrize("backend", BACKENDS)
def test_uniform_tensor_bounds_broadcast(backend):
    lo, hi = np.float32([[0.0], [10.0]]), np.float32([1.0, 2.0, 4.0])
    with using_backend(backend):
        got = samplers.uniform(KEY, (2, 3), "float32", core.convert_to_tensor(lo), hi)
    assert_matches(backend, got, jax.random.uniform(KEY, (2, 3), jnp.float32, lo, hi), "float32")


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("dtype", FLOATS)
def test_normal(backend, dtype):
    with using_backend(backend):
        got = samplers.normal(KEY, (5, 3), dtype)
    assert_matches(backend, got, jax_ref("normal", (5, 3), jdt(dtype)), dtype, rtol_scale=10)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("dtype", ("float32", "float16"))
def test_truncated_normal(backend, dtype):
    with using_backend(backend):
        got = samplers.truncated_normal(KEY, -1.5, 2.0, (6, 4), dtype)
    want = jax_ref("truncated_normal", -1.5, 2.0, (6, 4), jdt(dtype))
    assert_matches(backend, got, want, dtype, rtol_scale=10)
    assert np.all(as_np(got) > -1.5) and np.all(as_np(got) < 2.0)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("dtype", ("float32", "bfloat16"))
def test_gumbel(backend, dtype):
    with using_backend(backend):
        got = samplers.gumbel(KEY, (4, 5), dtype)
    assert_matches(backend, got, jax_ref("gumbel", (4, 5), jdt(dtype)), dtype, rtol_scale=10)


RANDINT_CASES = [
    ("int32", -5, 17), ("int32", 5, 3), ("int32", -2 ** 31, 2 ** 31 - 1), ("uint32", 0, 2 ** 32),
    ("int8", -200, 300), ("uint8", 0, 256), ("int16", -7, 1000),
]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("dtype,lo,hi", RANDINT_CASES)
def test_randint(backend, dtype, lo, hi):
    with using_backend(backend):
        got = samplers.randint(KEY, (4, 6), lo, hi, dtype)
    assert_same(got, jax_ref("randint", (4, 6), lo, hi, jnp.dtype(dtype)))


@pytest.mark.parametrize("backend", BACKENDS)
def test_randint_tensor_bounds(backend):
    lo, hi = np.int32([0, -10, 100]), np.int32(200)
    with using_backend(backend):
        got = samplers.randint(KEY, (2, 3), core.convert_to_tensor(lo), core.convert_to_tensor(hi))
    assert_same(got, jax.random.randint(KEY, (2, 3), lo, hi, jnp.int32))


def test_randint_int64_draws_in_int32():
    got = as_np(samplers.randint(KEY, (50,), -3, 9, "int64"))
    assert got.dtype == np.int64
    np.testing.assert_array_equal(got, np.asarray(jax.random.randint(KEY, (50,), -3, 9, jnp.int32)))


@pytest.mark.parametrize("backend", BACKENDS)
def test_bernoulli(backend):
    p = np.float32([0.1, 0.5, 0.9])
    with using_backend(backend):
        got = samplers.bernoulli(KEY, core.convert_to_tensor(p), (20, 3))
        scalar = samplers.bernoulli(KEY, 0.3, (40,))
    assert_same(got, jax.random.bernoulli(KEY, p, (20, 3)))
    assert_same(scalar, jax.random.bernoulli(KEY, np.float32(0.3), (40,)))


LOGITS = np.log(np.random.default_rng(0).dirichlet(np.ones(5), size=3)).astype(np.float32)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("axis,shape", [(-1, None), (0, None), (-1, (7, 3)), (1, (3, 4))])
def test_categorical(backend, axis, shape):
    logits = LOGITS[..., None] if shape == (3, 4) else LOGITS
    with using_backend(backend):
        got = samplers.categorical(KEY, logits, axis=axis, shape=shape)
    want = jax.random.categorical(KEY, logits, axis=axis, shape=shape)
    assert_same(got, np.asarray(want).astype(np.int32))


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("shape,axis", [((10,), 0), ((4, 6), 0), ((4, 6), 1), ((2, 3, 4), 2), ((3000,), 0)])
def test_permutation(backend, shape, axis):
    x = np.arange(int(np.prod(shape)), dtype=np.int32).reshape(shape)
    with using_backend(backend):
        got = samplers.permutation(KEY, x, axis)
    assert_same(got, jax.random.permutation(KEY, x, axis, independent=True))
    np.testing.assert_array_equal(np.sort(as_np(got), axis=axis), x)


def test_permutation_of_int_and_rounds():
    assert_same(samplers.permutation(KEY, 8), np.asarray(jax.random.permutation(KEY, 8)).astype(np.int32))
    assert samplers.shuffle_rounds(1000) == 1 and samplers.shuffle_rounds(3000) == 2
    assert samplers.shuffle_rounds("batch") == 3


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("alpha", [0.3, 1.0, 4.5])
def test_gamma_moments(backend, alpha):
    with using_backend(backend):
        x = as_np(compound.gamma(KEY, alpha, (10000,)))
    assert x.dtype == np.float32 and np.all(x >= 0) and np.all(np.isfinite(x))
    # mean and variance of Gamma(alpha, 1) are both alpha; 5 standard errors
    assert abs(x.mean() - alpha) < 5 * np.sqrt(alpha / x.size)
    assert abs(x.var() - alpha) < 5 * np.sqrt((6 * alpha + 2 * alpha ** 2) / x.size) + 0.02 * alpha


def test_gamma_per_element_alpha_and_dtype():
    alpha = np.float32([0.5, 2.0, 8.0])
    x = as_np(compound.gamma(KEY, alpha, (4000, 3), "float16"))
    assert x.dtype == np.float16
    assert np.all(np.abs(x.astype(np.float64).mean(axis=0) - alpha) < 5 * np.sqrt(alpha / 4000) + 0.01 * alpha)


@pytest.mark.parametrize("a,b", [(2.0, 5.0), (0.2, 0.3)])
def test_beta_moments(a, b):
    x = as_np(compound.beta(KEY, a, b, (5000,)))
    assert np.all(x >= 0) and np.all(x <= 1) and np.all(np.isfinite(x))
    mean, var = a / (a + b), a * b / ((a + b) ** 2 * (a + b + 1))
    assert abs(x.mean() - mean) < 5 * np.sqrt(var / x.size)
    assert abs(x.var() - var) < 0.1 * var


def test_gamma_bit_identical_across_backends_up_to_rounding():
    with using_backend("numpy"):
        ref = as_np(compound.gamma(KEY, 2.5, (64,)))
    with using_backend("jax"):
        got = as_np(compound.gamma(KEY, 2.5, (64,)))
    np.testing.assert_allclose(got, ref, rtol=1e-4)


def test_sampler_errors():
    with pytest.raises(DTypeError, match="float"):
        samplers.uniform(KEY, (2,), "int32")
    with pytest.raises(DTypeError, match="integer"):
        samplers.randint(KEY, (2,), 0, 3, "float32")
    with pytest.raises(DTypeError, match="float"):
        samplers.bernoulli(KEY, core.convert_to_tensor(np.int32(1)), (2,))
    with pytest.raises(ShapeError):
        samplers.uniform(KEY, (2, 3), "float32", np.zeros(4, np.float32), 1.0)
    with pytest.raises(ShapeError, match="rank >= 1"):
        samplers.permutation(KEY, np.float32(3.0))
    with pytest.raises(ShapeError, match="broadcast"):
        samplers.categorical(KEY, LOGITS, shape=(4,))


def test_float_layout_covers_bfloat16_exponent():
    # the 16-bit patterns assembled for bfloat16 are exactly [1, 2): check the extremes of the mantissa
    lo = np.array(0x3F80, np.int16).view(ml_dtypes.bfloat16)
    hi = np.array(0x3F80 | 0x7F, np.int16).view(ml_dtypes.bfloat16)
    assert float(lo) == 1.0 and 1.99 < float(hi) < 2.0


@pytest.mark.parametrize("backend", BACKENDS)
def test_binomial_moments_and_support(backend):
    counts, probs = np.array([[1], [7], [20]]), np.float32([0.1, 0.5, 0.95])
    with using_backend(backend):
        x = as_np(compound.binomial(KEY, counts, probs, (2000, 3, 3)))
    assert x.dtype == np.float32 and np.all(x == np.floor(x)) and np.all(x >= 0)
    assert np.all(x <= counts)
    mean, var = counts * probs, counts * probs * (1 - probs)
    np.testing.assert_allclose(x.mean(axis=0), mean, atol=5 * np.sqrt(var / 2000).max() + 1e-6)


def test_binomial_errors():
    with pytest.raises(ValueError, match="non-negative integers"):
        compound.binomial(KEY, np.array([1.5]), 0.5, (2,))
    with pytest.raises(ValueError, match="too large"):
        compound.binomial(KEY, 10 ** 6, 0.5, (1000,))
    with pytest.raises(ShapeError, match="concrete"):
        hornet.jit(lambda n: compound.binomial(KEY, n, 0.5, (2,)))(np.int32(3))
