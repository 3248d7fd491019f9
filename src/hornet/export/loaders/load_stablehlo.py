"""Run a ``stablehlo`` artifact with JAX alone: ``jax.export.deserialize`` of ``model.jax_exported``.

>>> run = load("out/stablehlo", manifest)                        # doctest: +SKIP
>>> run([x])[0].shape
"""
from __future__ import annotations

import os
from typing import Any, Callable

import numpy as np

FILE = "model.jax_exported"


def load(folder: str, manifest: dict[str, Any]) -> Callable[[list[np.ndarray]], list[np.ndarray]]:
    import jax
    from jax import export

    with open(os.path.join(folder, FILE), "rb") as f:
        exported = export.deserialize(bytearray(f.read()))

    def run(inputs: list[Any]) -> list[np.ndarray]:
        with jax.enable_x64(True):  # a 64-bit input stays 64-bit, for this call only
            return [np.asarray(out) for out in exported.call(*inputs)]

    return run
