"""Keras 2's H5 weights layout (the files ``keras.applications`` publishes, and ``model.save_weights("w.h5")``
of Keras 2): the root (or its ``model_weights`` group) names the layers that have weights in its
``layer_names`` attribute, and each layer's group names its arrays, in order, in ``weight_names``. As Keras 3
does, the layers are matched by position with the model's layers that have weights, and each layer's arrays
with its weights in order; the file is read as untrusted data first (``h5_safe``).

>>> load_legacy_weights(model, tree, names, skip_mismatch=False, file="resnet50.h5")    # doctest: +SKIP
"""
from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from hornet.api.saving.file_errors import ModelFileError


def is_legacy(tree: dict[str, dict[str, np.ndarray]], names: dict[str, dict[str, list[str]]]) -> bool:
    """Whether an H5 file has Keras 2's layout."""
    return "layer_names" in names.get("", {}) or "layer_names" in names.get("model_weights", {}) or \
        any(path.startswith("model_weights") or any(":" in n for n in arrays) for path, arrays in tree.items())


def _stored_layers(tree: dict[str, dict[str, np.ndarray]], names: dict[str, dict[str, list[str]]],
                   file: str | None, member: str | None) -> list[tuple[str, list[np.ndarray]]]:
    base = "model_weights" if "layer_names" in names.get("model_weights", {}) else ""
    if "layer_names" not in names.get(base, {}):
        raise ModelFileError("a Keras 2 H5 file without a layer_names attribute", file=file, member=member,
                             path=f"/{base}")
    layers = []
    for layer in names[base]["layer_names"]:
        group = f"{base}/{layer}" if base else layer
        arrays = []
        for weight in names.get(group, {}).get("weight_names", []):
            where, _, dataset = f"{group}/{weight}".rpartition("/")
            array = tree.get(where, {}).get(dataset)
            if array is None:
                raise ModelFileError(f"layer '{layer}' names weight '{weight}', which the file does not hold",
                                     file=file, member=member, path=f"/{group}")
            arrays.append(array)
        if arrays:
            layers.append((layer, arrays))
    return layers


def load_legacy_weights(model: Any, tree: dict[str, dict[str, np.ndarray]], names: dict[str, dict[str, list[str]]],
                        skip_mismatch: bool, file: str | None, member: str | None) -> None:
    """Assign a Keras 2 weights file's arrays to ``model``; nothing is assigned unless every layer fits (or,
    with ``skip_mismatch``, is skipped with a warning)."""
    stored = _stored_layers(tree, names, file, member)
    layers = [layer for layer in model.layers if layer.weights]
    if len(stored) != len(layers):
        raise ModelFileError(f"the file holds weights for {len(stored)} layers, but model '{model.name}' has "
                             f"{len(layers)} layers with weights", file=file, member=member)
    pairs: list[tuple[Any, np.ndarray]] = []
    for (stored_name, arrays), layer in zip(stored, layers):
        weights = layer.weights
        problem = None
        if len(arrays) != len(weights):
            problem = f"the file's layer '{stored_name}' holds {len(arrays)} weights, the layer has {len(weights)}"
        else:
            bad = [(w.name, tuple(a.shape), tuple(w.shape)) for w, a in zip(weights, arrays)
                   if tuple(a.shape) != tuple(w.shape)]
            if bad:
                name, got, want = bad[0]
                problem = f"weight '{name}' has shape {want}, the file's layer '{stored_name}' holds {got}"
        if problem is None:
            pairs += list(zip(weights, arrays))
        elif skip_mismatch:
            warnings.warn(f"{file or 'the file'}: skipping layer '{layer.name}': {problem}", stacklevel=4)
        else:
            raise ModelFileError(f"layer '{layer.name}': {problem}", file=file, member=member,
                                 path=f"/{stored_name}")
    for v, a in pairs:
        v.assign(np.asarray(a, dtype=v.dtype.np))


__all__ = ["is_legacy", "load_legacy_weights"]
