"""The backward pass: walk a run of recorded nodes in reverse, applying each prim's VJP rule.

A VJP rule is registered with ``set_rule(prim, vjp=rule)`` and called as
``rule(ct, *primals, outputs=outputs, **attrs)`` (region prims also get ``regions=``), where ``ct`` is the
output cotangent (a tuple for multi-output prims, zeros filled in), ``primals`` the input tensors and
``outputs`` the output tensors. It returns one cotangent (or None for "no gradient") per input.
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

from hornet.ir.errors import HornetError
from hornet.ir.graph import Graph, Node, Value
from hornet.ir.prims import PRIMITIVES
from hornet.ir.tracer import SymbolicTensor, Trace, trace_region
from hornet.runtime.bind import bind
from hornet.runtime.inline import inline_graph


def zeros(t: Any) -> Any:
    """A zero tensor of ``t``'s type (``t`` a Value's TensorType)."""
    import numpy as np

    return bind("broadcast_in_dim", np.zeros((), t.dtype.np), shape=t.shape, broadcast_dimensions=(),
                op="zeros_like")


def _accumulate(ct: dict[Value, Any], v: Value, c: Any, node: Node) -> None:
    if c is None or not v.type.dtype.is_floating:
        return
    got = c.type if isinstance(c, SymbolicTensor) else None
    if got is not None and got != v.type:
        raise HornetError(f"the VJP rule of prim '{node.prim}'" + (f" ({node.op})" if node.op else "")
                          + f" returned a cotangent of type {got} for an input of type {v.type}")
    ct[v] = c if v not in ct else bind("add", ct[v], c, op="grad")


def backward(trace: Trace, nodes: Sequence[Node], seeds: Mapping[Value, Any], wrt: Sequence[Value | None]
             ) -> list[Any]:
    """Cotangents of ``wrt`` given output cotangents ``seeds``, through ``nodes`` (recorded in ``trace``).

    Values the cotangents never reach get zeros; a ``None`` in ``wrt`` gets None.
    """
    ct: dict[Value, Any] = dict(seeds)
    for node in reversed(nodes):
        out_cts = [ct.get(v) for v in node.outputs]
        if all(c is None for c in out_cts):
            continue
        custom = trace.custom_vjps.get(id(node))
        if custom is not None:
            grad_fn, arg_values = custom
            filled = [c if c is not None else zeros(v.type) for c, v in zip(out_cts, node.outputs)]
            grads = grad_fn(*filled)
            grads = list(grads) if isinstance(grads, (list, tuple)) else [grads]
            if len(grads) != len(arg_values):
                raise HornetError(f"custom_gradient: the gradient function returned {len(grads)} gradients for "
                                  f"{len(arg_values)} inputs")
            for v, c in zip(arg_values, grads):
                if v is not None:
                    _accumulate(ct, v, c, node)
            continue
        prim = PRIMITIVES[node.prim]
        if not prim.differentiable:
            continue
        if prim.vjp is None:
            raise HornetError(f"prim '{node.prim}'" + (f" (used by {node.op})" if node.op else "")
                              + " has no VJP rule, so it cannot be differentiated")
        filled = [c if c is not None else zeros(v.type) for c, v in zip(out_cts, node.outputs)]
        primals = [SymbolicTensor(v, trace) for v in node.inputs]
        outputs = tuple(SymbolicTensor(v, trace) for v in node.outputs)
        extra = {"regions": node.regions} if node.regions else {}
        in_cts = prim.vjp(tuple(filled) if prim.multiple_results else filled[0], *primals, outputs=outputs,
                          **extra, **node.attrs)
        if len(in_cts) != len(node.inputs):
            raise HornetError(f"the VJP rule of prim '{node.prim}' returned {len(in_cts)} cotangents for "
                              f"{len(node.inputs)} inputs")
        for v, c in zip(node.inputs, in_cts):
            _accumulate(ct, v, c, node)
    return [None if v is None else (ct[v] if v in ct else zeros(v.type)) for v in wrt]


def vjp_of_graph(graph: Graph, name: str | None = None) -> Graph:
    """A graph ``(inputs..., output cotangents...) -> (input cotangents...)`` for a closed graph (control-flow
    regions use this). Inputs that are not floating point get zero cotangents of their own type."""
    n_in = len(graph.inputs)

    def fn(*args: Any) -> list[Any]:
        trace = _current_trace()
        xs = [_fresh(a) for a in args[:n_in]]
        start = len(trace.graph.nodes)
        outs = inline_graph(graph, xs)
        nodes = trace.graph.nodes[start:]
        seeds: dict[Value, Any] = {}
        for o, c in zip(outs, args[n_in:]):
            if isinstance(o, SymbolicTensor) and o.dtype.is_floating:
                seeds[o.value] = c if o.value not in seeds else bind("add", seeds[o.value], c, op="grad")
        return backward(trace, nodes, seeds, [x.value for x in xs])

    in_types = [v.type for v in graph.inputs] + [v.type for v in graph.outputs]
    region, captures, _ = trace_region(fn, in_types, name=name or f"{graph.name}_vjp")
    if captures:
        raise HornetError(f"vjp_of_graph: graph '{graph.name}' is not closed")
    return region


def _current_trace() -> Trace:
    from hornet.ir.tracer import trace_stack

    return trace_stack()[-1]


def _fresh(x: Any) -> SymbolicTensor:
    """A distinct value for a differentiated input (so two arguments that are the same tensor, or a constant,
    each get their own cotangent)."""
    from hornet.api.ops.core import as_tensor, type_of

    x = as_tensor(x)
    return bind("convert", x, new_dtype=type_of(x).dtype, op="grad")
