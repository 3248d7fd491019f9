"""Lowering to PyTorch: every prim as ATen ops (``torch.ops.aten.*``), one rule table (``RULES``).

Rules have the signature of every lowering table, ``rule(*tensors, **attrs)``, and use only ATen ops and the
tensors' shapes and dtypes, so the same rules run eagerly (the torch backend's eager ops), under hornet's
interpreter (a compiled graph run directly), and under ``make_fx`` (an FX graph of ATen ops for Inductor).

dtypes: hornet's uint32 is ``torch.uint32`` at the boundary (inputs, outputs, variables), bit for bit. Eager
torch lacks arithmetic for it (add, shifts, comparisons, max): the rules compute on int64 and mask back
(``dtypes.via_int64``), a capability the backend declares (``emulated_dtypes``) rather than shared code
branching on the backend.

``to_function(graph)`` is a function of torch tensors computing the graph's outputs as a tuple (an FX module).
"""
from __future__ import annotations

from typing import Any, Callable

from hornet.ir.errors import LoweringError
from hornet.ir.graph import Graph
from hornet.lowering.torch import (composites, contractions, control_flow, elementwise, indexing, linalg,
                                   reductions, structural, windows)

RULES: dict[str, Callable[..., Any]] = {}
for _family in (elementwise, structural, indexing, reductions, windows, contractions, linalg, composites,
                control_flow):
    for _name, _rule in _family.RULES.items():
        if _name in RULES:
            raise LoweringError(f"torch rule for {_name!r} is defined twice")
        RULES[_name] = _rule


def to_function(graph: Graph, device: Any = None) -> Callable[..., tuple[Any, ...]]:
    """A function of torch tensors computing the graph's outputs as a tuple: its FX module (``fx_graph``), or
    hornet's interpreter over the same rules when attributes hold symbolic sizes."""
    from hornet.lowering.torch.fx_graph import graph_module, has_symbolic_attrs, interpreted

    if has_symbolic_attrs(graph):
        return interpreted(graph, RULES, device)
    return graph_module(graph, RULES, device)
