"""Control-flow prims with regions (tag "region"): cond, while_loop, scan. See CATALOGUE.md.

Each region is a closed sub-graph. The operand conventions follow ``jax.lax``: loop-invariant values a region
uses (its captured "consts") are passed as leading operands, and every region's inputs are listed in the order
the prim passes them. The shape rules check the regions' types against the operands:

>>> from hornet.ir.prims import PRIMITIVES, infer_types
>>> from hornet.ir.graph import Graph, Value
>>> x = Value(TensorType("float32", ("batch", 3)))
>>> same = Graph(inputs=[x], outputs=[x])
>>> infer_types(PRIMITIVES["cond"], [TensorType("int32", ()), x.type], {}, regions=(same, same))
(float32[batch,3],)
"""
from __future__ import annotations

from typing import Sequence

from hornet.ir.dtypes import DType
from hornet.ir.errors import DTypeError, ShapeError
from hornet.ir.graph import Graph
from hornet.ir.prims.registry import Attr, check, define
from hornet.ir.symbolic import dim_sign, dims_equal, format_shape
from hornet.ir.types import TensorType

REGION = ("region",)
BOOL_SCALAR = TensorType(DType.bool, ())


def _fmt(types: Sequence[TensorType]) -> str:
    return "(" + ", ".join(str(t) for t in types) + ")"


def _same_type(a: TensorType, b: TensorType) -> bool:
    return a.dtype == b.dtype and a.ndim == b.ndim and all(dims_equal(x, y) for x, y in zip(a.shape, b.shape))


def expect_types(what: str, got: Sequence[TensorType], want: Sequence[TensorType], against: str) -> None:
    """Raise unless ``got`` equals ``want`` type by type: a DTypeError when only dtypes differ, else ShapeError.
    The message names both lists and the first mismatching position."""
    got, want = list(got), list(want)
    if len(got) != len(want):
        raise ShapeError(f"{what} {_fmt(got)} do not match {against} {_fmt(want)}: {len(got)} values, "
                         f"expected {len(want)}")
    for i, (g, w) in enumerate(zip(got, want)):
        if not _same_type(g, w):
            shapes_ok = g.ndim == w.ndim and all(dims_equal(x, y) for x, y in zip(g.shape, w.shape))
            error = DTypeError if shapes_ok else ShapeError
            raise error(f"{what} {_fmt(got)} do not match {against} {_fmt(want)}: value {i} is {g}, expected {w}")


# --- cond -----------------------------------------------------------------------------------------------------------

def _cond(index: TensorType, *operands: TensorType, regions: Sequence[Graph]) -> tuple[TensorType, ...]:
    check(index.dtype == DType.int32, f"the branch index must be int32, got {index}", DTypeError)
    check(index.ndim == 0, f"the branch index must be a scalar, got {index}")
    for k, branch in enumerate(regions):
        expect_types(f"branch {k} inputs", branch.input_types, operands, "the operands")
    first = regions[0].output_types
    for k, branch in enumerate(regions[1:], start=1):
        expect_types(f"branch {k} outputs", branch.output_types, first, "branch 0 outputs")
    return tuple(first)


# --- while_loop -----------------------------------------------------------------------------------------------------

def _while_loop(*operands: TensorType, regions: Sequence[Graph], cond_nconsts: int, body_nconsts: int
                ) -> tuple[TensorType, ...]:
    check(cond_nconsts >= 0 and body_nconsts >= 0 and cond_nconsts + body_nconsts <= len(operands),
          f"cond_nconsts={cond_nconsts} and body_nconsts={body_nconsts} do not fit {len(operands)} operands")
    cond_consts = operands[:cond_nconsts]
    body_consts = operands[cond_nconsts:cond_nconsts + body_nconsts]
    carry = operands[cond_nconsts + body_nconsts:]
    cond_graph, body_graph = regions
    expect_types("the cond region inputs", cond_graph.input_types, (*cond_consts, *carry),
                 "(cond consts, loop carry)")
    expect_types("the cond region outputs", cond_graph.output_types, (BOOL_SCALAR,), "a bool scalar predicate")
    expect_types("the body region inputs", body_graph.input_types, (*body_consts, *carry),
                 "(body consts, loop carry)")
    expect_types("the body region outputs", body_graph.output_types, carry, "the loop carry")
    return tuple(carry)


# --- scan -----------------------------------------------------------------------------------------------------------

def _scan(*operands: TensorType, regions: Sequence[Graph], num_consts: int, num_carry: int, length, reverse: bool
          ) -> tuple[TensorType, ...]:
    check(num_consts >= 0 and num_carry >= 0 and num_consts + num_carry <= len(operands),
          f"num_consts={num_consts} and num_carry={num_carry} do not fit {len(operands)} operands")
    check(len(length) == 1, f"length must hold one dim, got {format_shape(length)}")
    n = length[0]
    check(dim_sign(n) != -1, f"length {n} is negative")
    consts = operands[:num_consts]
    carry = operands[num_consts:num_consts + num_carry]
    xs = operands[num_consts + num_carry:]
    for i, x in enumerate(xs):
        check(x.ndim >= 1 and dims_equal(x.shape[0], n),
              f"scanned operand {i} ({x}) must have a leading dim equal to the length {n}")
    slices = [x.with_shape(x.shape[1:]) for x in xs]
    (body,) = regions
    expect_types("the body region inputs", body.input_types, (*consts, *carry, *slices),
                 "(consts, carry, scanned slices)")
    outs = body.output_types
    check(len(outs) >= num_carry,
          f"the body region returns {len(outs)} values {_fmt(outs)}, fewer than the {num_carry} carried")
    expect_types("the body region carry outputs", outs[:num_carry], carry, "the carry operands")
    ys = tuple(y.with_shape((n, *y.shape)) for y in outs[num_carry:])
    return (*carry, *ys)


define("cond", _cond, multiple_results=True, tags=REGION, num_regions=2,
       doc="cond(index: int32[], *operands){branch0, branch1}: run branch clamp(index, 0, 1) on the operands")
define("while_loop", _while_loop, multiple_results=True, tags=REGION, num_regions=2,
       attrs={"cond_nconsts": Attr("int", 0), "body_nconsts": Attr("int", 0)},
       doc="while_loop(*cond_consts, *body_consts, *init){cond, body}: carry = body(carry) while cond(carry)")
define("scan", _scan, multiple_results=True, tags=REGION, num_regions=1,
       attrs={"num_consts": Attr("int", 0), "num_carry": Attr("int", 0), "length": Attr("shape"),
              "reverse": Attr("bool", False)},
       doc="scan(*consts, *carry, *xs){body}: body(consts, carry, x[i]) -> (carry, y[i]); returns (carry, ys)")
