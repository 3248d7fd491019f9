"""Functional models: a graph of layer calls recorded on ``hornet.Input`` tensors.

>>> inputs = hornet.Input((784,))                              # doctest: +SKIP
>>> outputs = layers.Dense(10)(layers.Dense(64, activation="relu")(inputs))
>>> model = hornet.Model(inputs, outputs)
"""
from __future__ import annotations

from typing import Any

from hornet.api.layers.input_layer import InputLayer
from hornet.api.layers.keras_tensor import KerasTensor, Node
from hornet.api.layers.layer import Layer, _params
from hornet.api.models.model import Model
from hornet.ir import pytree
from hornet.ir.errors import ShapeError


class Functional(Model):
    def __init__(self, inputs: Any, outputs: Any, name: str | None = None, trainable: bool = True,
                 **kwargs: Any):
        super().__init__(name=name, trainable=trainable, **kwargs)
        in_leaves, _ = pytree.flatten(inputs)
        out_leaves, _ = pytree.flatten(outputs)
        for t in in_leaves + out_leaves:
            if not isinstance(t, KerasTensor):
                raise ValueError(f"Model(inputs, outputs): expected hornet.Input / layer outputs (KerasTensors), "
                                 f"got {type(t).__name__}")
        for t in in_leaves:
            if not isinstance(t._keras_history[0], InputLayer):
                raise ValueError(f"Model inputs must come from hornet.Input; {t.name} was produced by layer "
                                 f"'{t._keras_history[0].name}'")
        self._inputs_struct = inputs
        self._outputs_struct = outputs
        self.inputs = in_leaves
        self.outputs = out_leaves
        self._nodes = _topological_nodes(in_leaves, out_leaves)
        self._layers = []
        for layer in _layers_by_depth(in_leaves, out_leaves, self._nodes):
            self._track(layer)
        self.built = True

    @property
    def input(self) -> Any:
        """The model's input KerasTensor(s), structured as given to ``Model(inputs, ...)``."""
        return self._inputs_struct

    @property
    def output(self) -> Any:
        """The model's output KerasTensor(s), structured as given to ``Model(..., outputs)``."""
        return self._outputs_struct

    @property
    def input_shape(self) -> Any:
        shapes = [t.shape for t in self.inputs]
        return shapes[0] if len(shapes) == 1 else shapes

    @property
    def output_shape(self) -> Any:
        shapes = [t.shape for t in self.outputs]
        return shapes[0] if len(shapes) == 1 else shapes

    @property
    def input_names(self) -> list[str]:
        return [t._keras_history[0].name for t in self.inputs]

    @property
    def output_names(self) -> list[str]:
        return [t._keras_history[0].name for t in self.outputs]

    def build(self, input_shape: Any = None) -> None:
        self.built = True

    def _flat_inputs(self, inputs: Any) -> list[Any]:
        """The model inputs in the order of ``self.inputs`` (a dict may be keyed by input names)."""
        if isinstance(inputs, dict) and not isinstance(self._inputs_struct, dict):
            missing = [n for n in self.input_names if n not in inputs]
            if missing:
                raise ValueError(f"model '{self.name}': input dict is missing {missing}; it has {sorted(inputs)}")
            return [inputs[n] for n in self.input_names]
        if isinstance(self._inputs_struct, dict) and isinstance(inputs, dict):
            missing = [k for k in self._inputs_struct if k not in inputs]
            if missing:
                raise ValueError(f"model '{self.name}': input dict is missing {missing}; it has {sorted(inputs)}")
            return [inputs[k] for k in sorted(self._inputs_struct, key=repr)]
        leaves, _ = pytree.flatten(inputs)
        if len(leaves) == 1 and len(self.inputs) == 1:
            return leaves
        if len(leaves) != len(self.inputs):
            raise ValueError(f"model '{self.name}' expects {len(self.inputs)} inputs ({', '.join(self.input_names)}), "
                             f"but it was called on {len(leaves)}")
        return leaves

    def call(self, inputs: Any, training: bool | None = None, mask: Any = None) -> Any:
        from hornet.api.ops.core import cast, type_of

        values: dict[int, Any] = {}
        masks: dict[int, Any] = {}
        for spec, x in zip(self.inputs, self._flat_inputs(inputs)):
            _check_input(self, spec, x)
            if type_of(x).dtype.name != spec.dtype:
                x = cast(x, spec.dtype)
            values[id(spec)] = x
        for node in self._nodes:
            layer = node.layer

            def fill(a: Any) -> Any:
                return values[id(a)] if isinstance(a, KerasTensor) else a

            args, kwargs = pytree.tree_map(fill, (node.args, node.kwargs))
            in_kts = node.input_tensors
            in_mask = masks.get(id(in_kts[0])) if len(in_kts) == 1 else None
            _fill_masks(layer, node, masks, kwargs, in_mask)
            if training is not None:
                kwargs.setdefault("training", training)
            outs = layer(*args, **kwargs)
            out_leaves, _ = pytree.flatten(outs)
            out_mask = layer.compute_mask(args[0] if args else None, in_mask) if len(out_leaves) == 1 else None
            for kt, value in zip(node.outputs, out_leaves):
                values[id(kt)] = value
                if out_mask is not None:
                    masks[id(kt)] = out_mask
        return pytree.tree_map(lambda kt: values[id(kt)], self._outputs_struct)

    # --- config -------------------------------------------------------------------------------------------------

    def get_config(self) -> dict[str, Any]:
        from hornet.api.saving.serialize import serialize_layer

        ref = _Refs(self._nodes)
        layer_configs = []
        for layer in self._layers:
            layer_configs.append({**serialize_layer(layer), "name": layer.name})
        nodes = [{"layer": node.layer.name, "args": ref.encode(node.args), "kwargs": ref.encode(node.kwargs)}
                 for node in self._nodes]
        return {"name": self.name, "trainable": self.trainable, "layers": layer_configs, "nodes": nodes,
                "input_layers": ref.encode(self._inputs_struct), "output_layers": ref.encode(self._outputs_struct)}

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: dict[str, Any] | None = None) -> "Functional":
        """Rebuild from ``get_config``'s output. Every node must call its layer on functional tensors (plus
        constants): a config never makes hornet compute on values taken from it."""
        from hornet.api.models.functional_config import rebuild

        inputs, outputs = rebuild(config, custom_objects)
        return cls(inputs, outputs, name=config.get("name"), trainable=config.get("trainable", True))


class _Refs:
    """Encodes KerasTensors in configs as ``{"__keras_tensor__": [layer name, node index, tensor index]}``,
    where the node index counts the layer's calls inside this model."""

    def __init__(self, nodes: list[Node]):
        self.where: dict[int, tuple[str, int, int]] = {}
        counts: dict[int, int] = {}
        for node in nodes:
            i = counts.get(id(node.layer), 0)
            counts[id(node.layer)] = i + 1
            for j, kt in enumerate(node.outputs):
                self.where[id(kt)] = (node.layer.name, i, j)

    def encode(self, obj: Any) -> Any:
        if isinstance(obj, KerasTensor):
            if id(obj) not in self.where:  # a model input
                return {"__keras_tensor__": [obj._keras_history[0].name, 0, 0]}
            return {"__keras_tensor__": list(self.where[id(obj)])}
        if isinstance(obj, dict):
            return {k: self.encode(v) for k, v in obj.items()}
        if isinstance(obj, (list, tuple)):
            return [self.encode(v) for v in obj]
        return obj


def _topological_nodes(inputs: list[KerasTensor], outputs: list[KerasTensor]) -> list[Node]:
    """The layer calls between inputs and outputs, each after the calls producing its inputs."""
    input_ids = {id(t) for t in inputs}
    order: list[Node] = []
    state: dict[int, int] = {}  # id(node) -> 1 visiting, 2 done

    def visit_tensor(t: KerasTensor) -> None:
        if id(t) in input_ids:
            return
        layer, node_index, _ = t._keras_history
        if isinstance(layer, InputLayer):
            raise ValueError(f"the model's outputs depend on input '{layer.name}', which is not in `inputs`")
        visit_node(layer._inbound_nodes[node_index])

    def visit_node(node: Node) -> None:
        s = state.get(id(node))
        if s == 2:
            return
        if s == 1:
            raise ValueError("the layer graph has a cycle")
        state[id(node)] = 1
        for t in node.input_tensors:
            visit_tensor(t)
        state[id(node)] = 2
        order.append(node)

    for t in outputs:
        visit_tensor(t)
    return order


def _mask_of(masks: dict[int, Any], x: Any) -> Any:
    return masks.get(id(x)) if isinstance(x, KerasTensor) else None


def _fill_masks(layer: Layer, node: Node, masks: dict[int, Any], kwargs: dict[str, Any], in_mask: Any) -> None:
    """Pass the masks of a node's inputs to the layer's mask arguments, as Keras propagates them."""
    params = _params(type(layer).call)
    if "query_mask" in params:  # attention layers taking (query, value, key) as separate arguments
        names = [n for n in params if n in ("query", "value", "key")]
        given = dict(zip(names, node.args))
        given.update({k: v for k, v in node.kwargs.items() if k in names})
        for name in names:
            m = _mask_of(masks, given.get(name))
            if m is not None and kwargs.get(f"{name}_mask") is None:
                kwargs[f"{name}_mask"] = m
        return
    if "mask" not in params or kwargs.get("mask") is not None:
        return
    if in_mask is not None:
        kwargs["mask"] = in_mask
    elif node.args and isinstance(node.args[0], (list, tuple)):  # e.g. Attention([query, value])
        per_input = [_mask_of(masks, x) for x in node.args[0]]
        if any(m is not None for m in per_input):
            kwargs["mask"] = per_input


def _layers_by_depth(inputs: list[KerasTensor], outputs: list[KerasTensor], nodes: list[Node]) -> list[Layer]:
    """Layers in Keras's order (so weights line up with a Keras model's): deepest first (the inputs), ties in the
    order a depth-first walk from the outputs first reaches them."""
    first_seen: dict[int, int] = {}
    input_ids = {id(t) for t in inputs}

    def walk(t: KerasTensor, seen: set[int]) -> None:
        layer, node_index, _ = t._keras_history
        first_seen.setdefault(id(layer), len(first_seen))
        node = layer._inbound_nodes[node_index]
        if id(node) in seen or id(t) in input_ids:
            return
        seen.add(id(node))
        for x in node.input_tensors:
            walk(x, seen)

    seen: set[int] = set()
    for t in outputs:
        walk(t, seen)
    producer = {id(kt): node for node in nodes for kt in node.outputs}
    depth: dict[int, int] = {}
    layer_depth: dict[int, int] = {}
    layers: dict[int, Layer] = {}
    for node in reversed(nodes):  # consumers before producers
        d = max(depth.get(id(node), 0), layer_depth.get(id(node.layer), 0))
        depth[id(node)] = d
        layer_depth[id(node.layer)] = d
        layers[id(node.layer)] = node.layer
        for x in node.input_tensors:
            parent = producer.get(id(x))
            if parent is not None:
                depth[id(parent)] = max(depth.get(id(parent), 0), d + 1)
    deepest = max(layer_depth.values(), default=-1) + 1
    for t in inputs:
        layer = t._keras_history[0]
        layers[id(layer)] = layer
        layer_depth[id(layer)] = deepest
        first_seen.setdefault(id(layer), len(first_seen))
    return sorted(layers.values(), key=lambda lay: (-layer_depth[id(lay)], first_seen.get(id(lay), 0)))


def _check_input(model: Layer, spec: KerasTensor, x: Any) -> None:
    shape = tuple(getattr(x, "shape", ()))
    if len(shape) != len(spec.shape) or any(
            want is not None and isinstance(got, int) and got != want for want, got in zip(spec.shape, shape)):
        got = tuple(d if isinstance(d, int) else None for d in shape)
        raise ShapeError(f"model '{model.name}': input '{spec._keras_history[0].name}' expects shape {spec.shape}, "
                         f"got {got}")


__all__ = ["Functional"]
