"""Lowering to ONNX: every prim as ONNX nodes, one rule table (``ONNX_RULES``), checked with onnxruntime.

Rules have the signature ``rule(ctx, *names, **attrs)``: ``ctx`` builds nodes (``builder.Ctx``), ``names`` are
the ONNX values of the node's inputs, and the rule returns its outputs' names (a tuple for multi-output prims).
Composites without a rule (or whose rule's ``applies`` declines the attributes) are lowered through their
decomposition; ``REFUSED`` prims (random number generation, pooling gradients) raise with the reason.

No ONNX rule (an OnnxLoweringError names the prim, the op and the layer): ``bitcast_convert`` and ``nextafter``
(ONNX cannot reinterpret bits) and the linalg decompositions and solvers (``cholesky``, ``triangular_solve``,
``qr``, ``eigh``, ``svd``, ``lu``). Some rules decline attribute combinations with the same error: ``sort`` with
several keys, 16/64-bit shifts, integer pooling and convolutions, base-dilated windows, float64 ``erfinv``.

>>> model = to_onnx(graph, ["x"], ["y"])                              # doctest: +SKIP
>>> onnxruntime.InferenceSession(model.SerializeToString()).run(None, {"x": x})   # doctest: +SKIP
"""
from __future__ import annotations

from types import MappingProxyType
from typing import Any, Callable, Mapping, Sequence

import onnx

from hornet.ir.graph import Graph
from hornet.lowering.onnx import (composites, contractions, control_flow, elementwise, indexing, reductions,
                                  special, structural, windows)
from hornet.lowering.onnx.builder import ONNX_DTYPES, onnx_dtype
from hornet.lowering.onnx.errors import OnnxLoweringError
from hornet.lowering.onnx.lower import build_model

_RULES: dict[str, Callable[..., Any]] = {}
for _family in (elementwise, special, structural, indexing, reductions, windows, contractions, composites,
                control_flow):
    for _name, _rule in _family.RULES.items():
        if _name in _RULES:
            raise OnnxLoweringError(f"ONNX rule for {_name!r} is defined twice")
        _RULES[_name] = _rule

ONNX_RULES: Mapping[str, Callable[..., Any]] = MappingProxyType(_RULES)
"""prim name -> ONNX rule (read-only)."""
REFUSED: Mapping[str, str] = MappingProxyType(dict(composites.REFUSED))
"""prim name -> why the exporter refuses it."""


def to_onnx(graph: Graph, input_names: Sequence[str], output_names: Sequence[str], *, opset: int = 18,
            model_name: str = "hornet") -> "onnx.ModelProto":
    """The ONNX model of an inference graph: ``graph.inputs`` become the model inputs (named ``input_names``),
    ``graph.constants`` its initializers, symbolic dims ``dim_param``s. Checked with ``onnx.checker``.

    >>> model = to_onnx(graph, ["x"], ["probs"])                       # doctest: +SKIP
    >>> model.graph.input[0].type.tensor_type.shape.dim[0].dim_param  # doctest: +SKIP
    'batch'
    """
    return build_model(graph, list(input_names), list(output_names), opset, model_name, ONNX_RULES, REFUSED)


__all__ = ["to_onnx", "ONNX_RULES", "REFUSED", "OnnxLoweringError", "ONNX_DTYPES", "onnx_dtype"]
