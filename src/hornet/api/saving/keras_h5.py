"""Keras 3's ``.weights.h5`` files: ``model.save_weights("w.weights.h5")`` writes one Keras 3 loads, and
``model.load_weights("w.weights.h5")`` reads one Keras 3 (or hornet) wrote.

Each layer's (and the optimizer's) own variables sit at ``<object path>/vars/<index>`` (see
:mod:`hornet.api.saving.keras_paths`). Loading checks the whole file first (:func:`read_h5`), then every
object's variable count and shapes, and assigns nothing unless all of it fits. With ``skip_mismatch=True`` a
layer whose variables don't fit is left as it is, with a warning (as Keras does); an optimizer whose variable
count differs is always skipped with a warning (as Keras does, e.g. an optimizer that was never built).

>>> model.save_weights("m.weights.h5")                      # doctest: +SKIP
>>> keras_model.load_weights("m.weights.h5")                # Keras 3 reads it
"""
from __future__ import annotations

import io
import warnings
from typing import Any

import numpy as np

from hornet.api.saving.atomic_write import write_atomically
from hornet.api.saving.file_errors import ModelFileError
from hornet.api.saving.h5_safe import read_h5_with_names, require_h5py
from hornet.api.saving.keras_legacy_h5 import is_legacy, load_legacy_weights
from hornet.api.saving.keras_paths import own_variables, saveables, vars_group


def _check_built(model: Any, action: str) -> None:
    if not getattr(model, "built", False):
        raise ValueError(f"model '{model.name}' has not been built yet, so it has no weights to {action}; call "
                         "it on data (or build it) first")


def weights_h5_bytes(model: Any) -> bytes:
    """The model's weights (and its optimizer's state, once built) as a Keras 3 weights file, in memory."""
    h5py = require_h5py()
    _check_built(model, "save")
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as f:
        for path, obj in saveables(model):
            group = f.create_group(vars_group(path))
            group.attrs["name"] = str(getattr(obj, "name", ""))
            for i, v in enumerate(own_variables(obj)):
                value = np.asarray(v.numpy())
                if value.dtype.name == "bfloat16":  # stored as opaque 2-byte values, tagged, as Keras stores it
                    group.create_dataset(str(i), data=value.view("V2")).attrs["dtype"] = "bfloat16"
                else:
                    group.create_dataset(str(i), data=value)
    return buffer.getvalue()


def save_weights_h5(model: Any, filepath: str) -> None:
    """Write ``model``'s weights to ``filepath`` in Keras 3's H5 layout, atomically."""
    data = weights_h5_bytes(model)
    write_atomically(filepath, lambda f: f.write(data))


def _label(obj: Any, path: str) -> str:
    from hornet.api.optimizers.base import Optimizer

    kind = "optimizer" if isinstance(obj, Optimizer) else "layer"
    return f"{kind} '{getattr(obj, 'name', '?')}' (at '{path or '/'}')"


def load_weights_h5(model: Any, source: str | bytes, skip_mismatch: bool = False, file: str | None = None,
                    member: str | None = None) -> None:
    """Assign the weights of a Keras 3 H5 weights file (a path, or the bytes of an archive member) to
    ``model``; nothing is assigned unless every variable fits (or, with ``skip_mismatch``, is skipped)."""
    from hornet.api.optimizers.base import Optimizer

    _check_built(model, "load")
    file = file if file is not None else (source if isinstance(source, str) else None)
    tree, names = read_h5_with_names(source, file, member)
    if is_legacy(tree, names):  # Keras 2's layout: keras.applications' published weight files
        load_legacy_weights(model, tree, names, skip_mismatch, file, member)
        return
    pairs: list[tuple[Any, np.ndarray]] = []
    for path, obj in saveables(model):
        variables = own_variables(obj)
        where = vars_group(path)
        stored = tree.get(where, {})
        problem = _fit(variables, stored)
        if problem is None:
            pairs += [(v, stored[str(i)]) for i, v in enumerate(variables)]
            continue
        message = f"{_label(obj, path)}: {problem}"
        if isinstance(obj, Optimizer) and "variables" in problem:
            warnings.warn(f"{file or 'the file'}: skipping the optimizer's state: {message}", stacklevel=3)
        elif skip_mismatch:
            warnings.warn(f"{file or 'the file'}: skipping {message}", stacklevel=3)
        else:
            raise ModelFileError(message, file=file, member=member, path=f"/{where}")
    for v, a in pairs:
        v.assign(np.asarray(a, dtype=v.dtype.np) if a.dtype != v.dtype.np else a)


def _fit(variables: list[Any], stored: dict[str, np.ndarray]) -> str | None:
    """Why the stored arrays don't fit the variables (None when they do)."""
    if len(stored) != len(variables) or set(stored) != {str(i) for i in range(len(variables))}:
        return (f"expected {len(variables)} variables, but the file holds {len(stored)} "
                f"({', '.join(sorted(stored)[:8]) or 'none'})")
    for i, v in enumerate(variables):
        a = stored[str(i)]
        if tuple(a.shape) != tuple(v.shape):
            return (f"variable {i} ('{getattr(v, 'path', v.name)}') has shape {tuple(a.shape)} in the file but "
                    f"{tuple(v.shape)} in the model")
        if a.dtype.kind == "b" and v.dtype.np.kind != "b":
            return f"variable {i} ('{getattr(v, 'path', v.name)}') holds booleans in the file"
    return None


__all__ = ["save_weights_h5", "load_weights_h5", "weights_h5_bytes"]
