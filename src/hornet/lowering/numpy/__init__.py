"""The reference interpreter: every prim as NumPy code. It is the semantics oracle of the tests.

``RULES`` maps prim name -> rule; ``run(graph, *arrays)`` evaluates a graph, checking that each node's
outputs have exactly the dtype and shape the IR promised.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from hornet.ir.errors import LoweringError
from hornet.ir.graph import Graph, Node
from hornet.ir.types import type_of_array
from hornet.ir.symbolic import is_symbolic
from hornet.lowering.interpreter import evaluate
from hornet.lowering.numpy import (composites, contractions, control_flow, elementwise, indexing, linalg, reductions,
                                   structural)

RULES: dict[str, Callable[..., Any]] = {}
for _family in (elementwise, structural, indexing, reductions, contractions, linalg, composites, control_flow):
    for _name, _rule in _family.RULES.items():
        if _name in RULES:
            raise LoweringError(f"numpy rule for {_name!r} is defined twice")
        RULES[_name] = _rule


def _check(node: Node, outs: Sequence[Any]) -> None:
    for v, o in zip(node.outputs, outs):
        got = type_of_array(np.asarray(o))
        want = v.type
        shape_ok = len(got.shape) == len(want.shape) and all(
            is_symbolic(w) or g == w for g, w in zip(got.shape, want.shape))
        if got.dtype != want.dtype or not shape_ok:
            raise LoweringError(f"numpy rule for '{node.prim}' returned {got}, but the IR says {want}")


def run(graph: Graph, *args: Any) -> list[np.ndarray]:
    """Evaluate ``graph`` on NumPy arrays with the reference rules."""
    arrays = [np.asarray(a) for a in args]
    outs = evaluate(graph, RULES, arrays, check=_check)
    return [np.asarray(o) for o in outs]


def eager_rule(prim: str) -> Callable[..., Any]:
    rule = RULES.get(prim)
    if rule is None:
        raise LoweringError(f"the numpy backend has no rule for prim '{prim}'")
    return rule


class ReferenceLowered:
    """The 'lowered' form of a graph on the reference backend: the graph itself."""

    def __init__(self, graph: Graph):
        self.graph = graph

    def as_text(self) -> str:
        return str(self.graph)
