"""A graph lowered to StableHLO through ``jax.export``: text for inspection, bytes for deployment.

Symbolic dims in the graph's input types stay symbolic in the exported module (one artifact for every
batch size).
"""
from __future__ import annotations

from typing import Any, Sequence

import jax
from jax import export as jax_export

from hornet.ir.graph import Graph
from hornet.ir.symbolic import is_symbolic, symbols
from hornet.lowering import jax as jax_lowering
from hornet.lowering.jax import exact_types


def abstract_inputs(graph: Graph) -> list[jax.ShapeDtypeStruct]:
    """ShapeDtypeStructs for the graph inputs, symbolic dims sharing one scope."""
    names = sorted({s for v in graph.inputs for d in v.type.shape if is_symbolic(d) for s in symbols(d)})
    scope = jax_export.SymbolicScope() if names else None
    out = []
    for v in graph.inputs:
        dims = ",".join(str(d) for d in v.type.shape)
        shape = jax_export.symbolic_shape(dims, scope=scope) if any(is_symbolic(d) for d in v.type.shape) \
            else tuple(v.type.shape)
        out.append(jax.ShapeDtypeStruct(shape, v.type.dtype.np))
    return out


class JaxLowered:
    """``hornet.jit(fn).lower(*specs)`` on JAX: ``.graph`` (hornet IR), ``.as_text()`` (StableHLO MLIR)."""

    def __init__(self, graph: Graph, platforms: tuple[str, ...] | None = None,
                 input_shapes: Sequence[tuple[int, ...]] | None = None):
        self.graph = graph
        self.platforms = platforms  # None: the current JAX platform only
        self.input_shapes = input_shapes  # None: the graph's input shapes, symbolic dims kept
        self._exported: Any = None

    @property
    def exported(self) -> Any:
        """The ``jax.export.Exported`` program (computed once)."""
        if self._exported is None:
            fn = jax.jit(jax_lowering.to_function(self.graph))
            with exact_types():
                self._exported = jax_export.export(fn, platforms=self.platforms)(*self._abstract_inputs())
        return self._exported

    def _abstract_inputs(self) -> list[jax.ShapeDtypeStruct]:
        if self.input_shapes is None:
            return abstract_inputs(self.graph)
        return [jax.ShapeDtypeStruct(tuple(shape), v.type.dtype.np)
                for v, shape in zip(self.graph.inputs, self.input_shapes, strict=True)]

    def as_text(self) -> str:
        """The StableHLO module as MLIR text."""
        return self.exported.mlir_module()

    def serialize(self) -> bytes:
        """Portable bytes, loadable with ``jax.export.deserialize`` (or ``hornet.runtime.jax_export.load``)."""
        return bytes(self.exported.serialize())

    def compile(self) -> Any:
        call = jax.jit(self.exported.call)

        def run(*args: Any) -> Any:
            with exact_types():
                return call(*args)

        return run


def load(data: bytes) -> Any:
    """Deserialize an exported program; call it with ``.call(*arrays)``."""
    return jax_export.deserialize(bytearray(data))
