"""compile / fit / evaluate / predict.

Each step (train, test, predict) is traced into ONE hornet graph — forward, hornet autodiff, optimizer update,
metric updates, RNG advance — compiled once per input signature and run with the variables' buffers donated.
Every batch has the same shape: a short last batch is padded (rows repeated) and a mask keeps the padding out of
losses, metrics and predictions, so a whole fit compiles the train step once (``model.compile_stats``).

>>> model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])  # doctest: +SKIP
>>> history = model.fit(x, y, epochs=3, batch_size=64, validation_split=0.1)
>>> model.compile_stats
{'train': 1, 'test': 1, 'predict': 0}
"""
from __future__ import annotations

from typing import Any

import numpy as np

from hornet.api.models import epoch_loop
from hornet.api.models.compile_utils import CompiledLoss, CompiledMetrics
from hornet.ir import pytree


def unpack_x_y_sample_weight(data: Any) -> tuple[Any, Any, Any]:
    """``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)`` -> the three (None where absent), as Keras."""
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    if len(data) == 1:
        return data[0], None, None
    if len(data) == 2:
        return data[0], data[1], None
    if len(data) == 3:
        return data
    raise ValueError(f"data should be (x,), (x, y) or (x, y, sample_weight); got a tuple of {len(data)}")


class Trainer:
    def __init__(self) -> None:
        self.compiled = False
        self.optimizer: Any = None
        self.stop_training = False
        self.history: Any = None
        self._compiled_loss: CompiledLoss | None = None
        self._compiled_metrics: CompiledMetrics | None = None
        self._loss_tracker: Any = None
        self._step_mask: Any = None
        self._steps: dict[str, Any] = {}
        self.steps_per_execution = 1

    # --- compile ------------------------------------------------------------------------------------------------

    def compile(self, optimizer: Any = "rmsprop", loss: Any = None, loss_weights: Any = None, metrics: Any = None,
                weighted_metrics: Any = None, run_eagerly: bool = False, steps_per_execution: int = 1,
                jit_compile: Any = "auto", auto_scale_loss: bool = True, backend: str | None = None) -> None:
        """Configure training (Keras signature). ``backend`` picks the lowering for this model's steps;
        ``jit_compile`` its compile mode (on torch: ``True`` compiles with Inductor, "auto"/False run the FX graph
        directly)."""
        from hornet.api import optimizers
        from hornet.api.metrics import Mean

        if int(steps_per_execution) < 1:
            raise ValueError(f"compile: steps_per_execution must be >= 1, got {steps_per_execution}")
        self.optimizer = optimizers.get(optimizer)
        names = list(getattr(self, "output_names", []) or [])
        self._compiled_loss = CompiledLoss(loss, loss_weights, names) if loss is not None else None
        self._compiled_metrics = CompiledMetrics(metrics, weighted_metrics, names, self) \
            if metrics is not None or weighted_metrics is not None else None
        self._loss_tracker = Mean(name="loss")
        self.steps_per_execution = int(steps_per_execution)
        self.run_eagerly = bool(run_eagerly)
        if backend is not None:
            from hornet.runtime.backend import get_backend

            get_backend(backend)  # an unknown or uninstalled backend fails here, naming the available ones
            self._jitted_calls = {}
        self._backend_name = backend
        if jit_compile not in ("auto", True, False):
            raise ValueError(f"compile: jit_compile must be 'auto', True or False, got {jit_compile!r}")
        self._jit_compile = jit_compile
        self._steps = {}
        self._compile_counts = {"train": 0, "test": 0, "predict": 0}
        self.compiled = True
        self.loss = loss
        self._compile_args = {"optimizer": self.optimizer, "loss": loss, "loss_weights": loss_weights,
                              "metrics": metrics, "weighted_metrics": weighted_metrics,
                              "steps_per_execution": self.steps_per_execution}

    @property
    def compile_stats(self) -> dict[str, int]:
        """How many times each step was traced and compiled (one per input signature)."""
        counts = dict(getattr(self, "_compile_counts", {"train": 0, "test": 0, "predict": 0}))
        for kind, step in self._steps.items():
            counts[kind] = counts.get(kind, 0) + step.cache_size
        return counts

    @property
    def metrics(self) -> list[Any]:
        out = [self._loss_tracker] if self._loss_tracker is not None else []
        if self._compiled_loss is not None:
            out += [t for t in self._compiled_loss.trackers if t is not None]
        if self._compiled_metrics is not None:
            out.append(self._compiled_metrics)
        return out

    @property
    def metrics_names(self) -> list[str]:
        return [m.name for m in self.metrics]

    def _as_list(self, logs: dict[str, float]) -> Any:
        """Logs as Keras returns them without return_dict: the loss first, then the metrics, in compile order."""
        names = [n for m in self.metrics for n in ([x.name for x in m.metrics] if isinstance(m, CompiledMetrics)
                                                    else [m.name])]
        order = [k for k in names if k in logs]
        values = [logs[k] for k in order] + [v for k, v in logs.items() if k not in order]
        return values[0] if len(values) == 1 else values

    def reset_metrics(self) -> None:
        for m in self.metrics:
            m.reset_state()

    # --- the step bodies (overridable, Keras 3 semantics) ------------------------------------------------------------

    def compute_loss(self, x: Any = None, y: Any = None, y_pred: Any = None, sample_weight: Any = None,
                     training: bool = True) -> Any:
        """The compiled loss plus layer losses (``add_loss``, weight regularization)."""
        from hornet import ops

        total = None
        if self._compiled_loss is not None and y is not None:
            total = self._compiled_loss(y, y_pred, sample_weight, self._step_mask)
        for term in self.losses:
            term = ops.cast(ops.sum(term), "float32")
            total = term if total is None else total + term
        if total is None:
            raise ValueError(f"model '{self.name}': no loss to optimize; pass `loss=` to compile() (and targets `y` "
                             "to fit), or add losses with add_loss()")
        return total

    def compute_metrics(self, x: Any, y: Any, y_pred: Any, sample_weight: Any = None) -> dict[str, Any]:
        """Update the compiled metrics; returns every metric's current result."""
        if self._compiled_metrics is not None and y is not None:
            self._compiled_metrics.update_state(y, y_pred, sample_weight)
        return self.get_metrics_result()

    def get_metrics_result(self) -> dict[str, Any]:
        logs: dict[str, Any] = {}
        for m in self.metrics:
            result = m.result()
            if isinstance(result, dict):
                logs.update(result)
            else:
                logs[m.name] = result
        return logs

    def _track_loss(self, loss: Any) -> None:
        from hornet import ops

        count = ops.sum(self._step_mask) if self._step_mask is not None else 1.0
        self._loss_tracker.update_state(loss, sample_weight=count)

    def train_step(self, data: Any) -> dict[str, Any]:
        """One optimization step on a batch; the same code traces for every backend.

        An override may use ``hornet.ops.value_and_grad`` over ``self.trainable_variables`` the same way.
        """
        from hornet import ops

        x, y, sample_weight = unpack_x_y_sample_weight(data)
        variables = self.trainable_variables

        def loss_fn(_weights: Any) -> Any:
            y_pred = self(x, training=True)
            loss = self.compute_loss(x, y, y_pred, sample_weight, training=True)
            # a loss-scaling optimizer differentiates the scaled loss and unscales the gradients itself
            return self.optimizer.scale_loss(loss), (loss, y_pred)

        (_, (loss, y_pred)), grads = ops.value_and_grad(loss_fn, has_aux=True)(variables)
        self.optimizer.apply(grads, variables)
        _apply_constraints(variables)
        self._track_loss(loss)
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def test_step(self, data: Any) -> dict[str, Any]:
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        y_pred = self(x, training=False)
        loss = self.compute_loss(x, y, y_pred, sample_weight, training=False)
        self._track_loss(loss)
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def predict_step(self, data: Any) -> Any:
        x, _, _ = unpack_x_y_sample_weight(data)
        return self(x, training=False)

    # --- compiled steps -----------------------------------------------------------------------------------------

    def _step(self, kind: str) -> Any:
        step = self._steps.get(kind)
        if step is None:
            from hornet.api.models.compiled_step import make_step

            step = self._steps[kind] = make_step(self, kind)
        return step

    def _prepare(self, x_example: Any, y_example: Any = None) -> None:
        """Build the model (trace its forward once if needed) and the optimizer before the first traced step."""
        from hornet.api.models.compiled_step import ensure_built

        ensure_built(self, x_example)
        if self.optimizer is not None and not getattr(self.optimizer, "built", False):
            self.optimizer.build(self.trainable_variables)

    def _require_compiled(self, what: str) -> None:
        if not self.compiled:
            raise RuntimeError(f"You must call compile() on model '{self.name}' before {what}()")

    # --- public loops -------------------------------------------------------------------------------------------

    def fit(self, x: Any = None, y: Any = None, batch_size: int | None = None, epochs: int = 1, verbose: Any = "auto",
            callbacks: Any = None, validation_split: float = 0.0, validation_data: Any = None, shuffle: bool = True,
            class_weight: Any = None, sample_weight: Any = None, initial_epoch: int = 0,
            steps_per_epoch: int | None = None, validation_steps: int | None = None, validation_batch_size: Any = None,
            validation_freq: int = 1) -> Any:
        """Train (Keras signature); returns a History."""
        self._require_compiled("fit")
        return epoch_loop.fit(self, x, y, batch_size, epochs, verbose, callbacks, validation_split, validation_data,
                              shuffle, class_weight, sample_weight, initial_epoch, steps_per_epoch, validation_steps,
                              validation_batch_size, validation_freq)

    def evaluate(self, x: Any = None, y: Any = None, batch_size: int | None = None, verbose: Any = "auto",
                 sample_weight: Any = None, steps: int | None = None, callbacks: Any = None,
                 return_dict: bool = False, **kwargs: Any) -> Any:
        """Loss and metrics over a data set (a scalar, a list, or with ``return_dict`` a dict)."""
        self._require_compiled("evaluate")
        logs = epoch_loop.evaluate(self, x, y, batch_size, verbose, sample_weight, steps, callbacks)
        if return_dict:
            return logs
        return self._as_list(logs)

    def predict(self, x: Any, batch_size: int | None = None, verbose: Any = "auto", steps: int | None = None,
                callbacks: Any = None) -> Any:
        """Outputs for every sample, as NumPy arrays (the model's output structure)."""
        return epoch_loop.predict(self, x, batch_size, verbose, steps, callbacks)

    def train_on_batch(self, x: Any, y: Any = None, sample_weight: Any = None, class_weight: Any = None,
                       return_dict: bool = False) -> Any:
        self._require_compiled("train_on_batch")
        self.reset_metrics()
        logs = epoch_loop.run_one_batch(self, "train", x, y, sample_weight, class_weight)
        return logs if return_dict else self._as_list(logs)

    def test_on_batch(self, x: Any, y: Any = None, sample_weight: Any = None, return_dict: bool = False) -> Any:
        self._require_compiled("test_on_batch")
        self.reset_metrics()
        logs = epoch_loop.run_one_batch(self, "test", x, y, sample_weight, None)
        return logs if return_dict else self._as_list(logs)

    def predict_on_batch(self, x: Any) -> Any:
        return epoch_loop.run_one_batch(self, "predict", x, None, None, None)




def _apply_constraints(variables: list[Any]) -> None:
    for v in variables:
        constraint = getattr(v, "constraint", None)
        if constraint is not None:
            v.assign(constraint(v.value))


__all__ = ["Trainer", "unpack_x_y_sample_weight"]
