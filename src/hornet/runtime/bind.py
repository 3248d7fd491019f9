"""Binding a prim: record a node when any input is symbolic, else run the current backend's rule at once."""
from __future__ import annotations

from typing import Any

from hornet.ir.prims import PRIMITIVES
from hornet.ir.prims.registry import infer_types, normalize_attrs
from hornet.ir.errors import HornetError
from hornet.ir.tracer import find_trace
from hornet.runtime.backend import current_backend


def bind(prim_name: str, *inputs: Any, op: str | None = None, **attrs: Any) -> Any:
    """Apply a prim to tensors (symbolic or concrete). ``op`` names the public op, for errors and printing.

    >>> bind("add", np.float32(1), np.float32(2))   # doctest: +SKIP
    """
    prim = PRIMITIVES.get(prim_name)
    if prim is None:
        raise HornetError(f"unknown prim {prim_name!r}")
    attrs = normalize_attrs(prim, attrs, op)
    trace = find_trace(inputs)
    if trace is not None:
        return trace.record(prim, inputs, attrs, op)
    backend = current_backend()
    arrays = [backend.asarray(x) for x in inputs]
    infer_types(prim, [backend.type_of(a) for a in arrays], attrs, op)  # same errors eagerly as when tracing
    return backend.eager(prim_name)(*arrays, **attrs)
