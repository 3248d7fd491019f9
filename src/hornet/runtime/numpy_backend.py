"""The NumPy backend: eager ops and graphs run by the reference interpreter (the semantics oracle)."""
from __future__ import annotations

from functools import partial
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from hornet.ir.dtypes import dtype as to_dtype
from hornet.ir.graph import Graph
from hornet.ir.types import TensorType, type_of_array
from hornet.lowering import numpy as reference
from hornet.runtime.backend import Backend


class NumpyBackend(Backend):
    name = "numpy"

    def asarray(self, x: Any) -> Any:
        return x if isinstance(x, np.ndarray) else np.asarray(x)

    def is_array(self, x: Any) -> bool:
        return isinstance(x, (np.ndarray, np.generic))

    def type_of(self, x: Any) -> TensorType:
        return type_of_array(x)

    def to_numpy(self, x: Any) -> np.ndarray:
        return np.asarray(x)

    def eager(self, prim: str) -> Callable[..., Any]:
        return reference.eager_rule(prim)

    def run_once(self, graph: Graph, arrays: Sequence[Any]) -> Sequence[Any]:
        return reference.run(graph, *arrays)

    def region_function(self, graph: Graph) -> Callable[..., Sequence[Any]]:
        return partial(reference.run, graph)

    def compile(self, graph: Graph, donate: Sequence[int] = (), state_updates: Mapping[int, int] | None = None,
                jit_compile: Any = "auto") -> Callable[..., Sequence[Any]]:
        return partial(reference.run, graph)

    def lower(self, graph: Graph) -> Any:
        return reference.ReferenceLowered(graph)


BACKEND = NumpyBackend()
