"""ONNX rules: reductions and cumulative prims. ``cumprod`` / ``cummax`` / ``cummin`` (no ONNX op) are
Hillis-Steele scans: log2(n) steps of combining with a copy shifted by 1, 2, 4, ... (padded with the identity)."""
from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from hornet.ir.dtypes import DType, iinfo
from hornet.lowering.onnx.builder import Ctx, compute_dtype, widened
from hornet.lowering.onnx.structural import slice_


def _reduce(op_type: str) -> Callable[..., str]:
    def rule(ctx: Ctx, x: str, *, axes: Sequence[int]) -> str:
        if not axes:
            return ctx.op("Identity", [x])
        return widened(ctx, [x], ctx.in_types[0].dtype,
                       lambda w: ctx.op(op_type, [w, ctx.const(list(axes), "int64")], keepdims=0))

    return rule


def _reduce_bool(op_type: str) -> Callable[..., str]:
    def rule(ctx: Ctx, x: str, *, axes: Sequence[int]) -> str:
        if not axes:
            return ctx.op("Identity", [x])
        w = ctx.cast(x, "bool", "int32")
        return ctx.cast(ctx.op(op_type, [w, ctx.const(list(axes), "int64")], keepdims=0), "int32", "bool")

    return rule


def _arg(op_type: str) -> Callable[..., str]:
    def rule(ctx: Ctx, x: str, *, axis: int, index_dtype: Any) -> str:
        d = ctx.in_types[0].dtype
        w = ctx.cast(x, d, DType.int32 if d.is_bool else compute_dtype(d))
        return ctx.cast(ctx.op(op_type, [w], axis=axis, keepdims=0), "int64", index_dtype)

    return rule


def _cumsum(ctx: Ctx, x: str, *, axis: int, reverse: bool = False) -> str:
    return widened(ctx, [x], ctx.in_types[0].dtype,
                   lambda w: ctx.op("CumSum", [w, ctx.const(axis, "int64")], reverse=int(reverse)))


def identity_value(computation: str, d: DType) -> Any:
    """The identity of a combiner for a dtype (the value padding and empty reductions hold).

    >>> identity_value("max", DType.float32), identity_value("min", DType.int8)
    (-inf, 127)
    """
    if computation in ("sum", "add"):
        return 0
    if computation in ("prod", "mul"):
        return 1
    if d.is_floating:
        return -np.inf if computation == "max" else np.inf
    info = iinfo(d)
    return info.min if computation == "max" else info.max


def _hillis_steele(computation: str, op_type: str) -> Callable[..., str]:
    def rule(ctx: Ctx, x: str, *, axis: int, reverse: bool = False) -> str:
        t = ctx.in_types[0]
        n = t.shape[axis]
        if not isinstance(n, int):
            raise ctx.fail(f"a symbolic size {n!r} along axis {axis} has no ONNX rule (the scan needs a static "
                           f"length)")
        wide = compute_dtype(t.dtype)

        def scan(w: str) -> str:
            fill = ctx.const(np.asarray(identity_value(computation, wide), wide.np))
            rank = t.ndim
            step = 1
            while step < n:
                pads = [0] * (2 * rank)
                if reverse:  # y[i] combines x[i + step]
                    shifted = slice_(ctx, w, [step], [n], axes=[axis])
                    pads[rank + axis] = step
                else:  # y[i] combines x[i - step]
                    shifted = slice_(ctx, w, [0], [n - step], axes=[axis])
                    pads[axis] = step
                shifted = ctx.op("Pad", [shifted, ctx.const(pads, "int64"), fill])
                w = ctx.op(op_type, [w, shifted])
                step *= 2
            return w if n > 1 else ctx.op("Identity", [w])

        return widened(ctx, [x], t.dtype, scan)

    return rule


RULES: dict[str, Callable[..., Any]] = {
    "reduce_sum": _reduce("ReduceSum"),
    "reduce_prod": _reduce("ReduceProd"),
    "reduce_max": _reduce("ReduceMax"),
    "reduce_min": _reduce("ReduceMin"),
    "reduce_and": _reduce_bool("ReduceMin"),
    "reduce_or": _reduce_bool("ReduceMax"),
    "argmax": _arg("ArgMax"),
    "argmin": _arg("ArgMin"),
    "cumsum": _cumsum,
    "cumprod": _hillis_steele("prod", "Mul"),
    "cummax": _hillis_steele("max", "Max"),
    "cummin": _hillis_steele("min", "Min"),
}
