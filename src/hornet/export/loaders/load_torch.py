"""Run a ``torch`` artifact with PyTorch alone: ``torch.export.load`` of ``model.pt2``.

>>> run = load("out/torch", manifest)                            # doctest: +SKIP
"""
from __future__ import annotations

import os
from typing import Any, Callable

import numpy as np

FILE = "model.pt2"


def load(folder: str, manifest: dict[str, Any]) -> Callable[[list[np.ndarray]], list[np.ndarray]]:
    import torch

    module = torch.export.load(os.path.join(folder, FILE)).module()

    def run(inputs: list[Any]) -> list[np.ndarray]:
        with torch.no_grad():
            outs = module(*[torch.from_numpy(np.ascontiguousarray(x)) for x in inputs])
        return [o.detach().cpu().numpy() for o in (outs if isinstance(outs, (tuple, list)) else (outs,))]

    return run
