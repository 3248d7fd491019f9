"""``model.save_weights(path)`` / ``model.load_weights(path)``: the weights alone, as safetensors (and, from a
``.hornet`` model file, its weights entry).

>>> model.save_weights("m.weights.safetensors")          # doctest: +SKIP
>>> model.load_weights("m.weights.safetensors")
"""
from __future__ import annotations

import os
from typing import Any

from hornet.api.saving import tensors_file
from hornet.api.saving.atomic_write import write_atomically
from hornet.api.saving.file_errors import ModelFileError
from hornet.api.saving.restore import array_key, assign, match_arrays

MAX_WEIGHTS_FILE = 256 * 1024 ** 3


def save_weights(model: Any, filepath: str, overwrite: bool = True) -> None:
    filepath = os.fspath(filepath)
    if filepath.endswith(".weights.h5"):  # Keras 3's layout
        from hornet.api.saving.keras_h5 import save_weights_h5

        if os.path.exists(filepath) and not overwrite:
            raise FileExistsError(f"{filepath} exists and overwrite=False")
        return save_weights_h5(model, filepath)
    if not filepath.endswith(".weights.safetensors"):
        raise ValueError(f"weights files end in '.weights.safetensors' (or '.weights.h5', Keras's layout); got "
                         f"'{filepath}'")
    if os.path.exists(filepath) and not overwrite:
        raise FileExistsError(f"{filepath} exists and overwrite=False")
    data = tensors_file.dump({array_key(i, v): v.numpy() for i, v in enumerate(model.weights)},
                             {"format": "hornet.weights", "model": model.name})
    write_atomically(filepath, lambda f: f.write(data))


def load_weights(model: Any, filepath: str, skip_mismatch: bool = False) -> None:
    """Assign the file's weights to ``model`` by position; a bad file leaves the model untouched."""
    filepath = os.fspath(filepath)
    member = None
    if os.path.isdir(filepath):
        from hornet.api.callbacks.orbax_checkpoint import is_orbax_directory, load_orbax_checkpoint

        if is_orbax_directory(filepath):  # an OrbaxCheckpoint directory: its newest step
            load_orbax_checkpoint(model, filepath)
            return
        raise ModelFileError("a directory is not a weights file (an OrbaxCheckpoint directory holds numbered "
                             "step folders)", file=filepath)
    if filepath.endswith(".h5") or filepath.endswith(".keras"):  # Keras 3's layout (or a hornet zip)
        from hornet.api.saving.keras_archive import load_keras_weights

        if load_keras_weights(model, filepath, skip_mismatch):
            return
    if filepath.endswith(".hornet") or filepath.endswith(".keras"):
        from hornet.api.saving.model_file import read_entries

        member = "weights.safetensors"
        blob = read_entries(filepath)[member]
    else:
        size = os.path.getsize(filepath)
        if size > MAX_WEIGHTS_FILE:
            raise ModelFileError(f"the file is implausibly large ({size} bytes)", file=filepath)
        with open(filepath, "rb") as f:
            blob = f.read()
    arrays, _ = tensors_file.parse(blob, filepath, member)
    assign(match_arrays(arrays, model.weights, "weights", filepath, member, skip_mismatch=skip_mismatch))


__all__ = ["save_weights", "load_weights"]
