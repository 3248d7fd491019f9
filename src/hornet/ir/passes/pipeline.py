"""The standard cleanup pipeline: fold constants (when given an evaluator), CSE, DCE, then verify."""
from __future__ import annotations

from hornet.ir.graph import Graph
from hornet.ir.passes.cse import cse
from hornet.ir.passes.dce import dce
from hornet.ir.passes.fold import EvaluateNode, fold_constants
from hornet.ir.passes.verify import verify


def optimize(graph: Graph, evaluate_node: EvaluateNode | None = None) -> Graph:
    """``fold_constants`` (if ``evaluate_node``) + ``cse`` + ``dce``, then ``verify``; returns a new graph.

    >>> from hornet.ir.graph import Graph
    >>> optimize(Graph()).nodes
    []
    """
    if evaluate_node is not None:
        graph = fold_constants(graph, evaluate_node)
    graph = dce(cse(graph))
    verify(graph)
    return graph
