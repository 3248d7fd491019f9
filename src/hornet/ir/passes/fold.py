"""Constant folding: replace nodes whose inputs are all constants by constants.

The IR cannot import a lowering, so the caller passes ``evaluate_node(node, input_arrays) -> list[np.ndarray]``
(``hornet.lowering.numpy.folding.fold_constants`` wires in the NumPy reference rules). It may return None to
decline a node. A node is NOT folded when

- it holds regions, or its prim is tagged "region", "random" or "rng" (kept as written, so programs stay
  readable and RNG stays explicit), or it is a scheduling/placement hint (``NO_FOLD``);
- it has no inputs (``iota``...): folding would only materialize data that the node describes compactly;
- an output type is symbolic, or the outputs hold more than ``max_elements`` elements (default 1e5), or they grow
  the data more than ``MAX_GROWTH`` times beyond ``SMALL`` elements (a broadcast of a scalar stays a broadcast).

``stop_gradient`` and other "nondiff" prims do fold: a constant carries no gradient, so autodiff is unchanged.
Folded constants take the node's output types exactly; an evaluator returning another dtype or shape is a bug
and raises HornetError. Regions are folded recursively (on their own constants). Inputs of folded nodes may
become unused: run ``dce`` afterwards (``optimize`` does). Returns a new graph; the input is not modified.
"""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from hornet.ir.errors import HornetError
from hornet.ir.graph import Graph, Node
from hornet.ir.passes.rewrite import GraphCopier, map_regions
from hornet.ir.prims import PRIMITIVES
from hornet.ir.types import TensorType

EvaluateNode = Callable[[Node, Sequence[np.ndarray]], "Sequence[np.ndarray] | None"]

MAX_ELEMENTS = 100_000
MAX_GROWTH = 16
SMALL = 1024
NO_FOLD_TAGS = frozenset({"region", "random", "rng"})
NO_FOLD = frozenset({"optimization_barrier", "sharding_constraint"})


def _static_size(t: TensorType) -> int | None:
    size = t.size
    return size if isinstance(size, int) else None


def foldable(node: Node, input_arrays: Sequence[np.ndarray], max_elements: int = MAX_ELEMENTS) -> bool:
    """Whether ``fold_constants`` may replace ``node`` (whose inputs are constants) by constants."""
    prim = PRIMITIVES.get(node.prim)
    if prim is None or node.regions or prim.tags & NO_FOLD_TAGS or node.prim in NO_FOLD or not node.inputs:
        return False
    sizes = [_static_size(v.type) for v in node.outputs]
    if any(s is None for s in sizes):
        return False
    out_size, in_size = sum(sizes), sum(int(a.size) for a in input_arrays)
    return out_size <= max_elements and (out_size <= SMALL or out_size <= MAX_GROWTH * in_size)


def fold_constants(graph: Graph, evaluate_node: EvaluateNode, *, max_elements: int = MAX_ELEMENTS) -> Graph:
    """A copy of ``graph`` where foldable nodes with all-constant inputs became constants.

    >>> from hornet.ir.graph import Graph
    >>> fold_constants(Graph(), lambda node, arrays: None).nodes
    []
    """
    c = GraphCopier(graph)
    known: dict = {}  # new value -> its array, for constants of the result graph
    for v, arr in graph.constants.items():
        known[c.constant(arr, v.type, v.name, old=v)] = arr
    for node in graph.nodes:
        ins = [c.lookup(v) for v in node.inputs]
        if all(v in known for v in ins):
            arrays = [known[v] for v in ins]
            outs = evaluate_node(node, arrays) if foldable(node, arrays, max_elements) else None
            if outs is not None:
                for old, arr in zip(node.outputs, _checked(node, outs)):
                    known[c.constant(arr, old.type, old.name, old=old)] = arr
                continue
        c.emit(node, map_regions(node, lambda r: fold_constants(r, evaluate_node, max_elements=max_elements)))
    return c.finish()


def _checked(node: Node, outs: Sequence[np.ndarray]) -> list[np.ndarray]:
    outs = [np.array(o) for o in outs]  # own copies: folded constants must not alias evaluator buffers
    if len(outs) != len(node.outputs):
        raise HornetError(f"constant folding of prim '{node.prim}' gave {len(outs)} results, "
                          f"expected {len(node.outputs)}")
    for v, arr in zip(node.outputs, outs):
        if arr.dtype != v.type.dtype.np or arr.shape != v.type.shape:
            raise HornetError(f"constant folding of prim '{node.prim}'"
                              + (f" (op '{node.op}')" if node.op else "")
                              + f" gave dtype {arr.dtype} shape {arr.shape}, but the IR says {v.type}")
    return outs
