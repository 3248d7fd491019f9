"""Constant folding with the NumPy reference rules (``hornet.ir.passes.fold_constants`` + ``RULES``).

>>> from hornet.ir.graph import Graph
>>> fold_constants(Graph()).nodes
[]
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from hornet.ir.graph import Graph, Node
from hornet.ir.passes import fold as fold_pass
from hornet.ir.prims import PRIMITIVES
from hornet.lowering import numpy as reference


def evaluate_node(node: Node, arrays: Sequence[np.ndarray]) -> list[np.ndarray] | None:
    """Run one node on concrete arrays with the reference rules; None (do not fold) when no rule or
    decomposition exists. Floating-point warnings are silenced: folding must give what running would."""
    if node.prim not in reference.RULES and PRIMITIVES[node.prim].decomposition is None:
        return None
    single = Graph(inputs=list(node.inputs), outputs=list(node.outputs), nodes=[node], name=node.prim)
    with np.errstate(all="ignore"):
        return reference.run(single, *arrays)


def fold_constants(graph: Graph, *, max_elements: int = fold_pass.MAX_ELEMENTS) -> Graph:
    """``graph`` with constant subexpressions evaluated by the NumPy reference (a new graph; see
    ``hornet.ir.passes.fold`` for what is never folded)."""
    return fold_pass.fold_constants(graph, evaluate_node, max_elements=max_elements)
