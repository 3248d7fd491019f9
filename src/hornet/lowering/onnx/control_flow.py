"""ONNX rules: control flow as ONNX sub-graphs. Regions read their consts (and the graph's symbolic sizes) from
the enclosing scope, so only the carry and the scanned slices are sub-graph inputs.

- ``cond`` -> ``If(index >= 1)``: branch 1 is ``then``, branch 0 ``else`` (the clamp into [0, 1]).
- ``while_loop`` -> ``Loop`` with no trip count: the cond region runs once before the loop and again at the end
  of each body.
- ``scan`` -> ``Scan`` over the xs (``reverse`` reverses both the input and the output direction); a scan with
  no xs scans ``Range(length)`` so the trip count is known.
"""
from __future__ import annotations

from typing import Any, Callable

from hornet.ir.dtypes import DType
from hornet.ir.types import TensorType
from hornet.lowering.onnx.builder import Ctx, value_info


def _cond(ctx: Ctx, index: str, *operands: str) -> tuple[str, ...]:
    pred = ctx.op("GreaterOrEqual", [index, ctx.const(1, ctx.in_types[0].dtype)])
    else_g = ctx.region(0, list(operands))
    then_g = ctx.region(1, list(operands))
    outs = ctx.op("If", [pred], outputs=len(ctx.out_types), then_branch=then_g, else_branch=else_g)
    return tuple(outs) if isinstance(outs, list) else (outs,)


def _while_loop(ctx: Ctx, *operands: str, cond_nconsts: int = 0, body_nconsts: int = 0) -> tuple[str, ...]:
    cond_consts = list(operands[:cond_nconsts])
    body_consts = list(operands[cond_nconsts:cond_nconsts + body_nconsts])
    init = list(operands[cond_nconsts + body_nconsts:])
    cond_region, body_region = ctx.node.regions
    first = ctx.inline(cond_region, cond_consts + init)[0]
    carry_types = ctx.in_types[cond_nconsts + body_nconsts:]
    b = ctx.b.child()
    iter_name, cond_in = b.fresh("iter"), b.fresh("cond_in")
    carry_in = [b.fresh("carry") for _ in init]
    new = ctx.inline(body_region, body_consts + carry_in, b)
    again = ctx.inline(cond_region, cond_consts + new, b)[0]
    inputs = ([value_info(iter_name, TensorType(DType.int64, ())), value_info(cond_in, TensorType(DType.bool, ()))]
              + [value_info(n, t) for n, t in zip(carry_in, carry_types)])
    body = ctx.subgraph(b, inputs, [again] + new, [TensorType(DType.bool, ())] + list(carry_types))
    res = ctx.op("Loop", ["", first] + init, outputs=len(init), body=body)
    return tuple(res) if isinstance(res, list) else (res,)


def _scan(ctx: Ctx, *operands: str, num_consts: int = 0, num_carry: int = 0, length: Any = (1,),
          reverse: bool = False) -> tuple[str, ...]:
    consts = list(operands[:num_consts])
    carry = list(operands[num_consts:num_consts + num_carry])
    xs = list(operands[num_consts + num_carry:])
    (region,) = ctx.node.regions
    outer: list[str | None] = consts + [None] * (num_carry + len(xs))
    dummy = not xs
    if dummy:  # ONNX Scan needs a scanned input to know its trip count
        n = ctx.op("Squeeze", [ctx.dim(length[0])])
        xs = [ctx.op("Range", [ctx.const(0, "int64"), n, ctx.const(1, "int64")])]
    body = ctx.region(0, outer)
    if dummy:
        body.input.append(value_info(ctx.fresh("step"), TensorType(DType.int64, ())))  # unused
    n_ys = len(ctx.out_types) - num_carry
    res = ctx.op("Scan", carry + xs, outputs=len(ctx.out_types), body=body, num_scan_inputs=len(xs),
                 scan_input_directions=[int(reverse)] * len(xs),
                 scan_output_directions=[int(reverse)] * n_ys if n_ys else None)
    return tuple(res) if isinstance(res, list) else (res,)


RULES: dict[str, Callable[..., Any]] = {
    "cond": _cond,
    "while_loop": _while_loop,
    "scan": _scan,
}
