"""A saved model run from its IR alone, for processes that don't have the model's Python classes.

It predicts exactly as the original (the same graph, the same weights); training needs the classes.

>>> m = hornet.models.load_model("m.hornet")        # doctest: +SKIP  (custom classes not importable)
>>> type(m).__name__, m.predict(x).shape
('GraphModel', (10, 3))
"""
from __future__ import annotations

import json
from typing import Any

import numpy as np

from hornet.api.saving import tensors_file
from hornet.ir import pytree
from hornet.ir.errors import HornetError
from hornet.ir.graph import Graph


class GraphModel:
    def __init__(self, graph: Graph, in_tree: pytree.TreeDef, input_leaves: list[dict[str, Any]],
                 out_tree: pytree.TreeDef, state: list[np.ndarray], missing: str, name: str):
        self.graph = graph
        self._in_tree = in_tree
        self.input_specs = input_leaves
        self._out_tree = out_tree
        self._state = state
        self.missing = missing
        self.name = name
        self._compiled: Any = None

    @classmethod
    def from_entries(cls, entries: dict[str, bytes], filepath: str, missing: str) -> "GraphModel":
        from hornet.api.saving.model_file import ModelFileError, _json

        forward = _json(entries, "forward.json", filepath)
        try:
            graph = Graph.from_json(json.dumps(forward["graph"]))
            in_tree = pytree.TreeDef.from_json(forward["inputs"]["tree"])
            leaves = list(forward["inputs"]["leaves"])
            out_tree = pytree.TreeDef.from_json(forward["outputs"])
            refs = list(forward["state"])
        except (KeyError, TypeError, ValueError) as e:
            raise ModelFileError(f"{filepath}: forward.json is malformed ({e})") from None
        weights, _ = tensors_file.parse(entries["weights.safetensors"], f"{filepath}: weights.safetensors")
        extra, _ = ({}, {}) if "forward_state.safetensors" not in entries else tensors_file.parse(
            entries["forward_state.safetensors"], f"{filepath}: forward_state.safetensors")
        ordered = [weights[k] for k in sorted(weights)]
        state = []
        for ref in refs:
            if isinstance(ref, dict) and isinstance(ref.get("weight"), int) and 0 <= ref["weight"] < len(ordered):
                state.append(ordered[ref["weight"]])
            elif isinstance(ref, dict) and ref.get("extra") in extra:
                state.append(extra[ref["extra"]])
            else:
                raise ModelFileError(f"{filepath}: forward.json refers to missing state {str(ref)[:80]}")
        if len(graph.inputs) != len(leaves) + len(state):
            raise ModelFileError(f"{filepath}: the forward graph takes {len(graph.inputs)} inputs but the file "
                                 f"describes {len(leaves)} model inputs and {len(state)} variables")
        for value, array in zip(graph.inputs[len(leaves):], state):
            if tuple(value.type.shape) != tuple(array.shape) or value.type.dtype.np != array.dtype:
                raise ModelFileError(f"{filepath}: a saved variable of shape {array.shape} doesn't match the graph "
                                     f"input {value.type}")
        name = forward["graph"].get("name", "model") if isinstance(forward["graph"], dict) else "model"
        return cls(graph, in_tree, leaves, out_tree, state, missing, str(name))

    def _run(self, leaves: list[Any]) -> Any:
        from hornet.runtime.backend import current_backend

        backend = current_backend()
        if self._compiled is None:
            self._compiled = backend.compile(self.graph)
            self._state_arrays = [backend.asarray(a) for a in self._state]
        arrays = [backend.asarray(np.asarray(x, dtype=spec["dtype"])) for x, spec in zip(leaves, self.input_specs)]
        outs = self._compiled(*arrays, *self._state_arrays)
        return pytree.unflatten(self._out_tree, list(outs)[:self._out_tree.num_leaves])

    def _leaves(self, x: Any) -> list[Any]:
        leaves = pytree.flatten(x)[0]
        if len(leaves) != len(self.input_specs):
            raise ValueError(f"model '{self.name}' takes {len(self.input_specs)} inputs, got {len(leaves)}")
        for i, (a, spec) in enumerate(zip(leaves, self.input_specs)):
            shape = tuple(np.shape(a))
            want = tuple(spec["shape"])
            if len(shape) != len(want) or any(w is not None and w != g for w, g in zip(want[1:], shape[1:])):
                raise ValueError(f"model '{self.name}': input {i} expects shape {want}, got {shape}")
        return leaves

    def __call__(self, x: Any, training: bool = False) -> Any:
        return self._run(self._leaves(x))

    def predict(self, x: Any, batch_size: int | None = None, verbose: Any = "auto", steps: int | None = None,
                callbacks: Any = None) -> Any:
        """Outputs for every sample (padded fixed-size batches: one compiled program)."""
        from hornet.runtime.data import make_adapter

        adapter = make_adapter(x, None, None, batch_size, steps)
        pieces: list[list[np.ndarray]] = []
        for batch in adapter.iterate_epoch():
            out = self._run(self._leaves(batch.x))
            real = batch.num_real
            pieces.append([np.asarray(a)[:real] for a in pytree.flatten(out)[0]])
        return pytree.unflatten(self._out_tree, [np.concatenate(p) for p in zip(*pieces)])

    def get_weights(self) -> list[np.ndarray]:
        return [a.copy() for a in self._state]

    def _needs_classes(self, what: str) -> HornetError:
        return HornetError(f"{what} needs the model's Python classes, which are not loaded in this process: "
                           f"{self.missing}. This model was loaded from its IR alone and can only predict.")

    def compile(self, *args: Any, **kwargs: Any) -> None:
        raise self._needs_classes("compile()")

    def fit(self, *args: Any, **kwargs: Any) -> Any:
        raise self._needs_classes("fit() (retraining)")

    def evaluate(self, *args: Any, **kwargs: Any) -> Any:
        raise self._needs_classes("evaluate()")

    def train_on_batch(self, *args: Any, **kwargs: Any) -> Any:
        raise self._needs_classes("train_on_batch()")

    def __repr__(self) -> str:
        return f"<GraphModel '{self.name}' (IR only: {len(self.input_specs)} inputs)>"


__all__ = ["GraphModel"]
