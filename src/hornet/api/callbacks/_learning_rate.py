"""Reading and writing an optimizer's learning rate from a callback (shared by the LR callbacks and TensorBoard)."""
from __future__ import annotations

from typing import Any

from hornet.api.callbacks.callback import to_float


def optimizers_of(model: Any, who: str) -> list[tuple[str, Any]]:
    """``[(log_suffix, optimizer), ...]``: one entry, or one per inner optimizer of a multi-optimizer."""
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None:
        raise ValueError(f"{who} needs a compiled model with an optimizer; model.optimizer is None.")
    inner = getattr(optimizer, "optimizers", None)
    if isinstance(inner, (list, tuple)):
        return [(f"_{getattr(opt, 'name', i)}", opt) for i, opt in enumerate(inner)]
    return [("", optimizer)]


def read_learning_rate(optimizer: Any, who: str) -> float:
    """The optimizer's current learning rate as a float; a clear error when it is a schedule."""
    if not hasattr(optimizer, "learning_rate"):
        raise ValueError(f"{who}: the optimizer must have a `learning_rate` attribute; "
                         f"{type(optimizer).__name__} has none.")
    rate = optimizer.learning_rate
    try:
        return to_float(rate)
    except (TypeError, ValueError) as e:
        raise TypeError(f"{who} needs the optimizer's learning_rate to be a number, received {rate!r} "
                        f"(a LearningRateSchedule can't be changed by a callback)") from e
