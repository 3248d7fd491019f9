"""Fourier transforms (hornet.api.ops.fourier: fft, fft2, ifft2, rfft, irfft): eager vs numpy.fft, traced on each
lowering vs eager, traced types vs eager types; direct and split (Cooley-Tukey) lengths; keras.ops on JAX as an
oracle; gradients vs jax.grad; symbolic batch; errors naming the op and the bad argument."""
from __future__ import annotations

import os

import numpy as np
import pytest

from grad_check import check_grad
from helpers import check_op, rng
import hornet
from hornet import ops
from hornet.api.ops import _dft
from hornet.ir.errors import ShapeError
from hornet.runtime.backend import using_backend

# lengths: direct (1), split once (130 = 10 x 13), split with unequal factors (1000 = 25 x 40)
FFT_CASES = ((1, "float64"), (130, "float32"), (1000, "float64"))


def tol(n: int, dtype: str) -> dict:
    """float32 rounding grows with the length (sums of n terms of the signal's size)."""
    if dtype == "float64":
        return dict(rtol=1e-10, atol=1e-11 * n)
    return dict(rtol=1e-5, atol=1e-5 * np.sqrt(n))


def signal(shape, dtype: str, *key) -> np.ndarray:
    return rng(shape, dtype, *key).normal(size=shape).astype(dtype)


def split(z: np.ndarray, dtype: str) -> list[np.ndarray]:
    return [z.real.astype(dtype), z.imag.astype(dtype)]


@pytest.fixture(scope="module")
def keras():
    os.environ["KERAS_BACKEND"] = "jax"
    import keras as k

    assert k.backend.backend() == "jax"
    return k


@pytest.mark.parametrize("n,dtype", FFT_CASES)
def test_fft_matches_numpy(n, dtype):
    a, b = signal((3, n), dtype, "fft", n), signal((3, n), dtype, "fft2", n)
    out = check_op(lambda r, i: ops.fft((r, i)), a, b, expected=split(np.fft.fft(a + 1j * b), dtype), **tol(n, dtype))
    assert all(o.dtype == dtype for o in out)


@pytest.mark.parametrize("n", (256,))
def test_rfft_matches_numpy(n):
    x = signal((2, 3, n), "float32", "rfft", n)
    check_op(ops.rfft, x, expected=split(np.fft.rfft(x.astype("float64")), "float32"), **tol(n, "float32"))


@pytest.mark.parametrize("n,fft_length", [(10, 7), (100, 260)])
def test_rfft_crops_or_pads_to_fft_length(n, fft_length):
    x = signal((2, n), "float64", "rfftn", n)
    check_op(lambda t: ops.rfft(t, fft_length), x, expected=split(np.fft.rfft(x, fft_length), "float64"),
             **tol(fft_length, "float64"))


def test_rfft_dtypes():
    """float64 stays float64; integers (and half floats) compute in float32, as keras.ops.rfft on JAX."""
    for dtype, want in (("float64", "float64"), ("int32", "float32"), ("float16", "float32"), ("float32", "float32")):
        out = ops.rfft(np.arange(6).astype(dtype))
        assert [str(ops.dtype(o)) for o in out] == [want, want]
    np.testing.assert_allclose(ops.convert_to_numpy(ops.rfft(np.arange(6))[0]), np.fft.rfft(np.arange(6)).real,
                               atol=1e-5)


@pytest.mark.parametrize("n,bins", [(7, 7), (300, 100)])
def test_irfft_matches_numpy(n, bins):
    z = rng("irfft", n, bins).normal(size=(2, bins)) + 1j * rng("irfft2", n, bins).normal(size=(2, bins))
    check_op(lambda r, i: ops.irfft((r, i), n), *split(z, "float64"), expected=np.fft.irfft(z, n),
             **tol(n, "float64"))


def test_irfft_default_length_and_round_trip():
    z = np.arange(5.0) + 1j * np.arange(5.0)
    check_op(lambda r, i: ops.irfft((r, i)), *split(z, "float32"), expected=np.fft.irfft(z).astype("float32"),
             rtol=1e-5, atol=1e-6)
    x = signal((4, 257), "float32", "round")
    back = ops.irfft(ops.rfft(x), 257)
    np.testing.assert_allclose(ops.convert_to_numpy(back), x, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("shape", [(2, 130, 3)], ids=str)
def test_fft2_and_ifft2_match_numpy(shape):
    a, b = signal(shape, "float64", "f2", shape), signal(shape, "float64", "f2i", shape)
    n = shape[-1] * shape[-2]
    check_op(lambda r, i: ops.fft2((r, i)), a, b, expected=split(np.fft.fft2(a + 1j * b), "float64"),
             **tol(n, "float64"))
    check_op(lambda r, i: ops.ifft2((r, i)), a, b, expected=split(np.fft.ifft2(a + 1j * b), "float64"),
             **tol(n, "float64"))


def test_recursive_split_matches_numpy(monkeypatch):
    """With a small direct limit, 60 = 6 x 10 splits again (6 = 2 x 3, 10 = 2 x 5); the decomposition is the same
    on every backend, so the NumPy lowering runs it (eagerly, no compilation)."""
    monkeypatch.setattr(_dft, "DIRECT_MAX", 4)
    a, b = signal((2, 60), "float64", "rec"), signal((2, 60), "float64", "rec2")
    with using_backend("numpy"):
        re, im = ops.fft((a, b))
        back = ops.irfft(ops.rfft(a), 60)
    np.testing.assert_allclose(ops.convert_to_numpy(re) + 1j * ops.convert_to_numpy(im), np.fft.fft(a + 1j * b),
                               **tol(60, "float64"))
    np.testing.assert_allclose(ops.convert_to_numpy(back), a, **tol(60, "float64"))


def test_matches_keras(keras):
    x, y = signal((2, 3, 12), "float32", "k"), signal((2, 3, 12), "float32", "k2")
    import jax

    theirs = jax.jit(lambda r, i: (keras.ops.fft((r, i)), keras.ops.rfft(r, 9), (keras.ops.irfft((r, i), 20),)))(x, y)
    pairs = zip((ops.fft((x, y)), ops.rfft(x, 9), (ops.irfft((x, y), 20),)), theirs)
    for ours, theirs in pairs:
        for o, t in zip(ours, theirs):
            got, want = ops.convert_to_numpy(o), np.asarray(t)
            assert got.dtype == want.dtype and got.shape == want.shape
            np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def test_gradients_match_jax():
    import jax.numpy as jnp

    a, b = signal((2, 130), "float32", "g"), signal((2, 130), "float32", "g2")
    check_grad(lambda r, i: ops.concatenate(ops.fft((r, i)), axis=-1),
               lambda r, i: jnp.concatenate([jnp.fft.fft(r + 1j * i).real, jnp.fft.fft(r + 1j * i).imag], axis=-1),
               a, b, argnums=(0, 1), rtol=1e-4, atol=1e-4)


def test_symbolic_batch_one_trace():
    graph = hornet.trace(lambda t: ops.rfft(t), hornet.TensorSpec((None, 256)))
    assert [str(t) for t in graph.output_types] == ["float32[batch,129]"] * 2
    jitted = hornet.jit(lambda t: ops.irfft(ops.rfft(t), 256))
    for batch in (2, 5):
        x = signal((batch, 256), "float32", "sym", batch)
        np.testing.assert_allclose(ops.convert_to_numpy(jitted(x)), x, rtol=1e-5, atol=1e-5)
    assert jitted.cache_size <= 2


def test_errors_name_op_and_argument():
    x = np.ones((2, 4), "float32")
    with pytest.raises(ValueError, match=r"fft: x must be a tuple \(real, imag\)"):
        ops.fft(x)
    with pytest.raises(ShapeError, match=r"fft2: the real and imaginary parts must have the same shape.*\(4,\)"):
        ops.fft2((x, x[0]))
    with pytest.raises(ValueError, match="irfft: the real and imaginary parts must be float tensors.*int32"):
        ops.irfft((x.astype("int32"), x))
    with pytest.raises(ShapeError, match=r"ifft2: x must have rank >= 2, got shape \(4,\)"):
        ops.ifft2((x[0], x[0]))
    with pytest.raises(ValueError, match="rfft: fft_length must be a positive integer, got 0"):
        ops.rfft(x, 0)
    with pytest.raises(ValueError, match="irfft: the output length 2 \\* \\(bins - 1\\) is 0"):
        ops.irfft((x[:, :1], x[:, :1]))
    with pytest.raises(ShapeError, match="rfft: the transformed axis -1 must have a static size"):
        hornet.trace(lambda t: ops.rfft(t), hornet.TensorSpec((2, None)))
