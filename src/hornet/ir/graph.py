"""The graph IR: values, nodes and graphs. Pure and functional: all state is explicit inputs and outputs.

A ``Graph`` has ordered ``inputs``, ``outputs``, ``nodes`` in topological order, and ``constants`` (values
bound to NumPy arrays). A node applies one prim to input values, with typed attributes, producing output
values; region prims (control flow) also hold sub-graphs in ``regions``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator

import numpy as np

from hornet.ir.types import TensorType


class Value:
    """An SSA value: a TensorType, and the node that produces it (None for inputs and constants)."""

    __slots__ = ("type", "producer", "name")

    def __init__(self, type: TensorType, producer: "Node | None" = None, name: str | None = None):
        self.type = type
        self.producer = producer
        self.name = name

    def __repr__(self) -> str:
        return f"Value({self.name or hex(id(self))}: {self.type})"


@dataclass(eq=False)
class Node:
    """One prim application. ``op`` is the user-facing op that emitted it and ``scope`` the path of the layers
    being called when it was traced (``"sequential/dense_1"``); both are for errors, printing and export."""

    prim: str
    inputs: tuple[Value, ...]
    attrs: dict[str, Any]
    outputs: tuple[Value, ...]
    regions: tuple["Graph", ...] = ()
    op: str | None = None
    scope: str | None = None

    def __repr__(self) -> str:
        return f"Node({self.prim}, {len(self.inputs)} in, {len(self.outputs)} out)"


@dataclass(eq=False)
class Graph:
    """A function in hornet IR. ``str(graph)`` is readable text; ``graph.to_json()`` serializes it."""

    inputs: list[Value] = field(default_factory=list)
    outputs: list[Value] = field(default_factory=list)
    nodes: list[Node] = field(default_factory=list)
    constants: dict[Value, np.ndarray] = field(default_factory=dict)
    name: str = "main"
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def input_types(self) -> list[TensorType]:
        return [v.type for v in self.inputs]

    @property
    def output_types(self) -> list[TensorType]:
        return [v.type for v in self.outputs]

    def walk(self) -> Iterator[Node]:
        """Every node, including those inside regions (depth first)."""
        for node in self.nodes:
            yield node
            for region in node.regions:
                yield from region.walk()

    def prim_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for node in self.walk():
            counts[node.prim] = counts.get(node.prim, 0) + 1
        return counts

    def __str__(self) -> str:
        from hornet.ir.printer import format_graph

        return format_graph(self)

    def to_json(self) -> str:
        """Serialize to hornet's versioned JSON graph format (data only; see ``Graph.from_json``)."""
        from hornet.ir.serialize import graph_to_json

        return graph_to_json(self)

    @staticmethod
    def from_json(text: "str | bytes") -> "Graph":
        """Load a graph serialized by ``to_json``. Never executes code; bad input raises SerializationError."""
        from hornet.ir.serialize import graph_from_json

        return graph_from_json(text)
