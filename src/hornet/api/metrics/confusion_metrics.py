"""Threshold metrics: ``Precision``, ``Recall`` and the raw counts ``TruePositives`` ... ``FalseNegatives``.

>>> Precision()([0, 1, 1, 1], [1, 0, 1, 1])   # doctest: +SKIP
Array(0.6666667, dtype=float32)
"""
from __future__ import annotations

from typing import Any

from hornet.api import ops
from hornet.api.metrics.confusion import (FN, FP, NEG_INF, TN, TP, evenly_distributed, parse_thresholds,
                                          update_confusion_matrix)
from hornet.api.metrics.metric import Metric
from hornet.api.metrics.reduction_metrics import shape_error
from hornet.ir.errors import ShapeError

__all__ = ["TruePositives", "FalsePositives", "TrueNegatives", "FalseNegatives", "Precision", "Recall"]


class _ThresholdMetric(Metric):
    """Counts some confusion-matrix cells at ``thresholds`` (one variable of shape ``(T,)`` per cell)."""

    def __init__(self, thresholds: Any, default: float, top_k: int | None, class_id: int | None, name: str | None,
                 dtype: Any):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.top_k = top_k
        self.class_id = class_id
        if thresholds is None:
            self.thresholds = [float(default)]
        else:
            self.thresholds = parse_thresholds(thresholds)
        self._evenly = evenly_distributed(self.thresholds)

    def _counts(self) -> dict[str, Any]:
        raise NotImplementedError

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        try:
            update_confusion_matrix(self._counts(), y_true, y_pred, self.thresholds, evenly=self._evenly,
                                    top_k=self.top_k, class_id=self.class_id, sample_weight=sample_weight)
        except ShapeError as e:
            raise shape_error(self, e, y_true=ops.convert_to_tensor(y_true),
                              y_pred=ops.convert_to_tensor(y_pred)) from e

    def _single(self, x: Any) -> Any:
        return x[0] if len(self.thresholds) == 1 else x


class _CountMetric(_ThresholdMetric):
    _cell = TP

    def __init__(self, thresholds: Any = None, name: str | None = None, dtype: Any = None):
        super().__init__(thresholds, 0.5, None, None, name, dtype)
        self.accumulator = self.add_variable((len(self.thresholds),), initializer="zeros", name="accumulator")

    def _counts(self) -> dict[str, Any]:
        return {self._cell: self.accumulator}

    def result(self) -> Any:
        return self._single(self.accumulator.value)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "thresholds": self.init_thresholds}


class TruePositives(_CountMetric):
    """The weighted number of true positives at each threshold.

    >>> TruePositives()([0, 1, 1], [1, 1, 0])   # doctest: +SKIP
    1.0
    """

    _cell = TP


class FalsePositives(_CountMetric):
    """The weighted number of false positives at each threshold.

    >>> FalsePositives()([0, 1, 1], [1, 1, 0])   # doctest: +SKIP
    1.0
    """

    _cell = FP


class TrueNegatives(_CountMetric):
    """The weighted number of true negatives at each threshold.

    >>> TrueNegatives()([0, 0, 1], [0, 1, 0])   # doctest: +SKIP
    1.0
    """

    _cell = TN


class FalseNegatives(_CountMetric):
    """The weighted number of false negatives at each threshold.

    >>> FalseNegatives()([0, 1, 1], [1, 1, 0])   # doctest: +SKIP
    1.0
    """

    _cell = FN


class _PrecisionRecall(_ThresholdMetric):
    _other = FP
    _direction = "up"

    def __init__(self, thresholds: Any = None, top_k: int | None = None, class_id: int | None = None,
                 name: str | None = None, dtype: Any = None):
        super().__init__(thresholds, 0.5 if top_k is None else NEG_INF, top_k, class_id, name, dtype)
        n = len(self.thresholds)
        self.true_positives = self.add_variable((n,), initializer="zeros", name="true_positives")
        other = "false_positives" if self._other == FP else "false_negatives"
        self._other_var = self.add_variable((n,), initializer="zeros", name=other)
        setattr(self, other, self._other_var)

    def _counts(self) -> dict[str, Any]:
        return {TP: self.true_positives, self._other: self._other_var}

    def result(self) -> Any:
        tp = self.true_positives.value
        return self._single(ops.divide_no_nan(tp, ops.add(tp, self._other_var.value)))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "thresholds": self.init_thresholds, "top_k": self.top_k,
                "class_id": self.class_id}


class Precision(_PrecisionRecall):
    """``TP / (TP + FP)`` with predictions above ``thresholds`` (default 0.5) counted as positive; ``top_k`` keeps
    only the k highest scores per sample, ``class_id`` looks at one class.

    >>> Precision()([0, 1, 1, 1], [1, 0, 1, 1])   # doctest: +SKIP
    0.6666667
    """

    _other = FP


class Recall(_PrecisionRecall):
    """``TP / (TP + FN)`` with predictions above ``thresholds`` (default 0.5) counted as positive.

    >>> Recall()([0, 1, 1, 1], [1, 0, 1, 1])   # doctest: +SKIP
    0.6666667
    """

    _other = FN
