"""``model.summary()``: one row per layer with its output shape and parameter count, then the totals."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np


def _shape_text(out: Any) -> str:
    from hornet.ir import pytree

    leaves = pytree.flatten(out)[0]
    shapes = [tuple(t.shape) for t in leaves]
    return str(shapes[0]) if len(shapes) == 1 else str(shapes)


def _rows(model: Any) -> list[tuple[str, str, int, bool]]:
    from hornet.api.layers.input_layer import InputLayer

    functional = getattr(model, "_functional", None) or (model if hasattr(model, "_nodes") else None)
    rows = []
    if functional is not None:
        outputs: dict[int, str] = {}
        for node in functional._nodes:
            outputs.setdefault(id(node.layer), _shape_text(node.outputs))
        for layer in model.layers:
            if isinstance(layer, InputLayer):
                rows.append((f"{layer.name} (InputLayer)", str(layer.batch_shape), 0, False))
                continue
            rows.append((f"{layer.name} ({type(layer).__name__})", outputs.get(id(layer), "?"),
                         _count(layer.weights), layer.trainable))
    else:
        for layer in model.layers:
            rows.append((f"{layer.name} ({type(layer).__name__})", "?" if not layer.built else "(built)",
                         _count(layer.weights), layer.trainable))
    return rows


def _count(weights: list[Any]) -> int:
    return int(sum(int(np.prod(w.shape)) for w in weights))


def _bytes(weights: list[Any]) -> int:
    return int(sum(int(np.prod(w.shape)) * w.dtype.np.itemsize for w in weights))


def _human(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.2f} {unit}" if unit != "B" else f"{n} B"
        n /= 1024  # type: ignore[assignment]
    return f"{n} B"


def print_summary(model: Any, line_length: int | None = None, print_fn: Callable[..., Any] | None = None,
                  show_trainable: bool = False) -> None:
    """Print (or pass each line to ``print_fn``) a Keras-style table of the model's layers."""
    emit = print_fn or print
    width = line_length or (98 if show_trainable else 86)
    cols = [int(width * 0.42), int(width * 0.33)]
    rows = _rows(model)
    kind = "Sequential" if type(model).__name__ == "Sequential" else ("Functional" if hasattr(model, "_nodes")
                                                                      else type(model).__name__)
    emit(f'Model: "{model.name}" ({kind})')
    emit("─" * width)
    header = f"{'Layer (type)':<{cols[0]}}{'Output Shape':<{cols[1]}}{'Param #':>{width - sum(cols) - (12 if show_trainable else 0)}}"
    emit(header + ("  Trainable" if show_trainable else ""))
    emit("═" * width)
    for i, (name, shape, params, trainable) in enumerate(rows):
        line = f"{name[:cols[0] - 1]:<{cols[0]}}{shape[:cols[1] - 1]:<{cols[1]}}" \
               f"{params:>{width - sum(cols) - (12 if show_trainable else 0)},}"
        emit(line + (f"  {'Y' if trainable else 'N':>9}" if show_trainable else ""))
        emit("─" * width if i < len(rows) - 1 else "═" * width)
    trainable = model.trainable_weights
    non_trainable = model.non_trainable_weights
    total = trainable + non_trainable
    emit(f" Total params: {_count(total):,} ({_human(_bytes(total))})")
    emit(f" Trainable params: {_count(trainable):,} ({_human(_bytes(trainable))})")
    emit(f" Non-trainable params: {_count(non_trainable):,} ({_human(_bytes(non_trainable))})")
    optimizer = getattr(model, "optimizer", None)
    if optimizer is not None and getattr(optimizer, "built", False):
        slots = list(optimizer.variables)
        emit(f" Optimizer params: {_count(slots):,} ({_human(_bytes(slots))})")


__all__ = ["print_summary"]
