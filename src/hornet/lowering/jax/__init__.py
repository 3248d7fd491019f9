"""Lowering to JAX: every prim as ``jax.lax``/``jnp`` code, traced under ``jax.jit`` into StableHLO.

``RULES`` maps prim name -> rule. ``to_function(graph)`` is a JAX-traceable function of the graph inputs.
"""
from __future__ import annotations

from typing import Any, Callable

import jax

from hornet.ir.errors import LoweringError
from hornet.ir.graph import Graph
from hornet.lowering.interpreter import evaluate
from hornet.lowering.jax import (composites, contractions, control_flow, elementwise, indexing, linalg, reductions,
                                 structural)



def exact_types() -> Any:
    """The context every hornet call into JAX runs in: hornet's IR types are exact (an int64 or float64 value
    stays 64-bit), so JAX must not truncate them. Scoped with ``jax.enable_x64`` to hornet's own tracing, compiling
    and running; the user's process-wide ``jax_enable_x64`` is never changed."""
    return jax.enable_x64(True)


RULES: dict[str, Callable[..., Any]] = {}
for _family in (elementwise, structural, indexing, reductions, contractions, linalg, composites, control_flow):
    for _name, _rule in _family.RULES.items():
        if _name in RULES:
            raise LoweringError(f"jax rule for {_name!r} is defined twice")
        RULES[_name] = _rule


def _constant(arr: Any) -> Any:
    return jax.numpy.asarray(arr)


def to_function(graph: Graph) -> Callable[..., tuple[Any, ...]]:
    """A function of JAX arrays (or tracers) computing the graph's outputs as a tuple."""

    def fn(*args: Any) -> tuple[Any, ...]:
        return tuple(evaluate(graph, RULES, args, constant=_constant))

    fn.__name__ = graph.name or "main"
    return fn
