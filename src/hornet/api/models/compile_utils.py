"""What ``compile(loss=..., metrics=...)`` turns into: a loss over (possibly several) outputs and the metrics
per output, resolved from strings the way Keras does once the data's shapes are known.

The batch ``mask`` (1 real row, 0 padding the trainer added to a short last batch) is applied everywhere, so
padding never changes a loss or a metric.
"""
from __future__ import annotations

from typing import Any, Sequence

from hornet.ir import pytree


def _outputs(y_pred: Any, output_names: Sequence[str]) -> tuple[list[str], list[Any]]:
    """(names, tensors) of the model outputs."""
    if isinstance(y_pred, dict):
        keys = sorted(y_pred, key=repr)
        return [str(k) for k in keys], [y_pred[k] for k in keys]
    leaves, _ = pytree.flatten(y_pred)
    names = list(output_names) if len(output_names) == len(leaves) else [f"output_{i}" for i in range(len(leaves))]
    return names, leaves


def _per_output(spec: Any, names: list[str], what: str) -> list[Any]:
    """Spread a compile argument over the outputs: one value for all, a list in order, or a dict by name."""
    if isinstance(spec, dict):
        unknown = [k for k in spec if k not in names]
        if unknown:
            raise ValueError(f"compile: {what} has keys {unknown} that are not model outputs {names}")
        return [spec.get(n) for n in names]
    if isinstance(spec, (list, tuple)) and len(names) > 1:
        if len(spec) != len(names):
            raise ValueError(f"compile: {what} has {len(spec)} entries but the model has {len(names)} outputs "
                             f"({names})")
        return list(spec)
    return [spec] * len(names)


def _targets(y_true: Any, names: list[str]) -> list[Any]:
    if isinstance(y_true, dict):
        missing = [n for n in names if n not in y_true]
        if missing:
            raise ValueError(f"targets dict is missing outputs {missing}; it has {sorted(y_true)}")
        return [y_true[n] for n in names]
    leaves, _ = pytree.flatten(y_true)
    if len(leaves) != len(names):
        raise ValueError(f"the model has {len(names)} outputs ({names}) but {len(leaves)} targets were given")
    return leaves


class CompiledLoss:
    """The weighted sum of per-output losses, reduced over real (unpadded) samples."""

    def __init__(self, loss: Any, loss_weights: Any = None, output_names: Sequence[str] = ()):
        self.spec = loss
        self.loss_weights = loss_weights
        self.output_names = list(output_names)
        self.losses: list[Any] | None = None
        self.names: list[str] = []
        self.trackers: list[Any] = []

    def build(self, y_true: Any, y_pred: Any) -> None:
        from hornet.api.losses.resolve import resolve

        self.names, outs = _outputs(y_pred, self.output_names)
        targets = _targets(y_true, self.names) if len(outs) > 1 else pytree.flatten(y_true)[0][:1]
        specs = _per_output(self.spec, self.names, "loss")
        self.losses = [_as_loss(resolve(s, tuple(getattr(yt, "shape", ())), tuple(yp.shape)))
                       if s is not None else None for s, yt, yp in zip(specs, targets, outs)]
        weights = _per_output(self.loss_weights, self.names, "loss_weights") if self.loss_weights is not None \
            else [1.0] * len(self.names)
        self.weights = [1.0 if w is None else float(w) for w in weights]
        if len(self.names) > 1:  # Keras logs each output's loss too
            from hornet.api.metrics import Mean

            self.trackers = [Mean(name=f"{n}_loss") if l is not None else None
                             for n, l in zip(self.names, self.losses)]

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None, mask: Any = None) -> Any:
        from hornet import ops

        if self.losses is None:
            self.build(y_true, y_pred)
        _, outs = _outputs(y_pred, self.output_names)
        targets = _targets(y_true, self.names) if len(outs) > 1 else pytree.flatten(y_true)[0][:1]
        total = None
        for i, (loss, w, yt, yp) in enumerate(zip(self.losses, self.weights, targets, outs)):
            if loss is None:
                continue
            value = loss(yt, yp, sample_weight, mask=mask)
            if self.trackers:
                count = ops.sum(mask) if mask is not None else ops.cast(ops.shape(yp)[0], "float32")
                self.trackers[i].update_state(value, sample_weight=count)
            value = ops.cast(value, "float32") * w if w != 1.0 else ops.cast(value, "float32")
            total = value if total is None else total + value
        if total is None:
            raise ValueError("compile: no loss was given for any output; pass `loss=` to compile()")
        return total


def _as_loss(obj: Any) -> Any:
    """Loss objects as they are; a loss function ``(y_true, y_pred) -> per-sample values`` wrapped in one."""
    from hornet.api.losses.loss import Loss, LossFunctionWrapper

    if isinstance(obj, Loss):
        return obj
    if callable(obj):
        return LossFunctionWrapper(obj, name=getattr(obj, "__name__", None))
    raise ValueError(f"compile: could not interpret loss {obj!r}")


class CompiledMetrics:
    """The compiled metrics as one metric named ``compile_metrics`` (as Keras 3): per output, ``metrics`` see the
    batch mask and ``weighted_metrics`` also the sample weights. Built from the first batch's shapes;
    ``result()`` is a dict of every metric's value."""

    name = "compile_metrics"

    def __init__(self, metrics: Any, weighted_metrics: Any, output_names: Sequence[str] = (), model: Any = None):
        self.spec = metrics
        self.weighted_spec = weighted_metrics
        self.output_names = list(output_names)
        self.model = model
        self.built = False
        self.per_output: list[tuple[list[Any], list[Any]]] = []

    def build(self, y_true: Any, y_pred: Any) -> None:
        from hornet.api.metrics.resolve import resolve

        loss = getattr(self.model, "_compiled_loss", None)
        names, outs = _outputs(y_pred, self.output_names)
        targets = _targets(y_true, names) if len(outs) > 1 else pytree.flatten(y_true)[0][:1]
        plain = _per_output(self.spec, names, "metrics") if self.spec is not None else [None] * len(names)
        weighted = _per_output(self.weighted_spec, names, "weighted_metrics") if self.weighted_spec is not None \
            else [None] * len(names)
        if isinstance(self.spec, (list, tuple)) and len(names) > 1 and not any(
                isinstance(s, (list, tuple)) for s in self.spec):
            plain = [list(self.spec)] * len(names)  # Keras: a flat list applies to every output
        losses = loss.losses if loss is not None and loss.losses is not None else [None] * len(names)
        self.per_output = []
        for i, (name, yt, yp) in enumerate(zip(names, targets, outs)):
            def make(spec: Any) -> list[Any]:
                items = spec if isinstance(spec, (list, tuple)) else ([] if spec is None else [spec])
                out = []
                for item in items:
                    m = resolve(item, tuple(getattr(yt, "shape", ())), tuple(yp.shape), losses[i])
                    if len(names) > 1:
                        m.name = f"{name}_{m.name}"
                    out.append(m)
                return out

            plain_metrics, weighted_metrics = make(plain[i]), make(weighted[i])
            taken = {m.name for m in plain_metrics}
            for m in weighted_metrics:
                if m.name in taken:
                    m.name = f"weighted_{m.name}"
            self.per_output.append((plain_metrics, weighted_metrics))
        self.built = True

    @property
    def metrics(self) -> list[Any]:
        return [m for plain, weighted in self.per_output for m in plain + weighted]

    @property
    def variables(self) -> list[Any]:
        return [v for m in self.metrics for v in m.variables]

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        from hornet import ops

        if not self.built:
            self.build(y_true, y_pred)
        mask = getattr(self.model, "_step_mask", None)
        names, outs = _outputs(y_pred, self.output_names)
        targets = _targets(y_true, names) if len(outs) > 1 else pytree.flatten(y_true)[0][:1]
        weight = sample_weight if mask is None else (mask if sample_weight is None else
                                                     ops.cast(sample_weight, "float32") * mask)
        for (plain, weighted), yt, yp in zip(self.per_output, targets, outs):
            for m in plain:
                m.update_state(yt, yp, sample_weight=mask)
            for m in weighted:
                m.update_state(yt, yp, sample_weight=weight)

    def result(self) -> dict[str, Any]:
        return {m.name: m.result() for m in self.metrics}

    def reset_state(self) -> None:
        for m in self.metrics:
            m.reset_state()


__all__ = ["CompiledLoss", "CompiledMetrics"]
