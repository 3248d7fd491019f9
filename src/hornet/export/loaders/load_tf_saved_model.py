"""Run a ``tf_saved_model`` artifact with TensorFlow alone: the ``serving_default`` signature of
``tf.saved_model.load``, called with the manifest's input names.

>>> run = load("out/tf_saved_model", manifest)         # doctest: +SKIP
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np


def load(folder: str, manifest: dict[str, Any]) -> Callable[[list[np.ndarray]], list[np.ndarray]]:
    import tensorflow as tf

    serving = tf.saved_model.load(folder).signatures["serving_default"]
    in_names = [s["name"] for s in manifest["inputs"]]
    out_names = [s["name"] for s in manifest["outputs"]]

    def run(inputs: list[Any]) -> list[np.ndarray]:
        result = serving(**{name: tf.constant(x) for name, x in zip(in_names, inputs)})
        return [result[name].numpy() for name in out_names]

    return run
