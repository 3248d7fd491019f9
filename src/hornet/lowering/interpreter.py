"""Evaluate a graph with one backend's rule table. Shared by every lowering.

Rules are called as ``rule(*input_arrays, **attrs)``; "shape" attributes holding symbolic dims are first
evaluated against the sizes bound by the graph inputs (ints in NumPy, symbolic sizes under ``jax.export``).
Region prims get their sub-graphs as callables in ``regions=``.
"""
from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence

from hornet.ir.errors import LoweringError
from hornet.ir.graph import Graph, Node
from hornet.ir.prims import PRIMITIVES
from hornet.ir.symbolic import evaluate_dim, is_symbolic

Rule = Callable[..., Any]


def bind_symbols(graph: Graph, args: Sequence[Any], env: dict[str, Any] | None = None) -> dict[str, Any]:
    """Map each plain symbol of the graph's input shapes to the matching size of the actual arguments."""
    env = {} if env is None else env
    for v, a in zip(graph.inputs, args):
        for d, size in zip(v.type.shape, a.shape):
            if is_symbolic(d) and d.isidentifier():
                env.setdefault(d, size)
    return env


def _resolve_attrs(node: Node, env: Mapping[str, Any]) -> dict[str, Any]:
    prim = PRIMITIVES[node.prim]
    attrs = node.attrs
    for key, spec in prim.attrs.items():
        if spec.kind == "shape" and attrs.get(key) is not None and any(is_symbolic(d) for d in attrs[key]):
            attrs = dict(attrs)
            attrs[key] = tuple(evaluate_dim(d, env) for d in attrs[key])
    return attrs


def table_rule(node: Node, rules: Mapping[str, Rule]) -> Rule | None:
    """The table's rule for ``node``; None when there is none, or when the rule covers only some attributes and
    input types (``rule.applies(attrs, input_types)``, e.g. a fused kernel's limits) and not these: the prim then
    decomposes."""
    rule = rules.get(node.prim)
    applies = getattr(rule, "applies", None)
    if rule is None or (applies is not None and not applies(node.attrs, [v.type for v in node.inputs])):
        return None
    return rule


def evaluate(graph: Graph, rules: Mapping[str, Rule], args: Sequence[Any], *,
             constant: Callable[[Any], Any] = lambda a: a,
             check: Callable[[Node, Sequence[Any]], None] | None = None,
             symbols: dict[str, Any] | None = None) -> list[Any]:
    """Run ``graph`` on ``args``; returns the list of output arrays.

    ``constant`` converts the graph's NumPy constants to the backend's arrays; ``check`` (if given) is called
    with each node and its outputs (the reference interpreter checks types this way).
    """
    if len(args) != len(graph.inputs):
        raise LoweringError(f"graph '{graph.name}' takes {len(graph.inputs)} inputs, got {len(args)}")
    env: dict[Any, Any] = dict(zip(graph.inputs, args))
    for v, arr in graph.constants.items():
        env[v] = constant(arr)
    sym = bind_symbols(graph, args, dict(symbols or {}))
    for node in graph.nodes:
        rule = table_rule(node, rules) or _decomposed_rule(node, rules, constant, check)
        attrs = _resolve_attrs(node, sym)
        ins = [env[v] for v in node.inputs]
        if node.regions:
            attrs = dict(attrs)
            attrs["regions"] = tuple(_region_fn(r, rules, constant, check, sym) for r in node.regions)
        out = rule(*ins, **attrs)
        outs = tuple(out) if PRIMITIVES[node.prim].multiple_results else (out,)
        if check is not None:
            check(node, outs)
        for v, o in zip(node.outputs, outs):
            env[v] = o
    return [env[v] for v in graph.outputs]


def _decomposed_rule(node: Node, rules, constant, check) -> Rule:
    """A composite prim with no rule here runs its decomposition, traced with the node's input types."""
    prim = PRIMITIVES[node.prim]
    if prim.decomposition is None:
        raise LoweringError(f"no rule for prim '{node.prim}' in this backend"
                            + (f" (used by {node.op})" if node.op else ""))
    from hornet.ir.tracer import trace  # local: the tracer is only needed for composites

    sub = trace(lambda *xs: prim.decomposition(*xs, **node.attrs), *[v.type for v in node.inputs])

    def rule(*args: Any, **_: Any) -> Any:
        outs = evaluate(sub, rules, args, constant=constant, check=check)
        return tuple(outs) if prim.multiple_results else outs[0]

    return rule


def _region_fn(region: Graph, rules, constant, check, sym) -> Callable[..., list[Any]]:
    def run(*args: Any) -> list[Any]:
        return evaluate(region, rules, args, constant=constant, check=check, symbols=sym)

    return run
