"""``hornet compile SPEC --train``: a compiled model's whole train step as a deployable program.

The folder holds ``train_step.jax_exported`` / ``train_step.mlir`` (the step: parameters, optimizer slots,
metric totals and RNG seeds, plus a batch ``(x, y)`` and its row mask -> the step's logs and the new state; the
batch dim stays symbolic), ``initial_state.safetensors``, ``model.hornet`` (the inference bundle whose weights
``hornet train`` replaces with the trained ones) and a ``manifest.json`` saying which state each output replaces,
which state is reset at each epoch (metrics) and which state is which model weight.

>>> export_train_step(model, "job")                      # doctest: +SKIP
>>> # then, in a process without the model's code:  hornet train job --data d.npz --epochs 3 -o trained.hornet
"""
from __future__ import annotations

import os
from typing import Any

import numpy as np

from hornet.api.models.compiled_step import _single
from hornet.api.saving import tensors_file
from hornet.export.artifact import write_folder
from hornet.export.stablehlo import PLATFORMS
from hornet.ir import pytree
from hornet.ir.errors import HornetError
from hornet.ir.tracer import TensorSpec, trace_function
from hornet.runtime.jax_export import JaxLowered

FORMAT = "train_step"


def label_spec(model: Any) -> TensorSpec:
    """The labels' spec, from the loss: integer class ids for sparse losses, else the output's shape."""
    loss = getattr(model, "loss", None)
    name = loss if isinstance(loss, str) else type(loss).__name__ if loss is not None else ""
    outputs = getattr(model, "outputs", None) or []
    if len(outputs) != 1:
        raise HornetError(f"model '{model.name}': --train exports models with one output for now")
    shape = tuple(outputs[0].shape)
    if "sparse" in str(name).lower():
        return TensorSpec(("batch",), "int32")
    return TensorSpec(("batch",) + shape[1:], "float32")


def _input_spec(model: Any) -> Any:
    from hornet.api.saving.model_file import input_specs

    return input_specs(model)


def export_train_step(model: Any, folder: str) -> dict[str, Any]:
    """Write ``model``'s train step (it must be compiled) as a ``train_step`` folder; returns the manifest."""
    if not getattr(model, "compiled", False) or getattr(model, "optimizer", None) is None:
        raise HornetError(f"model '{model.name}' is not compiled: --train needs model.compile(optimizer=..., "
                          "loss=...) in the factory (or a .hornet file saved after compile)")
    x_spec = _input_spec(model)
    y_spec = label_spec(model)
    example = pytree.tree_map(lambda s: np.zeros((1,) + tuple(s.shape[1:]), s.dtype.np), x_spec)
    model._prepare(example)
    traced = trace_function(_single(model, "train"), [(x_spec, y_spec), TensorSpec(("batch",), "float32")],
                            name=f"{model.name}_train_step")
    graph = traced.graph
    position = {id(v): i for i, v in enumerate(traced.state_in)}
    missing = [v.name for v in traced.state_out if id(v) not in position]
    if missing:
        raise HornetError(f"the train step writes state it never reads ({', '.join(missing[:5])}); it can't be "
                          "exported as a step of state -> state")
    n_logs = len(graph.outputs) - len(traced.state_out)
    metric_ids = {id(v) for m in model.metrics for v in m.variables}
    weight_index = {id(v): i for i, v in enumerate(model.weights)}
    not_in_step = [w.name for w in model.weights if id(w) not in position]
    log_names = _log_names(traced.out_tree, n_logs)
    data_leaves = [v.type for v in graph.inputs[:traced.num_args]]

    def write(staging: str) -> dict[str, Any]:
        low = JaxLowered(graph, platforms=PLATFORMS)
        try:
            exported = low.exported
        except Exception:  # noqa: BLE001  (a rule missing on an accelerator: CPU only)
            low = JaxLowered(graph, platforms=("cpu",))
            exported = low.exported
        with open(os.path.join(staging, "train_step.jax_exported"), "wb") as f:
            f.write(low.serialize())
        with open(os.path.join(staging, "train_step.mlir"), "w") as f:
            f.write(low.as_text())
        state = {f"state_{i:05d}": np.asarray(v.numpy()) for i, v in enumerate(traced.state_in)}
        with open(os.path.join(staging, "initial_state.safetensors"), "wb") as f:
            f.write(tensors_file.dump(state))
        model.save(os.path.join(staging, "model.hornet"))
        return {
            "format": FORMAT, "name": model.name, "frameworks": {}, "platforms": list(exported.platforms),
            "inputs": [{"name": n, "shape": [d if isinstance(d, int) else str(d) for d in t.shape],
                        "dtype": t.dtype.name} for n, t in zip(_data_names(len(data_leaves)), data_leaves)],
            "outputs": [{"name": n, "shape": [], "dtype": v.type.dtype.name}
                        for n, v in zip(log_names, graph.outputs[:n_logs])],
            "state": [{"path": getattr(v, "path", f"state_{i}"), "shape": list(v.shape), "dtype": v.dtype.name,
                       "reset_each_epoch": id(v) in metric_ids, "weight": weight_index.get(id(v))}
                      for i, v in enumerate(traced.state_in)],
            "updates": [position[id(v)] for v in traced.state_out],
            "weights_not_trained": not_in_step,
        }

    return write_folder(folder, write)


def _data_names(n: int) -> list[str]:
    return ["x", "y", "mask"] if n == 3 else [f"x_{i}" for i in range(n - 2)] + ["y", "mask"]


def _log_names(out_tree: Any, n: int) -> list[str]:
    try:
        example = pytree.unflatten(out_tree, list(range(n)))
    except Exception:  # noqa: BLE001
        return [f"log_{i}" for i in range(n)]
    if isinstance(example, dict):
        return [k for k, _ in sorted(example.items(), key=lambda kv: kv[1])]
    return [f"log_{i}" for i in range(n)]
