"""The PyTorch backend: eager ops run the torch rules on tensors; graphs become FX modules of the same rules
(ATen ops) run directly (``"auto"``, the default, and ``False``) or compiled by Inductor (``jit_compile=True``).
``"auto"`` can also tier up to Inductor in the background (opt-in, see ``torch_tiered`` for why it is off).

Device: ``HORNET_TORCH_DEVICE`` (``cpu``, ``cuda``, ``cuda:1``, ...), else CUDA when available, else the CPU.
The device is hornet's own setting: torch's process-wide default device, dtype and thread count are never
touched.

``model.to_torch()`` is ``HornetModule``: the model's forward graph as the same FX module, with the weights as
``nn.Parameter``s (named by variable path, the ``state_dict`` keys) so torch autograd and ``torch.optim`` train it;
``module.copy_to_model()`` writes them back.
"""
from __future__ import annotations

import os
from typing import Any, Callable, Mapping, Sequence

import numpy as np
import torch

from hornet.ir import pytree
from hornet.ir.dtypes import DType, dtype as to_dtype, is_python_scalar, result_type
from hornet.ir.errors import HornetError
from hornet.ir.graph import Graph
from hornet.ir.types import TensorType
from hornet.lowering import torch as torch_lowering
from hornet.lowering.torch import dtypes
from hornet.runtime.backend import Backend
from hornet.runtime.torch_tiered import TieredProgram, tier_up_calls

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
            return self.decomposed(prim)
        applies = getattr(rule, "applies", None)  # a rule for some attrs/types only: the others decompose
        if applies is not None:
            decomposed = self.decomposed(prim)

            def checked(*arrays: Any, **attrs: Any) -> Any:
                fits = applies(attrs, [self.type_of(a) for a in arrays])
                return rule(*arrays, **attrs) if fits else decomposed(*arrays, **attrs)

            return checked
        return rule

    def region_function(self, graph: Graph) -> Callable[..., Sequence[Any]]:
        return torch_lowering.to_function(graph, self._device)

    def run_once(self, graph: Graph, arrays: Sequence[Any]) -> list[Any]:
        from hornet.lowering.torch.fx_graph import interpreted  # one-off graphs: no FX module to build

        with dtypes.on_device(self._device):
            return list(interpreted(graph, torch_lowering.RULES, self._device)(*arrays))

    def compile(self, graph: Graph, donate: Sequence[int] = (), state_updates: Mapping[int, int] | None = None,
                jit_compile: Any = "auto") -> Callable[..., Sequence[Any]]:
        """The graph's FX module run directly (``jit_compile`` "auto" or False: no compile time, one Python call
        per prim), or compiled by Inductor (``jit_compile=True``: seconds to compile, fused kernels after).
        ``"auto"`` tiers up to Inductor in the background when ``HORNET_TORCH_TIER_UP_CALLS`` asks for it.
        State outputs replace their variables' tensors at the step boundary (buffers are swapped, not copied)."""
        fn = torch_lowering.to_function(graph, self._device)
        if jit_compile is True:
            fn = inductor(fn)
        elif jit_compile == "auto" and tier_up_calls():
            fn = TieredProgram(fn, inductor, self._device)
        device = self._device

        def run(*args: Any) -> list[Any]:
            tensors = [a if isinstance(a, torch.Tensor) and a.device == device else self.asarray(a) for a in args]
            with torch.no_grad(), dtypes.on_device(device):
                return list(fn(*tensors))

        run.program = fn  # type: ignore[attr-defined]  # the TieredProgram, FX module or compiled function
        return run

    def lower(self, graph: Graph) -> Any:
        from hornet.runtime.torch_export import TorchLowered

        return TorchLowered(graph, self._device)

    def to_module(self, model: Any, training: bool = False, device: Any = None) -> "HornetModule":
        """``model.to_torch()``: the model's forward pass as a ``torch.nn.Module`` (see ``HornetModule``)."""
        return HornetModule(model, training=training, device=device)


def inductor(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn`` (an FX module) compiled by Inductor on first call, for its input shapes (no dynamic shapes: hornet
    retraces per signature itself), as one graph: the module is straight-line ATen code, so nothing breaks it."""
    return torch.compile(fn, backend="inductor", fullgraph=True, dynamic=False)


def _names(variables: list[Any]) -> list[str]:
    """One unique module attribute name per variable: its path ("." is not allowed in torch names)."""
    names: list[str] = []
    seen: set[str] = set()
    for v in variables:
        base = str(getattr(v, "path", v.name)).replace(".", "_")
        name, n = base, 1
        while name in seen:
            n += 1
            name = f"{base}_{n}"
        seen.add(name)
        names.append(name)
    return names


class HornetModule(torch.nn.Module):
    """A hornet model's forward pass (``training=False`` unless asked) with its weights as torch tensors."""

    def __init__(self, model: Any, training: bool = False, device: Any = None):
        super().__init__()
        if not getattr(model, "built", False) or not model.weights:
            raise HornetError(f"to_torch: model {getattr(model, 'name', '?')!r} has no weights yet; build it "
                              "(call it once, or give it an Input) first")
        self._hornet_model = [model]  # in a list: not a torch submodule
        self._training_mode = training
        self._device = torch.device(device) if device is not None else BACKEND.device
        variables = list(model.weights)
        self._variables = variables
        self._slots: dict[int, str] = {}
        for v, name in zip(variables, _names(variables)):
            tensor = dtypes.from_numpy(v.numpy(), self._device)
            if v.trainable and tensor.is_floating_point():
                self.register_parameter(name, torch.nn.Parameter(tensor))
            else:
                self.register_buffer(name, tensor)
            self._slots[id(v)] = name
        self._graphs: dict[Any, Any] = {}

    def _tensor(self, variable: Any) -> torch.Tensor:
        name = self._slots.get(id(variable))
        if name is None:
            raise HornetError(f"to_torch: the forward pass reads variable {variable.name!r}, which is not one of "
                              "the model's weights")
        return getattr(self, name)

    def _program(self, leaves: list[torch.Tensor], in_tree: Any) -> tuple[Any, Any]:
        from hornet.runtime.jit import jit

        backend = BACKEND
        key = (in_tree, tuple(backend.type_of(t) for t in leaves))
        entry = self._graphs.get(key)
        if entry is None:
            model, training = self._hornet_model[0], self._training_mode
            traced = jit(lambda x: model(x, training=training))._trace(pytree.unflatten(in_tree, list(key[1])))
            entry = self._graphs[key] = (traced, torch_lowering.to_function(traced.graph, self._device))
        return entry

    def forward(self, *inputs: Any) -> Any:
        x = inputs[0] if len(inputs) == 1 else list(inputs)
        leaves, in_tree = pytree.flatten((x,))
        leaves = [t if isinstance(t, torch.Tensor) else dtypes.from_numpy(t, self._device) for t in leaves]
        traced, fn = self._program(leaves, in_tree)
        state = [self._tensor(v) for v in traced.state_in]
        with dtypes.on_device(self._device):
            outs = list(fn(*leaves, *state))
        n = len(outs) - len(traced.state_out)
        return pytree.unflatten(traced.out_tree, outs[:n])

    def copy_to_model(self) -> None:
        """Write this module's current weights back into the hornet model's variables."""
        for v in self._variables:
            v.assign(dtypes.to_numpy(self._tensor(v).detach()))


BACKEND = TorchBackend()
