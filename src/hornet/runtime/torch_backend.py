"""The PyTorch backend: eager ops run the torch rules on tensors; graphs run through hornet's interpreter over
the same rules (ATen ops), and compile to one program with Inductor.

Device: ``HORNET_TORCH_DEVICE`` (``cpu``, ``cuda``, ``cuda:1``, ...), else CUDA when available, else the CPU.
The device is hornet's own setting: torch's process-wide default device, dtype and thread count are never
touched.
"""
from __future__ import annotations

import os
from typing import Any, Callable, Mapping, Sequence

import numpy as np
import torch

from hornet.ir.dtypes import DType, dtype as to_dtype, is_python_scalar, result_type
from hornet.ir.graph import Graph
from hornet.ir.types import TensorType
from hornet.lowering import torch as torch_lowering
from hornet.lowering.torch import dtypes
from hornet.runtime.backend import Backend

_TYPES: dict[tuple[Any, Any], TensorType] = {}


def _default_device() -> str:
    chosen = os.environ.get("HORNET_TORCH_DEVICE", "").strip()
    if chosen:
        return chosen
    return "cuda" if torch.cuda.is_available() else "cpu"


class TorchBackend(Backend):
    name = "torch"
    emulated_dtypes = frozenset({DType.uint32})

    def __init__(self) -> None:
        self._device = torch.device(_default_device())

    @property
    def device(self) -> str:
        return str(self._device)

    def asarray(self, x: Any) -> Any:
        if isinstance(x, torch.Tensor):
            return x if x.device == self._device else x.to(self._device)
        if is_python_scalar(x):
            x = np.asarray(x, dtype=result_type(x).np)
        return dtypes.from_numpy(np.asarray(x), self._device)

    def is_array(self, x: Any) -> bool:
        return isinstance(x, torch.Tensor)

    def type_of(self, x: Any) -> TensorType:
        key = (tuple(x.shape), x.dtype)
        t = _TYPES.get(key)
        if t is None:
            dt = dtypes.HORNET[x.dtype] if isinstance(x.dtype, torch.dtype) else to_dtype(x.dtype)  # NumPy input
            t = _TYPES[key] = TensorType(dt, tuple(int(d) for d in x.shape))
        return t

    def to_numpy(self, x: Any) -> np.ndarray:
        return dtypes.to_numpy(x)

    def eager(self, prim: str) -> Callable[..., Any]:
        rule = torch_lowering.RULES.get(prim)
        if rule is None:
            return self._decomposed(prim)
        return rule

    def _decomposed(self, prim: str) -> Callable[..., Any]:
        from hornet.ir.prims import PRIMITIVES
        from hornet.ir.tracer import trace

        p = PRIMITIVES[prim]

        def rule(*arrays: Any, **attrs: Any) -> Any:
            graph = trace(lambda *xs: p.decomposition(*xs, **attrs), *[self.type_of(a) for a in arrays])
            outs = self._run(graph, arrays)
            return tuple(outs) if p.multiple_results else outs[0]

        return rule

    def region_function(self, graph: Graph) -> Callable[..., Sequence[Any]]:
        return torch_lowering.to_function(graph, self._device)

    def _run(self, graph: Graph, arrays: Sequence[Any]) -> list[Any]:
        from hornet.lowering.torch.fx_graph import interpreted  # one-off graphs: no FX module to build

        with dtypes.on_device(self._device):
            return list(interpreted(graph, torch_lowering.RULES, self._device)(*arrays))

    def compile(self, graph: Graph, donate: Sequence[int] = (), state_updates: Mapping[int, int] | None = None,
                jit_compile: Any = "auto") -> Callable[..., Sequence[Any]]:
        """The graph's FX module run directly (``jit_compile`` "auto" or False: no compile time, one Python call
        per prim), or compiled by Inductor (``jit_compile=True``: seconds to compile, fused kernels after).
        State outputs replace their variables' tensors at the step boundary (buffers are swapped, not copied)."""
        fn = torch_lowering.to_function(graph, self._device)
        if jit_compile is True:
            fn = inductor(fn)
        device = self._device

        def run(*args: Any) -> list[Any]:
            tensors = [a if isinstance(a, torch.Tensor) and a.device == device else self.asarray(a) for a in args]
            with torch.no_grad(), dtypes.on_device(device):
                return list(fn(*tensors))

        return run

    def lower(self, graph: Graph) -> Any:
        from hornet.runtime.torch_export import TorchLowered

        return TorchLowered(graph, self._device)


def inductor(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn`` (an FX module) compiled by Inductor on first call, for its input shapes (no dynamic shapes: hornet
    retraces per signature itself), as one graph: the module is straight-line ATen code, so nothing breaks it."""
    return torch.compile(fn, backend="inductor", fullgraph=True, dynamic=False)


BACKEND = TorchBackend()
