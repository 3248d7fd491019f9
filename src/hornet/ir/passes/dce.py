"""Dead-code elimination: drop nodes none of whose outputs reach a graph output, and unused constants.

Graph inputs are kept (they are the signature). Regions are cleaned recursively with their own outputs as
roots; a region's inputs are kept too (the enclosing prim fixes its signature). The graph is pure, so no node is
kept for its effects. Returns a new graph; the input graph is not modified.

>>> from hornet.ir.graph import Graph
>>> dce(Graph()).nodes
[]
"""
from __future__ import annotations

from hornet.ir.graph import Graph, Value
from hornet.ir.passes.rewrite import GraphCopier, map_regions


def live_values(graph: Graph) -> set[Value]:
    """Values that (transitively) reach a graph output."""
    live: set[Value] = set(graph.outputs)
    for node in reversed(graph.nodes):
        if any(v in live for v in node.outputs):
            live.update(node.inputs)
    return live


def dce(graph: Graph) -> Graph:
    """A copy of ``graph`` without dead nodes and unused constants."""
    live = live_values(graph)
    c = GraphCopier(graph)
    for v, arr in graph.constants.items():
        if v in live:
            c.constant(arr, v.type, v.name, old=v)
    for node in graph.nodes:
        if any(v in live for v in node.outputs):
            c.emit(node, map_regions(node, dce))
    return c.finish()
