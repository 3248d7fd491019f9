"""Convolutions and pooling with ``keras.ops`` conventions: ``channels_last`` by default, ``"valid"``/``"same"``
padding with TensorFlow's output sizes and padding split, kernels laid out ``(*kernel_size, in, out)``.

The ``conv_general`` prim has a fixed channels-first layout (lhs ``(N, C, *S)``, rhs ``(O, I, *K)``), so
``channels_last`` inputs are transposed around it. Pooling uses ``reduce_window`` on the layout as given.

>>> from hornet import ops
>>> ops.conv(np.ones((1, 5, 5, 3)), np.ones((3, 3, 3, 8))).shape   # doctest: +SKIP
(1, 3, 3, 8)
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from hornet.api.ops import _lax as L
from hornet.api.ops.core import as_tensor, bind, constant, fmt_shape, to_float, type_of
from hornet.ir.dtypes import DType, result_type
from hornet.ir.errors import HornetError, ShapeError
from hornet.ir.symbolic import Dim, dim_mul, is_symbolic
from hornet.api.settings import image_data_format

__all__ = ["conv", "depthwise_conv", "separable_conv", "conv_transpose", "max_pool", "average_pool",
           "adaptive_average_pool", "adaptive_max_pool", "depth_to_space", "space_to_depth"]

_FORMATS = ("channels_last", "channels_first")


# ---- argument normalization ----------------------------------------------------------------------------------

def _data_format(data_format: str | None, op: str) -> str:
    fmt_ = image_data_format() if data_format is None else str(data_format).lower()
    if fmt_ not in _FORMATS:
        raise HornetError(f"{op}: data_format must be one of {_FORMATS}, got {data_format!r}")
    return fmt_


def _padding_mode(padding: str, op: str) -> str:
    mode = str(padding).lower()
    if mode not in ("valid", "same"):
        raise HornetError(f"{op}: padding must be 'valid' or 'same', got {padding!r}")
    return mode


def _spatial(value: int | Sequence[int], n: int, name: str, op: str) -> tuple[int, ...]:
    """An int or a sequence of ``n`` ints, as a tuple of ``n`` positive ints."""
    vals = (value,) * n if isinstance(value, (int, np.integer)) else tuple(value)
    if len(vals) != n or any(int(v) < 1 for v in vals):
        raise HornetError(f"{op}: {name} must be a positive int or {n} positive ints, got {value!r}")
    return tuple(int(v) for v in vals)


def _rank(x: Any, op: str, what: str = "inputs") -> int:
    """The number of spatial dims of a (batch, channels, *spatial) tensor."""
    nd = type_of(x).ndim
    if nd < 3:
        raise ShapeError(f"{op}: {what} must have rank >= 3 (batch, spatial..., channels), "
                         f"got shape {fmt_shape(type_of(x).shape)}")
    return nd - 2


def static_int(d: Dim, what: str, op: str) -> int:
    """A dim that must be known while tracing (channels, kernel sizes...)."""
    if is_symbolic(d):
        raise ShapeError(f"{op}: {what} must be static, got the symbolic dim {d!r}")
    return int(d)


def _spatial_dims(shape: Sequence[Dim], data_format: str) -> tuple[Dim, ...]:
    return tuple(shape[1:-1]) if data_format == "channels_last" else tuple(shape[2:])


def _channels(shape: Sequence[Dim], data_format: str) -> Dim:
    return shape[-1] if data_format == "channels_last" else shape[1]


def _pads(sizes: Sequence[Dim], window: Sequence[int], strides: Sequence[int], dilation: Sequence[int],
          mode: str, op: str, shape: Sequence[Dim]) -> list[tuple[int, int]]:
    """Per spatial dim (low, high) padding: none for "valid"; TensorFlow's split for "same" (the odd unit of
    padding goes on the high side), so the output size is ceil(size / stride)."""
    pads = []
    for size, k, s, d in zip(sizes, window, strides, dilation):
        span = (k - 1) * d + 1
        if mode == "valid":
            if not is_symbolic(size) and size < span:
                raise ShapeError(f"{op}: the window (size {span} after dilation) is larger than the input "
                                 f"(spatial size {size} of shape {fmt_shape(shape)}) with padding='valid'")
            pads.append((0, 0))
            continue
        if is_symbolic(size):
            if s != 1:
                raise ShapeError(f"{op}: padding='same' with stride {s} needs static spatial sizes, "
                                 f"got shape {fmt_shape(shape)}")
            total = span - 1
        else:
            out = -(-size // s)
            total = max((out - 1) * s + span - size, 0)
        pads.append((total // 2, total - total // 2))
    return pads


def _to_channels_first(x: Any, n: int, data_format: str, op: str) -> Any:
    return L.transpose(x, (0, n + 1, *range(1, n + 1)), op) if data_format == "channels_last" else x


def _from_channels_first(y: Any, n: int, data_format: str, op: str) -> Any:
    return L.transpose(y, (0, *range(2, n + 2), 1), op) if data_format == "channels_last" else y


def _common_dtype(x: Any, k: Any) -> tuple[Any, Any]:
    d = result_type(type_of(x).dtype, type_of(k).dtype)
    if not d.is_floating:
        d = DType.float32
    return as_tensor(x, d), as_tensor(k, d)


# ---- convolutions --------------------------------------------------------------------------------------------

def _conv_cf(x: Any, kernel_oi: Any, strides: Sequence[int], mode: str, dilation: Sequence[int], groups: int,
             op: str, shape: Sequence[Dim]) -> Any:
    """conv_general on channels-first ``x`` and an ``(O, I, *K)`` kernel."""
    n = len(strides)
    sizes = type_of(x).shape[2:]
    window = type_of(kernel_oi).shape[2:]
    pads = _pads(sizes, window, strides, dilation, mode, op, shape)
    return bind("conv_general", x, kernel_oi, window_strides=tuple(strides), padding=pads,
                lhs_dilation=(1,) * n, rhs_dilation=tuple(dilation), feature_group_count=groups, op=op)


def _check_kernel_rank(x: Any, kernel: Any, n: int, op: str, what: str = "kernel") -> None:
    ks = type_of(kernel).shape
    if len(ks) != n + 2:
        raise ShapeError(f"{op}: {what} shape {fmt_shape(ks)} must have rank {n + 2} (kernel_size..., in, out) "
                         f"for inputs of shape {fmt_shape(type_of(x).shape)}")


def _conv_operands(inputs: Any, kernel: Any, data_format: str | None, op: str) -> tuple[Any, Any, int, str, int]:
    """(inputs, kernel in one float dtype, spatial rank, data format, static input channels), checked."""
    x, k = _common_dtype(as_tensor(inputs), as_tensor(kernel))
    n = _rank(x, op)
    _check_kernel_rank(x, k, n, op)
    df = _data_format(data_format, op)
    return x, k, n, df, static_int(_channels(type_of(x).shape, df), "the input channels", op)


def conv(inputs: Any, kernel: Any, strides: int | Sequence[int] = 1, padding: str = "valid",
         data_format: str | None = None, dilation_rate: int | Sequence[int] = 1) -> Any:
    """N-D convolution (cross-correlation). ``kernel`` is ``(*kernel_size, C_in / groups, C_out)``; the group
    count is ``C_in // kernel.shape[-2]``.

    >>> conv(np.ones((2, 8, 8, 3)), np.ones((3, 3, 3, 4)), padding="same").shape   # doctest: +SKIP
    (2, 8, 8, 4)
    """
    op = "conv"
    x, k, n, df, channels = _conv_operands(inputs, kernel, data_format, op)
    xs, ks = type_of(x).shape, type_of(k).shape
    k_in, k_out = static_int(ks[-2], "kernel in-channels", op), static_int(ks[-1], "kernel out-channels", op)
    if k_in == 0 or channels % k_in:
        raise ShapeError(f"{op}: inputs of shape {fmt_shape(xs)} have {channels} channels, which is not a multiple of "
                         f"the kernel's input channels {k_in} (kernel shape {fmt_shape(ks)})")
    groups = channels // k_in
    if k_out % groups:
        raise ShapeError(f"{op}: the kernel's output channels {k_out} (kernel shape {fmt_shape(ks)}) must be a "
                         f"multiple of the group count {groups} (inputs of shape {fmt_shape(xs)})")
    kernel_oi = L.transpose(k, (n + 1, n, *range(n)), op)
    y = _conv_cf(_to_channels_first(x, n, df, op), kernel_oi, _spatial(strides, n, "strides", op),
                 _padding_mode(padding, op), _spatial(dilation_rate, n, "dilation_rate", op), groups, op, xs)
    return _from_channels_first(y, n, df, op)


def depthwise_conv(inputs: Any, kernel: Any, strides: int | Sequence[int] = 1, padding: str = "valid",
                   data_format: str | None = None, dilation_rate: int | Sequence[int] = 1) -> Any:
    """Each input channel convolved with its own ``depth_multiplier`` filters; ``kernel`` is
    ``(*kernel_size, C_in, depth_multiplier)``, output channels ``C_in * depth_multiplier``."""
    op = "depthwise_conv"
    x, k, n, df, channels = _conv_operands(inputs, kernel, data_format, op)
    xs, ks = type_of(x).shape, type_of(k).shape
    if ks[-2] != channels:
        raise ShapeError(f"{op}: inputs of shape {fmt_shape(xs)} have {channels} channels but the kernel (shape "
                         f"{fmt_shape(ks)}) expects {ks[-2]}")
    mult = static_int(ks[-1], "the depth multiplier", op)
    # (*K, C, M) -> (*K, 1, C*M): grouped conv with one group per input channel
    kernel_oi = L.transpose(L.reshape(k, (*ks[:-2], 1, channels * mult), op), (n + 1, n, *range(n)), op)
    y = _conv_cf(_to_channels_first(x, n, df, op), kernel_oi, _spatial(strides, n, "strides", op),
                 _padding_mode(padding, op), _spatial(dilation_rate, n, "dilation_rate", op), channels, op, xs)
    return _from_channels_first(y, n, df, op)


def separable_conv(inputs: Any, depthwise_kernel: Any, pointwise_kernel: Any, strides: int | Sequence[int] = 1,
                   padding: str = "valid", data_format: str | None = None,
                   dilation_rate: int | Sequence[int] = 1) -> Any:
    """``depthwise_conv`` followed by a 1x1 ``conv`` with ``pointwise_kernel`` ``(1, ..., C_in * M, C_out)``."""
    mid = depthwise_conv(inputs, depthwise_kernel, strides, padding, data_format, dilation_rate)
    return conv(mid, pointwise_kernel, 1, "valid", data_format, dilation_rate)


def _transpose_pads(k: int, s: int, d: int, mode: str, output_padding: int | None) -> tuple[int, int]:
    """Padding of the stride-dilated input for a transposed conv, as Keras: "valid" gives
    ``(in - 1) * s + max(span, s)`` outputs (or ``+ output_padding``), "same" gives ``in * s``."""
    span = (k - 1) * d + 1
    if mode == "valid":
        extra = max(span, s) - span if output_padding is None else output_padding
        return span - 1, span - 1 + extra
    total = s + span - 2 if output_padding is None else span + span % 2 - 2 + output_padding
    low = min(total // 2 + total % 2, span - 1)
    return low, total - low


def conv_transpose(inputs: Any, kernel: Any, strides: int | Sequence[int] = 1, padding: str = "valid",
                   output_padding: int | Sequence[int] | None = None, data_format: str | None = None,
                   dilation_rate: int | Sequence[int] = 1) -> Any:
    """Transposed ("fractionally strided") convolution; ``kernel`` is ``(*kernel_size, C_out, C_in)``.

    >>> conv_transpose(np.ones((1, 4, 4, 3)), np.ones((3, 3, 8, 3)), strides=2, padding="same").shape  # doctest: +SKIP
    (1, 8, 8, 8)
    """
    op = "conv_transpose"
    x, k, n, df, channels = _conv_operands(inputs, kernel, data_format, op)
    xs, ks = type_of(x).shape, type_of(k).shape
    if ks[-1] != channels:
        raise ShapeError(f"{op}: inputs of shape {fmt_shape(xs)} have {channels} channels but the kernel (shape "
                         f"{fmt_shape(ks)}, laid out (kernel_size..., out, in)) expects {ks[-1]}")
    strides_ = _spatial(strides, n, "strides", op)
    dilation = _spatial(dilation_rate, n, "dilation_rate", op)
    mode = _padding_mode(padding, op)
    if output_padding is None or isinstance(output_padding, (int, np.integer)):
        out_pad: tuple[int | None, ...] = (output_padding,) * n
    else:
        out_pad = tuple(output_padding)
    window = [static_int(d, "kernel sizes", op) for d in ks[:n]]
    pads = [_transpose_pads(kk, s, d, mode, p) for kk, s, d, p in zip(window, strides_, dilation, out_pad)]
    # a transposed conv is a conv over the stride-dilated input with the spatially flipped kernel
    kernel_oi = bind("rev", L.transpose(k, (n, n + 1, *range(n)), op), dimensions=tuple(range(2, n + 2)), op=op)
    y = bind("conv_general", _to_channels_first(x, n, df, op), kernel_oi, window_strides=(1,) * n, padding=pads,
             lhs_dilation=strides_, rhs_dilation=dilation, feature_group_count=1, op=op)
    return _from_channels_first(y, n, df, op)


# ---- pooling -------------------------------------------------------------------------------------------------

def _full_rank(spatial: Sequence[Any], fill: Any, data_format: str) -> tuple[Any, ...]:
    return (fill, *spatial, fill) if data_format == "channels_last" else (fill, fill, *spatial)


def _pool_args(x: Any, pool_size: Any, strides: Any, padding: str, data_format: str | None, op: str):
    n = _rank(x, op)
    df = _data_format(data_format, op)
    window = _spatial(pool_size, n, "pool_size", op)
    strides_ = window if strides is None else _spatial(strides, n, "strides", op)
    mode = _padding_mode(padding, op)
    shape = type_of(x).shape
    pads = _pads(_spatial_dims(shape, df), window, strides_, (1,) * n, mode, op, shape)
    return df, window, strides_, mode, pads


def _reduce_window(x: Any, computation: str, window: Sequence[int], strides: Sequence[int],
                   pads: Sequence[tuple[int, int]], df: str, op: str) -> Any:
    return bind("reduce_window", x, computation=computation, window_dimensions=_full_rank(window, 1, df),
                window_strides=_full_rank(strides, 1, df), padding=_full_rank(pads, (0, 0), df), op=op)


def max_pool(inputs: Any, pool_size: int | Sequence[int], strides: int | Sequence[int] | None = None,
             padding: str = "valid", data_format: str | None = None) -> Any:
    """Max over windows of ``pool_size`` (strides default to ``pool_size``); padding never wins the max.

    >>> max_pool(np.ones((1, 4, 4, 1)), 2).shape   # doctest: +SKIP
    (1, 2, 2, 1)
    """
    op = "max_pool"
    x = as_tensor(inputs)
    df, window, strides_, _, pads = _pool_args(x, pool_size, strides, padding, data_format, op)
    return _reduce_window(x, "max", window, strides_, pads, df, op)


def _valid_counts(size: int, k: int, s: int, low: int, out: int) -> list[int]:
    """Per output position, how many window elements fall inside the unpadded input."""
    return [max(0, min(i * s - low + k, size) - max(i * s - low, 0)) for i in range(out)]


def average_pool(inputs: Any, pool_size: int | Sequence[int], strides: int | Sequence[int] | None = None,
                 padding: str = "valid", data_format: str | None = None) -> Any:
    """Mean over windows; with ``padding="same"`` each window's mean counts only the real (unpadded) elements."""
    op = "average_pool"
    x = to_float(as_tensor(inputs), op)
    df, window, strides_, mode, pads = _pool_args(x, pool_size, strides, padding, data_format, op)
    total = _reduce_window(x, "sum", window, strides_, pads, df, op)
    if mode == "valid" or all(p == (0, 0) for p in pads):
        return L.true_divide(total, float(np.prod(window)), op)
    sizes = [static_int(d, "spatial sizes with padding='same'", op) for d in _spatial_dims(type_of(x).shape, df)]
    outs = _spatial_dims(type_of(total).shape, df)
    counts = np.ones((), dtype=np.float64)
    for size, k, s, (low, _), out in zip(sizes, window, strides_, pads, outs):
        counts = np.multiply.outer(counts, _valid_counts(size, k, s, low, out))
    counts = counts.reshape(_full_rank(counts.shape, 1, df))
    return L.true_divide(total, constant(counts, type_of(total).dtype), op)


def _adaptive_axis(x: Any, axis: int, out: int, computation: str, op: str) -> Any:
    """Adaptive pooling along one axis: output i reduces input [floor(i L / out), ceil((i + 1) L / out)).

    Windows take at most two sizes; each size is pooled once with stride 1, the pools are concatenated and the
    window starts gathered from them."""
    t = type_of(x)
    size = static_int(t.shape[axis], "spatial sizes", op)
    starts = [i * size // out for i in range(out)]
    widths = [-(-(i + 1) * size // out) - starts[i] for i in range(out)]
    nd = t.ndim

    def pool(w: int, stride: int) -> Any:
        dims = tuple(w if i == axis else 1 for i in range(nd))
        steps = tuple(stride if i == axis else 1 for i in range(nd))
        return bind("reduce_window", x, computation=computation, window_dimensions=dims, window_strides=steps,
                    padding=((0, 0),) * nd, op=op)

    if size % out == 0:
        pooled = pool(size // out, size // out)
    else:
        offsets, parts, start = {}, [], 0
        for w in sorted(set(widths)):
            offsets[w] = start  # where this width's pool begins in the concatenation
            parts.append(pool(w, 1))
            start += size - w + 1
        merged = parts[0] if len(parts) == 1 else bind("concatenate", *parts, dimension=axis, op=op)
        front = (axis, *[i for i in range(nd) if i != axis])
        index = constant([[offsets[w] + s] for w, s in zip(widths, starts)], DType.int32)
        picked = bind("gather", L.transpose(merged, front, op), index, op=op)
        pooled = L.transpose(picked, tuple(int(i) for i in np.argsort(front)), op)
    if computation == "sum":
        shape = [out if i == axis else 1 for i in range(nd)]
        pooled = L.true_divide(pooled, constant(np.reshape(widths, shape), type_of(pooled).dtype), op)
    return pooled


def _adaptive(inputs: Any, output_size: int | Sequence[int], data_format: str | None, computation: str,
              op: str) -> Any:
    x = as_tensor(inputs)
    if computation == "sum":
        x = to_float(x, op)
    n = _rank(x, op)
    df = _data_format(data_format, op)
    outs = _spatial(output_size, n, "output_size", op)
    first = 1 if df == "channels_last" else 2
    for i, out in enumerate(outs):
        x = _adaptive_axis(x, first + i, out, computation, op)
    return x


def adaptive_average_pool(inputs: Any, output_size: int | Sequence[int], data_format: str | None = None) -> Any:
    """Average pooling to a fixed spatial ``output_size`` (PyTorch's adaptive windows).

    >>> adaptive_average_pool(np.ones((1, 7, 7, 2)), 3).shape   # doctest: +SKIP
    (1, 3, 3, 2)
    """
    return _adaptive(inputs, output_size, data_format, "sum", "adaptive_average_pool")


def adaptive_max_pool(inputs: Any, output_size: int | Sequence[int], data_format: str | None = None) -> Any:
    """Max pooling to a fixed spatial ``output_size`` (PyTorch's adaptive windows)."""
    return _adaptive(inputs, output_size, data_format, "max", "adaptive_max_pool")


# ---- pixel shuffles ------------------------------------------------------------------------------------------

def _pixel_operands(x: Any, block_size: int, data_format: str, op: str) -> tuple[Any, int, str, tuple[Dim, ...]]:
    """(x, block size, data format, (n, h, w, c) of the 4-D ``x`` whatever its layout)."""
    x = as_tensor(x)
    df = _data_format(data_format, op)
    shape = type_of(x).shape
    if len(shape) != 4:
        raise ShapeError(f"{op}: expects a 4-D tensor, got shape {fmt_shape(shape)}")
    n, h, w, c = shape if df == "channels_last" else (shape[0], shape[2], shape[3], shape[1])
    return x, int(block_size), df, (n, h, w, c)


def depth_to_space(x: Any, block_size: int, data_format: str = "channels_last") -> Any:
    """Move channel blocks into ``block_size x block_size`` spatial tiles (pixel shuffle).

    >>> depth_to_space(np.ones((1, 2, 2, 8)), 2).shape   # doctest: +SKIP
    (1, 4, 4, 2)
    """
    op = "depth_to_space"
    x, b, df, (n, h, w, c) = _pixel_operands(x, block_size, data_format, op)
    shape = type_of(x).shape
    c = static_int(c, "channels", op)
    if c % (b * b):
        raise ShapeError(f"{op}: channels {c} of shape {fmt_shape(shape)} are not divisible by block_size**2 = {b * b}")
    cn = c // (b * b)
    if df == "channels_last":
        y = L.transpose(L.reshape(x, (n, h, w, b, b, cn), op), (0, 1, 3, 2, 4, 5), op)
        return L.reshape(y, (n, dim_mul(h, b), dim_mul(w, b), cn), op)
    y = L.transpose(L.reshape(x, (n, cn, b, b, h, w), op), (0, 1, 4, 2, 5, 3), op)
    return L.reshape(y, (n, cn, dim_mul(h, b), dim_mul(w, b)), op)


def space_to_depth(x: Any, block_size: int, data_format: str = "channels_last") -> Any:
    """Move ``block_size x block_size`` spatial tiles into channels (pixel unshuffle); inverse of depth_to_space."""
    op = "space_to_depth"
    x, b, df, (n, h, w, c) = _pixel_operands(x, block_size, data_format, op)
    shape = type_of(x).shape
    h, w = static_int(h, "height", op), static_int(w, "width", op)
    if h % b or w % b:
        raise ShapeError(f"{op}: spatial dims of shape {fmt_shape(shape)} are not divisible by block_size {b}")
    if df == "channels_last":
        y = L.transpose(L.reshape(x, (n, h // b, b, w // b, b, c), op), (0, 1, 3, 2, 4, 5), op)
        return L.reshape(y, (n, h // b, w // b, dim_mul(c, b * b)), op)
    y = L.transpose(L.reshape(x, (n, c, h // b, b, w // b, b), op), (0, 1, 3, 5, 2, 4), op)
    return L.reshape(y, (n, dim_mul(c, b * b), h // b, w // b), op)
