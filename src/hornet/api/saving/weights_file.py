"""``model.save_weights(path)`` / ``model.load_weights(path)``: the weights alone, as safetensors (and, from a
``.hornet`` model file, its weights entry).

>>> model.save_weights("m.weights.safetensors")          # doctest: +SKIP
>>> model.load_weights("m.weights.safetensors")
"""
from __future__ import annotations

import os
import tempfile
from typing import Any

from hornet.api.saving import tensors_file


def _names(model: Any) -> list[str]:
    return [f"{i:05d}:{getattr(v, 'path', v.name)}" for i, v in enumerate(model.weights)]


def save_weights(model: Any, filepath: str, overwrite: bool = True) -> None:
    filepath = os.fspath(filepath)
    if not filepath.endswith(".weights.safetensors"):
        raise ValueError(f"weights files end in '.weights.safetensors'; got '{filepath}'")
    if os.path.exists(filepath) and not overwrite:
        raise FileExistsError(f"{filepath} exists and overwrite=False")
    data = tensors_file.dump(dict(zip(_names(model), [v.numpy() for v in model.weights])),
                             {"format": "hornet.weights", "model": model.name})
    fd, tmp = tempfile.mkstemp(prefix=".hornet-weights-", dir=os.path.dirname(os.path.abspath(filepath)))
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, filepath)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def load_weights(model: Any, filepath: str, skip_mismatch: bool = False) -> None:
    filepath = os.fspath(filepath)
    if filepath.endswith(".hornet") or filepath.endswith(".keras"):
        from hornet.api.saving.model_file import read_entries

        blob = read_entries(filepath)["weights.safetensors"]
    else:
        with open(filepath, "rb") as f:
            blob = f.read()
    arrays, _ = tensors_file.parse(blob, filepath)
    values = [arrays[k] for k in sorted(arrays)]
    weights = model.weights
    if len(values) != len(weights):
        raise ValueError(f"{filepath}: the file has {len(values)} weights but model '{model.name}' has "
                         f"{len(weights)}")
    pairs = []
    for name, v, a in zip(_names(model), weights, values):
        if tuple(a.shape) != tuple(v.shape):
            if skip_mismatch:
                continue
            raise ValueError(f"{filepath}: weight {name} has shape {a.shape} in the file but {v.shape} in the model")
        pairs.append((v, a))
    for v, a in pairs:  # assign only after every check passed: a bad file leaves the model untouched
        v.assign(a)


__all__ = ["save_weights", "load_weights"]
