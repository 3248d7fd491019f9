"""``layer.input``, ``layer.output``, ``layer.input_shape``, ``layer.output_shape``: the functional tensors of
a layer's first call on KerasTensors (Keras's node 0), for feature extraction from a built model.

>>> model = hornet.Sequential([hornet.Input((4,)), layers.Dense(3), layers.Dense(2)])     # doctest: +SKIP
>>> extractor = hornet.Model(model.inputs, [layer.output for layer in model.layers])       # doctest: +SKIP
>>> model.layers[0].output_shape                                                           # doctest: +SKIP
(None, 3)

They are non-data descriptors, so a subclass may still assign an attribute of the same name (InputLayer keeps
its ``output`` tensor that way).
"""
from __future__ import annotations

from typing import Any

from hornet.ir import pytree


def _first_node(layer: Any, what: str) -> Any:
    nodes = getattr(layer, "_inbound_nodes", None)
    if not nodes:
        raise AttributeError(f"layer '{layer.name}' has never been called on symbolic inputs (hornet.Input or "
                             f"another layer's output), so it has no defined {what}")
    return nodes[0]


def _single(tensors: list[Any]) -> Any:
    return tensors[0] if len(tensors) == 1 else tensors


class NodeAttribute:
    """One attribute of a layer's first call: "input", "output", "input_shape" or "output_shape" (an input
    layer's input is its output)."""

    def __init__(self, what: str):
        self.what = what

    def __set_name__(self, owner: type, name: str) -> None:
        self.__doc__ = f"The {self.what.replace('_', ' ')} of this layer's first functional call."

    def __get__(self, layer: Any, owner: type | None = None) -> Any:
        if layer is None:
            return self
        node = _first_node(layer, self.what)
        if self.what.startswith("input") and node.input_tensors:
            tensors = _single(node.input_tensors)
        else:
            tensors = pytree.unflatten(node.out_tree, node.outputs) if node.out_tree is not None \
                else _single(node.outputs)
        if self.what.endswith("_shape"):
            return pytree.tree_map(lambda t: tuple(t.shape), tensors)
        return tensors


__all__ = ["NodeAttribute"]
