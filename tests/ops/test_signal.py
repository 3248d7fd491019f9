"""Short-time Fourier transforms (hornet.api.ops.signal: stft, istft and their windows) against keras.ops on JAX:
framing by blocks and by gather, named, tensor and no windows, centring, lengths; traced on each lowering vs
eager; the windows vs scipy; gradients vs finite differences; errors naming the op and the bad argument."""
from __future__ import annotations

import os

import numpy as np
import pytest
import scipy.signal

from grad_check import check_grad
from helpers import check_op, rng
import hornet
from hornet import ops
from hornet.api.ops.signal import window_array
from hornet.ir.errors import DTypeError, ShapeError

# (sequence_length, sequence_stride, fft_length, window, center): strides that divide the frame (blocks) and not
# (gather); windows shorter than the frame (centred in it); no window; a split-length transform (256)
CASES = [(8, 2, 8, "hann", True), (5, 3, 8, "hamming", False), (6, 2, 8, None, True), (200, 64, 256, "hann", False)]


@pytest.fixture(scope="module")
def keras():
    os.environ["KERAS_BACKEND"] = "jax"
    import keras as k

    assert k.backend.backend() == "jax"
    return k


def signal(shape, dtype="float32", *key) -> np.ndarray:
    return rng(shape, dtype, *key).normal(size=shape).astype(dtype)


def close(got, want, rtol=1e-5, atol=1e-5):
    got, want = ops.convert_to_numpy(got), np.asarray(want)
    assert got.dtype == want.dtype and got.shape == want.shape, f"{got.dtype}{got.shape} != {want.dtype}{want.shape}"
    np.testing.assert_allclose(got, want, rtol=rtol, atol=atol)


def padded_window(window, length: int, n: int) -> np.ndarray:
    if window is None:
        return np.ones(n)
    win = scipy.signal.get_window(window, length) if isinstance(window, str) else np.asarray(window, np.float64)
    left = (n - length) // 2
    return np.pad(win, (left, n - length - left))


def stft_reference(x, length, stride, n, window, center):
    """NumPy: frames of the (reflect-padded) signal times the window centred in the frame, then rfft."""
    if center:
        x = np.pad(x, [(0, 0)] * (x.ndim - 1) + [(n // 2, n // 2)], mode="reflect")
    count = 1 + (x.shape[-1] - n) // stride
    frames = np.stack([x[..., f * stride:f * stride + n] for f in range(count)], axis=-2)
    return np.fft.rfft(frames * padded_window(window, length, n), axis=-1)


def istft_reference(z, length, stride, n, window, center, out_length=None):
    """NumPy: the frames' irfft times the window overlap-added, over the overlap-added squared window (Keras's
    scaling: frames times n / stride without a window)."""
    win = padded_window(window, length, n)
    frames = np.fft.irfft(z, n, axis=-1) * win * (n / stride if window is None else 1.0)
    total = (z.shape[-2] - 1) * stride + n
    out, norm = np.zeros(z.shape[:-2] + (total,)), np.zeros(total)
    for f in range(z.shape[-2]):
        out[..., f * stride:f * stride + n] += frames[..., f, :]
        norm[f * stride:f * stride + n] += win ** 2
    out = out / np.where(norm > 1e-10, norm, 1.0)
    start = n // 2 if center else 0
    end = start + out_length if out_length is not None else total - n // 2 if center else total
    return out[..., start:end]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_stft_and_istft_match_numpy(case):
    length, stride, n, window, center = case
    x = signal((2, 300), "float64", case)
    args = (length, stride, n)
    z = stft_reference(x, *args, window, center)
    ours = check_op(lambda t: ops.stft(t, *args, window=window, center=center), x, expected=[z.real, z.imag],
                    rtol=1e-10, atol=1e-10)
    close(ops.istft(tuple(ours), *args, window=window, center=center), istft_reference(z, *args, window, center),
          rtol=1e-10, atol=1e-10)
    if center:  # `length` counts from the first unpadded sample
        close(ops.istft(tuple(ours), *args, length=80, window=window, center=center),
              istft_reference(z, *args, window, center, 80), rtol=1e-10, atol=1e-10)


def test_matches_keras(keras):
    """One case through Keras itself (each new shape costs Keras seconds of compilation): a tensor window shorter
    than the frame, a stride that does not divide it, centred."""
    import jax

    x = signal((2, 60), "float32", "keras")
    for window in (np.random.default_rng(1).uniform(0.5, 1.0, 6).astype("float32"),):
        theirs, back = jax.jit(lambda t: (lambda z: (z, keras.ops.istft(z, 6, 3, 8, window=window)))(
            keras.ops.stft(t, 6, 3, 8, window=window)))(x)
        ours = ops.stft(x, 6, 3, 8, window=window)
        for o, t in zip(ours, theirs):
            close(o, t)
        close(ops.istft(ours, 6, 3, 8, window=window), back)


def test_traced_window_tensor():
    """A window that is a graph input stays in the graph (stft and istft), on every lowering."""
    x, win = signal((2, 50), "float32", "tw"), np.hanning(8).astype("float32") + 0.1
    spec = ops.stft(x, 8, 4, 8, window=win)
    check_op(lambda t, w: ops.stft(t, 8, 4, 8, window=w), x, win, expected=list(spec))
    check_op(lambda r, i, w: ops.istft((r, i), 8, 4, 8, window=w), *spec, win,
             expected=ops.istft(spec, 8, 4, 8, window=win))


@pytest.mark.parametrize("name", ["hann", "hamming"])
@pytest.mark.parametrize("periodic", [True, False])
def test_windows_match_scipy(name, periodic):
    for length in (1, 2, 7, 16):
        np.testing.assert_allclose(window_array(name, length, periodic),
                                   scipy.signal.get_window(name, length, fftbins=periodic), atol=1e-15)


def test_gradient_matches_finite_differences():
    x = signal((2, 40), "float64", "grad")
    check_grad(lambda t: ops.concatenate(ops.stft(t, 8, 3, 8), axis=-1), None, x, fd=True)


def test_symbolic_batch_one_trace():
    graph = hornet.trace(lambda t: ops.stft(t, 16, 4, 16), hornet.TensorSpec((None, 64)))
    assert [str(t) for t in graph.output_types] == ["float32[batch,17,9]"] * 2
    jitted = hornet.jit(lambda t: ops.istft(ops.stft(t, 16, 4, 16), 16, 4, 16))
    for batch in (2, 3):
        x = signal((batch, 64), "float32", "sym", batch)
        close(jitted(x), x, atol=1e-5)


def test_errors_name_op_and_argument():
    x = np.ones((2, 32), "float32")
    with pytest.raises(DTypeError, match="stft: x must be float32 or float64, got int32"):
        ops.stft(x.astype("int32"), 8, 4, 8)
    with pytest.raises(ValueError, match="stft: `sequence_stride` must be a positive integer.*sequence_stride=0"):
        ops.stft(x, 8, 0, 8)
    with pytest.raises(ValueError, match="stft: `fft_length` must be at least `sequence_length`.*fft_length=4"):
        ops.stft(x, 8, 2, 4)
    with pytest.raises(ValueError, match="stft: a string `window` must be one of 'hann', 'hamming'.*'blackman'"):
        ops.stft(x, 8, 2, 8, window="blackman")
    with pytest.raises(ShapeError, match=r"istft: `window` must have shape \(sequence_length,\) = \(8,\).*\(5,\)"):
        ops.istft((x[None], x[None]), 8, 2, 8, window=np.ones(5))
    with pytest.raises(ShapeError, match="stft: a signal of 6 samples is shorter than one frame of fft_length=8"):
        ops.stft(x[:, :6], 8, 2, 8, center=False)
    with pytest.raises(ShapeError, match=r"istft: x must have rank >= 2, got shape \(32,\)"):
        ops.istft((x[0], x[0]), 8, 2, 8)
