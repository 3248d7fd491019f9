"""Binding a prim: record a node while tracing, else run the current backend's rule at once."""
from __future__ import annotations

from typing import Any

from hornet.ir.prims import PRIMITIVES
from hornet.ir.prims.registry import Primitive, infer_types, normalize_attrs
from hornet.ir.errors import HornetError
from hornet.ir.graph import Graph
from hornet.ir.symbolic import is_symbolic
from hornet.ir.tracer import find_trace, trace_stack
from hornet.runtime.backend import current_backend
from hornet.runtime.variables import Variable


def bind(prim_name: str, *inputs: Any, op: str | None = None, regions: tuple[Graph, ...] = (), **attrs: Any) -> Any:
    """Apply a prim to tensors (symbolic or concrete). ``op`` names the public op, for errors and printing;
    ``regions`` are the sub-graphs of control-flow prims.

    >>> bind("add", np.float32(1), np.float32(2))   # doctest: +SKIP
    """
    prim = PRIMITIVES.get(prim_name)
    if prim is None:
        raise HornetError(f"unknown prim {prim_name!r}")
    attrs = normalize_attrs(prim, attrs, op)
    for x in inputs:
        if type(x) is Variable:  # a Variable's current value: a graph input (state) while tracing
            inputs = tuple(v.value if type(v) is Variable else v for v in inputs)
            break
    trace = find_trace(inputs)
    if trace is None:
        # While tracing, every prim is recorded (as JAX's "omnistaging"): a constant broadcast to [batch, 3], an
        # iota or ops.ones((3, 3)) become small nodes of the graph, not eager results frozen in as big constants.
        stack = trace_stack()
        if stack:
            trace = stack[-1]
        elif _has_symbolic_attr(prim, attrs):
            raise HornetError(f"{op or prim_name}: symbolic shape attributes outside of tracing: {attrs}")
    if trace is not None:
        return trace.record(prim, inputs, attrs, op, tuple(regions))
    backend = current_backend()
    arrays = [backend.asarray(x) for x in inputs]
    # the same shape/dtype checks (and errors) eagerly as when tracing; a signature seen before passed them
    key = (prim_name, *[backend.type_of(a) for a in arrays], *attrs.items()) if not regions else None
    if key is None or key not in _CHECKED:
        infer_types(prim, [backend.type_of(a) for a in arrays], attrs, op, regions)
        if key is not None and len(_CHECKED) < 100_000:
            _CHECKED.add(key)
    if regions:
        attrs = dict(attrs, regions=tuple(backend.region_function(g) for g in regions))
    return backend.eager(prim_name)(*arrays, **attrs)


_CHECKED: set[tuple[Any, ...]] = set()


def _has_symbolic_attr(prim: Primitive, attrs: dict[str, Any]) -> bool:
    return any(spec.kind == "shape" and attrs[key] is not None and any(is_symbolic(d) for d in attrs[key])
               for key, spec in prim.attrs.items())
