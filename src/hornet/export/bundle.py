"""The ``hornet`` format: the portable bundle, ``model.hornet`` (config, IR graph JSON, safetensors weights),
re-lowerable by any later hornet. A bare graph (no model file) is written as ``model.graph.json``."""
from __future__ import annotations

import os
import shutil

from hornet.export.program import InferenceProgram


def write(program: InferenceProgram, folder: str) -> None:
    if program.source_file is not None:
        shutil.copyfile(program.source_file, os.path.join(folder, "model.hornet"))
    else:
        with open(os.path.join(folder, "model.graph.json"), "w") as f:
            f.write(program.graph.to_json())
