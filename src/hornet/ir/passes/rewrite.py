"""Building a pass's result: a fresh copy of a graph, with an old-value -> new-value map.

Passes never mutate their input: they copy what they keep into a ``GraphCopier`` (fresh Values and Nodes,
shared constant arrays, a deep copy of the metadata) and substitute values as they go.

>>> from hornet.ir.graph import Graph
>>> copy_graph(Graph(name="f")).name
'f'
"""
from __future__ import annotations

import copy
from typing import Any, Callable, Sequence

import numpy as np

from hornet.ir.errors import HornetError
from hornet.ir.graph import Graph, Node, Value
from hornet.ir.types import TensorType


class GraphCopier:
    """Copies ``source``'s inputs at once; the pass then adds constants and nodes and calls ``finish``."""

    def __init__(self, source: Graph):
        self.source = source
        self.graph = Graph(name=source.name, metadata=copy.deepcopy(source.metadata))
        self.map: dict[Value, Value] = {}
        for v in source.inputs:
            nv = Value(v.type, None, v.name)
            self.graph.inputs.append(nv)
            self.map[v] = nv

    def lookup(self, v: Value) -> Value:
        """The new value standing for the old value ``v``."""
        try:
            return self.map[v]
        except KeyError:
            raise HornetError(f"graph '{self.source.name}': value {v!r} is used before it is defined") from None

    def constant(self, array: np.ndarray, type: TensorType, name: str | None = None,
                 old: Value | None = None) -> Value:
        """Add a constant (and map ``old`` to it when given)."""
        nv = Value(type, None, name)
        self.graph.constants[nv] = array
        if old is not None:
            self.map[old] = nv
        return nv

    def emit(self, node: Node, regions: Sequence[Graph] | None = None) -> tuple[Value, ...]:
        """Copy ``node`` with its inputs substituted; its old outputs map to the new ones."""
        inputs = tuple(self.lookup(v) for v in node.inputs)
        new = Node(node.prim, inputs, dict(node.attrs), (), tuple(node.regions if regions is None else regions),
                   node.op, node.scope)
        new.outputs = tuple(Value(v.type, new, v.name) for v in node.outputs)
        self.graph.nodes.append(new)
        for old, nv in zip(node.outputs, new.outputs):
            self.map[old] = nv
        return new.outputs

    def alias(self, old: Value, new: Value) -> None:
        """From now on, uses of ``old`` read ``new`` (a value of the result graph)."""
        self.map[old] = new

    def finish(self) -> Graph:
        self.graph.outputs = [self.lookup(v) for v in self.source.outputs]
        return self.graph


def map_regions(node: Node, fn: Callable[[Graph], Graph]) -> tuple[Graph, ...]:
    """``fn`` applied to each of the node's regions (passes recurse into closed sub-graphs this way)."""
    return tuple(fn(r) for r in node.regions)


def copy_graph(graph: Graph) -> Graph:
    """A structurally identical graph with fresh values and nodes (regions copied too)."""
    c = GraphCopier(graph)
    for v, arr in graph.constants.items():
        c.constant(arr, v.type, v.name, old=v)
    for node in graph.nodes:
        c.emit(node, map_regions(node, copy_graph))
    return c.finish()


def frozen(value: Any) -> Any:
    """A hashable, type-exact key for an attribute value (``1``, ``1.0``, ``True``, ``-0.0`` all differ, and a
    list differs from a tuple)."""
    if isinstance(value, (tuple, list)):
        return (type(value).__name__, tuple(frozen(v) for v in value))
    if isinstance(value, float):
        return ("float", repr(value))
    if isinstance(value, dict):
        return ("dict", tuple(sorted((k, frozen(v)) for k, v in value.items())))
    return (type(value).__name__, value)


def attrs_key(attrs: dict[str, Any]) -> tuple:
    return tuple(sorted((k, frozen(v)) for k, v in attrs.items()))
