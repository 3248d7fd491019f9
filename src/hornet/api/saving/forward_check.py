"""Check that a model file's two descriptions of the model agree: the model rebuilt from ``config.json`` must
trace to the graph stored in ``forward.json`` (which a process without the model's classes runs, and which the
CLI exports). Otherwise the same file would compute different things depending on what the loading process
imported.

Graphs are compared without their names, op labels and layer scopes (auto-generated layer names may differ between
processes). A mismatch is an error when every class is hornet's own and the file was saved by this hornet
version; otherwise (custom classes whose code may have changed since, or another hornet version whose
decompositions may differ) it is a warning, and the rebuilt model is used.

>>> check_forward_agrees(model, forward, specs, "m.hornet", saved_by="0.1.0")      # doctest: +SKIP
"""
from __future__ import annotations

import json
import warnings
from typing import Any

from hornet.api.saving.file_errors import ModelFileError
from hornet.ir.tracer import trace_function

_UNLABELLED = ("op", "scope", "name", "metadata")


def canonical(value: Any) -> Any:
    """A graph document without names, op labels and metadata."""
    out = json.loads(json.dumps(value))
    stack = [out]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key in _UNLABELLED:
                item.pop(key, None)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return out


def state_refs(traced_state: list[Any], weights: list[Any]) -> list[dict[str, Any]]:
    """Each variable the forward graph reads, as ``{"weight": index}`` or ``{"extra": key}``."""
    index = {id(v): i for i, v in enumerate(weights)}
    return [{"weight": index[id(v)]} if id(v) in index else {"extra": f"{j:05d}:{v.name}"}
            for j, v in enumerate(traced_state)]


def forward_document(model: Any, specs: Any, check_sizes: bool = False) -> tuple[dict[str, Any], list[Any]]:
    """The inference graph of ``model`` as JSON data, and the variables it reads (in input order)."""
    traced = trace_function(lambda x: model(x, training=False), [specs], name=f"{model.name}_forward")
    if check_sizes:
        check_value_sizes(traced.graph)
    graph = json.loads(traced.graph.to_json())
    return ({"graph": graph, "outputs": traced.out_tree.to_json(), "num_outputs": traced.out_tree.num_leaves},
            list(traced.state_in))


MAX_VALUE_BYTES = 1 << 33  # per sample: no real model has an 8 GiB intermediate for one input row


def check_value_sizes(graph: Any) -> None:
    """Refuse a graph whose values (symbolic dims counted as 1) would take more than MAX_VALUE_BYTES each: a file
    must not make ``predict`` allocate without bound."""
    values = list(graph.inputs) + list(graph.constants) + [v for node in graph.walk() for v in node.outputs]
    for v in values:
        count = 1
        for d in v.type.shape:
            count *= d if isinstance(d, int) else 1
        if count * v.type.dtype.itemsize > MAX_VALUE_BYTES:
            producer = v.producer
            where = f" (made by prim '{producer.prim}', op '{producer.op}')" if producer is not None else ""
            raise ModelFileError(f"the graph holds a value of type {v.type}{where}: {count * v.type.dtype.itemsize} "
                                 f"bytes per sample, more than the {MAX_VALUE_BYTES} a model file may ask for")


def check_forward_agrees(model: Any, forward: Any, specs: Any, filepath: str, saved_by: Any) -> None:
    import hornet

    if not isinstance(forward, dict):
        raise ModelFileError("forward.json must be an object", file=filepath, member="forward.json")
    mine, state = forward_document(model, specs, check_sizes=True)
    weight_refs = [r.get("weight") for r in state_refs(state, model.weights)]
    theirs_refs = [r.get("weight") if isinstance(r, dict) else r for r in forward.get("state", [])]
    same = (canonical(mine["graph"]) == canonical(forward.get("graph")) and mine["outputs"] == forward.get("outputs")
            and weight_refs == theirs_refs)
    if same:
        return
    own = all(type(layer).__module__.startswith("hornet.") for layer in model._flatten_layers())
    message = ("forward.json does not match the model that config.json describes: the stored inference graph "
               "differs from the one the rebuilt model traces to")
    if own and saved_by == hornet.__version__:
        raise ModelFileError(message + "; the file is inconsistent (altered, or assembled from two saves)",
                             file=filepath, member="forward.json")
    reason = ("the model's custom classes may have changed since it was saved" if not own else
              f"it was saved by hornet {saved_by}, this is {hornet.__version__}")
    warnings.warn(f"{filepath}: {message} ({reason}); using the model rebuilt from config.json", stacklevel=3)


__all__ = ["canonical", "state_refs", "forward_document", "check_forward_agrees", "check_value_sizes"]
