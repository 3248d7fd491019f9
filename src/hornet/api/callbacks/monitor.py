"""``MonitorCallback``: the shared logic of callbacks that watch one logged quantity (best value, direction).

>>> cb = MonitorCallback(monitor="val_loss", min_delta=0.01)
>>> cb.resolve_mode()
'min'
>>> cb.is_improvement(0.5, 0.52), cb.is_improvement(0.515, 0.52)
(True, False)
"""
from __future__ import annotations

import warnings
from typing import Any, Iterable

from hornet.api.callbacks.callback import Callback, to_float

# Used when mode="auto" and the model's metrics don't say which direction is better.
_MAXIMIZED = ("acc", "auc", "precision", "recall", "f1", "fbeta", "iou", "r2", "true_positives",
              "true_negatives", "psnr", "ssim", "cosine_similarity")
_MINIMIZED = ("loss", "error", "crossentropy", "hinge", "divergence", "false_positives", "false_negatives",
              "poisson", "logcosh", "huber", "mse", "mae", "mape", "msle")


def _walk_metrics(metrics: Iterable[Any]) -> Iterable[Any]:
    for metric in metrics:
        inner = getattr(metric, "metrics", None)
        if isinstance(inner, (list, tuple)) and inner is not metrics:
            yield from _walk_metrics(inner)
        yield metric


class MonitorCallback(Callback):
    """Base of EarlyStopping, ModelCheckpoint and ReduceLROnPlateau.

    Args:
        monitor: the logged quantity to watch (e.g. ``"val_loss"``).
        mode: ``"min"``, ``"max"`` or ``"auto"``: the direction is read from the model's metric (its
            ``_direction``), else ``loss``-like names are minimized and accuracy-like names maximized.
        baseline: initial best value (None: the first value seen).
        min_delta: the smallest change that counts as an improvement.
    """

    def __init__(self, monitor: str = "val_loss", mode: str = "auto", baseline: float | None = None,
                 min_delta: float = 0):
        super().__init__()
        if mode not in ("auto", "min", "max"):
            warnings.warn(f"{type(self).__name__}: mode={mode!r} is unknown (expected 'auto', 'min' or 'max'); "
                          "using 'auto'.", stacklevel=3)
            mode = "auto"
        self.monitor = monitor
        self.mode = mode
        self.best = baseline
        self.min_delta = abs(min_delta)
        self._direction: str | None = None  # "min" or "max" once resolved

    def resolve_mode(self) -> str:
        """The direction in which the monitored quantity improves: ``"min"`` or ``"max"``."""
        if self._direction is None:
            self._direction = self.mode if self.mode != "auto" else self._infer_direction()
        return self._direction

    def _infer_direction(self) -> str:
        name = self.monitor[4:] if self.monitor.startswith("val_") else self.monitor
        if name == "loss":
            return "min"
        model = self._model
        for metric in _walk_metrics(getattr(model, "metrics", None) or []):
            if getattr(metric, "name", None) == name and getattr(metric, "_direction", None) in ("up", "down"):
                return "max" if metric._direction == "up" else "min"
        lowered = name.lower()
        if any(key in lowered for key in _MINIMIZED):
            return "min"
        if any(key in lowered for key in _MAXIMIZED):
            return "max"
        raise ValueError(f"{type(self).__name__} received monitor={self.monitor!r}, and cannot tell whether "
                         "this quantity should be maximized or minimized. Pass mode='max' to monitor the "
                         "highest value, or mode='min' to monitor the lowest value.")

    def is_improvement(self, current: Any, reference: Any) -> bool:
        """Whether ``current`` beats ``reference`` by more than ``min_delta`` (any value beats None)."""
        if reference is None:
            return True
        current, reference = to_float(current), to_float(reference)
        if self.resolve_mode() == "min":
            return current + self.min_delta < reference
        return current - self.min_delta > reference

    _is_improvement = is_improvement  # Keras's private name, for code written against keras.callbacks
