"""ONNX rules: indexing prims. ``gather`` clamps its indices then uses GatherND; ``scatter`` sends out-of-bounds
rows to one extra row appended to the operand (removed afterwards), since ONNX ScatterND rejects them; ``sort``
(one key) and ``top_k`` use TopK, whose ties keep the lower index first (a stable sort)."""
from __future__ import annotations

from typing import Any, Callable, Sequence

from hornet.ir.dtypes import DType
from hornet.ir.symbolic import dim_sub
from hornet.lowering.onnx.builder import Ctx, compute_dtype, onnx_dtype
from hornet.lowering.onnx.structural import slice_


def _upper_bounds(ctx: Ctx, dims: Sequence[Any]) -> str:
    return ctx.shape([dim_sub(d, 1) for d in dims])


def _gather(ctx: Ctx, operand: str, indices: str) -> str:
    op_t, idx_t = ctx.in_types
    k = idx_t.shape[-1]
    idx = ctx.cast(indices, idx_t.dtype, "int64")
    hi = ctx.op("Max", [_upper_bounds(ctx, op_t.shape[:k]), ctx.const([0], "int64")])
    idx = ctx.op("Min", [ctx.op("Max", [idx, ctx.const(0, "int64")]), hi])
    d = op_t.dtype
    wide = compute_dtype(d) if not d.is_bool else d
    return ctx.cast(ctx.op("GatherND", [ctx.cast(operand, d, wide), idx]), wide, d)


_REDUCTION = {"set": None, "add": "add", "mul": "mul", "min": "min", "max": "max"}


def _scatter(ctx: Ctx, operand: str, indices: str, updates: str, *, mode: str) -> str:
    op_t, idx_t, _ = ctx.in_types
    k = idx_t.shape[-1]
    d = op_t.dtype
    wide = compute_dtype(d) if not d.is_bool else d
    x = ctx.cast(operand, d, wide)
    u = ctx.cast(updates, d, wide)
    idx = ctx.cast(indices, idx_t.dtype, "int64")
    # one spare row at index dim0 along axis 0 takes every out-of-bounds update
    row_shape = [1] + list(op_t.shape[1:])
    spare = ctx.op("Expand", [ctx.const(0, wide), ctx.shape(row_shape)])
    x = ctx.op("Concat", [x, spare], axis=0)
    bounds = ctx.shape(op_t.shape[:k])
    ok = ctx.op("And", [ctx.op("GreaterOrEqual", [idx, ctx.const(0, "int64")]), ctx.op("Less", [idx, bounds])])
    ok = ctx.op("Cast", [ctx.op("ReduceMin", [ctx.op("Cast", [ok], to=onnx_dtype(DType.int32)),
                                              ctx.const([-1], "int64")], keepdims=1)], to=onnx_dtype(DType.bool))
    sink = ctx.shape([op_t.shape[0]] + [0] * (k - 1))
    idx = ctx.op("Where", [ok, idx, sink])
    out = ctx.op("ScatterND", [x, idx, u], reduction=_REDUCTION[mode])
    out = slice_(ctx, out, [0], [op_t.shape[0]], axes=[0])
    return ctx.cast(out, wide, d)


def _sortable(ctx: Ctx, x: str, d: DType) -> tuple[str, DType]:
    wide = DType.int32 if d.is_bool else compute_dtype(d)
    return ctx.cast(x, d, wide), wide


def _sort(ctx: Ctx, *operands: str, dimension: int, num_keys: int = 1, descending: bool = False) -> tuple[str, ...]:
    if num_keys != 1:
        raise ctx.fail(f"num_keys={num_keys} has no ONNX rule (only one sort key maps to TopK)")
    t = ctx.in_types[0]
    key, _ = _sortable(ctx, operands[0], t.dtype)
    n = ctx.dim(t.shape[dimension])
    _, order = ctx.op("TopK", [key, n], outputs=2, axis=dimension, largest=int(descending), sorted=1)
    outs = []
    for x, xt in zip(operands, ctx.in_types):
        w, wide = _sortable(ctx, x, xt.dtype)
        outs.append(ctx.cast(ctx.op("GatherElements", [w, order], axis=dimension), wide, xt.dtype))
    return tuple(outs)


def _top_k(ctx: Ctx, x: str, *, k: int) -> tuple[str, str]:
    t = ctx.in_types[0]
    w, wide = _sortable(ctx, x, t.dtype)
    values, index = ctx.op("TopK", [w, ctx.const([k], "int64")], outputs=2, axis=-1, largest=1, sorted=1)
    return ctx.cast(values, wide, t.dtype), ctx.cast(index, "int64", "int32")


RULES: dict[str, Callable[..., Any]] = {
    "gather": _gather,
    "scatter": _scatter,
    "sort": _sort,
    "top_k": _top_k,
}
