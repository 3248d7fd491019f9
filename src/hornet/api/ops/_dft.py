"""The discrete Fourier transform engine behind the FFT and STFT ops (private: no public op).

The IR has no complex dtype, so a complex tensor is a real tensor with a *parts* axis: size 2 (real, imaginary)
or size 1 (a real signal, imaginary part zero). A transform of length ``n`` along one axis is a contraction of
that axis and the parts axis with a ``(parts, n, 2, n_out)`` matrix of cosines and sines computed on the host
in float64 from the static length (exact for every length). Long composite lengths split ``n = n1 * n2``
(Cooley-Tukey, mixed radix): a length-``n1`` transform, a twiddle multiplication and a length-``n2`` transform,
each recursively split again, so ``n = 4096`` costs two contractions of length 64 instead of one of 4096. Every
step is a contraction, reshape, transpose or elementwise product: it traces, compiles and differentiates.

>>> z = np.stack([np.ones(4, "float32")], axis=0)         # (parts=1, n=4): a real signal
>>> dft(z, 0, 1, 4, 4, -1).shape                           # doctest: +SKIP
(2, 4)
"""
from __future__ import annotations

import functools
import math
from typing import Any

import numpy as np

from hornet.api.ops import _lax as L
from hornet.api.ops.core import bind, constant, type_of
from hornet.ir.dtypes import DType

# A length up to this is one contraction: the split's extra reshapes, transposes and twiddles only pay off beyond
# (on CPU, with XLA and torch alike, n = 128 takes as long either way; the split is 2x faster at 256, 10x at 1024).
DIRECT_MAX = 128


def compute_dtype(d: DType) -> DType:
    """The dtype a transform of ``d`` values runs in: float64 stays, everything else is float32."""
    return DType.float64 if d == DType.float64 else DType.float32


def split_factor(n: int) -> int:
    """The largest divisor ``n1`` of ``n`` with ``1 < n1 <= sqrt(n)``, or 1 when ``n`` is prime (or small)."""
    if n <= DIRECT_MAX:
        return 1
    for n1 in range(math.isqrt(n), 1, -1):
        if n % n1 == 0:
            return n1
    return 1


@functools.lru_cache(maxsize=16)  # a long prime length's matrix is large
def _matrix(n: int, rows: int, cols: int, parts: int, sign: int, dtype: str) -> np.ndarray:
    """``M[p, j, q, k]``: part ``q`` of ``(part p of x_j) * exp(sign * 2 pi i j k / n)``, for ``j < rows`` and
    ``k < cols`` (rows < n: the input is zero-padded; cols < n: only the first frequencies)."""
    r = np.outer(np.arange(rows), np.arange(cols)) % n  # exact integer phases: no float error from large j * k
    theta = sign * 2.0 * np.pi * r / n
    c, s = np.cos(theta), np.sin(theta)
    m = np.empty((2, rows, 2, cols))
    m[0, :, 0], m[0, :, 1] = c, s      # a * (c + i s)
    m[1, :, 0], m[1, :, 1] = -s, c     # i b * (c + i s)
    m = m[:parts].astype(dtype)
    m.setflags(write=False)
    return m


@functools.lru_cache(maxsize=64)
def _twiddles(n1: int, n2: int, sign: int, dtype: str) -> tuple[np.ndarray, np.ndarray]:
    """``(A, B)`` of shape ``(n2, 2, n1)`` with ``z * w = z * A + swap(z) * B`` for ``w = exp(sign 2 pi i j2 k1 / n)``
    and ``swap`` exchanging the parts: ``A = [cos, cos]``, ``B = [-sin, sin]``."""
    r = np.outer(np.arange(n2), np.arange(n1)) % (n1 * n2)
    theta = sign * 2.0 * np.pi * r / (n1 * n2)
    c, s = np.cos(theta), np.sin(theta)
    a = np.stack([c, c], axis=1).astype(dtype)
    b = np.stack([-s, s], axis=1).astype(dtype)
    return a, b


def dft(z: Any, parts_axis: int, axis: int, n: int, n_out: int, sign: int, op: str = "fft") -> Any:
    """The length-``n`` DFT (``sign`` -1) or unscaled inverse DFT (``sign`` +1) along ``axis`` of a complex tensor
    ``z`` whose parts lie along ``parts_axis``; ``z.shape[axis] <= n`` (the rest is zero padding).

    The result holds the other dims in order, then the parts (2), then the first ``n_out`` frequencies.
    """
    t = type_of(z)
    length = t.shape[axis]
    n1 = split_factor(n)
    if n1 == 1:
        m = constant(_matrix(n, length, n_out, t.shape[parts_axis], sign, t.dtype.name), t.dtype)
        return L.dot_general(z, m, ((parts_axis, axis), (0, 1)), op)
    n2 = n // n1
    if length < n:
        z = bind("pad", z, constant(0, t.dtype), op=op,
                 padding_config=tuple((0, n - length if i == axis else 0, 0) for i in range(t.ndim)))
    shape = type_of(z).shape
    z = L.reshape(z, shape[:axis] + (n1, n2) + shape[axis + 1:], op)
    p = parts_axis if parts_axis < axis else parts_axis + 1
    y = dft(z, p, axis, n1, n1, sign, op)               # (..., j2, ..., 2, k1)
    j2 = axis - (1 if p < axis else 0)
    y = _twiddle(y, j2, n1, n2, sign, op)
    y = dft(y, type_of(y).ndim - 2, j2, n2, n2, sign, op)  # (..., k1, 2, k2)
    nd = type_of(y).ndim
    y = L.transpose(y, list(range(nd - 3)) + [nd - 2, nd - 1, nd - 3], op)  # (..., 2, k2, k1): k = k1 + n1 k2
    out = type_of(y).shape
    y = L.reshape(y, out[:-2] + (n,), op)
    return L.slice_axis(y, nd - 2, 0, n_out, op) if n_out < n else y


def _twiddle(y: Any, j2_axis: int, n1: int, n2: int, sign: int, op: str) -> Any:
    """``y`` (parts at -2, k1 last, j2 at ``j2_axis``) times ``exp(sign 2 pi i j2 k1 / (n1 n2))``."""
    t = type_of(y)
    a, b = _twiddles(n1, n2, sign, t.dtype.name)
    shape = [1] * t.ndim
    shape[j2_axis], shape[-2], shape[-1] = n2, 2, n1
    shape = shape[j2_axis:]  # leading unit dims broadcast
    swapped = bind("rev", y, dimensions=(t.ndim - 2,), op=op)
    return L.add(L.mul(y, constant(a.reshape(shape), t.dtype), op), L.mul(swapped, constant(b.reshape(shape), t.dtype),
                                                                            op), op)


@functools.lru_cache(maxsize=64)
def _inverse_real_matrix(n: int, rows: int, dtype: str) -> np.ndarray:
    """``M[p, k, t]`` of NumPy's ``irfft``: the half spectrum's bins ``k < rows`` to the ``n`` samples ``t``. Bins
    with a mirror image count twice; the imaginary parts of the DC and Nyquist bins are ignored."""
    k = np.arange(rows)
    theta = 2.0 * np.pi * (np.outer(k, np.arange(n)) % n) / n
    twice = (k > 0) & (2 * k != n)
    w = np.where(twice, 2.0, 1.0)[:, None] / n
    m = np.stack([w * np.cos(theta), np.where(twice[:, None], -w, 0.0) * np.sin(theta)])
    m = m.astype(dtype)
    m.setflags(write=False)
    return m


def inverse_real(z: Any, n: int, op: str) -> Any:
    """The length-``n`` real signal ``(..., n)`` whose half spectrum is ``z`` ``(..., 2, rows)``, ``rows <=
    n // 2 + 1`` (missing bins are zero), as NumPy's ``irfft`` (scaled by ``1 / n``)."""
    t = type_of(z)
    nd, rows = t.ndim, t.shape[-1]
    if split_factor(n) == 1:
        m = constant(_inverse_real_matrix(n, rows, t.dtype.name), t.dtype)
        return L.dot_general(z, m, ((nd - 2, nd - 1), (0, 1)), op)
    half = n // 2 + 1
    if rows < half:
        z = bind("pad", z, constant(0, t.dtype), op=op,
                 padding_config=tuple((0, half - rows if i == nd - 1 else 0, 0) for i in range(nd)))
    # the full spectrum: bins n - k for 0 < k < n - half + 1 are the conjugates of bins k, reversed
    mirror = bind("rev", L.slice_axis(z, nd - 1, 1, n - half + 1, op), dimensions=(nd - 1,), op=op)
    conj = np.array([1.0, -1.0], t.dtype.np).reshape(2, 1)
    full = bind("concatenate", z, L.mul(mirror, constant(conj, t.dtype), op), dimension=nd - 1, op=op)
    y = dft(full, nd - 2, nd - 1, n, n, 1, op)
    real = L.reshape(L.slice_axis(y, nd - 2, 0, 1, op), t.shape[:-2] + (n,), op)
    return L.mul(real, constant(1.0 / n, t.dtype), op)


def to_parts(real: Any, imag: Any | None, op: str) -> Any:
    """``(..., n)`` real and imaginary tensors (``imag`` None: a real signal) as one ``(..., parts, n)`` tensor."""
    nd = type_of(real).ndim
    re = L.expand_dims(real, [nd - 1], op)
    if imag is None:
        return re
    return bind("concatenate", re, L.expand_dims(imag, [nd - 1], op), dimension=nd - 1, op=op)


def from_parts(z: Any, op: str) -> tuple[Any, Any]:
    """The real and imaginary ``(..., n)`` tensors of a ``(..., 2, n)`` tensor."""
    t = type_of(z)
    nd = t.ndim
    out = t.shape[:-2] + t.shape[-1:]
    return (L.reshape(L.slice_axis(z, nd - 2, 0, 1, op), out, op),
            L.reshape(L.slice_axis(z, nd - 2, 1, 2, op), out, op))
