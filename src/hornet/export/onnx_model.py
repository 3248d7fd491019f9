"""The ``onnx`` format: ``model.onnx`` from the ONNX lowering table (opset 18), checked with ``onnx.checker`` and
loadable by onnxruntime without hornet. Symbolic dims become ``dim_param``s."""
from __future__ import annotations

import os
from typing import Any

from hornet.export.program import InferenceProgram
from hornet.lowering.onnx import to_onnx

OPSET = 18


def write(program: InferenceProgram, folder: str) -> dict[str, Any]:
    model = to_onnx(program.folded(), [s.name for s in program.inputs], [s.name for s in program.outputs],
                    opset=OPSET, model_name=program.name)
    with open(os.path.join(folder, "model.onnx"), "wb") as f:
        f.write(model.SerializeToString())
    return {"opset": OPSET}
