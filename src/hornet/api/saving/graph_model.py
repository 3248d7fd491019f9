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

from hornet.api.saving import json_data, tensors_file
from hornet.api.saving.file_errors import ModelFileError, short
from hornet.api.saving.forward_check import check_value_sizes
from hornet.api.saving.restore import ordered
from hornet.api.saving.specs import parse_specs
from hornet.ir import pytree
from hornet.ir.errors import HornetError
from hornet.ir.graph import Graph
from hornet.runtime.backend import to_numpy


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
        self.filepath: str | None = None  # the model file it was read from
        self._compiled: Any = None

    @classmethod
    def from_entries(cls, entries: dict[str, bytes], filepath: str, missing: str) -> "GraphModel":
        """Build from a model file's members, checking forward.json's metadata against its graph."""
        from hornet.api.saving.model_file import reading

        with reading(filepath, "forward.json"):
            forward = json_data.loads(entries["forward.json"])
            if not isinstance(forward, dict) or not {"graph", "inputs", "outputs", "state"} <= set(forward):
                raise ModelFileError("forward.json is malformed: it must be an object with 'graph', 'inputs', "
                                     "'outputs' and 'state'")
            graph = Graph.from_json(json.dumps(forward["graph"]))
            check_value_sizes(graph)
            in_tree, leaves = parse_specs(forward["inputs"], "$.inputs")
            try:
                out_tree = pytree.TreeDef.from_json(forward["outputs"])
            except ValueError as e:
                raise ModelFileError(f"forward.json is malformed ({e})", path="$.outputs") from None
            refs = forward["state"]
            if not isinstance(refs, list):
                raise ModelFileError("forward.json is malformed: 'state' must be a list", path="$.state")
        with reading(filepath, "weights.safetensors"):
            weights = [a for _, a in ordered(tensors_file.parse(entries["weights.safetensors"])[0], None, None)]
        extra: dict[str, np.ndarray] = {}
        if "forward_state.safetensors" in entries:
            with reading(filepath, "forward_state.safetensors"):
                extra = tensors_file.parse(entries["forward_state.safetensors"])[0]
        with reading(filepath, "forward.json"):
            state = [_state_array(ref, weights, extra, f"$.state[{i}]") for i, ref in enumerate(refs)]
            _check_signature(graph, leaves, out_tree, state)
        name = forward["graph"].get("name", "model") if isinstance(forward["graph"], dict) else "model"
        specs = [{"shape": list(shape), "dtype": dtype} for shape, dtype in leaves]
        model = cls(graph, in_tree, specs, out_tree, state, missing, str(name)[:256])
        model.filepath = filepath
        return model

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
            pieces.append([to_numpy(a)[:real] for a in pytree.flatten(out)[0]])
        return pytree.unflatten(self._out_tree, [np.concatenate(p) for p in zip(*pieces)])

    def export(self, filepath: str, format: str = "tf_saved_model", **kwargs: Any) -> None:
        """Write a deployable artifact from the saved IR (see ``Model.export``)."""
        from hornet.export import export_model

        if kwargs:
            raise TypeError(f"export() got unexpected arguments {sorted(kwargs)}")
        export_model(self, filepath, format)

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


def _state_array(ref: Any, weights: list[np.ndarray], extra: dict[str, np.ndarray], path: str) -> np.ndarray:
    if isinstance(ref, dict) and set(ref) == {"weight"} and isinstance(ref["weight"], int) \
            and not isinstance(ref["weight"], bool) and 0 <= ref["weight"] < len(weights):
        return weights[ref["weight"]]
    if isinstance(ref, dict) and set(ref) == {"extra"} and isinstance(ref["extra"], str) and ref["extra"] in extra:
        return extra[ref["extra"]]
    raise ModelFileError(f"forward.json refers to missing state {short(ref)}", path=path)


def _check_signature(graph: Graph, leaves: list[tuple[tuple[Any, ...], str]], out_tree: pytree.TreeDef,
                     state: list[np.ndarray]) -> None:
    """The metadata must describe the graph: input count, dtypes and static dims, output count, state types."""
    if len(graph.inputs) != len(leaves) + len(state):
        raise ModelFileError(f"the forward graph takes {len(graph.inputs)} inputs but the file describes "
                             f"{len(leaves)} model inputs and {len(state)} variables")
    for i, ((shape, dtype), value) in enumerate(zip(leaves, graph.inputs)):
        t = value.type
        static_match = len(shape) == len(t.shape) and all(
            (d is None and not isinstance(g, int)) or d == g for d, g in zip(shape, t.shape))
        if t.dtype.name != dtype or not static_match:
            raise ModelFileError(f"input {i} is described as {dtype}{list(shape)} but the graph takes {t}",
                                 path=f"$.inputs.leaves[{i}]")
    for i, (value, array) in enumerate(zip(graph.inputs[len(leaves):], state)):
        if tuple(value.type.shape) != tuple(array.shape) or value.type.dtype.np != array.dtype:
            raise ModelFileError(f"saved variable {i} ({array.dtype}{list(array.shape)}) doesn't match the graph "
                                 f"input {value.type}", path=f"$.state[{i}]")
    n_out = out_tree.num_leaves
    if n_out < 1 or n_out > len(graph.outputs):
        raise ModelFileError(f"the output tree has {n_out} leaves but the graph has {len(graph.outputs)} outputs "
                             "(at least one is needed)", path="$.outputs")


__all__ = ["GraphModel"]
