"""``hornet.jit``: trace once per input signature, compile on the current backend, cache, run."""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from hornet.ir import passes, pytree
from hornet.ir.graph import Graph
from hornet.ir.tracer import Traced, trace_function, trace_stack
from hornet.lowering.numpy import folding
from hornet.runtime.backend import Backend, current_backend, get_backend
from hornet.runtime.placement import active_placer, step_placement
from hornet.runtime.variables import state_of, write_back


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


@dataclass
class _Entry:
    compiled: Callable[..., Any]
    traced: Traced


class Jitted:
    """A compiled callable, cached by (input tree, input types, backend). See ``hornet.jit``."""

    def __init__(self, fn: Callable[..., Any], backend: str | None = None, optimize: bool = True,
                 donate_state: bool = False, jit_compile: Any = "auto"):
        self.fn = fn
        self.jit_compile = jit_compile
        self.backend_name = backend
        self.optimize = optimize
        self.donate_state = donate_state
        self._cache: dict[Any, _Entry] = {}
        functools.update_wrapper(self, fn)

    @property
    def backend(self) -> Backend:
        return get_backend(self.backend_name) if self.backend_name else current_backend()

    @property
    def cache_size(self) -> int:
        return len(self._cache)

    def trace(self, *specs: Any) -> Graph:
        """The (optimized) graph of ``fn`` for inputs described by ``specs``."""
        return self._trace(specs).graph

    def _trace(self, args: Any) -> Traced:
        traced = trace_function(self.fn, args, name=getattr(self.fn, "__name__", None))
        if self.optimize:
            traced.graph = passes.optimize(traced.graph, folding.evaluate_node)
        return traced

    def lower(self, *specs: Any) -> Lowered:
        """Trace with specs (TensorSpec, TensorType or example arrays) and lower on the backend."""
        return Lowered(self.trace(*specs), self.backend)

    def __call__(self, *args: Any) -> Any:
        if trace_stack():  # called inside another trace: inline, the enclosing compilation covers it
            return self.fn(*args)
        backend = self.backend
        leaves, in_tree = pytree.flatten(args)
        # NumPy arrays go to the compiled program as they are (one host-to-device copy inside the call)
        arrays = [x if type(x) is np.ndarray else backend.asarray(x) for x in leaves]
        # under a hornet.distribution the program is compiled for its mesh (the placer is part of the key)
        placer = active_placer()
        key = (backend.name, in_tree, tuple(backend.type_of(a) for a in arrays), placer)
        entry = self._cache.get(key)
        if entry is None:
            traced = self._trace(pytree.unflatten(in_tree, list(key[2])))
            # donating the variables' buffers lets a training step update weights in place
            # (only state that is written: a buffer only read stays the variable's value)
            position = {id(v): traced.num_args + i for i, v in enumerate(traced.state_in)}
            n_out = len(traced.graph.outputs) - len(traced.state_out)
            updates = {n_out + j: position[id(v)] for j, v in enumerate(traced.state_out) if id(v) in position}
            donate = sorted(updates.values()) if self.donate_state else []
            placed = {} if placer is None else {"placement": step_placement(
                placer, backend, key[2], traced.state_in, traced.state_out, len(traced.graph.outputs))}
            entry = self._cache[key] = _Entry(backend.compile(traced.graph, donate, updates, self.jit_compile,
                                                              **placed), traced)
        traced = entry.traced
        outs = list(entry.compiled(*arrays, *state_of(traced.state_in, backend)))
        n = len(outs) - len(traced.state_out)
        write_back(traced.state_out, outs[n:])
        return pytree.unflatten(traced.out_tree, outs[:n])


def jit(fn: Callable[..., Any] | None = None, *, backend: str | None = None, optimize: bool = True,
        donate_state: bool = False, jit_compile: Any = "auto") -> Any:
    """Compile ``fn`` (a function of tensors using ``hornet.ops``) for the current backend.

    The traced graph is cleaned up (constant folding, CSE, DCE, verification) unless ``optimize=False``.
    ``donate_state=True`` lets the compiled program reuse the buffers of the Variables it updates (the old
    arrays become invalid, as with ``jax.jit(donate_argnums=...)``). ``jit_compile`` picks the backend's compile
    mode (``Backend.compile``; on torch ``True`` is Inductor).

    >>> f = jit(lambda x: ops.relu(x) * 2)            # doctest: +SKIP
    >>> f(np.ones(3, "float32"))                     # traced + compiled once per input signature
    >>> print(f.lower(TensorSpec((None, 3))).as_text())   # StableHLO with a symbolic batch dim
    """
    if fn is None:
        return functools.partial(jit, backend=backend, optimize=optimize, donate_state=donate_state,
                                 jit_compile=jit_compile)
    return Jitted(fn, backend, optimize, donate_state, jit_compile)
