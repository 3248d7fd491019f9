"""``unfold`` (im2col) and ``fold`` (col2im) on channels-first images (``keras.ops.unfold`` / ``keras.ops.fold``,
as ``torch.nn.functional.unfold`` / ``fold``).

``unfold`` reads each kernel offset as one strided slice of the zero-padded image; ``fold`` places each offset's
values back with an interior-padded ``pad`` (stride - 1 zeros between them) and sums the offsets, so overlapping
blocks add up. The feature axis is ordered (channel, kernel row, kernel column).

>>> from hornet import ops
>>> ops.unfold(np.ones((1, 2, 4, 4), "float32"), kernel_size=2, stride=2).shape   # doctest: +SKIP
(1, 8, 4)
"""
from __future__ import annotations

from typing import Any

from hornet.api.ops._eager import compiled_when_eager
from hornet.api.ops import _lax as L
from hornet.api.ops.core import as_tensor, bind, constant, fmt_shape, type_of

__all__ = ["unfold", "fold"]


def _pair(value: Any, name: str, op: str, minimum: int) -> tuple[int, int]:
    pair = (value, value) if isinstance(value, int) else tuple(value)
    if len(pair) != 2 or any(not isinstance(v, int) or isinstance(v, bool) or v < minimum for v in pair):
        raise ValueError(f"{op}: {name} must be an int or a pair of ints >= {minimum}, got {name}={value!r}")
    return pair  # type: ignore[return-value]


def _static(shape: tuple[Any, ...], axes: tuple[int, ...], op: str) -> None:
    if any(not isinstance(shape[a], int) for a in axes):
        raise ValueError(f"{op}: the spatial sizes must be static, got shape {fmt_shape(shape)}")


def _args(op: str, x: Any, rank: int, layout: str, kernel_size: Any, dilation: Any, padding: Any,
          stride: Any) -> tuple[Any, Any, tuple[int, int], tuple[int, int], tuple[int, int], tuple[int, int]]:
    """The tensor, its type and the checked (kernel, dilation, padding, stride) pairs; ``x`` must have ``rank``
    dimensions (``layout`` names them) with static sizes after the batch axis."""
    k, d = _pair(kernel_size, "kernel_size", op, 1), _pair(dilation, "dilation", op, 1)
    p, s = _pair(padding, "padding", op, 0), _pair(stride, "stride", op, 1)
    x = as_tensor(x)
    t = type_of(x)
    if t.ndim != rank:
        raise ValueError(f"{op}: x must be a {rank}-D {layout} tensor, got shape {fmt_shape(t.shape)}")
    _static(t.shape, tuple(range(rank - 2, rank)), op)
    return x, t, k, d, p, s


def _blocks(size: int, k: int, d: int, p: int, s: int) -> int:
    return (size + 2 * p - d * (k - 1) - 1) // s + 1


@compiled_when_eager("x")
def unfold(x: Any, kernel_size: Any, dilation: Any = 1, padding: Any = 0, stride: Any = 1) -> Any:
    """Sliding blocks of an ``(N, C, H, W)`` image as ``(N, C * kH * kW, L)`` columns, ``L`` the number of blocks.

    >>> unfold(np.arange(16.0).reshape(1, 1, 4, 4), 2, stride=2)[0, :, 0]   # doctest: +SKIP
    Array([0., 1., 4., 5.], dtype=float32)
    """
    op = "unfold"
    x, t, k, d, p, s = _args(op, x, 4, "(N, C, H, W)", kernel_size, dilation, padding, stride)
    n_h, n_w = (_blocks(t.shape[2 + i], k[i], d[i], p[i], s[i]) for i in range(2))
    if n_h < 1 or n_w < 1:
        raise ValueError(f"{op}: kernel_size={k} with dilation={d} does not fit the padded input of shape "
                         f"{fmt_shape(t.shape)} (padding={p})")
    if any(p):
        x = bind("pad", x, constant(0, t.dtype), padding_config=((0, 0, 0), (0, 0, 0), (p[0], p[0], 0),
                                                                  (p[1], p[1], 0)), op=op)
    batch, channels = t.shape[0], t.shape[1]
    pieces = []
    for i in range(k[0]):
        for j in range(k[1]):
            top, left = i * d[0], j * d[1]
            piece = bind("slice", x, start_indices=(0, 0, top, left),
                         limit_indices=(batch, channels, top + (n_h - 1) * s[0] + 1, left + (n_w - 1) * s[1] + 1),
                         strides=(1, 1, s[0], s[1]), op=op)
            pieces.append(L.reshape(piece, (batch, channels, 1, n_h * n_w), op))
    cols = pieces[0] if len(pieces) == 1 else bind("concatenate", *pieces, dimension=2, op=op)
    return L.reshape(cols, (batch, channels * k[0] * k[1], n_h * n_w), op)


@compiled_when_eager("x")
def fold(x: Any, output_size: Any, kernel_size: Any, dilation: Any = 1, padding: Any = 0, stride: Any = 1) -> Any:
    """The ``(N, C, oH, oW)`` image whose ``unfold`` columns are ``x`` (``(N, C * kH * kW, L)``), overlapping
    values summed.

    >>> fold(np.ones((1, 4, 4), "float32"), (3, 3), 2).sum()    # 4 blocks of 4 ones   # doctest: +SKIP
    Array(16., dtype=float32)
    """
    op = "fold"
    out = _pair(output_size, "output_size", op, 1)
    x, t, k, d, p, s = _args(op, x, 3, "(N, C * kH * kW, L)", kernel_size, dilation, padding, stride)
    batch, features, count = t.shape
    if features % (k[0] * k[1]):
        raise ValueError(f"{op}: x.shape[1]={features} is not divisible by kernel_size {k[0]}*{k[1]}")
    n_h, n_w = (_blocks(out[i], k[i], d[i], p[i], s[i]) for i in range(2))
    if n_h < 1 or n_w < 1 or n_h * n_w != count:
        raise ValueError(f"{op}: x has {count} blocks but output_size={out}, kernel_size={k}, dilation={d}, "
                         f"padding={p}, stride={s} give {max(n_h, 0)}*{max(n_w, 0)}")
    channels = features // (k[0] * k[1])
    blocks = L.reshape(x, (batch, channels, k[0] * k[1], n_h, n_w), op)
    full_h, full_w = out[0] + 2 * p[0], out[1] + 2 * p[1]
    zero = constant(0, t.dtype)
    total = None
    for i in range(k[0]):
        for j in range(k[1]):
            idx = i * k[1] + j
            piece = L.reshape(L.slice_axis(blocks, 2, idx, idx + 1, op), (batch, channels, n_h, n_w), op)
            top, left = i * d[0], j * d[1]
            config = ((0, 0, 0), (0, 0, 0),
                      (top, full_h - top - (n_h - 1) * s[0] - 1, s[0] - 1),
                      (left, full_w - left - (n_w - 1) * s[1] - 1, s[1] - 1))
            placed = bind("pad", piece, zero, padding_config=config, op=op)
            total = placed if total is None else L.add(total, placed, op)
    if any(p):
        total = bind("slice", total, start_indices=(0, 0, p[0], p[1]),
                     limit_indices=(batch, channels, p[0] + out[0], p[1] + out[1]), strides=None, op=op)
    return total
