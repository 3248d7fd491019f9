"""The compiled train/test/predict steps of a model.

One step is ``hornet.jit`` of the model's ``train_step`` (or ``test_step``/``predict_step``) with the batch
mask installed, donating the variables' buffers. With ``steps_per_execution = k > 1`` the step runs k batches
in one program: a ``scan`` over stacked batches whose carry is every piece of state the step touches (weights,
optimizer slots, metric totals, RNG seeds), so compile time does not grow with k. A chunk shorter than k is
filled with all-padding batches, which leave the state exactly as it was.
"""
from __future__ import annotations

from typing import Any

from hornet.ir import pytree
from hornet.ir.tracer import trace_function
from hornet.runtime.jit import jit
from hornet.runtime.variables import StateScope


def _single(model: Any, kind: str) -> Any:
    body = {"train": model.train_step, "test": model.test_step, "predict": model.predict_step}[kind]

    def step(data: Any, mask: Any) -> Any:
        model._step_mask = mask
        try:
            return body(data)
        finally:
            model._step_mask = None

    step.__name__ = f"{kind}_step"
    return step


def make_step(model: Any, kind: str) -> Any:
    """A callable ``(data, mask) -> logs/outputs`` that compiles once per input signature."""
    k = model.steps_per_execution if kind != "predict" else 1
    single = _single(model, kind)
    if k == 1:
        return jit(single, donate_state=kind == "train", backend=getattr(model, "_backend_name", None),
                   jit_compile=getattr(model, "_jit_compile", "auto"))
    return MultiStep(model, single, kind)


class MultiStep:
    """k steps per call: ``(stacked data [k, batch, ...], masks [k, batch])`` -> the last real step's logs."""

    def __init__(self, model: Any, single: Any, kind: str):
        self.model = model
        self.single = single
        self.kind = kind
        self.state: list[Any] | None = None
        self.jitted: Any = None

    @property
    def cache_size(self) -> int:
        return 0 if self.jitted is None else self.jitted.cache_size

    def _discover_state(self, data_k: Any, mask_k: Any) -> list[Any]:
        first = pytree.tree_map(lambda a: a[0], (data_k, mask_k))
        traced = trace_function(self.single, first, name=f"{self.kind}_step_probe")
        seen: dict[int, Any] = {}
        for v in traced.state_in + traced.state_out:
            seen.setdefault(id(v), v)
        return list(seen.values())

    def __call__(self, data_k: Any, mask_k: Any) -> Any:
        if self.jitted is None:
            self.state = self._discover_state(data_k, mask_k)
            self.jitted = jit(self._many, donate_state=self.kind == "train",
                              backend=getattr(self.model, "_backend_name", None),
                              jit_compile=getattr(self.model, "_jit_compile", "auto"))
        return self.jitted(data_k, mask_k)

    def _many(self, data_k: Any, mask_k: Any) -> Any:
        from hornet import ops

        state = self.state

        def body(carry: Any, xs: Any) -> Any:
            data, mask = xs
            with StateScope(dict(zip(state, carry))) as scope:
                logs = self.single(data, mask)
            active = ops.sum(mask) > 0
            new = [ops.where(active, scope.values[v], c) for v, c in zip(state, carry)]
            return new, logs

        final, logs_k = ops.scan(body, [v.value for v in state], (data_k, mask_k))
        for v, value in zip(state, final):
            v.assign(value)
        active = ops.cast(ops.sum(mask_k, axis=1) > 0, "int32")
        last = ops.maximum(ops.sum(active) - 1, 0)
        return pytree.tree_map(lambda l: ops.take(l, last, axis=0), logs_k)


def input_signature(x: Any) -> Any:
    """The structure of model inputs as TensorSpecs with the batch dim None (what a saved model records)."""
    from hornet.api.ops.core import type_of
    from hornet.ir.tracer import TensorSpec

    def one(a: Any) -> TensorSpec:
        t = type_of(a)
        return TensorSpec((None,) + tuple(d if isinstance(d, int) else None for d in t.shape[1:]), t.dtype)

    return pytree.tree_map(one, x)


def ensure_built(model: Any, x_example: Any) -> None:
    """Create the model's weights (by tracing its forward once) if any layer is still unbuilt."""
    if getattr(model, "_input_spec_tree", None) is None:
        model._input_spec_tree = input_signature(x_example)
    if model.built and all(layer.built for layer in model._flatten_layers()):
        return
    trace_function(lambda x: model(x, training=False), [x_example], name="build")
    model.built = True


__all__ = ["make_step", "ensure_built", "input_signature", "MultiStep"]
