"""``model.to_torch()``: a hornet model as a ``torch.nn.Module`` that torch autograd and ``torch.optim`` train.

The forward pass is the model's traced forward graph lowered to an FX module of ATen ops (``lowering.torch``),
traced once per input signature. Trainable weights are ``nn.Parameter``s, the others buffers; both are named by
the variable paths (``"dense/kernel"``), which are the ``state_dict`` keys.

>>> module = model.to_torch()                                  # doctest: +SKIP
>>> opt = torch.optim.SGD(module.parameters(), lr=0.1)          # doctest: +SKIP
>>> loss = module(torch.randn(8, 4)).square().mean(); loss.backward(); opt.step()   # doctest: +SKIP
>>> module.copy_to_model()        # the trained weights back into the hornet model   # doctest: +SKIP
"""
from __future__ import annotations

from typing import Any

import torch

from hornet.ir import pytree
from hornet.ir.errors import HornetError
from hornet.lowering import torch as torch_lowering
from hornet.lowering.torch import dtypes
from hornet.runtime.backend import get_backend


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
        self._device = torch.device(device) if device is not None else get_backend("torch").device
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

        backend = get_backend("torch")
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
