"""Readable, Python-like text for graphs: one line per node, with types.

>>> from hornet.ir.graph import Graph, Value
>>> from hornet.ir.types import TensorType
>>> x = Value(TensorType("float32", ("batch", 3)))
>>> print(format_graph(Graph(inputs=[x], outputs=[x])))
def main(%0: float32[batch,3]) -> (float32[batch,3]):
  return (%0,)

Values are numbered in definition order (inputs, constants, node outputs), continuing through regions so every
number is unique in the text. Attributes equal to their schema default are left out; the op that emitted a node
is a trailing comment. Constants with more than ``MAX_INLINE`` elements show their first few values.
"""
from __future__ import annotations

import json
from typing import Any

import numpy as np

from hornet.ir.dtypes import DType
from hornet.ir.graph import Graph, Node, Value

MAX_INLINE = 16  # constants up to this many elements are printed in full
PREVIEW = 4  # values shown for larger constants
INDENT = "  "


class _Namer:
    def __init__(self) -> None:
        self.ids: dict[Value, int] = {}

    def define(self, v: Value) -> str:
        self.ids.setdefault(v, len(self.ids))
        return self.ref(v)

    def ref(self, v: Value) -> str:
        n = self.ids.get(v)
        return f"%{n}" if n is not None else f"%<undefined {v.type}>"

    def decl(self, v: Value) -> str:
        name = f" {json.dumps(v.name)}" if v.name else ""
        return f"{self.define(v)}{name}: {v.type}"


def format_scalar(x: Any) -> str:
    """One array element as text (NumPy's shortest repr per dtype: float32 0.1 prints as 0.1)."""
    return str(x.item() if isinstance(x, np.bool_) else x)


def format_array(arr: np.ndarray) -> str:
    """A constant's value: a scalar, a nested list, or a preview ``[1.0, 2.0, 3.0, 4.0, ...] (1000 values)``."""
    arr = np.asarray(arr)
    if arr.ndim == 0:
        return format_scalar(arr[()])
    if arr.size <= MAX_INLINE:
        return _nested(arr)
    head = ", ".join(format_scalar(x) for x in arr.reshape(-1)[:PREVIEW])
    return f"[{head}, ...] ({arr.size} values)"


def _nested(arr: np.ndarray) -> str:
    if arr.ndim == 1:
        return "[" + ", ".join(format_scalar(x) for x in arr) + "]"
    return "[" + ", ".join(_nested(a) for a in arr) + "]"


def format_attr(value: Any) -> str:
    """An attribute value: tuples as ``(1,)``, dtypes by name, strings quoted."""
    if isinstance(value, DType):
        return value.value
    if isinstance(value, (tuple, list)):
        items = [format_attr(v) for v in value]
        return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
    return repr(value)


def _shown_attrs(node: Node) -> list[str]:
    from hornet.ir.prims import PRIMITIVES  # local: keeps the printer importable while prims load

    prim = PRIMITIVES.get(node.prim)
    out = []
    for key, value in node.attrs.items():
        spec = prim.attrs.get(key) if prim is not None else None
        if spec is not None and _same(spec.default, value):
            continue
        out.append(f"{key}={format_attr(value)}")
    return out


def _same(a: Any, b: Any) -> bool:
    """Type-exact equality, so that ``1.0`` is not hidden as the default ``1`` (nor ``True`` as ``1``)."""
    if isinstance(a, (tuple, list)):
        return isinstance(b, (tuple, list)) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


def _op_comment(node: Node) -> str:
    if not node.op or node.op == node.prim:
        return ""
    return f"   # {node.op if '.' in node.op else 'ops.' + node.op}"


def _format(graph: Graph, namer: _Namer, indent: str, lines: list[str]) -> None:
    params = ", ".join(namer.decl(v) for v in graph.inputs)
    results = ", ".join(str(v.type) for v in graph.outputs)
    lines.append(f"{indent}def {graph.name}({params}) -> ({results}):")
    body = indent + INDENT
    for v, arr in graph.constants.items():
        lines.append(f"{body}{namer.decl(v)} = const {format_array(arr)}")
    for node in graph.nodes:
        outs = ", ".join(namer.decl(v) for v in node.outputs)
        args = [namer.ref(v) for v in node.inputs] + _shown_attrs(node)
        colon = ":" if node.regions else ""
        lines.append(f"{body}{outs or '()'} = {node.prim}({', '.join(args)}){colon}{_op_comment(node)}")
        for region in node.regions:
            _format(region, namer, body + INDENT, lines)
    refs = [namer.ref(v) for v in graph.outputs]
    lines.append(f"{body}return ({', '.join(refs)}{',' if len(refs) == 1 else ''})")


def format_graph(graph: Graph) -> str:
    """The graph as text (what ``str(graph)`` returns)."""
    lines: list[str] = []
    _format(graph, _Namer(), "", lines)
    return "\n".join(lines)
