"""``model.save(path)`` / ``hornet.models.load_model(path)``: a zip of data only.

Members: ``hornet.json`` (format, version, and the size and sha256 of every other member), ``config.json`` (the
Keras-style model config, the compile arguments, the input specs), ``weights.safetensors`` (``model.weights`` in
order), ``forward.json`` (the inference forward pass as hornet IR, its inputs being the model inputs then the
variables it reads) with ``forward_state.safetensors`` for variables that are not weights, ``state.safetensors``
(RNG seeds and other non-weight state) and ``optimizer.safetensors`` (slots and iteration count).

Loading is a bounded, validated parser: sizes are checked before anything is read, every member is verified
against its hash, ``config.json`` against its schema, names against explicit tables, and the memory the config
may make hornet allocate against the file's weights. No code from the file runs. Every refusal is a
:class:`ModelFileError` naming the file, the member and the JSON path. When a class named in the config is not
available, ``load_model`` returns a :class:`GraphModel` that predicts from the IR alone.

>>> model.save("m.hornet")                                 # doctest: +SKIP
>>> hornet.models.load_model("m.hornet").predict(x)
"""
from __future__ import annotations

import contextlib
import json
import os
from typing import Any, Iterator

from hornet.api.saving import json_data, tensors_file
from hornet.api.saving.compile_config import compile_config, restore_compile
from hornet.api.saving.config_schema import validate_config
from hornet.api.saving.file_errors import ModelFileError
from hornet.api.saving.forward_check import check_forward_agrees, forward_document, state_refs
from hornet.api.saving.model_archive import FORMAT, VERSION, read_model_archive, write_model_archive
from hornet.api.saving.restore import array_key, assign, match_arrays
from hornet.api.saving.serialize import UnknownClassError, deserialize_layer, serialize_layer
from hornet.api.saving.specs import parse_specs, spec_json, symbolic_specs
from hornet.ir import pytree
from hornet.ir.errors import HornetError, LoadError
from hornet.ir.tracer import TensorSpec, trace_function
from hornet.runtime.variables import allocation_budget

_SLACK_BYTES = 1 << 20  # counters and other small variables a model creates beyond its saved arrays


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


def _other_state(model: Any) -> list[Any]:
    weights = {id(v) for v in model.weights}
    return [v for v in model.variables if id(v) not in weights]


def _arrays(variables: list[Any]) -> dict[str, Any]:
    return {array_key(i, v): v.numpy() for i, v in enumerate(variables)}


def save_model(model: Any, filepath: str, overwrite: bool = True) -> None:
    import hornet

    filepath = os.fspath(filepath)
    if not (filepath.endswith(".hornet") or filepath.endswith(".keras")):
        raise ValueError(f"model files end in '.hornet' (or '.keras'); got '{filepath}'. Use save_weights for "
                         "'.weights.safetensors'")
    if os.path.exists(filepath) and not overwrite:
        raise FileExistsError(f"{filepath} exists and overwrite=False")
    if filepath.endswith(".keras"):  # Keras 3's archive; .hornet is the richer format
        from hornet.api.saving.keras_archive import save_keras_archive

        return save_keras_archive(model, filepath)
    specs = input_specs(model)
    forward, traced_state = forward_document(model, specs)
    weights = model.weights
    refs = state_refs(traced_state, weights)
    extra = {ref["extra"]: v.numpy() for ref, v in zip(refs, traced_state) if "extra" in ref}
    forward.update(inputs=spec_json(specs), state=refs)
    config = {"model": serialize_layer(model), "compile": compile_config(model), "inputs": spec_json(specs)}
    entries = {
        "config.json": json.dumps(config, allow_nan=False).encode(),
        "weights.safetensors": tensors_file.dump(_arrays(weights)),
        "forward.json": json.dumps(forward, allow_nan=False).encode(),
        "forward_state.safetensors": tensors_file.dump(extra),
    }
    state = _other_state(model)
    if state:  # RNG seeds and other non-weight variables: continued training draws what it would have drawn
        entries["state.safetensors"] = tensors_file.dump(_arrays(state))
    optimizer = getattr(model, "optimizer", None)
    if optimizer is not None and getattr(optimizer, "built", False):
        entries["optimizer.safetensors"] = tensors_file.dump(_arrays(list(optimizer.variables)))
    meta = {"class_name": type(model).__name__, "module": type(model).__module__, "hornet_version": hornet.__version__}
    write_model_archive(filepath, meta, entries)


def read_entries(filepath: str) -> dict[str, bytes]:
    """Every member of a model file except ``hornet.json``, bounded and verified (for the CLI and load_weights)."""
    return read_model_archive(os.fspath(filepath))[1]


_BACKSTOP = (HornetError, TypeError, ValueError, KeyError, IndexError, AttributeError, OverflowError,
             RecursionError, NotImplementedError, ZeroDivisionError)


@contextlib.contextmanager
def reading(filepath: str, member: str) -> Iterator[None]:
    """Errors inside name ``filepath`` and ``member``; an unexpected exception becomes a ModelFileError too."""
    try:
        yield
    except ModelFileError as e:
        raise e.located(filepath, member) from e.__cause__
    except LoadError as e:  # e.g. the IR parser's SerializationError, which names the JSON path itself
        raise ModelFileError(str(e), file=filepath, member=member) from None
    except _BACKSTOP as e:
        raise ModelFileError(f"can't be loaded ({type(e).__name__}: {str(e)[:400]})", file=filepath,
                             member=member) from e
    except MemoryError as e:
        raise ModelFileError(f"loading needs more memory than is available ({e})", file=filepath,
                             member=member) from None


def load_model(filepath: str, custom_objects: dict[str, Any] | None = None, compile: bool = True,
               safe_mode: bool = True) -> Any:
    """Load a model saved with ``model.save``; never executes code from the file.

    Classes resolve from built-ins, registered classes and ``custom_objects``; with ``safe_mode=False`` also from
    unregistered ``hornet.Layer`` subclasses already defined in this process (never by importing). With every
    class available the result is the same kind of Python model, compiled as it was, optimizer state included.
    Otherwise a :class:`GraphModel` that runs the saved IR (predict only).
    """
    filepath = os.fspath(filepath)
    if not isinstance(safe_mode, bool) or not isinstance(compile, bool):
        raise TypeError(f"load_model: safe_mode and compile must be True or False, got safe_mode={safe_mode!r}, "
                        f"compile={compile!r}")
    if custom_objects is not None and not isinstance(custom_objects, dict):
        raise TypeError(f"load_model: custom_objects must be a dict of names to classes or functions, got "
                        f"{type(custom_objects).__name__}")
    from hornet.api.saving.keras_archive import is_keras_archive, load_keras_archive

    if is_keras_archive(filepath):
        return load_keras_archive(filepath, custom_objects, compile=compile, safe_mode=safe_mode)
    meta, entries = read_model_archive(filepath)
    with reading(filepath, "config.json"):
        config = json_data.loads(entries["config.json"])
        validate_config(config)
    with reading(filepath, "weights.safetensors"):
        weights, _ = tensors_file.parse(entries["weights.safetensors"])
    budget = sum(len(entries.get(m, b"")) for m in ("weights.safetensors", "state.safetensors")) + _SLACK_BYTES
    try:
        with reading(filepath, "config.json"), allocation_budget(budget, "the file's weights and state"):
            model = deserialize_layer(config["model"], custom_objects, safe_mode=safe_mode, path="$.model")
            specs = _build(model, config.get("inputs"))
    except UnknownClassError as e:
        from hornet.api.saving.graph_model import GraphModel

        return GraphModel.from_entries(entries, filepath, missing=str(e.located(filepath, "config.json")))
    with reading(filepath, "weights.safetensors"):
        weight_pairs = match_arrays(weights, model.weights, "weights", None, None)
    state_pairs = _state_pairs(model, entries, filepath)
    assign(weight_pairs)
    assign(state_pairs)
    if specs is not None:
        with reading(filepath, "forward.json"):
            check_forward_agrees(model, json_data.loads(entries["forward.json"]), specs, filepath,
                                 meta.get("hornet_version"))
    if compile and config.get("compile"):
        with reading(filepath, "config.json"):
            restore_compile(model, config["compile"], entries.get("optimizer.safetensors"), filepath,
                            custom_objects)
    return model


def _build(model: Any, inputs: Any) -> Any:
    """Create the model's weights by tracing it on the saved input specs (symbolic: nothing is allocated for
    the inputs); returns those specs."""
    if inputs is None:
        return None
    tree, leaves = parse_specs(inputs, "$.inputs")
    specs = symbolic_specs(tree, leaves)
    if getattr(model, "_input_spec_tree", None) is None:
        model._input_spec_tree = pytree.unflatten(tree, [TensorSpec(s, d) for s, d in leaves])
    if not (model.built and all(layer.built for layer in model._flatten_layers())):
        trace_function(lambda x: model(x, training=False), [specs], name="build")
        model.built = True
    return specs


def _state_pairs(model: Any, entries: dict[str, bytes], filepath: str) -> list[tuple[Any, Any]]:
    """The RNG seeds and other non-weight state: all present and fitting, or a clear error."""
    state = _other_state(model)
    if "state.safetensors" not in entries:
        if state:
            raise ModelFileError(f"the rebuilt model has {len(state)} state variables (RNG seeds, counters) but the "
                                 "file holds no state.safetensors", file=filepath)
        return []
    with reading(filepath, "state.safetensors"):
        arrays, _ = tensors_file.parse(entries["state.safetensors"])
        return match_arrays(arrays, state, "state variables", None, None)


__all__ = ["save_model", "load_model", "ModelFileError", "input_specs", "read_entries", "reading", "FORMAT",
           "VERSION"]
