"""Keras 3's ``.keras`` archives: a zip of ``config.json`` (the model as Keras config), ``metadata.json`` and
``model.weights.h5`` (see :mod:`hornet.api.saving.keras_h5`).

``load_model("m.keras")`` tells a Keras archive (``metadata.json`` and ``model.weights.h5``) from a hornet zip
(``hornet.json``) by its members. The model is rebuilt from the translated config by hornet's allowlisted
deserializer (no code from the file runs; ``custom_objects`` resolve custom classes; an unknown class is an
error naming it), compiled from ``compile_config`` when it can be, then given the file's weights (and optimizer
state). ``model.save("m.keras")`` writes an archive that ``keras.saving.load_model`` reads.

>>> model.save("m.keras")                                       # doctest: +SKIP
>>> hornet.models.load_model("m.keras").predict(x)              # doctest: +SKIP
"""
from __future__ import annotations

import datetime
import json
import os
import warnings
import zipfile
from typing import Any

from hornet.api.saving import json_data
from hornet.api.saving.archive import Archive
from hornet.api.saving.atomic_write import write_atomically
from hornet.api.saving.file_errors import ModelFileError, short
from hornet.api.saving.keras_config import from_keras, to_keras
from hornet.api.saving.keras_h5 import load_weights_h5, weights_h5_bytes

CONFIG, METADATA, WEIGHTS = "config.json", "metadata.json", "model.weights.h5"
LIMITS = {CONFIG: 64 << 20, METADATA: 1 << 20, WEIGHTS: 256 * 1024 ** 3}
_SLACK_BYTES = 1 << 20


def is_keras_archive(filepath: str) -> bool:
    """Whether ``filepath`` is a zip whose members say Keras 3 wrote it (no ``hornet.json``)."""
    try:
        with zipfile.ZipFile(filepath) as z:
            names = set(z.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return False
    return "hornet.json" not in names and METADATA in names and WEIGHTS in names


def _read(filepath: str) -> dict[str, bytes]:
    with Archive(filepath, LIMITS, kind="Keras archive") as archive:
        for name in (CONFIG, WEIGHTS):
            if name not in archive.infos:
                raise ModelFileError(f"the Keras archive has no '{name}'", file=filepath)
        return {name: archive.read(name) for name in archive.names}


def load_keras_weights(model: Any, filepath: str, skip_mismatch: bool = False) -> bool:
    """``load_weights`` from a ``.h5`` file or a Keras archive; False when ``filepath`` is neither (a hornet
    model file), so that the caller reads it instead."""
    if filepath.endswith(".h5"):
        if os.path.isfile(filepath) and os.path.getsize(filepath) > LIMITS[WEIGHTS]:
            raise ModelFileError(f"the file is implausibly large ({os.path.getsize(filepath)} bytes)", file=filepath)
        load_weights_h5(model, filepath, skip_mismatch)
        return True
    if not is_keras_archive(filepath):
        return False
    load_weights_h5(model, _read(filepath)[WEIGHTS], skip_mismatch, file=filepath, member=WEIGHTS)
    return True


def load_keras_archive(filepath: str, custom_objects: dict[str, Any] | None = None, compile: bool = True,
                       safe_mode: bool = True) -> Any:
    """The model of a Keras 3 archive, with its weights (and, compiled, its optimizer state)."""
    from hornet.api.saving.model_file import reading
    from hornet.api.saving.serialize import deserialize_layer
    from hornet.runtime.variables import allocation_budget

    entries = _read(filepath)
    with reading(filepath, CONFIG):
        raw = json_data.loads(entries[CONFIG])
        if not isinstance(raw, dict):
            raise ModelFileError(f"the config must be an object, got {short(raw)}", path="$")
        entry = from_keras(raw)
    budget = 4 * len(entries[WEIGHTS]) + _SLACK_BYTES  # the weights, and optimizer slots built on load
    with reading(filepath, CONFIG), allocation_budget(budget, "the file's weights"):
        model = deserialize_layer(entry, custom_objects, safe_mode=safe_mode, path="$")
        _build(model, raw.get("build_config"))
        if compile and isinstance(raw.get("compile_config"), dict) and raw["compile_config"].get("optimizer"):
            _compile(model, entry.get("compile_config"), filepath, custom_objects)
    load_weights_h5(model, entries[WEIGHTS], file=filepath, member=WEIGHTS)
    return model


def _build(model: Any, build_config: Any) -> None:
    """Create a subclassed model's weights from the archive's ``build_config`` (a functional model has them)."""
    if getattr(model, "built", False) and all(layer.built for layer in model._flatten_layers()):
        return
    shape = build_config.get("input_shape") if isinstance(build_config, dict) else None
    if not isinstance(shape, list) or not shape or not all(d is None or (isinstance(d, int) and not isinstance(d, bool)
                                                            and d >= 0) for d in shape):
        raise ModelFileError(f"the model is not built by its config and its build_config has no usable "
                             f"'input_shape' ({short(build_config)})", path="$.build_config")
    from hornet.api.saving.model_file import _build as build_on_specs
    from hornet.api.saving.specs import spec_json
    from hornet.ir.tracer import TensorSpec

    build_on_specs(model, spec_json(TensorSpec(("batch",) + tuple(shape[1:]), "float32")))


def _compile(model: Any, config: dict[str, Any], filepath: str, custom_objects: Any) -> None:
    from hornet.api.saving.compile_config import restore_compile

    try:
        restore_compile(model, config, None, filepath, custom_objects)
        model.optimizer.build(model.trainable_variables)
    except (ModelFileError, ValueError, TypeError, KeyError) as e:  # as Keras: the model still loads
        warnings.warn(f"{filepath}: the model could not be compiled from its compile_config ({short(str(e), 300)}); "
                      "it loads uncompiled", stacklevel=3)


def save_keras_archive(model: Any, filepath: str) -> None:
    """Write ``model`` as a Keras 3 ``.keras`` archive, atomically."""
    import hornet
    from hornet.api.saving.model_file import input_specs

    entry = to_keras(model)
    shape = [d if isinstance(d, int) else None for d in getattr(input_specs(model), "shape", ())]
    if shape:  # what Keras builds a subclassed model (or a Sequential without an Input) on
        entry["build_config"] = {"input_shape": shape}
    entry["compile_config"] = _compile_config(model)
    metadata = {"saved_by": "hornet", "hornet_version": hornet.__version__,
                "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S")}
    members = {METADATA: json.dumps(metadata).encode(), CONFIG: json.dumps(entry, allow_nan=False).encode(),
               WEIGHTS: weights_h5_bytes(model)}

    def write(f: Any) -> None:
        with zipfile.ZipFile(f, "w", compression=zipfile.ZIP_STORED) as z:
            for name, data in members.items():
                z.writestr(name, data)

    write_atomically(filepath, write)


def _compile_config(model: Any) -> dict[str, Any] | None:
    from hornet.api.saving.compile_config import compile_config
    from hornet.api.saving.keras_config import _modules

    config = compile_config(model)
    return _modules(config) if config else None


__all__ = ["is_keras_archive", "load_keras_archive", "load_keras_weights", "save_keras_archive"]
