"""``hornet.jit(fn).lower(*specs)`` on torch: the graph's FX module, printable as Python over ATen ops."""
from __future__ import annotations

from typing import Any

from hornet.ir.graph import Graph
from hornet.lowering import torch as torch_lowering


class TorchLowered:
    """``.graph`` (hornet IR), ``.module`` (the ``torch.fx.GraphModule``, or the interpreter for graphs whose
    attributes hold symbolic sizes), ``.as_text()`` (the module's generated Python)."""

    def __init__(self, graph: Graph, device: Any = None):
        self.graph = graph
        self.module = torch_lowering.to_function(graph, device)

    def as_text(self) -> str:
        code = getattr(self.module, "code", None)
        return code if code is not None else str(self.graph)
