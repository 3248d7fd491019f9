"""Small graphs for the pass, printer and serialization tests, recorded prim by prim with a Trace.

``region_prim`` is a fixture registering a test-only region prim (no region prim is in the catalogue yet):
``test_call(*xs)`` runs its one region on its inputs and returns the region's results, which must have the
inputs' types. It is removed from the registry and the NumPy table when the test ends.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from hornet.ir.graph import Graph
from hornet.ir.prims import PRIMITIVES, normalize_attrs
from hornet.ir.prims.registry import define
from hornet.ir.tracer import SymbolicTensor, Trace
from hornet.ir.types import TensorType
from hornet.lowering import numpy as reference

REGION_PRIM = "test_call"


def rec(tr: Trace, prim: str, *xs: Any, op: str | None = None, regions: tuple[Graph, ...] = (), **attrs: Any):
    """Record one prim (attributes normalized as ``bind`` does)."""
    p = PRIMITIVES[prim]
    return tr.record(p, xs, normalize_attrs(p, attrs, op), op, regions)


def finish(tr: Trace, *outs: SymbolicTensor) -> Graph:
    tr.graph.outputs = [o.value for o in outs]
    return tr.graph


def bcast(tr: Trace, x: Any, shape: tuple, dims: tuple) -> SymbolicTensor:
    return rec(tr, "broadcast_in_dim", x, shape=shape, broadcast_dimensions=dims, op="broadcast_to")


def mlp_graph() -> Graph:
    """x[batch,4] @ w[4,3] + b, exp, summed over axis 1: float32[batch]."""
    tr = Trace("main")
    x = tr.new_input(TensorType("float32", ("batch", 4)), name="x")
    w = tr.new_input(TensorType("float32", (4, 3)), name="w")
    b = np.array([0.5, -1.0, 0.25], np.float32)
    y = rec(tr, "dot_general", x, w, lhs_contracting=(1,), rhs_contracting=(0,), op="matmul")
    y = rec(tr, "add", y, bcast(tr, b, ("batch", 3), (1,)), op="add")
    y = rec(tr, "exp", y, op="exp")
    return finish(tr, rec(tr, "reduce_sum", y, axes=(1,), op="sum"))


def mlp_args(batch: int = 5) -> list[np.ndarray]:
    rng = np.random.default_rng(0)
    return [rng.uniform(-1, 1, (batch, 4)).astype(np.float32), rng.uniform(-1, 1, (4, 3)).astype(np.float32)]


def redundant_graph() -> Graph:
    """Dead nodes, an unused constant, duplicate subexpressions and duplicate constants (two distinct arrays
    with equal bytes), plus a foldable constant chain: float32[3] -> (float32[3], float32[])."""
    tr = Trace("redundant")
    x = tr.new_input(TensorType("float32", (3,)), name="x")
    c1 = np.array([1.0, 2.0, 3.0], np.float32)
    c2 = np.array([1.0, 2.0, 3.0], np.float32)  # same bytes, another object: another constant
    tr.constant(np.array([9.0], np.float32))  # never used
    e1 = rec(tr, "exp", x, op="exp")
    e2 = rec(tr, "exp", x, op="exp")  # duplicate of e1
    rec(tr, "log", x, op="log")  # dead
    k = rec(tr, "mul", c1, rec(tr, "add", c2, c1))  # all-constant chain: c1 * (c1 + c1)
    s = rec(tr, "add", rec(tr, "add", e1, e2), k)
    dead_chain = rec(tr, "neg", rec(tr, "sin", s))  # dead chain
    del dead_chain
    total = rec(tr, "reduce_sum", rec(tr, "mul", e1, e2), axes=(0,))
    return finish(tr, s, total)


@pytest.fixture
def region_prim():
    """Register ``test_call`` (one region applied to the inputs) for one test, with its NumPy rule."""
    prim = define(REGION_PRIM, lambda *types, regions: tuple(types), num_inputs=None, multiple_results=True,
                  tags=("region",), num_regions=1, doc="test only: run the region on the inputs")
    reference.RULES[REGION_PRIM] = lambda *xs, regions: tuple(regions[0](*xs))
    try:
        yield prim
    finally:
        PRIMITIVES.pop(REGION_PRIM, None)
        reference.RULES.pop(REGION_PRIM, None)


def region_body(duplicate: bool = True, dead: bool = True) -> Graph:
    """float32[3] -> float32[3]: exp(x) + exp(x) (the second exp a duplicate), with a dead node."""
    tr = Trace("body")
    x = tr.new_input(TensorType("float32", (3,)))
    e1 = rec(tr, "exp", x)
    e2 = rec(tr, "exp", x) if duplicate else e1
    if dead:
        rec(tr, "cos", x)
    return finish(tr, rec(tr, "add", e1, e2))


def region_graph(body: Graph | None = None) -> Graph:
    """main(x: float32[3]) = test_call(x){body} * 2."""
    tr = Trace("main")
    x = tr.new_input(TensorType("float32", (3,)), name="x")
    (y,) = rec(tr, REGION_PRIM, x, regions=(body or region_body(),), op="call")
    return finish(tr, rec(tr, "mul", y, np.full((3,), 2.0, np.float32)))


ATTR_PRIM = "test_attrs"


@pytest.fixture
def attr_prim():
    """Register ``test_attrs(x)`` (identity) for one test: it has an attribute of every kind, so every attribute
    encoding (including non-finite floats inside json attributes) is exercised whatever the catalogue holds."""
    from hornet.ir.prims.registry import ATTR_KINDS, Attr

    attrs = {f"a_{kind}": Attr(kind) for kind in ATTR_KINDS}
    attrs["a_optional"] = Attr("float", None, optional=True)
    attrs["a_default"] = Attr("int", 7)
    prim = define(ATTR_PRIM, lambda x, **_: x, attrs=attrs, num_inputs=1, doc="test only: identity")
    reference.RULES[ATTR_PRIM] = lambda x, **_: x.copy()
    try:
        yield prim
    finally:
        PRIMITIVES.pop(ATTR_PRIM, None)
        reference.RULES.pop(ATTR_PRIM, None)


EVERY_KIND = {"a_int": -(2**62), "a_float": float("nan"), "a_bool": True, "a_str": "__import__('os')",
              "a_dtype": "bfloat16", "a_ints": (3, -1), "a_shape": ("batch", "2*batch+1", 4),
              "a_pairs": ((0, 1), (-2, 3)), "a_triples": ((0, 1, 2),),
              "a_json": ("data", None, ("x", 1.5, float("inf"), float("-inf"), float("nan"), True, 2), ())}
