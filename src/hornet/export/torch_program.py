"""The ``torch`` format: a ``torch.export`` ExportedProgram (``model.pt2``) built from the torch lowering's graph,
loadable with plain ``torch.export.load(path).module()``. Symbolic dims become ``torch.export.Dim``s."""
from __future__ import annotations

import os
from typing import Any

import numpy as np
import torch

from hornet.export.program import InferenceProgram
from hornet.ir.symbolic import is_symbolic
from hornet.lowering import torch as torch_lowering

# example sizes for symbolic dims while tracing: distinct, and unlike the 0/1 sizes torch.export specializes
_EXAMPLE_SIZES = (11, 13, 17, 19, 23, 29, 31)


class _Forward(torch.nn.Module):
    def __init__(self, fn: Any, num_outputs: int):
        super().__init__()
        self._fn = fn
        self._num_outputs = num_outputs

    def forward(self, *inputs: torch.Tensor) -> tuple[torch.Tensor, ...]:
        return tuple(self._fn(*inputs))[:self._num_outputs]


def write(program: InferenceProgram, folder: str) -> dict[str, Any]:
    graph = program.folded()
    dims: dict[str, Any] = {}
    examples, dynamic = [], []
    for sig in program.inputs:
        shape, spec = [], {}
        for axis, d in enumerate(sig.shape):
            if is_symbolic(d):
                name = str(d)
                if name not in dims:
                    dims[name] = torch.export.Dim(re_identifier(name), min=1)
                spec[axis] = dims[name]
                shape.append(_EXAMPLE_SIZES[list(dims).index(name) % len(_EXAMPLE_SIZES)])
            else:
                shape.append(d)
        examples.append(torch.from_numpy(np.zeros(shape, dtype=sig.dtype)))
        dynamic.append(spec or None)
    module = _Forward(torch_lowering.to_function(graph), len(program.outputs))
    exported = torch.export.export(module, tuple(examples), dynamic_shapes=(tuple(dynamic),))  # one *inputs
    torch.export.save(exported, os.path.join(folder, "model.pt2"))
    return {}


def re_identifier(name: str) -> str:
    cleaned = "".join(c if c.isalnum() or c == "_" else "_" for c in name)
    return cleaned if cleaned and not cleaned[0].isdigit() else f"d_{cleaned}"
