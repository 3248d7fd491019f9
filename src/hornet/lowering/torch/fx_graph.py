"""A hornet graph as a ``torch.fx.GraphModule``, built node by node from the IR (no tracing of user Python).

Each hornet node becomes one ``call_function`` of its torch rule with the node's attributes bound, so the module's
generated ``forward`` is straight-line Python over ATen ops: cheap to build (no tracing), fast to run (no
interpreter), readable (``print(module.code)``), and a graph Dynamo/Inductor compile without graph breaks.
Regions become submodules (one GraphModule per branch or body) passed to the control-flow rule. Graph constants
are buffers, so ``module.to(device)`` moves them.

>>> from hornet.ir.tracer import trace                                 # doctest: +SKIP
>>> print(graph_module(trace(lambda x: x * 2.0, TensorType("float32", (3,)))).code)   # doctest: +SKIP
"""
from __future__ import annotations

import operator
from typing import Any, Callable, Mapping

import torch
import torch.fx

from hornet.ir.errors import LoweringError
from hornet.ir.graph import Graph, Node
from hornet.ir.prims import PRIMITIVES
from hornet.ir.symbolic import is_symbolic
from hornet.lowering.interpreter import evaluate, table_rule
from hornet.lowering.torch.dtypes import from_numpy


def has_symbolic_attrs(graph: Graph) -> bool:
    """Whether any node (regions included) has a symbolic size in an attribute: those graphs resolve sizes per call,
    so they run on hornet's interpreter instead of a fixed FX graph."""
    for node in graph.nodes:
        for value in node.attrs.values():
            if isinstance(value, (tuple, list)) and any(is_symbolic(d) for d in value if isinstance(d, str)):
                return True
        if any(has_symbolic_attrs(r) for r in node.regions):
            return True
    return False


def _bound(rule: Callable[..., Any], attrs: Mapping[str, Any], name: str) -> Callable[..., Any]:
    """``rule`` with the node's attributes fixed, named after the prim (the name shows in the generated code)."""
    if attrs:
        def call(*xs: Any) -> Any:
            return rule(*xs, **attrs)
    else:
        def call(*xs: Any) -> Any:
            return rule(*xs)

    call.__name__ = call.__qualname__ = name
    call.__module__ = __name__
    return call


def _rule(node: Node, rules: Mapping[str, Callable[..., Any]], device: Any) -> Callable[..., Any]:
    rule = table_rule(node, rules)
    if rule is not None:
        return rule
    prim = PRIMITIVES[node.prim]
    if prim.decomposition is None:
        raise LoweringError(f"no torch rule for prim '{node.prim}'" + (f" (used by {node.op})" if node.op else ""))
    from hornet.ir.tracer import trace

    sub = trace(lambda *xs: prim.decomposition(*xs, **node.attrs), *[v.type for v in node.inputs])
    module = graph_module(sub, rules, device)
    # the node's attributes are already in the decomposed module
    return (lambda *xs, **_: tuple(module(*xs))) if prim.multiple_results else (lambda *xs, **_: module(*xs)[0])


def graph_module(graph: Graph, rules: Mapping[str, Callable[..., Any]], device: Any = None) -> torch.fx.GraphModule:
    """The FX module computing ``graph``'s outputs (a tuple) from its inputs, with ``rules`` (prim -> rule)."""
    root = torch.nn.Module()
    fx = torch.fx.Graph()
    env: dict[Any, torch.fx.Node] = {}
    for i, v in enumerate(graph.inputs):
        env[v] = fx.placeholder(f"x{i}")
    for i, (v, arr) in enumerate(graph.constants.items()):
        root.register_buffer(f"c{i}", from_numpy(arr, device), persistent=False)
        env[v] = fx.get_attr(f"c{i}")
    for i, node in enumerate(graph.nodes):
        attrs = dict(node.attrs)
        if node.regions:
            regions = []
            for j, region in enumerate(node.regions):
                sub = graph_module(region, rules, device)
                root.add_module(f"region{i}_{j}", sub)
                regions.append(lambda *xs, sub=sub: list(sub(*xs)))
            attrs["regions"] = tuple(regions)
        target = _bound(_rule(node, rules, device), attrs, node.prim)
        out = fx.create_node("call_function", target, tuple(env[v] for v in node.inputs), name=node.prim)
        if PRIMITIVES[node.prim].multiple_results:
            for k, v in enumerate(node.outputs):
                env[v] = fx.call_function(operator.getitem, (out, k))
        else:
            env[node.outputs[0]] = out
    fx.output(tuple(env[v] for v in graph.outputs))
    return torch.fx.GraphModule(root, fx, class_name=graph.name or "main")


def interpreted(graph: Graph, rules: Mapping[str, Callable[..., Any]], device: Any = None) -> Callable[..., tuple]:
    """``graph`` run by hornet's interpreter over ``rules`` (for graphs with symbolic sizes in attributes)."""

    def fn(*args: Any) -> tuple[Any, ...]:
        return tuple(evaluate(graph, rules, args, constant=lambda a: from_numpy(a, device)))

    fn.__name__ = graph.name or "main"
    return fn
