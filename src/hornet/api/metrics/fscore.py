"""``FBetaScore`` and ``F1Score`` for multi-class / multi-label predictions of shape ``(batch, classes)``.

The per-class counts are created on the first ``update_state`` (they need the number of classes).

>>> F1Score(average="micro", threshold=0.5)([[1, 0], [0, 1]], [[0.9, 0.2], [0.6, 0.7]])   # doctest: +SKIP
Array(0.8, dtype=float32)
"""
from __future__ import annotations

from typing import Any

from hornet.api import ops
from hornet.api.losses.common import EPSILON
from hornet.api.metrics.metric import Metric
from hornet.api.metrics.reduction_metrics import shape_error
from hornet.api.ops.core import fmt_shape
from hornet.ir.errors import ShapeError

__all__ = ["FBetaScore", "F1Score"]


class FBetaScore(Metric):
    """``(1 + beta^2) * P * R / (beta^2 * P + R)`` per class from running TP/FP/FN counts.

    ``average``: None (per class), ``"micro"`` (pooled counts), ``"macro"`` (mean over classes) or ``"weighted"``
    (weighted by each class's support). ``threshold``: predictions above it are positive; None marks only the
    highest score of each row (when it is not ~0).

    >>> FBetaScore(beta=2.0, average="macro", threshold=0.5)([[1, 0]], [[0.9, 0.2]])   # doctest: +SKIP
    """

    _direction = "up"

    def __init__(self, average: str | None = None, beta: float = 1.0, threshold: float | None = None,
                 name: str = "fbeta_score", dtype: Any = None):
        super().__init__(name=name, dtype=dtype)
        if average not in (None, "micro", "macro", "weighted"):
            raise ValueError("Invalid `average` argument value. Expected one of: {None, 'micro', 'macro', "
                             f"'weighted'}}. Received: average={average!r}")
        if not isinstance(beta, float):
            raise ValueError(f"Invalid `beta` argument value. It should be a Python float. Received: beta={beta!r} "
                             f"of type '{type(beta)}'")
        if beta <= 0.0:
            raise ValueError(f"Invalid `beta` argument value. It should be > 0. Received: beta={beta}")
        if threshold is not None:
            if not isinstance(threshold, float):
                raise ValueError(f"Invalid `threshold` argument value. It should be a Python float. Received: "
                                 f"threshold={threshold!r} of type '{type(threshold)}'")
            if threshold > 1.0 or threshold <= 0.0:
                raise ValueError(f"Invalid `threshold` argument value. It should verify 0 < threshold <= 1. "
                                 f"Received: threshold={threshold}")
        self.average = average
        self.beta = beta
        self.threshold = threshold
        self.axis = None if average == "micro" else 0
        self._built = False

    def _build(self, y_true_shape: tuple, y_pred_shape: tuple) -> None:
        if len(y_pred_shape) != 2 or len(y_true_shape) != 2:
            raise ShapeError(f"{type(self).__name__} expects 2D inputs with shape (batch_size, output_dim). Received "
                             f"input shapes: y_pred.shape={fmt_shape(y_pred_shape)} and "
                             f"y_true.shape={fmt_shape(y_true_shape)}.")
        n = y_pred_shape[-1]
        if not isinstance(n, int) or y_true_shape[-1] != n:
            raise ShapeError(f"{type(self).__name__} expects y_true and y_pred with the same static output_dim. "
                             f"Received y_pred.shape={fmt_shape(y_pred_shape)} and "
                             f"y_true.shape={fmt_shape(y_true_shape)}.")
        shape = () if self.average == "micro" else (n,)
        self.true_positives = self.add_variable(shape, initializer="zeros", name="true_positives")
        self.false_positives = self.add_variable(shape, initializer="zeros", name="false_positives")
        self.false_negatives = self.add_variable(shape, initializer="zeros", name="false_negatives")
        self.intermediate_weights = self.add_variable(shape, initializer="zeros", name="intermediate_weights")
        self._built = True

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        y_true = ops.convert_to_tensor(y_true, self.dtype)
        y_pred = ops.convert_to_tensor(y_pred, self.dtype)
        if not self._built:
            try:
                self._build(ops.shape(y_true), ops.shape(y_pred))
            except ShapeError as e:
                raise shape_error(self, e, y_true=y_true, y_pred=y_pred) from e
        if self.threshold is None:
            top = ops.max(y_pred, axis=-1, keepdims=True)
            positive = ops.logical_and(ops.greater_equal(y_pred, top), ops.greater(ops.abs(y_pred), 1e-9))
        else:
            positive = ops.greater(y_pred, self.threshold)
        y_pred = ops.cast(positive, self.dtype)

        def weighted_sum(values: Any) -> Any:
            if sample_weight is not None:
                w = ops.expand_dims(ops.convert_to_tensor(sample_weight, self.dtype), 1)
                values = ops.where(ops.not_equal(w, 0), ops.multiply(values, w), 0.0)
            return ops.sum(values, axis=self.axis)

        self.true_positives.assign_add(weighted_sum(ops.multiply(y_pred, y_true)))
        self.false_positives.assign_add(weighted_sum(ops.multiply(y_pred, ops.subtract(1.0, y_true))))
        self.false_negatives.assign_add(weighted_sum(ops.multiply(ops.subtract(1.0, y_pred), y_true)))
        self.intermediate_weights.assign_add(weighted_sum(y_true))

    def result(self) -> Any:
        if not self._built:
            return ops.convert_to_tensor(0.0, self.dtype)
        tp, fp, fn = self.true_positives.value, self.false_positives.value, self.false_negatives.value
        precision = ops.divide(tp, ops.add(ops.add(tp, fp), EPSILON))
        recall = ops.divide(tp, ops.add(ops.add(tp, fn), EPSILON))
        b2 = self.beta ** 2
        score = ops.multiply(ops.divide(ops.multiply(precision, recall),
                                        ops.add(ops.add(ops.multiply(b2, precision), recall), EPSILON)), 1.0 + b2)
        if self.average == "weighted":
            support = self.intermediate_weights.value
            weights = ops.divide(support, ops.add(ops.sum(support), EPSILON))
            return ops.sum(ops.multiply(score, weights))
        if self.average is not None:
            return ops.mean(score)
        return score

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "average": self.average, "beta": self.beta, "threshold": self.threshold}


class F1Score(FBetaScore):
    """The F-beta score with ``beta=1``: the harmonic mean of precision and recall.

    >>> F1Score(average="macro", threshold=0.5)([[1, 0], [0, 1]], [[0.9, 0.2], [0.6, 0.7]])   # doctest: +SKIP
    """

    def __init__(self, average: str | None = None, threshold: float | None = None, name: str = "f1_score",
                 dtype: Any = None):
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name, dtype=dtype)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        del config["beta"]
        return config
