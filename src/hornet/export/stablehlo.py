"""The ``stablehlo`` format: ``model.mlir`` (StableHLO text) and ``model.jax_exported`` (``jax.export``'s
serialized program, weights baked in), which runs with plain ``jax.export.deserialize(data).call(x)``.

The module is lowered for CPU, CUDA and TPU when every rule lowers on all three, else for CPU alone; the
manifest's ``platforms`` says which.
"""
from __future__ import annotations

import os
from typing import Any

from hornet.export.program import InferenceProgram
from hornet.runtime.jax_export import JaxLowered

PLATFORMS = ("cpu", "cuda", "tpu")


def lowered(program: InferenceProgram, folded: bool = True) -> Any:
    """The program as a JaxLowered, for every platform in PLATFORMS when possible."""
    graph = program.folded() if folded else program.graph
    try:
        result = JaxLowered(graph, platforms=PLATFORMS)
        result.exported  # noqa: B018  (lower now: a rule missing on some platform falls back to CPU)
        return result
    except Exception:  # noqa: BLE001  (any lowering failure for an accelerator: CPU-only is still useful)
        result = JaxLowered(graph, platforms=("cpu",))
        result.exported  # noqa: B018
        return result


def write(program: InferenceProgram, folder: str) -> dict[str, Any]:
    low = lowered(program)
    with open(os.path.join(folder, "model.mlir"), "w") as f:
        f.write(low.as_text())
    with open(os.path.join(folder, "model.jax_exported"), "wb") as f:
        f.write(low.serialize())
    return {"platforms": list(low.exported.platforms)}
