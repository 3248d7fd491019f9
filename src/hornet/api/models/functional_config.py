"""Rebuilding a functional model's layer graph from its config, validated as untrusted data.

A config is ``{"layers": [entry...], "nodes": [{"layer", "args", "kwargs"}...], "input_layers", "output_layers"}``
where tensors are written ``{"__keras_tensor__": [layer name, node index, tensor index]}``. Each node calls its
layer on functional tensors (KerasTensors) and plain constants, with keyword arguments its ``call`` declares. A
node without any tensor input is refused: it would make hornet compute on values read from the file. Errors name
the JSON path of the offending node.

>>> inputs, outputs = rebuild(model.get_config())             # doctest: +SKIP
"""
from __future__ import annotations

from typing import Any, Mapping

from hornet.api.layers.input_layer import InputLayer
from hornet.api.layers.keras_tensor import KerasTensor
from hornet.api.layers.layer import _has_var_kwargs, _params
from hornet.api.layers.tensor_op import is_constant
from hornet.api.saving.file_errors import ModelFileError, short
from hornet.api.saving.serialize import _WRAPPED, current_path, deserialize_layer
from hornet.ir import pytree

_REF = "__keras_tensor__"
_MAX_CONSTANTS = 1 << 16


def _fail(message: str, path: str) -> ModelFileError:
    return ModelFileError(message, path=path)


def _list(config: Mapping[str, Any], key: str, base: str) -> list[Any]:
    value = config.get(key)
    if not isinstance(value, list):
        raise _fail(f"'{key}' must be a list, got {short(value)}", f"{base}.{key}")
    return value


def _entry_name(entry: Any, where: str) -> str:
    if not isinstance(entry, dict):
        raise _fail(f"a layer entry must be an object, got {short(entry)}", where)
    name = entry.get("name")
    if name is None and isinstance(entry.get("config"), dict):
        name = entry["config"].get("name")
    if not isinstance(name, str) or not name:
        raise _fail(f"a layer entry needs a 'name' string, got {short(name)}", where)
    return name


class _Tensors:
    """The KerasTensors produced so far, by (layer name, node index)."""

    def __init__(self) -> None:
        self.produced: dict[tuple[str, int], list[KerasTensor]] = {}
        self.calls: dict[str, int] = {}
        self.budget = [_MAX_CONSTANTS]

    def add(self, name: str, outputs: list[KerasTensor]) -> None:
        index = self.calls.get(name, 0)
        self.produced[(name, index)] = outputs
        self.calls[name] = index + 1

    def decode(self, obj: Any, where: str) -> Any:
        if isinstance(obj, dict) and _REF in obj:
            return self._ref(obj, where)
        if isinstance(obj, dict):
            return {k: self.decode(v, f"{where}.{k}") for k, v in obj.items()}
        if isinstance(obj, list):
            return [self.decode(v, f"{where}[{i}]") for i, v in enumerate(obj)]
        if not is_constant(obj, self.budget):
            raise _fail(f"a node argument must be a tensor reference or a plain constant (at most {_MAX_CONSTANTS} "
                        f"values in a model), got {short(obj)}", where)
        return obj

    def _ref(self, obj: dict[str, Any], where: str) -> KerasTensor:
        ref = obj[_REF]
        if len(obj) != 1 or not isinstance(ref, list) or len(ref) != 3 or not isinstance(ref[0], str) \
                or not all(isinstance(i, int) and not isinstance(i, bool) and i >= 0 for i in ref[1:]):
            raise _fail(f"a tensor reference must be {{'{_REF}': [layer name, node index, tensor index]}} with "
                        f"non-negative indices, got {short(obj)}", where)
        name, node_index, tensor_index = ref
        outputs = self.produced.get((name, node_index))
        if outputs is None:
            raise _fail(f"refers to call {node_index} of layer {short(name)}, which is not defined before it", where)
        if tensor_index >= len(outputs):
            raise _fail(f"refers to output {tensor_index} of layer {short(name)}, which has {len(outputs)} "
                        "outputs", where)
        return outputs[tensor_index]


def rebuild(config: Any, custom_objects: Mapping[str, Any] | None = None) -> tuple[Any, Any]:
    """The (inputs, outputs) structures of functional tensors that ``config`` describes."""
    base = current_path() or "$"
    base = f"{base}.config" if base != "$" else base
    if not isinstance(config, dict):
        raise _fail(f"a functional model config must be an object, got {short(config)}", base)
    layers: dict[str, Any] = {}
    tensors = _Tensors()
    for i, entry in enumerate(_list(config, "layers", base)):
        name = _entry_name(entry, f"{base}.layers[{i}]")
        if name in layers:
            raise _fail(f"two layers are named {short(name)}", f"{base}.layers[{i}]")
        layer = deserialize_layer(entry, custom_objects)
        layers[name] = layer
        if isinstance(layer, InputLayer):
            tensors.add(name, [layer.output])
    for i, node in enumerate(_list(config, "nodes", base)):
        _call_node(node, layers, tensors, f"{base}.nodes[{i}]")
    inputs = tensors.decode(config.get("input_layers"), f"{base}.input_layers")
    outputs = tensors.decode(config.get("output_layers"), f"{base}.output_layers")
    for what, tree in (("input_layers", inputs), ("output_layers", outputs)):
        leaves = pytree.flatten(tree)[0]
        if not leaves or not all(isinstance(t, KerasTensor) for t in leaves):
            raise _fail("must be tensor references (and lists or dicts of them), at least one", f"{base}.{what}")
    return inputs, outputs


def _call_node(node: Any, layers: Mapping[str, Any], tensors: _Tensors, where: str) -> None:
    if not isinstance(node, dict) or set(node) - {"layer", "args", "kwargs"} or not isinstance(node.get("layer"), str):
        raise _fail(f"a node must be {{'layer': name, 'args': [...], 'kwargs': {{...}}}}, got {short(node)}", where)
    name = node["layer"]
    layer = layers.get(name)
    if layer is None:
        raise _fail(f"calls unknown layer {short(name)}", f"{where}.layer")
    if isinstance(layer, InputLayer):
        raise _fail(f"calls input layer {short(name)}; input layers are not called", f"{where}.layer")
    args, kwargs = node.get("args", []), node.get("kwargs", {})
    if not isinstance(args, list) or not isinstance(kwargs, dict):
        raise _fail("'args' must be a list and 'kwargs' an object", where)
    call_params = _params(type(layer).call)
    takes_any = _has_var_kwargs(type(layer).call)
    for key in kwargs:
        if key not in call_params and key not in ("training", "mask") and not takes_any:
            raise _fail(f"layer {short(name)} ({type(layer).__name__}) takes no argument {short(key)}",
                        f"{where}.kwargs")
    args = tensors.decode(args, f"{where}.args")
    kwargs = tensors.decode(kwargs, f"{where}.kwargs")
    if not any(isinstance(x, KerasTensor) for x in pytree.flatten((args, kwargs))[0]):
        raise _fail(f"the call of layer {short(name)} has no tensor inputs; a model file may only call layers on "
                    "the model's tensors", where)
    try:
        out = layer(*args, **kwargs)
    except ModelFileError:
        raise
    except _WRAPPED as e:
        raise _fail(f"calling layer {short(name)} ({type(layer).__name__}) fails ({type(e).__name__}: "
                    f"{str(e)[:400]})", where) from e
    tensors.add(name, pytree.flatten(out)[0])


__all__ = ["rebuild"]
