"""Fourier transforms with ``keras.ops`` names and semantics: fft, fft2, ifft2, rfft, irfft.

hornet has no complex dtype; as in Keras, a complex tensor is a ``(real, imag)`` pair of float tensors of one
shape, taken and returned by these ops. float64 stays float64; other inputs compute in float32. The transforms
are contractions with host-computed cosine/sine matrices, split Cooley-Tukey style for long composite lengths
(``_dft.py``), so they trace, compile and differentiate like any other op.

>>> from hornet import ops
>>> ops.fft((np.array([1.0, 2.0], "float32"), np.array([0.0, 1.0], "float32")))   # doctest: +SKIP
(Array([ 3., -1.], dtype=float32), Array([ 1., -1.], dtype=float32))
"""
from __future__ import annotations

from typing import Any

from hornet.api.ops import _dft as D, _lax as L
from hornet.api.ops.core import as_tensor, constant, convert, finish, fmt_shape, same_shape, type_of
from hornet.ir.dtypes import result_type
from hornet.ir.errors import ShapeError
from hornet.ir.symbolic import is_symbolic

__all__ = ["fft", "fft2", "ifft2", "rfft", "irfft"]


def complex_pair(x: Any, op: str, min_rank: int = 1) -> tuple[Any, Any]:
    """The real and imaginary parts of a ``(real, imag)`` pair in their compute dtype, checked as Keras does
    (a pair of float tensors of one shape, of rank >= ``min_rank``)."""
    if not isinstance(x, (tuple, list)) or len(x) != 2:
        raise ValueError(f"{op}: x must be a tuple (real, imag) of two tensors, got {type(x).__name__}"
                         + (f" of length {len(x)}" if isinstance(x, (tuple, list)) else ""))
    real, imag = as_tensor(x[0]), as_tensor(x[1])
    tr, ti = type_of(real), type_of(imag)
    if not same_shape(tr.shape, ti.shape):
        raise ShapeError(f"{op}: the real and imaginary parts must have the same shape, got {fmt_shape(tr.shape)} "
                         f"and {fmt_shape(ti.shape)}")
    if not (tr.dtype.is_floating and ti.dtype.is_floating):
        raise ValueError(f"{op}: the real and imaginary parts must be float tensors, got {tr.dtype.value} and "
                         f"{ti.dtype.value}")
    if tr.ndim < min_rank:
        raise ShapeError(f"{op}: x must have rank >= {min_rank}, got shape {fmt_shape(tr.shape)}")
    d = D.compute_dtype(result_type(tr.dtype, ti.dtype))
    return convert(real, d, op), convert(imag, d, op)


def static_length(x: Any, axis: int, op: str) -> int:
    """The size of ``axis``, which a transform needs to know when tracing."""
    s = type_of(x).shape
    d = s[axis]
    if is_symbolic(d):
        raise ShapeError(f"{op}: the transformed axis {axis} must have a static size, got shape {fmt_shape(s)}")
    return int(d)


def _fft_length(value: Any, op: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{op}: fft_length must be a positive integer, got {value!r}")
    return int(value)


def _transform(real: Any, imag: Any | None, sign: int, op: str) -> tuple[Any, Any]:
    """The DFT (sign -1) or unscaled inverse (sign +1) along the last axis of ``real + i imag``."""
    n = static_length(real, -1, op)
    z = D.to_parts(real, imag, op)
    nd = type_of(z).ndim
    return D.from_parts(D.dft(z, nd - 2, nd - 1, n, n, sign, op), op)


def _transform2(real: Any, imag: Any, sign: int, op: str) -> tuple[Any, Any]:
    """The 2-D DFT (or unscaled inverse) over the last two axes: one transform per axis, no transposes between."""
    m, n = static_length(real, -2, op), static_length(real, -1, op)
    z = D.to_parts(real, imag, op)                     # (..., m, 2, n)
    nd = type_of(z).ndim
    z = D.dft(z, nd - 2, nd - 1, n, n, sign, op)       # (..., m, 2, n)
    z = D.dft(z, nd - 2, nd - 3, m, m, sign, op)       # (..., n, 2, m)
    z = L.transpose(z, list(range(nd - 3)) + [nd - 1, nd - 2, nd - 3], op)
    return D.from_parts(z, op)


def _scaled(parts: tuple[Any, Any], n: int, op: str) -> tuple[Any, Any]:
    d = type_of(parts[0]).dtype
    scale = constant(1.0 / n, d)
    return L.mul(parts[0], scale, op), L.mul(parts[1], scale, op)


def fft(x: tuple[Any, Any]) -> tuple[Any, Any]:
    """The discrete Fourier transform along the last axis of the complex ``x = (real, imag)``.

    >>> fft((np.array([1.0, 2.0]), np.array([0.0, 1.0])))   # doctest: +SKIP
    (Array([ 3., -1.]), Array([ 1., -1.]))
    """
    op = "fft"
    real, imag = complex_pair(x, op)
    return tuple(finish(t) for t in _transform(real, imag, -1, op))


def fft2(x: tuple[Any, Any]) -> tuple[Any, Any]:
    """The 2-D discrete Fourier transform over the last two axes of ``x = (real, imag)`` (rank >= 2).

    >>> fft2((np.array([[1.0, 2.0], [2.0, 1.0]]), np.array([[0.0, 1.0], [1.0, 0.0]])))   # doctest: +SKIP
    (Array([[ 6.,  0.], [ 0., -2.]]), Array([[ 2.,  0.], [ 0., -2.]]))
    """
    op = "fft2"
    real, imag = complex_pair(x, op, min_rank=2)
    return tuple(finish(t) for t in _transform2(real, imag, -1, op))


def ifft2(x: tuple[Any, Any]) -> tuple[Any, Any]:
    """The inverse of ``fft2`` (scaled by ``1 / (m n)``) over the last two axes of ``x = (real, imag)``.

    >>> ifft2(fft2((np.eye(2), np.zeros((2, 2)))))[0]   # doctest: +SKIP
    Array([[1., 0.], [0., 1.]])
    """
    op = "ifft2"
    real, imag = complex_pair(x, op, min_rank=2)
    m, n = static_length(real, -2, op), static_length(real, -1, op)
    return tuple(finish(t) for t in _scaled(_transform2(real, imag, 1, op), m * n, op))


def rfft(x: Any, fft_length: int | None = None) -> tuple[Any, Any]:
    """The ``fft_length // 2 + 1`` non-negative frequencies of the DFT of the real ``x`` along its last axis, as
    ``(real, imag)``. ``fft_length`` (default: the last dim) crops the signal, or pads it with zeros.

    >>> rfft(np.array([0.0, 1.0, 2.0, 3.0, 4.0]), 3)   # doctest: +SKIP
    (Array([ 3. , -1.5]), Array([0.       , 0.8660254]))
    """
    op = "rfft"
    x = as_tensor(x)
    t = type_of(x)
    if t.ndim < 1:
        raise ShapeError(f"{op}: x must have rank >= 1, got shape {fmt_shape(t.shape)}")
    x = convert(x, D.compute_dtype(t.dtype), op)
    length = static_length(x, -1, op)
    n = length if fft_length is None else _fft_length(fft_length, op)
    if length > n:
        x = L.slice_axis(x, t.ndim - 1, 0, n, op)
    z = D.to_parts(x, None, op)
    nd = type_of(z).ndim
    return tuple(finish(p) for p in D.from_parts(D.dft(z, nd - 2, nd - 1, n, n // 2 + 1, -1, op), op))


def irfft(x: tuple[Any, Any], fft_length: int | None = None) -> Any:
    """The real signal of length ``fft_length`` (default ``2 * (bins - 1)``) whose non-negative frequencies are
    ``x = (real, imag)`` along the last axis (the inverse of ``rfft``). Extra bins are dropped, missing ones are
    zero; the imaginary parts of the zero (and, for even lengths, Nyquist) frequency are ignored.

    >>> irfft(rfft(np.array([0.0, 1.0, 2.0, 3.0, 4.0]), 5), 5)   # doctest: +SKIP
    Array([0., 1., 2., 3., 4.])
    """
    op = "irfft"
    real, imag = complex_pair(x, op)
    bins = static_length(real, -1, op)
    n = 2 * (bins - 1) if fft_length is None else _fft_length(fft_length, op)
    if n < 1:
        raise ValueError(f"{op}: the output length 2 * (bins - 1) is {n} for {bins} bin(s); pass fft_length")
    keep = min(bins, n // 2 + 1)
    nd = type_of(real).ndim
    z = D.to_parts(L.slice_axis(real, nd - 1, 0, keep, op), L.slice_axis(imag, nd - 1, 0, keep, op), op)
    return finish(D.inverse_real(z, n, op))

