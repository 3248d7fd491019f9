"""``verify(graph)``: check a graph's structural and type invariants; raise HornetError naming the node.

Checked, recursively through regions (each region is a closed sub-graph: its nodes may use only the region's
own inputs, constants and earlier outputs):

- every prim is registered; attributes equal their canonical form under the prim's schema;
- every node input is defined before use; no value is defined twice; graph outputs are defined;
- re-inferred output types equal the recorded ones; output values name their producing node;
- constant arrays are NumPy arrays whose dtype and shape equal the constant's type;
- region counts match the prim; region nesting is at most ``MAX_REGION_DEPTH`` deep.

>>> from hornet.ir.graph import Graph
>>> verify(Graph())   # an empty graph is valid
"""
from __future__ import annotations

from typing import Any

import numpy as np

from hornet.ir.errors import HornetError
from hornet.ir.graph import Graph, Node, Value
from hornet.ir.passes.rewrite import attrs_key
from hornet.ir.prims import PRIMITIVES, infer_types, normalize_attrs
from hornet.ir.types import TensorType

MAX_REGION_DEPTH = 64

# Exceptions a buggy or hostile shape rule may raise besides HornetError; verify reports them as invalid nodes.
_RULE_ERRORS = (TypeError, ValueError, IndexError, KeyError, ZeroDivisionError, OverflowError, AttributeError)


def verify(graph: Graph) -> None:
    """Raise HornetError if ``graph`` is malformed (see the module docstring); return None when valid."""
    _verify(graph, f"graph '{graph.name}'", 0)


def _node_where(scope: str, i: int, node: Node) -> str:
    op = f", op '{node.op}'" if node.op else ""
    return f"{scope}: node {i} (prim '{node.prim}'{op})"


def _define(defined: set[Value], v: Any, where: str, what: str) -> None:
    if not isinstance(v, Value):
        raise HornetError(f"{where}: {what} is {type(v).__name__}, not a Value")
    if not isinstance(v.type, TensorType):
        raise HornetError(f"{where}: {what} has type {v.type!r}, not a TensorType")
    if v in defined:
        raise HornetError(f"{where}: {what} {v!r} is defined twice")
    defined.add(v)


def _check_constant(v: Value, arr: Any, where: str) -> None:
    if not isinstance(arr, np.ndarray):
        raise HornetError(f"{where}: constant {v!r} holds a {type(arr).__name__}, not a NumPy array")
    if arr.dtype != v.type.dtype.np or arr.shape != v.type.shape:
        raise HornetError(f"{where}: constant {v!r} holds an array of dtype {arr.dtype} and shape {arr.shape}, "
                          f"but its type is {v.type}")


def _verify(graph: Graph, scope: str, depth: int) -> None:
    if depth > MAX_REGION_DEPTH:
        raise HornetError(f"{scope}: regions are nested more than {MAX_REGION_DEPTH} deep")
    defined: set[Value] = set()
    for k, v in enumerate(graph.inputs):
        _define(defined, v, scope, f"input {k}")
    for k, (v, arr) in enumerate(graph.constants.items()):
        _define(defined, v, scope, f"constant {k}")
        _check_constant(v, arr, scope)
    for i, node in enumerate(graph.nodes):
        where = _node_where(scope, i, node)
        _verify_node(node, where, defined)
        for k, v in enumerate(node.outputs):
            _define(defined, v, where, f"output {k}")
            if v.producer is not node:
                raise HornetError(f"{where}: output {k} {v!r} names another node as its producer")
        for r, region in enumerate(node.regions):
            if not isinstance(region, Graph):
                raise HornetError(f"{where}: region {r} is a {type(region).__name__}, not a Graph")
            _verify(region, f"{where}, region {r} '{region.name}'", depth + 1)
    for k, v in enumerate(graph.outputs):
        if v not in defined:
            raise HornetError(f"{scope}: output {k} {v!r} is not defined (not an input, constant or node output)")


def _verify_node(node: Node, where: str, defined: set[Value]) -> None:
    prim = PRIMITIVES.get(node.prim)
    if prim is None:
        raise HornetError(f"{where}: unknown prim '{node.prim}'")
    for k, v in enumerate(node.inputs):
        if v not in defined:
            raise HornetError(f"{where}: input {k} {v!r} is not defined here "
                              "(not a graph input, constant or earlier node output of this graph)")
    if not isinstance(node.attrs, dict):
        raise HornetError(f"{where}: attrs is a {type(node.attrs).__name__}, not a dict")
    try:
        canonical = normalize_attrs(prim, node.attrs, node.op)  # raises on unknown/missing/invalid attributes
    except HornetError as e:
        raise HornetError(f"{where}: {e}") from None
    except _RULE_ERRORS as e:
        raise HornetError(f"{where}: invalid attributes: {type(e).__name__}: {e}") from None
    if attrs_key(canonical) != attrs_key(node.attrs):
        diff = sorted(k for k in canonical if k not in node.attrs or attrs_key({k: canonical[k]})
                      != attrs_key({k: node.attrs[k]}))
        raise HornetError(f"{where}: attributes are not canonical for the prim's schema: "
                          + ", ".join(f"{k}={node.attrs.get(k, '<missing>')!r} (expected {canonical[k]!r})"
                                      for k in diff))
    if prim.num_regions and len(node.regions) != prim.num_regions:
        raise HornetError(f"{where}: expected {prim.num_regions} regions, got {len(node.regions)}")
    if node.regions and not prim.num_regions and "region" not in prim.tags:
        raise HornetError(f"{where}: the prim takes no regions, got {len(node.regions)}")
    try:
        inferred = infer_types(prim, [v.type for v in node.inputs], node.attrs, node.op, node.regions)
    except HornetError as e:
        raise HornetError(f"{where}: {e}") from None
    except _RULE_ERRORS as e:
        raise HornetError(f"{where}: the shape rule failed: {type(e).__name__}: {e}") from None
    recorded = tuple(v.type for v in node.outputs)
    if inferred != recorded:
        raise HornetError(f"{where}: recorded output types ({', '.join(map(str, recorded)) or 'none'}) differ "
                          f"from the inferred ones ({', '.join(map(str, inferred)) or 'none'})")
