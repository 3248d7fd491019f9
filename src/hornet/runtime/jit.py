"""``hornet.jit``: trace once per input signature, compile on the current backend, cache, run."""
from __future__ import annotations

import functools
from typing import Any, Callable

from hornet.ir import pytree
from hornet.ir.graph import Graph
from hornet.ir.tracer import TensorSpec, spec_type, trace_with_tree, _fresh_symbols
from hornet.ir.types import TensorType, type_of_array
from hornet.runtime.backend import Backend, current_backend, get_backend


class Lowered:
    """A traced and lowered function: ``.graph`` is the hornet IR, ``.as_text()`` the backend's program text."""

    def __init__(self, graph: Graph, backend: Backend):
        self.graph = graph
        self.backend = backend
        self.lowering = backend.lower(graph)

    def as_text(self) -> str:
        return self.lowering.as_text()

    def __getattr__(self, name: str) -> Any:  # e.g. .serialize(), .exported on JAX
        return getattr(self.lowering, name)


class Jitted:
    """A compiled callable, cached by (input tree, input types, backend). See ``hornet.jit``."""

    def __init__(self, fn: Callable[..., Any], backend: str | None = None):
        self.fn = fn
        self.backend_name = backend
        self._cache: dict[Any, tuple[Callable[..., Any], pytree.TreeDef]] = {}
        functools.update_wrapper(self, fn)

    @property
    def backend(self) -> Backend:
        return get_backend(self.backend_name) if self.backend_name else current_backend()

    @property
    def cache_size(self) -> int:
        return len(self._cache)

    def trace(self, *specs: Any) -> Graph:
        graph, _ = trace_with_tree(self.fn, specs, name=getattr(self.fn, "__name__", None))
        return graph

    def lower(self, *specs: Any) -> Lowered:
        """Trace with specs (TensorSpec, TensorType or example arrays) and lower on the backend."""
        return Lowered(self.trace(*specs), self.backend)

    def __call__(self, *args: Any) -> Any:
        backend = self.backend
        leaves, in_tree = pytree.flatten(args)
        arrays = [backend.asarray(x) for x in leaves]
        types = tuple(backend.type_of(a) for a in arrays)
        key = (backend.name, in_tree, types)
        entry = self._cache.get(key)
        if entry is None:
            graph, out_tree = trace_with_tree(self.fn, pytree.unflatten(in_tree, types),
                                              name=getattr(self.fn, "__name__", None))
            entry = self._cache[key] = (backend.compile(graph), out_tree)
        compiled, out_tree = entry
        return pytree.unflatten(out_tree, list(compiled(*arrays)))


def jit(fn: Callable[..., Any] | None = None, *, backend: str | None = None) -> Any:
    """Compile ``fn`` (a function of tensors using ``hornet.ops``) for the current backend.

    >>> f = jit(lambda x: ops.relu(x) * 2)            # doctest: +SKIP
    >>> f(np.ones(3, "float32"))                     # traced + compiled once per input signature
    >>> print(f.lower(TensorSpec((None, 3))).as_text())   # StableHLO with a symbolic batch dim
    """
    if fn is None:
        return functools.partial(jit, backend=backend)
    return Jitted(fn, backend)
