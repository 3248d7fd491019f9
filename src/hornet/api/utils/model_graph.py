"""The picture ``plot_model`` draws, as plain data: one node per layer (name, class, shapes, dtype, activation,
trainability), the edges of the functional graph between them, and nested models as subgraphs. No drawing
library is needed to build or inspect it.

>>> import hornet
>>> model = hornet.Sequential([hornet.Input((4,)), hornet.layers.Dense(2, name="out")])
>>> [n.name for n in model_graph(model).nodes]
['out']
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator


@dataclass
class GraphNode:
    """One box: a layer (or a whole model drawn as one box). ``input_shape`` is None for an ``InputLayer``;
    unknown shapes and dtypes are "?"; ``trainable`` is None for a layer without weights."""

    key: str
    name: str
    class_name: str
    input_shape: str | None
    output_shape: str
    dtype: str
    activation: str | None
    trainable: bool | None


@dataclass
class ModelGraph:
    """A model's boxes, the edges between them (pairs of ``GraphNode.key``; an edge may end inside a subgraph)
    and its expanded nested models."""

    name: str
    nodes: list[GraphNode] = field(default_factory=list)
    edges: list[tuple[str, str]] = field(default_factory=list)
    subgraphs: list["ModelGraph"] = field(default_factory=list)

    def all_nodes(self) -> Iterator[GraphNode]:
        """Every box, those of the subgraphs included."""
        yield from self.nodes
        for sub in self.subgraphs:
            yield from sub.all_nodes()

    def all_edges(self) -> Iterator[tuple[str, str]]:
        yield from self.edges
        for sub in self.subgraphs:
            yield from sub.all_edges()

    def edge_names(self) -> list[tuple[str, str]]:
        """Every edge (subgraphs' included) as ``(source layer name, destination layer name)``."""
        names = {n.key: n.name for n in self.all_nodes()}
        return [(names[a], names[b]) for a, b in self.all_edges()]


def _kinds() -> tuple[type, type, type]:
    from hornet.api.layers.input_layer import InputLayer
    from hornet.api.models.functional import Functional
    from hornet.api.models.sequential import Sequential

    return Functional, Sequential, InputLayer


def _text(values: list[Any]) -> str:
    return str(values[0]) if len(values) == 1 else str(values)


def _activation_name(layer: Any) -> str | None:
    activation = getattr(layer, "activation", None)
    if activation is None:
        return None
    return str(getattr(activation, "name", None) or getattr(activation, "__name__", None) or activation)


def _first_calls(model: Any) -> dict[int, Any]:
    """Each layer's first call inside ``model``'s graph (the node whose tensors give its shapes)."""
    functional = getattr(model, "_functional", None) or model
    calls: dict[int, Any] = {}
    for node in getattr(functional, "_nodes", []):
        calls.setdefault(id(node.layer), node)
    return calls


def _node(layer: Any, call: Any) -> GraphNode:
    _, _, InputLayer = _kinds()
    if call is None and getattr(layer, "_inbound_nodes", None):
        call = layer._inbound_nodes[0]
    outputs = list(call.outputs) if call is not None else []
    inputs = list(call.input_tensors) if call is not None else []
    is_input = isinstance(layer, InputLayer)
    weights = getattr(layer, "weights", [])
    return GraphNode(
        key=str(id(layer)), name=layer.name, class_name=type(layer).__name__,
        input_shape=None if is_input else (_text([t.shape for t in inputs]) if inputs else "?"),
        output_shape=_text([t.shape for t in outputs]) if outputs else "?",
        dtype=_text([t.dtype for t in outputs]) if outputs else "?",
        activation=_activation_name(layer),
        trainable=bool(layer.trainable) if weights else None)


def _resolve_source(source: Any, index: int, models: tuple[type, ...]) -> Any:
    """The real layer inside (possibly nested) models that produces output ``index`` of ``source``."""
    while isinstance(source, models):
        source, _, index = source.outputs[index]._keras_history
    return source


def _resolve_destination(destination: Any, index: int, models: tuple[type, ...]) -> Any:
    """The box inside (possibly nested) models that receives input ``index``: a Functional's InputLayer, a
    Sequential's first layer."""
    Functional, _, _ = _kinds()
    while isinstance(destination, models):
        if isinstance(destination, Functional):
            destination = destination.inputs[index]._keras_history[0]
        else:
            destination = destination.layers[0]
    return destination


def check_built(model: Any, what: str) -> None:
    """A clear error when ``model`` is not built yet (``what`` names the function that needs it built)."""
    if not getattr(model, "built", False):
        raise ValueError(f"{what}: model '{getattr(model, 'name', model)}' has not yet been built. Build the model "
                         "first by calling `build()` or by calling the model on a batch of data.")


def model_graph(model: Any, expand_nested: bool = False) -> ModelGraph:
    """The boxes and edges of ``model`` (built): a Sequential's or functional model's layers, or a subclassed
    model as a single box; with ``expand_nested``, nested Sequential and functional models become subgraphs
    whose boxes the edges reach into.

    >>> import hornet
    >>> inputs = hornet.Input((3,), name="x")
    >>> model = hornet.Model(inputs, hornet.layers.Dense(2, name="d")(inputs))
    >>> model_graph(model).edge_names()
    [('x', 'd')]
    """
    check_built(model, "model_graph")
    Functional, Sequential, _ = _kinds()
    models = (Functional, Sequential)
    graph = ModelGraph(name=model.name)
    if not isinstance(model, models):
        graph.nodes.append(_node(model, None))
        return graph
    calls = _first_calls(model)
    layers = list(model.layers)
    for layer in layers:
        if expand_nested and isinstance(layer, models):
            graph.subgraphs.append(model_graph(layer, expand_nested=True))
        else:
            graph.nodes.append(_node(layer, calls.get(id(layer))))

    def add(source: Any, destination: Any) -> None:
        edge = (str(id(source)), str(id(destination)))
        if edge not in graph.edges:
            graph.edges.append(edge)

    if isinstance(model, Sequential) and not expand_nested:
        for source, destination in zip(layers, layers[1:]):
            add(source, destination)
        return graph
    functional = model._functional if isinstance(model, Sequential) else model
    hidden_input = model._input_layer if isinstance(model, Sequential) else None  # a Sequential draws no input box
    for call in functional._nodes:
        for input_index, tensor in enumerate(call.input_tensors):
            source, _, output_index = tensor._keras_history
            if source is hidden_input:
                continue
            if not expand_nested:
                add(source, call.layer)
                continue
            add(_resolve_source(source, output_index, models), _resolve_destination(call.layer, input_index, models))
    return graph


__all__ = ["GraphNode", "ModelGraph", "check_built", "model_graph"]
