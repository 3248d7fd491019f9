"""Replay a graph through ``bind``: eagerly on concrete arrays, or recorded into the current trace."""
from __future__ import annotations

from typing import Any, Sequence

from hornet.ir.errors import HornetError
from hornet.ir.graph import Graph
from hornet.ir.prims import PRIMITIVES
from hornet.runtime.bind import bind


def inline_graph(graph: Graph, args: Sequence[Any]) -> list[Any]:
    """Apply ``graph`` to ``args`` prim by prim; returns its outputs. Inside a trace, the nodes are recorded
    into it (so autodiff can walk them); eagerly, each prim runs at once."""
    if len(args) != len(graph.inputs):
        raise HornetError(f"graph '{graph.name}' takes {len(graph.inputs)} inputs, got {len(args)}")
    env: dict[Any, Any] = dict(zip(graph.inputs, args))
    env.update(graph.constants)
    for node in graph.nodes:
        out = bind(node.prim, *[env[v] for v in node.inputs], op=node.op, regions=node.regions, **node.attrs)
        outs = out if PRIMITIVES[node.prim].multiple_results else (out,)
        env.update(zip(node.outputs, outs))
    return [env[v] for v in graph.outputs]
