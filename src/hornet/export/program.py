"""The program every export format is made from: a model's inference graph, its weights and its signature.

It is built from a saved ``.hornet`` file (``from_model_file``), so every format ships exactly what that file
holds, whichever backend built the model and whether or not its Python classes are importable here. Inputs and
outputs have names (a functional model's ``Input`` names, else ``inputs``; ``output_0``, ``output_1``, ... as
Keras's exports) and shapes whose symbolic dims (``"batch"``) stay symbolic in every format.

>>> program = InferenceProgram.from_model_file("digits.hornet")     # doctest: +SKIP
>>> [(s.name, s.shape) for s in program.inputs]
[('pixels', ('batch', 64))]
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from hornet.ir.graph import Graph
from hornet.ir.symbolic import is_symbolic


@dataclass(frozen=True)
class Signature:
    """One input or output: a name, a shape (ints and symbolic dims such as ``"batch"``) and a dtype name."""

    name: str
    shape: tuple[Any, ...]
    dtype: str

    def __str__(self) -> str:
        return f"{self.name}: {self.dtype}[{','.join(str(d) for d in self.shape)}]"

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "shape": [d if isinstance(d, int) else str(d) for d in self.shape],
                "dtype": self.dtype}


def safe_name(name: str, index: int) -> str:
    """A name every format accepts (TF signatures allow letters, digits and '_')."""
    cleaned = re.sub(r"[^A-Za-z0-9_]", "_", name)
    if not cleaned or not (cleaned[0].isalpha() or cleaned[0] == "_"):
        cleaned = f"input_{index}" if not cleaned else f"x_{cleaned}"
    return cleaned


def _unique(names: Sequence[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        if name in seen:
            seen[name] += 1
            name = f"{name}_{seen[name]}"
        seen.setdefault(name, 0)
        out.append(name)
    return out


class InferenceProgram:
    """``graph`` takes the model inputs then the ``state`` arrays (weights and other variables it reads) and
    returns the model outputs first."""

    def __init__(self, graph: Graph, state: list[np.ndarray], input_names: Sequence[str], name: str,
                 num_outputs: int, source_file: str | None = None):
        self.graph = graph
        self.state = state
        self.name = name
        self.source_file = source_file
        n_in = len(graph.inputs) - len(state)
        names = _unique([safe_name(n, i) for i, n in enumerate(input_names)])
        if len(names) != n_in:
            names = ["inputs"] if n_in == 1 else [f"input_{i}" for i in range(n_in)]
        self.inputs = [Signature(n, tuple(v.type.shape), v.type.dtype.name) for n, v in zip(names, graph.inputs)]
        self.outputs = [Signature(f"output_{i}", tuple(v.type.shape), v.type.dtype.name)
                        for i, v in enumerate(graph.outputs[:num_outputs])]

    @classmethod
    def from_model_file(cls, path: str) -> "InferenceProgram":
        """The forward pass stored in a ``.hornet`` file (checked as ``load_model`` checks it; no code runs)."""
        from hornet.api.saving.graph_model import GraphModel
        from hornet.api.saving.model_file import read_entries

        entries = read_entries(path)
        model = GraphModel.from_entries(entries, path, missing="")
        return cls(model.graph, list(model._state), _input_names(entries), _model_name(entries) or model.name,
                   model._out_tree.num_leaves, source_file=path)

    @classmethod
    def from_graph(cls, graph: Graph) -> "InferenceProgram":
        """A bare graph (all inputs are model inputs, no state), e.g. one written by ``Graph.to_json``."""
        return cls(graph, [], [f"input_{i}" for i in range(len(graph.inputs))], graph.name, len(graph.outputs))

    def folded(self) -> Graph:
        """The graph of the model inputs alone, the state baked in as constants."""
        n = len(self.inputs)
        graph = Graph(list(self.graph.inputs[:n]), list(self.graph.outputs[:len(self.outputs)]),
                      list(self.graph.nodes), dict(self.graph.constants), self.graph.name, dict(self.graph.metadata))
        for value, array in zip(self.graph.inputs[n:], self.state):
            graph.constants[value] = array
        return graph

    def unknown_dims(self) -> list[tuple[str, int]]:
        """(input name, axis) of every symbolic dim other than a leading batch dim."""
        return [(s.name, axis) for s in self.inputs for axis, d in enumerate(s.shape)
                if is_symbolic(d) and not (axis == 0 and str(d) == "batch")]

    def parameter_count(self) -> int:
        return int(sum(a.size for a in self.state))

    def signature_json(self) -> dict[str, Any]:
        return {"inputs": [s.to_json() for s in self.inputs], "outputs": [s.to_json() for s in self.outputs]}


def _model_name(entries: dict[str, bytes]) -> str | None:
    try:
        name = json.loads(entries["config.json"])["model"]["config"]["name"]
    except (KeyError, TypeError, ValueError):
        return None
    return name[:128] if isinstance(name, str) and name else None


def _input_names(entries: dict[str, bytes]) -> list[str]:
    """The model's input names from its config: a functional model's input layers, a Sequential's InputLayer."""
    try:
        model = json.loads(entries["config.json"])["model"]
        config = model["config"]
        if isinstance(config.get("input_layers"), list):
            return [ref["__keras_tensor__"][0] for ref in config["input_layers"]]
        if isinstance(config.get("input_layers"), dict):
            return [config["input_layers"]["__keras_tensor__"][0]]
        layers = config.get("layers") or []
        if layers and layers[0].get("class_name") == "InputLayer":
            return [layers[0]["config"]["name"]]
    except (KeyError, TypeError, IndexError, ValueError):
        pass
    return []
