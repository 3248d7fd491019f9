"""VJP rules: control-flow prims.

- ``cond``: a ``cond`` on the same index over the VJP graphs of the branches (``vjp_of_graph``), so every operand
  (declared or captured) gets its cotangent from the branch that ran.
- ``scan``: a forward scan that also emits the carry entering each step (the residuals), then a scan in the
  opposite direction whose body applies the VJP of the original body, carrying the carry cotangents and
  accumulating the consts' cotangents.
- ``while_loop``: not reverse-differentiable (its trip count is dynamic): a clear error.
"""
from __future__ import annotations

from typing import Any, Sequence

from hornet.api.autodiff.engine import vjp_of_graph, zeros
from hornet.api.ops.control_flow import loop_region
from hornet.ir.errors import HornetError
from hornet.ir.graph import Graph
from hornet.ir.prims import set_rule
from hornet.ir.tracer import trace_region
from hornet.ir.types import TensorType
from hornet.runtime.bind import bind
from hornet.runtime.inline import inline_graph


def _cond_vjp(ct: tuple[Any, ...], index: Any, *operands: Any, outputs: Any, regions: Sequence[Graph]
              ) -> tuple[Any, ...]:
    grads = tuple(vjp_of_graph(branch, name=f"{branch.name}_vjp") for branch in regions)
    cts = bind("cond", index, *operands, *ct, regions=grads, op="grad")
    return (None, *cts)


def _while_vjp(ct: Any, *operands: Any, outputs: Any, **_: Any) -> tuple[Any, ...]:
    raise HornetError("while_loop: reverse-mode differentiation through a dynamic while_loop is not supported "
                      "(its trip count is only known at run time); use fori_loop with Python-int bounds, or scan")


def _floats(types: Sequence[TensorType]) -> list[int]:
    return [i for i, t in enumerate(types) if t.dtype.is_floating]


def _residual_scan(body: Graph, consts: list[Any], init: list[Any], xs: list[Any], length: Any, reverse: bool
                   ) -> list[Any]:
    """The carries entering each step of the scan, stacked along the scanned axis (same positions as xs)."""
    nc, nk = len(consts), len(init)

    def step(*args: Any) -> list[Any]:
        outs = inline_graph(body, list(args))
        return list(outs[:nk]) + list(args[nc:nc + nk])

    graph, captures, _ = trace_region(step, body.input_types, name=f"{body.name}_residuals")
    if captures:
        raise HornetError(f"scan: body region '{body.name}' is not closed")
    outs = bind("scan", *consts, *init, *xs, regions=(graph,), num_consts=nc, num_carry=nk, length=length,
                reverse=reverse, op="grad")
    return list(outs[len(outs) - nk:])


def _scan_vjp(ct: tuple[Any, ...], *operands: Any, outputs: Any, regions: Sequence[Graph], num_consts: int,
              num_carry: int, length: Any, reverse: bool) -> tuple[Any, ...]:
    (body,) = regions
    consts = list(operands[:num_consts])
    init = list(operands[num_consts:num_consts + num_carry])
    xs = list(operands[num_consts + num_carry:])
    in_types = body.input_types
    const_types = in_types[:num_consts]
    carry_types = in_types[num_consts:num_consts + num_carry]
    y_types = body.output_types[num_carry:]
    fc, fk, fy = _floats(const_types), _floats(carry_types), _floats(y_types)
    fx = _floats(in_types[num_consts + num_carry:])
    saved = _residual_scan(body, consts, init, xs, length, reverse) if num_carry else []
    body_vjp = vjp_of_graph(body, name=f"{body.name}_vjp")

    # The reverse scan: consts = the primal consts; carry = (carry cts, sums of the consts' cts), float ones only;
    # scanned = (carries entering each step, xs, y cts of the float ys). It runs in the opposite direction.
    nfk, nfc, nx = len(fk), len(fc), len(xs)

    def step(*args: Any) -> list[Any]:
        inner_consts, args = args[:num_consts], args[num_consts:]
        ct_carry, acc, args = args[:nfk], args[nfk:nfk + nfc], args[nfk + nfc:]
        carry_i, x_i, ct_y = args[:num_carry], args[num_carry:num_carry + nx], args[num_carry + nx:]
        full_ct_carry = _scatter(carry_types, fk, ct_carry)
        full_ct_y = _scatter(y_types, fy, ct_y)
        cts = inline_graph(body_vjp, [*inner_consts, *carry_i, *x_i, *full_ct_carry, *full_ct_y])
        ct_consts, ct_init = cts[:num_consts], cts[num_consts:num_consts + num_carry]
        ct_x = cts[num_consts + num_carry:]
        return ([ct_init[j] for j in fk] + [bind("add", a, ct_consts[j], op="grad") for a, j in zip(acc, fc)]
                + [ct_x[j] for j in fx])

    slice_types = list(in_types[num_consts + num_carry:])
    step_types = (list(const_types) + [carry_types[j] for j in fk] + [const_types[j] for j in fc]
                  + list(carry_types) + slice_types + [y_types[j] for j in fy])
    graph, captures = loop_region(step, step_types, f"{body.name}_reverse")
    init_ct = [ct[j] for j in fk] + [zeros(const_types[j]) for j in fc]
    scanned = saved + xs + [ct[num_carry + j] for j in fy]
    outs = list(bind("scan", *captures, *consts, *init_ct, *scanned, regions=(graph,),
                     num_consts=len(captures) + num_consts, num_carry=len(init_ct), length=length,
                     reverse=not reverse, op="grad"))
    result: list[Any] = [None] * len(operands)
    for j, c in zip(fk, outs[:nfk]):
        result[num_consts + j] = c
    for j, c in zip(fc, outs[nfk:nfk + nfc]):
        result[j] = c
    for j, c in zip(fx, outs[nfk + nfc:]):
        result[num_consts + num_carry + j] = c
    return tuple(result)


def _scatter(types: Sequence[TensorType], where: Sequence[int], values: Sequence[Any]) -> list[Any]:
    """One value per type: ``values`` at positions ``where``, zeros elsewhere (cotangents of non-float values)."""
    out = [None] * len(types)
    for j, v in zip(where, values):
        out[j] = v
    return [zeros(t) if v is None else v for v, t in zip(out, types)]


set_rule("cond", vjp=_cond_vjp)
set_rule("while_loop", vjp=_while_vjp)
set_rule("scan", vjp=_scan_vjp)
