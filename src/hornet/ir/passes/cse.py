"""Common-subexpression elimination: merge identical constants and identical nodes.

Two constants merge when dtype, shape and raw bytes are equal (so ``0.0`` and ``-0.0`` stay apart, equal NaN
payloads merge). Two nodes merge when prim, (already merged) inputs, attributes (compared type-exactly) and
regions (compared structurally) are equal; the later one's outputs are replaced by the earlier one's. The IR is
pure (RNG is counter-based, state is explicit), so this is always sound. Regions are processed recursively.
Returns a new graph; the input graph is not modified.

>>> from hornet.ir.graph import Graph
>>> cse(Graph()).nodes
[]
"""
from __future__ import annotations

from typing import Any, Hashable

import numpy as np

from hornet.ir.graph import Graph, Value
from hornet.ir.passes.rewrite import GraphCopier, attrs_key, map_regions


def constant_key(arr: np.ndarray) -> tuple:
    """Equal keys iff dtype, shape and bytes are equal."""
    a = np.asarray(arr)  # ascontiguousarray would turn a 0-d array into shape (1,)
    return (a.dtype.str, a.dtype.name, a.shape, np.ascontiguousarray(a).tobytes())


def graph_key(graph: Graph) -> Hashable:
    """A structural key of a graph: equal for graphs that compute the same thing the same way (value names, op
    labels and metadata are ignored)."""
    ids: dict[Value, int] = {}

    def number(v: Value) -> int:
        ids[v] = len(ids)
        return ids[v]

    parts: list[Any] = [("in", tuple((str(v.type), number(v)) for v in graph.inputs))]
    parts += [("const", constant_key(arr), number(v)) for v, arr in graph.constants.items()]
    for node in graph.nodes:
        parts.append((node.prim, tuple(ids.get(v, -1) for v in node.inputs), attrs_key(node.attrs),
                      tuple(graph_key(r) for r in node.regions), tuple(str(v.type) for v in node.outputs)))
        for v in node.outputs:
            number(v)
    parts.append(("out", tuple(ids.get(v, -1) for v in graph.outputs)))
    return tuple(parts)


def cse(graph: Graph) -> Graph:
    """A copy of ``graph`` with duplicate constants and nodes merged."""
    c = GraphCopier(graph)
    constants: dict[tuple, Value] = {}
    for v, arr in graph.constants.items():
        key = constant_key(arr)
        if key in constants:
            c.alias(v, constants[key])
        else:
            constants[key] = c.constant(arr, v.type, v.name, old=v)
    seen: dict[Hashable, tuple[Value, ...]] = {}
    for node in graph.nodes:
        regions = map_regions(node, cse)
        key = (node.prim, tuple(c.lookup(v) for v in node.inputs), attrs_key(node.attrs),
               tuple(graph_key(r) for r in regions), tuple(v.type for v in node.outputs))
        hit = seen.get(key)
        if hit is None:
            seen[key] = c.emit(node, regions)
        else:
            for old, new in zip(node.outputs, hit):
                c.alias(old, new)
    return c.finish()
