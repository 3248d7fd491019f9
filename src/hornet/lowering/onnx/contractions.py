"""ONNX rules: contractions. ``dot_general`` is a MatMul when it is one (a Dense layer: contract the lhs' last
dim with the rhs' first, no batch dims), else an Einsum; ``conv_general`` is Conv (hornet's fixed layout is
ONNX's NCHW / OIHW), with lhs dilation (transposed convolutions) and negative padding done by an explicit pad.
Operands are converted to ``preferred_element_type`` first; bool contracts as int32 (then ``!= 0``)."""
from __future__ import annotations

import string
from typing import Any, Callable, Sequence

from hornet.ir.dtypes import DType
from hornet.lowering.onnx.builder import Ctx, compute_dtype
from hornet.lowering.onnx.structural import pad_general


def _operand_dtypes(ctx: Ctx, preferred: Any) -> tuple[DType, DType]:
    """(output dtype, the dtype ONNX computes in)."""
    src = ctx.in_types[0].dtype
    out = preferred if preferred is not None else src
    return out, (DType.int32 if out is DType.bool else compute_dtype(out))


def _finish(ctx: Ctx, y: str, wide: DType, out: DType) -> str:
    if out is DType.bool:
        return ctx.op("Not", [ctx.op("Equal", [y, ctx.const(0, wide)])])
    return ctx.cast(y, wide, out)


def _dot_general(ctx: Ctx, lhs: str, rhs: str, *, lhs_contracting: Sequence[int], rhs_contracting: Sequence[int],
                 lhs_batch: Sequence[int] = (), rhs_batch: Sequence[int] = (), preferred_element_type: Any = None
                 ) -> str:
    lt, rt = ctx.in_types
    out, wide = _operand_dtypes(ctx, preferred_element_type)
    a, b = ctx.cast(lhs, lt.dtype, wide), ctx.cast(rhs, rt.dtype, wide)
    if (not lhs_batch and tuple(lhs_contracting) == (lt.ndim - 1,) and tuple(rhs_contracting) == (0,)
            and rt.ndim == 2 and lt.ndim >= 1):
        return _finish(ctx, ctx.op("MatMul", [a, b]), wide, out)
    letters = iter(string.ascii_letters)
    lhs_l = [next(letters) for _ in range(lt.ndim)]
    rhs_l: list[str | None] = [None] * rt.ndim
    for i, j in zip(lhs_batch, rhs_batch):
        rhs_l[j] = lhs_l[i]
    for i, j in zip(lhs_contracting, rhs_contracting):
        rhs_l[j] = lhs_l[i]
    rhs_l = [c if c is not None else next(letters) for c in rhs_l]
    lhs_free = [lhs_l[i] for i in range(lt.ndim) if i not in tuple(lhs_batch) + tuple(lhs_contracting)]
    rhs_free = [rhs_l[i] for i in range(rt.ndim) if i not in tuple(rhs_batch) + tuple(rhs_contracting)]
    result = [lhs_l[i] for i in lhs_batch] + lhs_free + rhs_free
    equation = f"{''.join(lhs_l)},{''.join(rhs_l)}->{''.join(result)}"
    return _finish(ctx, ctx.op("Einsum", [a, b], equation=equation), wide, out)


def _conv_general(ctx: Ctx, lhs: str, rhs: str, *, window_strides: Sequence[int],
                  padding: Sequence[Sequence[int]], lhs_dilation: Sequence[int], rhs_dilation: Sequence[int],
                  feature_group_count: int = 1, preferred_element_type: Any = None) -> str:
    lt, rt = ctx.in_types
    out, wide = _operand_dtypes(ctx, preferred_element_type)
    if not wide.is_floating:
        raise ctx.fail(f"conv_general on {wide} has no ONNX rule (ONNX Conv is float only)")
    nsp = lt.ndim - 2
    if not 1 <= nsp <= 3:
        raise ctx.fail(f"a convolution with {nsp} spatial dims has no ONNX rule (ONNX Conv takes 1 to 3)")
    x, w = ctx.cast(lhs, lt.dtype, wide), ctx.cast(rhs, rt.dtype, wide)
    pads = [lo for lo, _ in padding] + [hi for _, hi in padding]
    if any(d != 1 for d in lhs_dilation) or any(p < 0 for p in pads):
        config = [(0, 0, 0), (0, 0, 0)] + [(lo, hi, d - 1) for (lo, hi), d in zip(padding, lhs_dilation)]
        x = pad_general(ctx, x, lt.shape, config, ctx.const(0, wide))
        pads = [0] * (2 * nsp)
    y = ctx.op("Conv", [x, w], strides=list(window_strides), pads=pads, dilations=list(rhs_dilation),
               group=feature_group_count, kernel_shape=[int(k) for k in rt.shape[2:]]
               if all(isinstance(k, int) for k in rt.shape[2:]) else None)
    return _finish(ctx, y, wide, out)


RULES: dict[str, Callable[..., Any]] = {
    "dot_general": _dot_general,
    "conv_general": _conv_general,
}
