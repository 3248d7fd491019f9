"""The error the ONNX lowering raises for a prim (or an attribute combination) it cannot express."""
from __future__ import annotations

from typing import Any

from hornet.ir.errors import HornetError


class OnnxLoweringError(HornetError, NotImplementedError):
    """A graph that cannot be exported to ONNX. The message names the prim, the op and the layer.

    >>> raise OnnxLoweringError("ONNX export: prim 'lu' (from ops.lu) has no ONNX rule")  # doctest: +SKIP
    """


def where(node: Any) -> str:
    """``"prim 'cumsum' (from ops.cumsum in layer 'my_layer')"`` for a node (op and layer when known)."""
    parts = []
    if getattr(node, "op", None):
        parts.append(f"from ops.{node.op}")
    scope = getattr(node, "scope", None)
    if scope:
        parts.append(f"in layer '{scope}'")
    return f"prim '{node.prim}'" + (f" ({' '.join(parts)})" if parts else "")
