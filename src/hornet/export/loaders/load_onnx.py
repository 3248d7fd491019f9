"""Run an ``onnx`` artifact with onnxruntime alone (``model.onnx``, CPU provider).

>>> run = load("out/onnx", manifest)                             # doctest: +SKIP
"""
from __future__ import annotations

import os
from typing import Any, Callable

import numpy as np

FILE = "model.onnx"


def load(folder: str, manifest: dict[str, Any]) -> Callable[[list[np.ndarray]], list[np.ndarray]]:
    import onnxruntime

    session = onnxruntime.InferenceSession(os.path.join(folder, FILE), providers=["CPUExecutionProvider"])
    names = [i.name for i in session.get_inputs()]

    def run(inputs: list[Any]) -> list[np.ndarray]:
        return [np.asarray(o) for o in session.run(None, dict(zip(names, inputs)))]

    return run
