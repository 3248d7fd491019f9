"""Short-time Fourier transforms with ``keras.ops`` names and semantics: stft and istft (complex values as
``(real, imag)`` pairs, as ``fourier.py``), and the windows they apply.

A frame of ``fft_length`` samples starts every ``sequence_stride`` samples; the window of ``sequence_length``
samples sits centred in it (zeros around). ``stft`` frames the signal (a reshape into blocks when the stride
divides the frame, a gather otherwise), windows and transforms each frame; ``istft`` transforms back and
overlap-adds the frames with a reshape (no loop over frames), normalized by the overlapped squared window.

>>> from hornet import ops
>>> re, im = ops.stft(np.arange(5, dtype="float32"), 3, 2, 3)
>>> re.shape                                                 # doctest: +SKIP
(3, 2)
"""
from __future__ import annotations

from typing import Any

import numpy as np

from hornet.api.ops import _dft as D, _lax as L
from hornet.api.ops.core import as_tensor, binary, bind, constant, convert, finish, fmt_shape, is_tensor, type_of
from hornet.api.ops.fourier import complex_pair, static_length
from hornet.api.ops.shape_ops import pad
from hornet.ir.dtypes import DType
from hornet.ir.errors import DTypeError, ShapeError

__all__ = ["stft", "istft"]

WINDOWS = ("hann", "hamming")
_MAX_BLOCK_SLICES = 16  # frames from this many shifted block slices at most; a gather beyond


def window_array(name: str, length: int, periodic: bool = True) -> np.ndarray:
    """The ``hann`` or ``hamming`` window of ``length`` samples in float64 (``periodic``: the DFT-even form that
    STFTs use, as ``scipy.signal.get_window``; otherwise symmetric).

    >>> window_array("hann", 4).round(6).tolist()
    [0.0, 0.5, 1.0, 0.5]
    """
    if name not in WINDOWS:
        raise ValueError(f"window: {name!r} is not a known window; expected one of {', '.join(WINDOWS)}")
    if length <= 1:
        return np.ones(max(length, 0))
    a = 0.5 if name == "hann" else 0.54
    period = length if periodic else length - 1
    return a - (1.0 - a) * np.cos(2.0 * np.pi * np.arange(length) / period)


def _check_int(value: Any, what: str, op: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{op}: `{what}` must be a positive integer, got {what}={value!r}")
    return int(value)


def _check_lengths(sequence_length: Any, sequence_stride: Any, fft_length: Any, op: str) -> tuple[int, int, int]:
    s = _check_int(sequence_stride, "sequence_stride", op)
    length, n = _check_int(sequence_length, "sequence_length", op), _check_int(fft_length, "fft_length", op)
    if n < length:
        raise ValueError(f"{op}: `fft_length` must be at least `sequence_length`, got sequence_length={length} and "
                         f"fft_length={n}")
    return length, s, n


def _padded_window(window: Any, length: int, n: int, dtype: DType, op: str) -> Any:
    """The window (a name, a tensor of ``length`` values, or None: ones) centred in ``n`` samples, in ``dtype``;
    a traced window tensor stays in the graph."""
    left = (n - length) // 2
    if window is None:
        return np.ones(n, dtype.np)
    if isinstance(window, str):
        if window not in WINDOWS:
            raise ValueError(f"{op}: a string `window` must be one of {', '.join(repr(w) for w in WINDOWS)}, got "
                             f"window={window!r}")
        win = window_array(window, length)
        return np.pad(win, (left, n - length - left)).astype(dtype.np)
    win = convert(as_tensor(window), dtype, op)
    shape = type_of(win).shape
    if tuple(shape) != (length,):
        raise ShapeError(f"{op}: `window` must have shape (sequence_length,) = ({length},), got shape "
                         f"{fmt_shape(shape)}")
    if not is_tensor(win):
        return np.pad(np.asarray(win), (left, n - length - left))
    return pad(win, [(left, n - length - left)])


def frames(x: Any, n: int, step: int, count: int, op: str) -> Any:
    """``(..., count, n)``: the frames of ``n`` samples starting every ``step`` samples along the last axis."""
    t = type_of(x)
    nd = t.ndim
    blocks = n // step
    if n % step == 0 and blocks <= _MAX_BLOCK_SLICES:
        # blocks of `step` samples; frame f is blocks f .. f + blocks - 1 laid end to end
        total = (count + blocks - 1) * step
        x = L.slice_axis(x, nd - 1, 0, total, op)
        x = L.reshape(x, t.shape[:-1] + (count + blocks - 1, step), op)
        parts = [L.slice_axis(x, nd - 1, i, i + count, op) for i in range(blocks)]
        return parts[0] if blocks == 1 else bind("concatenate", *parts, dimension=nd, op=op)
    idx = (np.arange(count)[:, None] * step + np.arange(n)[None, :]).astype(L.INDEX_DTYPE.np)
    return L.gather_axis(x, idx, nd - 1, op)


def overlap_add(y: Any, step: int, op: str) -> Any:
    """``(..., count * step - step + n)``: frames ``y`` ``(..., count, n)`` added at offsets ``f * step``.

    The frames are cut into ``k = ceil(n / step)`` blocks of ``step`` samples, the block index moved before the
    frame axis, and the padded ``(k, count + k, step)`` array reread with rows one block shorter: row ``i`` then
    starts ``i`` blocks later, which is exactly the shift block ``i`` of every frame needs; summing the rows adds
    the frames up.
    """
    t = type_of(y)
    lead, (count, n) = t.shape[:-2], t.shape[-2:]
    k = -(-n // step)
    nd = t.ndim
    if k * step > n:
        y = bind("pad", y, constant(0, t.dtype), op=op,
                 padding_config=tuple((0, k * step - n if i == nd - 1 else 0, 0) for i in range(nd)))
    y = L.reshape(y, lead + (count, k, step), op)
    y = L.transpose(y, list(range(len(lead))) + [nd - 1, nd - 2, nd], op)   # (..., k, count, step)
    rows = count + k
    y = bind("pad", y, constant(0, t.dtype), op=op,
             padding_config=tuple((0, k if i == nd - 1 else 0, 0) for i in range(nd + 1)))
    flat = k * rows * step
    y = L.reshape(y, lead + (flat,), op)
    y = L.slice_axis(y, len(lead), 0, k * (rows - 1) * step, op)
    y = L.reshape(y, lead + (k, (rows - 1) * step), op)
    y = L.reduce("reduce_sum", y, (len(lead),), op)
    return L.slice_axis(y, len(lead), 0, (count - 1) * step + n, op)


def stft(x: Any, sequence_length: int, sequence_stride: int, fft_length: int, window: Any = "hann",
         center: bool = True) -> tuple[Any, Any]:
    """The short-time Fourier transform along the last axis: ``(real, imag)`` of shape ``(..., frames,
    fft_length // 2 + 1)``. ``window``: "hann", "hamming" (periodic), a tensor of ``sequence_length`` values or
    None; ``center`` reflect-pads ``fft_length // 2`` samples on both sides so frame ``t`` is centred at
    ``t * sequence_stride``. Inputs must be float32 or float64.

    >>> stft(np.arange(5, dtype="float32"), 3, 2, 3)[0].shape   # doctest: +SKIP
    (3, 2)
    """
    op = "stft"
    length, step, n = _check_lengths(sequence_length, sequence_stride, fft_length, op)
    x = as_tensor(x)
    t = type_of(x)
    if t.dtype not in (DType.float32, DType.float64):
        raise DTypeError(f"{op}: x must be float32 or float64, got {t.dtype.value}")
    if t.ndim < 1:
        raise ShapeError(f"{op}: x must have rank >= 1, got shape {fmt_shape(t.shape)}")
    win = _padded_window(window, length, n, t.dtype, op)
    if center:
        x = pad(x, [(0, 0)] * (t.ndim - 1) + [(n // 2, n // 2)], mode="reflect")
    total = static_length(x, -1, op)
    count = 1 + (total - n) // step if total >= n else 0
    if count < 1:
        raise ShapeError(f"{op}: a signal of {total} samples{' (after centring)' if center else ''} is shorter "
                         f"than one frame of fft_length={n}; got x of shape {fmt_shape(t.shape)}")
    f = L.mul(frames(x, n, step, count, op), win, op)
    z = D.to_parts(f, None, op)
    nd = type_of(z).ndim
    return tuple(finish(p) for p in D.from_parts(D.dft(z, nd - 2, nd - 1, n, n // 2 + 1, -1, op), op))


def istft(x: tuple[Any, Any], sequence_length: int, sequence_stride: int, fft_length: int, length: int | None = None,
          window: Any = "hann", center: bool = True) -> Any:
    """The inverse of ``stft`` (same arguments) from ``x = (real, imag)`` of shape ``(..., frames, bins)``: the
    frames' inverse transforms, windowed, overlap-added and divided by the overlapped squared window. ``length``
    clips (or ends) the output at that many samples; ``center`` drops the ``fft_length // 2`` padded samples.

    >>> istft(stft(np.arange(5, dtype="float32"), 1, 1, 1), 1, 1, 1)   # doctest: +SKIP
    Array([0., 1., 2., 3., 4.], dtype=float32)
    """
    op = "istft"
    seq, step, n = _check_lengths(sequence_length, sequence_stride, fft_length, op)
    real, imag = complex_pair(x, op, min_rank=2)
    d = type_of(real).dtype
    count = static_length(real, -2, op)
    bins = static_length(real, -1, op)
    nd = type_of(real).ndim
    keep = min(bins, n // 2 + 1)
    z = D.to_parts(L.slice_axis(real, nd - 1, 0, keep, op), L.slice_axis(imag, nd - 1, 0, keep, op), op)
    y = D.inverse_real(z, n, op)                                     # (..., frames, n)
    win = _padded_window(window, seq, n, d, op)
    if window is None:  # as Keras: the frames scaled by n, the sum by 1 / stride
        gain: Any = constant(n / step, d)
        host_win = np.ones(n)
    elif is_tensor(win):
        gain = constant(1.0, d)
        host_win = None
    else:
        gain = constant(1.0, d)
        host_win = np.asarray(win, np.float64)
    y = overlap_add(L.mul(y, L.mul(win, gain, op), op), step, op)
    out = (count - 1) * step + n
    if host_win is not None:  # the overlapped squared window is known on the host
        norm = _overlap_add_host(host_win ** 2, step, count)
        y = L.mul(y, constant(1.0 / np.where(norm > 1e-10, norm, 1.0), d), op)
    else:
        norm = overlap_add(L.full(L.mul(win, win, op), (count, n), d, op), step, op)
        norm = L.where(binary("gt", norm, 1e-10, op), norm, 1.0, op, dtype=d)
        y = L.div(y, norm, op)
    start = n // 2 if center else 0
    if length is not None:
        end = min(start + _check_int(length, "length", op), out)
    else:
        end = out - n // 2 if center else out
    return finish(L.slice_axis(y, type_of(y).ndim - 1, start, max(start, end), op))


def _overlap_add_host(w: np.ndarray, step: int, count: int) -> np.ndarray:
    out = np.zeros((count - 1) * step + len(w))
    for f in range(count):
        out[f * step:f * step + len(w)] += w
    return out

