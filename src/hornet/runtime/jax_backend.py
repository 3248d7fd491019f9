"""The JAX backend: eager ops run the JAX rules directly; graphs compile with ``jax.jit`` to XLA."""
from __future__ import annotations

from typing import Any, Callable, Sequence

import jax
import jax.numpy as jnp
import numpy as np

from hornet.ir.dtypes import dtype as to_dtype
from hornet.ir.graph import Graph
from hornet.ir.types import TensorType
from hornet.lowering import jax as jax_lowering
from hornet.runtime.backend import Backend
from hornet.runtime.jax_export import JaxLowered


class JaxBackend(Backend):
    name = "jax"

    def asarray(self, x: Any) -> Any:
        if isinstance(x, jax.Array):
            return x
        return jnp.asarray(x if isinstance(x, np.ndarray) else np.asarray(x))

    def is_array(self, x: Any) -> bool:
        return isinstance(x, jax.Array)

    def type_of(self, x: Any) -> TensorType:
        return TensorType(to_dtype(x.dtype), tuple(int(d) for d in x.shape))

    def to_numpy(self, x: Any) -> np.ndarray:
        return np.asarray(x)

    def eager(self, prim: str) -> Callable[..., Any]:
        return jax_lowering.RULES[prim]

    def region_function(self, graph: Graph) -> Callable[..., Sequence[Any]]:
        return jax_lowering.to_function(graph)

    def compile(self, graph: Graph) -> Callable[..., Sequence[Any]]:
        return jax.jit(jax_lowering.to_function(graph))

    def lower(self, graph: Graph) -> JaxLowered:
        return JaxLowered(graph)


BACKEND = JaxBackend()
