"""Walking a hornet graph into ONNX nodes: one table rule per node, composites without a rule through their
decomposition (inlined), regions as sub-graphs.

>>> model = to_onnx(graph, ["x"], ["y"])                              # doctest: +SKIP
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

import onnx
from onnx import helper

from hornet.ir.graph import Graph, Node
from hornet.ir.prims import PRIMITIVES
from hornet.ir.symbolic import is_symbolic
from hornet.lowering.onnx.builder import Ctx, GraphBuilder, value_info
from hornet.lowering.onnx.errors import OnnxLoweringError, where

MIN_OPSET = 18


def _rule_for(node: Node, rules: Mapping[str, Any], refused: Mapping[str, str]) -> Any:
    if node.prim in refused:
        raise OnnxLoweringError(f"ONNX export: {where(node)} is not exported: {refused[node.prim]}")
    rule = rules.get(node.prim)
    applies = getattr(rule, "applies", None)
    if rule is not None and (applies is None or applies(node.attrs, [v.type for v in node.inputs])):
        return rule
    if PRIMITIVES[node.prim].decomposition is not None:
        return None
    raise OnnxLoweringError(f"ONNX export: {where(node)} has no ONNX rule; ONNX rules exist for: "
                            + ", ".join(sorted(rules)))


def emit(b: GraphBuilder, graph: Graph, env: dict[Any, str], rules: Mapping[str, Any],
         refused: Mapping[str, str]) -> list[str]:
    """Append ``graph``'s nodes to ``b``; ``env`` maps its inputs (and constants) to ONNX names. Returns the
    names of its outputs.

    >>> emit(GraphBuilder.root(), graph, {graph.inputs[0]: "x"}, ONNX_RULES, REFUSED)   # doctest: +SKIP
    ['v3']
    """
    for v, arr in graph.constants.items():
        if v not in env:
            env[v] = b.initializer(arr)

    def emitter(builder: GraphBuilder, sub: Graph, sub_env: dict[Any, str]) -> list[str]:
        return emit(builder, sub, sub_env, rules, refused)

    for node in graph.nodes:
        rule = _rule_for(node, rules, refused)
        ins = [env[v] for v in node.inputs]
        if rule is None:
            outs = _inline_decomposition(b, node, ins, rules, refused)
        else:
            out = rule(Ctx(b, node, emitter), *ins, **node.attrs)
            outs = list(out) if PRIMITIVES[node.prim].multiple_results else [out]
        for v, o in zip(node.outputs, outs):
            env[v] = o
    return [env[v] for v in graph.outputs]


def _inline_decomposition(b: GraphBuilder, node: Node, ins: list[str], rules, refused) -> list[str]:
    from hornet.ir.tracer import trace  # local: only composites without a rule need the tracer

    prim = PRIMITIVES[node.prim]
    sub = trace(lambda *xs: prim.decomposition(*xs, **node.attrs), *[v.type for v in node.inputs])
    for n in sub.walk():  # errors inside the decomposition still name the user's op and layer
        n.op = n.op or node.op
        if getattr(node, "scope", None) and not getattr(n, "scope", None):
            n.scope = node.scope
    return emit(b, sub, dict(zip(sub.inputs, ins)), rules, refused)


def bind_symbols(b: GraphBuilder, graph: Graph, names: Sequence[str]) -> None:
    """Where each plain symbol of the inputs' shapes comes from (input, axis); ``GraphBuilder.symbol`` reads it
    there when a size needs it.

    >>> bind_symbols(b, graph, ["x"]); b.symbols                        # doctest: +SKIP
    {'batch': ('x', 0)}
    """
    for v, name in zip(graph.inputs, names):
        for axis, d in enumerate(v.type.shape):
            if is_symbolic(d) and d.isidentifier() and d not in b.symbols:
                b.symbols[d] = (name, axis)


def build_model(graph: Graph, input_names: Sequence[str], output_names: Sequence[str], opset: int,
                model_name: str, rules: Mapping[str, Any], refused: Mapping[str, str]) -> "onnx.ModelProto":
    """``to_onnx`` with an explicit rule table (see there); checks the names and the opset first.

    >>> build_model(graph, ["x"], ["y"], 18, "m", ONNX_RULES, REFUSED)   # doctest: +SKIP
    """
    if opset < MIN_OPSET:
        raise OnnxLoweringError(f"ONNX export: opset={opset} is too old; the exporter needs opset >= {MIN_OPSET}")
    if len(input_names) != len(graph.inputs) or len(output_names) != len(graph.outputs):
        raise OnnxLoweringError(
            f"ONNX export: the graph has {len(graph.inputs)} inputs and {len(graph.outputs)} outputs, got "
            f"input_names={list(input_names)} and output_names={list(output_names)}")
    if len(set(input_names) | set(output_names)) != len(input_names) + len(output_names):
        raise OnnxLoweringError(f"ONNX export: input and output names must be distinct, got "
                                f"input_names={list(input_names)}, output_names={list(output_names)}")
    b = GraphBuilder.root()
    bind_symbols(b, graph, input_names)
    outs = emit(b, graph, dict(zip(graph.inputs, input_names)), rules, refused)
    for o, name in zip(outs, output_names):
        b.op("Identity", [o], outputs=[name])
    onnx_graph = helper.make_graph(
        b.nodes, model_name, [value_info(n, v.type) for n, v in zip(input_names, graph.inputs)],
        [value_info(n, v.type) for n, v in zip(output_names, graph.outputs)], initializer=b.initializers)
    # the oldest IR version that carries this opset, so older runtimes load the model
    model = helper.make_model_gen_version(onnx_graph, opset_imports=[helper.make_opsetid("", opset)],
                                          producer_name="hornet")
    onnx.checker.check_model(model, full_check=True)
    return model
