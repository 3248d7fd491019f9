"""The JAX backend: eager ops run the JAX rules directly; graphs compile with ``jax.jit`` to XLA."""
from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence

import jax
import jax.numpy as jnp
import numpy as np

from hornet.ir.dtypes import dtype as to_dtype
from hornet.ir.graph import Graph
from hornet.ir.prims import PRIMITIVES
from hornet.ir.types import TensorType
from hornet.lowering import jax as jax_lowering
from hornet.lowering.jax import exact_types
from hornet.runtime.backend import Backend
from hornet.runtime.jax_export import JaxLowered


_TYPES: dict[tuple[Any, Any], TensorType] = {}
_EAGER: dict[str, Callable[..., Any]] = {}


class JaxBackend(Backend):
    name = "jax"

    def asarray(self, x: Any) -> Any:
        if isinstance(x, jax.Array):
            return x
        with exact_types():
            return jnp.asarray(x if isinstance(x, np.ndarray) else np.asarray(x))

    def is_array(self, x: Any) -> bool:
        return isinstance(x, jax.Array)

    def type_of(self, x: Any) -> TensorType:
        key = (x.shape, x.dtype)
        t = _TYPES.get(key)
        if t is None:  # eager dispatch asks this for every operand: build each type once
            t = _TYPES[key] = TensorType(to_dtype(x.dtype), tuple(int(d) for d in x.shape))
        return t

    def to_numpy(self, x: Any) -> np.ndarray:
        return np.asarray(x)

    def eager(self, prim: str) -> Callable[..., Any]:
        rule = _EAGER.get(prim)
        if rule is None:
            # jax.jit's C++ dispatch is several times faster than running lax ops one by one; attributes are
            # static. Region prims get fresh region callables each call, so they run the rule directly.
            p = PRIMITIVES[prim]
            rule = jax_lowering.RULES.get(prim) or self.decomposed(prim)
            if not p.num_regions:
                rule = jax.jit(rule, static_argnames=tuple(p.attrs))
            rule = _EAGER[prim] = _exact(rule)
        return rule

    def run_once(self, graph: Graph, arrays: Sequence[Any]) -> Sequence[Any]:
        return jax_lowering.to_function(graph)(*arrays)  # under the eager jax.jit above: once per signature

    def region_function(self, graph: Graph) -> Callable[..., Sequence[Any]]:
        return jax_lowering.to_function(graph)

    def compile(self, graph: Graph, donate: Sequence[int] = (), state_updates: Mapping[int, int] | None = None,
                jit_compile: Any = "auto", placement: Any = None) -> Callable[..., Sequence[Any]]:
        if placement is not None:  # a hornet.distribution is active: one SPMD program over its mesh
            run = self.sharding().compile(jax_lowering.to_function(graph), donate, placement)
            exact = _exact(run)
            exact.jitted, exact.placement = run.jitted, placement  # for inspection
            return exact
        return _exact(jax.jit(jax_lowering.to_function(graph), donate_argnums=tuple(donate)))

    def sharding(self) -> Any:
        from hornet.runtime.jax_sharding import SUPPORT

        return SUPPORT

    def lower(self, graph: Graph) -> JaxLowered:
        return JaxLowered(graph)


def _exact(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn`` run in ``exact_types()`` (traced, compiled and called with 64-bit types kept)."""

    def run(*args: Any, **kwargs: Any) -> Any:
        with exact_types():
            return fn(*args, **kwargs)

    return run


BACKEND = JaxBackend()
