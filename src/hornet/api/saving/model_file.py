"""``model.save(path)`` / ``hornet.models.load_model(path)``: a zip of data only.

Entries: ``hornet.json`` (format and version), ``config.json`` (the Keras-style model config, the compile
arguments, the input specs), ``weights.safetensors`` (``model.weights`` in order), ``forward.json`` (the
inference forward pass as hornet IR, its inputs being the model inputs then the variables it reads) with
``forward_state.safetensors`` for variables that are not weights, and ``optimizer.safetensors`` (slots and
iteration count). Loading parses JSON and raw arrays only; no code from the file runs. When a class named in
the config is not loaded in this process, ``load_model`` returns a :class:`GraphModel` that predicts from the
IR alone.

>>> model.save("m.hornet")                                 # doctest: +SKIP
>>> hornet.models.load_model("m.hornet").predict(x)
"""
from __future__ import annotations

import io
import json
import os
import tempfile
import zipfile
from typing import Any

import numpy as np

from hornet.api.saving import tensors_file
from hornet.api.saving.compile_config import compile_config, restore_compile
from hornet.api.saving.serialize import UnknownClassError, deserialize_layer, serialize_layer
from hornet.ir import pytree
from hornet.ir.tracer import TensorSpec, trace_function

FORMAT = "hornet.model"
VERSION = 1
_ENTRIES = {"hornet.json", "config.json", "weights.safetensors", "forward.json", "forward_state.safetensors",
            "optimizer.safetensors", "state.safetensors"}
_MAX_ENTRY = 8 * 1024 ** 3


class ModelFileError(ValueError):
    """A model file that can't be loaded (corrupt, foreign, or from a newer hornet)."""


def input_specs(model: Any) -> Any:
    """The model's input structure as TensorSpecs with a symbolic batch dim."""
    inputs = getattr(model, "_inputs_struct", None)
    functional = getattr(model, "_functional", None)
    if functional is not None:
        inputs = functional._inputs_struct
    if inputs is not None:
        return pytree.tree_map(lambda t: TensorSpec(("batch",) + tuple(t.shape[1:]), t.dtype), inputs)
    spec = getattr(model, "_input_spec_tree", None)
    if spec is None:
        raise ValueError(f"model '{model.name}' has never been called, so its input shape is unknown; call it on "
                         "data (or fit it) before saving")
    return pytree.tree_map(lambda s: TensorSpec(("batch",) + tuple(s.shape[1:]), s.dtype), spec)


def _spec_json(specs: Any) -> Any:
    leaves, tree = pytree.flatten(specs)
    return {"tree": tree.to_json(),
            "leaves": [{"shape": [None if not isinstance(d, int) else d for d in s.shape],
                        "dtype": s.dtype.name} for s in leaves]}


def _weight_names(model: Any) -> list[str]:
    return [f"{i:05d}:{getattr(v, 'path', v.name)}" for i, v in enumerate(model.weights)]


def save_model(model: Any, filepath: str, overwrite: bool = True) -> None:
    filepath = os.fspath(filepath)
    if not (filepath.endswith(".hornet") or filepath.endswith(".keras")):
        raise ValueError(f"model files end in '.hornet' (or '.keras'); got '{filepath}'. Use save_weights for "
                         "'.weights.safetensors'")
    if os.path.exists(filepath) and not overwrite:
        raise FileExistsError(f"{filepath} exists and overwrite=False")
    specs = input_specs(model)
    traced = trace_function(lambda x: model(x, training=False), [specs], name=f"{model.name}_forward")
    weights = model.weights
    index = {id(v): i for i, v in enumerate(weights)}
    extra: dict[str, np.ndarray] = {}
    state_refs = []
    for j, v in enumerate(traced.state_in):
        if id(v) in index:
            state_refs.append({"weight": index[id(v)]})
        else:
            key = f"{j:05d}:{v.name}"
            extra[key] = v.numpy()
            state_refs.append({"extra": key})
    forward = {"graph": json.loads(traced.graph.to_json()), "inputs": _spec_json(specs),
               "outputs": traced.out_tree.to_json(), "state": state_refs,
               "num_outputs": traced.out_tree.num_leaves}
    config = {"model": serialize_layer(model), "compile": compile_config(model), "inputs": _spec_json(specs)}
    meta = {"format": FORMAT, "version": VERSION, "class_name": type(model).__name__,
            "module": type(model).__module__}
    optimizer = getattr(model, "optimizer", None)
    entries = {
        "hornet.json": json.dumps(meta).encode(),
        "config.json": json.dumps(config).encode(),
        "weights.safetensors": tensors_file.dump(dict(zip(_weight_names(model), [v.numpy() for v in weights]))),
        "forward.json": json.dumps(forward).encode(),
        "forward_state.safetensors": tensors_file.dump(extra),
    }
    state = _other_state(model)
    if state:  # RNG seeds and other non-weight variables: continued training draws what it would have drawn
        entries["state.safetensors"] = tensors_file.dump(
            {f"{i:05d}:{v.name}": v.numpy() for i, v in enumerate(state)})
    if optimizer is not None and getattr(optimizer, "built", False):
        entries["optimizer.safetensors"] = tensors_file.dump(
            {f"{i:05d}:{v.name}": v.numpy() for i, v in enumerate(optimizer.variables)})
    # write next to the target, then rename: an interrupted save never corrupts an existing file
    directory = os.path.dirname(os.path.abspath(filepath))
    fd, tmp = tempfile.mkstemp(prefix=".hornet-save-", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f, zipfile.ZipFile(f, "w", compression=zipfile.ZIP_STORED) as z:
            for name, data in entries.items():
                z.writestr(name, data)
        os.replace(tmp, filepath)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def read_entries(filepath: str) -> dict[str, bytes]:
    try:
        z = zipfile.ZipFile(filepath)
    except (zipfile.BadZipFile, OSError) as e:
        raise ModelFileError(f"{filepath}: not a hornet model file ({e})") from None
    with z:
        out = {}
        for info in z.infolist():
            if info.filename in out:
                raise ModelFileError(f"{filepath}: the entry '{info.filename}' appears twice; the file is ambiguous")
            if info.filename not in _ENTRIES:
                raise ModelFileError(f"{filepath}: unexpected entry '{info.filename[:100]}' in the model file")
            if info.file_size > _MAX_ENTRY:
                raise ModelFileError(f"{filepath}: entry '{info.filename}' is implausibly large ({info.file_size} "
                                     "bytes)")
            try:
                out[info.filename] = z.read(info)
            except (zipfile.BadZipFile, OSError, ValueError) as e:
                raise ModelFileError(f"{filepath}: entry '{info.filename}' is corrupt ({e})") from None
    for required in ("hornet.json", "config.json", "weights.safetensors", "forward.json"):
        if required not in out:
            raise ModelFileError(f"{filepath}: the model file has no '{required}'")
    return out


def _json(entries: dict[str, bytes], name: str, filepath: str) -> Any:
    try:
        return json.loads(entries[name].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ModelFileError(f"{filepath}: '{name}' is not valid JSON ({e})") from None


def load_model(filepath: str, custom_objects: dict[str, Any] | None = None, compile: bool = True,
               safe_mode: bool = True) -> Any:
    """Load a model saved with ``model.save``; never executes code from the file.

    With every class it names loaded in this process (built-in layers, or custom classes imported or passed in
    ``custom_objects``), the result is the same kind of Python model, compiled as it was, optimizer state
    included. Otherwise a :class:`GraphModel` that runs the saved IR (predict only).
    """
    filepath = os.fspath(filepath)
    entries = read_entries(filepath)
    meta = _json(entries, "hornet.json", filepath)
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ModelFileError(f"{filepath}: not a hornet model file (format {str(meta)[:80]})")
    version = meta.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ModelFileError(f"{filepath}: hornet.json has an invalid version {version!r} (expected an integer)")
    if version > VERSION:
        raise ModelFileError(f"{filepath}: model file version {version} is newer than this hornet supports "
                             f"({VERSION}); upgrade hornet")
    config = _json(entries, "config.json", filepath)
    if not isinstance(config, dict) or not isinstance(config.get("model"), dict) \
            or not isinstance(config.get("compile") or {}, dict):
        raise ModelFileError(f"{filepath}: config.json must be an object with a 'model' object (and an optional "
                             "'compile' object)")
    weights, _ = tensors_file.parse(entries["weights.safetensors"], f"{filepath}: weights.safetensors")
    try:
        model = deserialize_layer(config["model"], custom_objects)
    except UnknownClassError as e:
        from hornet.api.saving.graph_model import GraphModel

        return GraphModel.from_entries(entries, filepath, missing=str(e))
    except (KeyError, TypeError, AttributeError) as e:
        raise ModelFileError(f"{filepath}: config.json does not describe a model hornet can rebuild "
                             f"({type(e).__name__}: {e})") from None
    _ensure_built_from_specs(model, config.get("inputs"))
    _assign_weights(model, weights, filepath)
    if "state.safetensors" in entries:
        _assign_state(model, entries["state.safetensors"], filepath)
    if compile and config.get("compile"):
        try:
            restore_compile(model, config["compile"], entries.get("optimizer.safetensors"), filepath,
                            custom_objects)
        except (KeyError, TypeError, AttributeError) as e:
            raise ModelFileError(f"{filepath}: the saved compile() arguments are malformed "
                                 f"({type(e).__name__}: {e})") from None
    return model


def _ensure_built_from_specs(model: Any, inputs: Any) -> None:
    from hornet.api.models.compiled_step import ensure_built

    if inputs is None:
        return
    tree = pytree.TreeDef.from_json(inputs["tree"])
    examples = [np.zeros([1 if d is None else d for d in leaf["shape"]], leaf["dtype"]) for leaf in inputs["leaves"]]
    ensure_built(model, pytree.unflatten(tree, examples))


def _other_state(model: Any) -> list[Any]:
    weights = {id(v) for v in model.weights}
    return [v for v in model.variables if id(v) not in weights]


def _assign_state(model: Any, blob: bytes, filepath: str) -> None:
    arrays, _ = tensors_file.parse(blob, f"{filepath}: state.safetensors")
    values = [arrays[k] for k in sorted(arrays)]
    state = _other_state(model)
    if len(values) == len(state) and all(tuple(a.shape) == tuple(v.shape) for a, v in zip(values, state)):
        for v, a in zip(state, values):
            v.assign(a)


def _assign_weights(model: Any, arrays: dict[str, np.ndarray], filepath: str) -> None:
    names = _weight_names(model)
    saved = sorted(arrays)
    if len(saved) != len(names):
        raise ModelFileError(f"{filepath}: the file has {len(saved)} weights but the rebuilt model has {len(names)}")
    values = [arrays[k] for k in saved]
    for name, want, got in zip(names, model.weights, values):
        if tuple(got.shape) != tuple(want.shape):
            raise ModelFileError(f"{filepath}: weight {name} has shape {got.shape} in the file but {want.shape} in "
                                 "the model")
    for v, a in zip(model.weights, values):
        v.assign(a)


__all__ = ["save_model", "load_model", "ModelFileError", "input_specs", "read_entries"]
