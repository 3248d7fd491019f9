"""ONNX rules: ``reduce_window`` as pooling. Dims whose window is trivial (size 1, stride 1, no padding) are
folded into the batch, the rest (1 to 3 of them) become the spatial dims of one ``MaxPool`` (max; min is
``-MaxPool(-x)``) or of a ``Conv`` with a kernel of ones (sum: exact, unlike AveragePool times the count).
Padding is an explicit ``Pad`` with the computation's identity, so any amount (negative crops) is expressible.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from hornet.ir.dtypes import DType
from hornet.ir.symbolic import dim_add
from hornet.lowering.onnx.builder import Ctx, compute_dtype
from hornet.lowering.onnx.reductions import identity_value


def _reduce_window(ctx: Ctx, x: str, *, computation: str, window_dimensions: Sequence[int],
                   window_strides: Sequence[int], padding: Sequence[Sequence[int]],
                   base_dilation: Sequence[int] | None = None,
                   window_dilation: Sequence[int] | None = None) -> str:
    t, out_t = ctx.in_types[0], ctx.out_types[0]
    rank = t.ndim
    base = list(base_dilation or [1] * rank)
    dil = list(window_dilation or [1] * rank)
    if any(b != 1 for b in base):
        raise ctx.fail(f"base_dilation={tuple(base)} has no ONNX rule (only ones; it appears in gradients)")
    if not t.dtype.is_floating:
        raise ctx.fail(f"reduce_window on {t.dtype} has no ONNX rule (ONNX pooling is float only)")
    spatial = [i for i in range(rank) if (window_dimensions[i], window_strides[i], tuple(padding[i]), dil[i])
               != (1, 1, (0, 0), 1)]
    if not spatial:
        return ctx.op("Identity", [x])
    if len(spatial) > 3:
        raise ctx.fail(f"a window over {len(spatial)} dims has no ONNX rule (pooling takes 1 to 3)")
    wide = compute_dtype(t.dtype)
    w = ctx.cast(x, t.dtype, wide)
    if any(p != 0 for pair in padding for p in pair):
        fill = ctx.const(np.asarray(identity_value(computation, wide), wide.np))
        pads = [lo for lo, _ in padding] + [hi for _, hi in padding]
        w = ctx.op("Pad", [w, ctx.const(pads, "int64"), fill], mode="constant")
    padded = [t.shape[i] for i in range(rank)]
    padded = [dim_add(dim_add(d, lo), hi) for d, (lo, hi) in zip(padded, padding)]
    trivial = [i for i in range(rank) if i not in spatial]
    perm = trivial + spatial
    if perm != list(range(rank)):
        w = ctx.op("Transpose", [w], perm=perm)
    w = ctx.op("Reshape", [w, ctx.shape([-1, 1] + [padded[i] for i in spatial])])
    attrs = dict(kernel_shape=[window_dimensions[i] for i in spatial], strides=[window_strides[i] for i in spatial],
                 dilations=[dil[i] for i in spatial])
    if computation == "sum":
        ones = ctx.const(np.ones([1, 1] + attrs["kernel_shape"], wide.np))
        y = ctx.op("Conv", [w, ones], **attrs)
    elif computation == "max":
        y = _max_pool(ctx, w, wide, attrs)
    else:
        y = ctx.op("Neg", [_max_pool(ctx, ctx.op("Neg", [w]), wide, attrs)])
    y = ctx.op("Reshape", [y, ctx.shape([out_t.shape[i] for i in perm])])
    if perm != list(range(rank)):
        y = ctx.op("Transpose", [y], perm=[perm.index(i) for i in range(rank)])
    return ctx.cast(y, wide, t.dtype)


def _max_pool(ctx: Ctx, w: str, wide: DType, attrs: dict[str, Any]) -> str:
    """MaxPool, with -inf restored: onnxruntime starts each window at the dtype's lowest finite value, so a
    window of -inf (padding, or -inf inputs) would give -max instead. A window holding a genuine lowest value
    keeps it (an indicator pooled alongside)."""
    y = ctx.op("MaxPool", [w], **attrs)
    lowest = ctx.const(np.asarray(np.finfo(wide.np).min, wide.np))
    holds_lowest = ctx.op("MaxPool", [ctx.cast(ctx.op("Equal", [w, lowest]), DType.bool, wide)], **attrs)
    fake = ctx.op("And", [ctx.op("Equal", [y, lowest]),
                          ctx.op("Equal", [holds_lowest, ctx.const(np.asarray(0, wide.np))])])
    return ctx.op("Where", [fake, ctx.const(np.asarray(-np.inf, wide.np)), y])


RULES: dict[str, Callable[..., Any]] = {
    "reduce_window": _reduce_window,
}
