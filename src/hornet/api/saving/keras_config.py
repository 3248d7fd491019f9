"""Keras 3's model configs and hornet's, each into the other, as data.

Both write a layer as ``{"module", "class_name", "config", "registered_name"}`` and share class names and layer
arguments. They differ in the functional graph: Keras keeps each layer's calls in its entry's
``inbound_nodes`` (tensors as ``{"class_name": "__keras_tensor__", "config": {"keras_history": [...]}}``,
model inputs and outputs as ``[layer, node, tensor]`` lists), hornet in one ``nodes`` list in call order
(tensors as ``{"__keras_tensor__": [...]}``). They also differ in module names (``keras.layers`` against
hornet's) and in a few Keras-only arguments with no effect in hornet (``ragged=False``). In a model's inputs and
outputs, a nested functional model counts its own creation as node 0 in Keras, not in hornet.

>>> hornet_entry = from_keras(json.loads(keras_config_json))       # doctest: +SKIP
>>> keras_entry = to_keras(model)                                  # doctest: +SKIP
"""
from __future__ import annotations

import collections
from typing import Any

from hornet.api.saving.file_errors import ModelFileError, short

_KERAS_TENSOR = "__keras_tensor__"
_FUNCTIONAL = ("Functional", "Model")
# Keras-only arguments hornet may drop when they hold the value that means "off"
_DROPPABLE = {"ragged": False}
_MODULES = (("schedules", "keras.optimizers.schedules"), ("optimizers", "keras.optimizers"),
            ("initializers", "keras.initializers"), ("regularizers", "keras.regularizers"),
            ("constraints", "keras.constraints"), ("activations", "keras.activations"),
            ("losses", "keras.losses"), ("metrics", "keras.metrics"), ("layers", "keras.layers"))


# --- Keras -> hornet -----------------------------------------------------------------------------------------------

def from_keras(entry: Any, path: str = "$") -> Any:
    """A Keras 3 config (any nesting) with its functional graphs in hornet's layout."""
    if isinstance(entry, list):
        return [from_keras(x, f"{path}[{i}]") for i, x in enumerate(entry)]
    if not isinstance(entry, dict):
        return entry
    if entry.get("class_name") == _KERAS_TENSOR:
        return {_KERAS_TENSOR: _history(entry, path)}
    out = {k: from_keras(v, f"{path}.{k}") for k, v in entry.items() if k not in ("shared_object_id", "inbound_nodes")}
    config = out.get("config")
    if "class_name" in out and isinstance(config, dict):
        for key, off in _DROPPABLE.items():
            if key in config and config[key] == off:
                del config[key]
        layers = config.get("layers")
        if isinstance(layers, list) and isinstance(entry.get("config", {}).get("layers"), list) \
                and "input_layers" in config:
            out["config"] = _functional(config, entry["config"]["layers"], f"{path}.config")
    return out


def _history(entry: dict[str, Any], path: str) -> list[Any]:
    config = entry.get("config")
    history = config.get("keras_history") if isinstance(config, dict) else None
    if not isinstance(history, list) or len(history) != 3 or not isinstance(history[0], str) \
            or not all(isinstance(i, int) and not isinstance(i, bool) and i >= 0 for i in history[1:]):
        raise ModelFileError(f"a Keras tensor needs 'keras_history': [layer name, node index, tensor index], got "
                             f"{short(history)}", path=f"{path}.config.keras_history")
    return list(history)


def _io_refs(value: Any, path: str) -> Any:
    if isinstance(value, list) and len(value) == 3 and isinstance(value[0], str):
        return {_KERAS_TENSOR: list(value)}
    if isinstance(value, list):
        return [_io_refs(v, f"{path}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, dict):
        return {k: _io_refs(v, f"{path}.{k}") for k, v in value.items()}
    raise ModelFileError(f"expected [layer name, node index, tensor index] (or lists or dicts of them), got "
                         f"{short(value)}", path=path)


def _functional(config: dict[str, Any], raw_layers: list[Any], path: str) -> dict[str, Any]:
    """hornet's ``nodes`` from the layers' ``inbound_nodes``, ordered so that each call follows its inputs."""
    nested = {e.get("name") for e in config["layers"]
              if isinstance(e, dict) and e.get("class_name") == "Functional"}
    queues: list[list[tuple[str, dict[str, Any]]]] = []  # each layer's calls, in order
    for i, (entry, raw) in enumerate(zip(config["layers"], raw_layers)):
        where = f"{path}.layers[{i}]"
        nodes = raw.get("inbound_nodes", []) if isinstance(raw, dict) else []
        if not isinstance(nodes, list):
            raise ModelFileError(f"'inbound_nodes' must be a list, got {short(nodes)}", path=f"{where}.inbound_nodes")
        calls = []
        for j, node in enumerate(nodes):
            at = f"{where}.inbound_nodes[{j}]"
            if not isinstance(node, dict) or set(node) - {"args", "kwargs"}:
                raise ModelFileError("a node must be {'args': [...], 'kwargs': {...}} (the Keras 3 format; Keras 2 "
                                     f"configs are not supported), got {short(node)}", path=at)
            call = {"layer": entry.get("name") if isinstance(entry, dict) else None,
                    "args": from_keras(node.get("args", []), f"{at}.args"),
                    "kwargs": from_keras(node.get("kwargs", {}), f"{at}.kwargs")}
            calls.append((at, call))
        queues.append(calls)
    inputs = {e.get("name") for e in config["layers"] if isinstance(e, dict) and e.get("class_name") == "InputLayer"}
    made: dict[Any, int] = {}
    ordered: list[dict[str, Any]] = []
    done = [0] * len(queues)  # how many of each layer's calls are ordered
    waiting: dict[tuple[Any, int], list[int]] = {}  # (layer, call) -> the layers whose next call needs it
    todo = collections.deque(range(len(queues)))
    while todo:  # each call is ordered once its inputs are: linear in the number of calls
        q = todo.popleft()
        while done[q] < len(queues[q]):
            call = queues[q][done[q]][1]
            missing = next((ref for ref in _refs(call) if not _ready(ref, made, inputs)), None)
            if missing is not None:
                waiting.setdefault((missing[0], missing[1]), []).append(q)
                break
            ordered.append(call)
            done[q] += 1
            made[call["layer"]] = made.get(call["layer"], 0) + 1
            todo.extend(waiting.pop((call["layer"], made[call["layer"]] - 1), []))
    stuck = [calls[done[q]][0] for q, calls in enumerate(queues) if done[q] < len(calls)]
    if stuck:
        raise ModelFileError("this call's inputs are never computed (they refer to an unknown layer or call, or "
                             "the calls form a cycle)", path=stuck[0])
    out = {k: v for k, v in config.items() if k not in ("input_layers", "output_layers")}
    out["nodes"] = ordered
    out["input_layers"] = _shift(_io_refs(config["input_layers"], f"{path}.input_layers"), nested)
    out["output_layers"] = _shift(_io_refs(config["output_layers"], f"{path}.output_layers"), nested)
    return out


def _shift(obj: Any, nested: set[Any]) -> Any:
    """In ``input_layers`` and ``output_layers``, Keras counts a nested functional model's creation as its node
    0; hornet does not (node arguments count the calls alike)."""
    if isinstance(obj, dict) and _KERAS_TENSOR in obj:
        name, node, tensor = obj[_KERAS_TENSOR]
        return {_KERAS_TENSOR: [name, node - 1 if name in nested and node > 0 else node, tensor]}
    if isinstance(obj, dict):
        return {k: _shift(v, nested) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_shift(v, nested) for v in obj]
    return obj


def _refs(obj: Any) -> list[list[Any]]:
    if isinstance(obj, dict) and _KERAS_TENSOR in obj:
        return [obj[_KERAS_TENSOR]]
    if isinstance(obj, dict):
        return [r for v in obj.values() for r in _refs(v)]
    if isinstance(obj, list):
        return [r for v in obj for r in _refs(v)]
    return []


def _ready(ref: list[Any], made: dict[str, int], inputs: set[Any]) -> bool:
    name, node = ref[0], ref[1]
    return (name in inputs and node == 0) or made.get(name, 0) > node


# --- hornet -> Keras -----------------------------------------------------------------------------------------------

def keras_module(module: Any, class_name: str) -> Any:
    """Keras's module for one of hornet's own classes (other modules are left alone)."""
    if not isinstance(module, str) or not module.startswith("hornet"):
        return module
    if class_name == "Sequential":
        return "keras"
    if class_name in _FUNCTIONAL and "models" in module:
        return "keras.src.models.functional" if class_name == "Functional" else "keras.src.models.model"
    words = module.split(".")
    for word, target in _MODULES:
        if word in words:
            return target
    return "keras"


def to_keras(layer: Any) -> dict[str, Any]:
    """A hornet layer or model as the entry Keras 3's ``deserialize_keras_object`` reads."""
    from hornet.api.models.functional import Functional
    from hornet.api.saving.serialize import serialize_layer

    if type(layer) is Functional or (isinstance(layer, Functional) and type(layer).get_config is Functional.get_config):
        entry = serialize_layer(layer)
        entry["config"] = _keras_functional(layer)
    else:
        entry = serialize_layer(layer)
        entry["config"] = _modules(entry["config"])
        sub = getattr(layer, "_layers", None)
        if type(layer).__name__ == "Sequential" and isinstance(entry["config"].get("layers"), list) and sub is not None:
            entry["config"]["layers"] = [to_keras(x) for x in _sequential_layers(layer)]
    _keras_names(entry)
    entry.pop("name", None)
    return entry


def _sequential_layers(model: Any) -> list[Any]:
    first = [model._input_layer] if getattr(model, "_input_layer", None) is not None else []
    return first + list(model._layers)


def _modules(obj: Any) -> Any:
    if isinstance(obj, list):
        return [_modules(x) for x in obj]
    if not isinstance(obj, dict):
        return obj
    out = {k: _modules(v) for k, v in obj.items()}
    if isinstance(out.get("class_name"), str) and "module" in out:
        _keras_names(out)
    return out


def _keras_names(entry: dict[str, Any]) -> None:
    """Keras's module for hornet's classes; for a custom class, Keras looks ``custom_objects`` up by
    ``registered_name``, which Keras sets to the class name when the class is not registered."""
    module = entry.get("module")
    if isinstance(module, str) and module.startswith("hornet"):
        entry["module"] = keras_module(module, entry["class_name"])
    elif entry.get("registered_name") is None and entry["class_name"] != "function":
        entry["registered_name"] = entry["class_name"]


def _keras_functional(model: Any) -> dict[str, Any]:
    """Keras's functional config of a hornet functional model, from the model's layers and calls."""
    from hornet.api.layers.keras_tensor import KerasTensor
    from hornet.api.models.functional import Functional

    where: dict[int, list[Any]] = {}
    counts: dict[int, int] = {}
    calls: dict[int, list[Any]] = {}

    def ref(t: KerasTensor) -> dict[str, Any]:
        history = where.get(id(t)) or [t._keras_history[0].name, 0, 0]
        return {"class_name": _KERAS_TENSOR,
                "config": {"shape": list(t.shape), "dtype": t.dtype, "keras_history": list(history)}}

    def encode(obj: Any) -> Any:
        if isinstance(obj, KerasTensor):
            return ref(obj)
        if isinstance(obj, dict):
            return {k: encode(v) for k, v in obj.items()}
        if isinstance(obj, (list, tuple)):
            return [encode(v) for v in obj]
        return obj

    for node in model._nodes:
        layer = node.layer
        i = counts.get(id(layer), 0)
        counts[id(layer)] = i + 1
        calls.setdefault(id(layer), []).append({"args": encode(list(node.args)), "kwargs": encode(node.kwargs)})
        for j, t in enumerate(node.outputs):
            where[id(t)] = [layer.name, i, j]
    layers = []
    for layer in model._layers:
        entry = to_keras(layer)
        entry["name"] = layer.name
        entry["inbound_nodes"] = calls.get(id(layer), [])
        layers.append(entry)

    def io(obj: Any) -> Any:
        if isinstance(obj, KerasTensor):
            name, node, tensor = where.get(id(obj)) or [obj._keras_history[0].name, 0, 0]
            nested = any(isinstance(x, Functional) and x.name == name for x in model._layers)
            return [name, node + 1 if nested else node, tensor]  # Keras's node 0 of a nested functional model
        if isinstance(obj, dict):
            return {k: io(v) for k, v in obj.items()}
        return [io(v) for v in obj]

    return {"name": model.name, "trainable": model.trainable, "layers": layers,
            "input_layers": io(model._inputs_struct), "output_layers": io(model._outputs_struct)}


__all__ = ["from_keras", "to_keras", "keras_module"]
