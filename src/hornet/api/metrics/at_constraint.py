"""Best value of one rate subject to a floor on another, over ``num_thresholds`` thresholds:
``SensitivityAtSpecificity``, ``SpecificityAtSensitivity``, ``PrecisionAtRecall``, ``RecallAtPrecision``.

Confusion counts are kept at thresholds spread evenly over [0, 1] (bucketed update, as ``AUC``); the result is the
largest value of the dependent rate among thresholds where the constrained rate is ``>= value`` (0 if none).

>>> PrecisionAtRecall(0.5)([0, 0, 1, 1], [0.1, 0.6, 0.4, 0.9])   # doctest: +SKIP
Array(1., dtype=float32)
"""
from __future__ import annotations

from typing import Any

from hornet.api import ops
from hornet.api.metrics.confusion import FN, FP, TN, TP, update_confusion_matrix
from hornet.api.metrics.metric import Metric
from hornet.api.metrics.reduction_metrics import shape_error
from hornet.ir.errors import ShapeError

__all__ = ["SensitivityAtSpecificity", "SpecificityAtSensitivity", "PrecisionAtRecall", "RecallAtPrecision"]


def _rate(numerator: Any, other: Any) -> Any:
    return ops.divide_no_nan(numerator, ops.add(numerator, other))


class _AtConstraint(Metric):
    """Shared state and update: TP, FP, TN, FN at each threshold (``(num_thresholds,)`` each)."""

    _direction = "up"
    _value_name = "value"

    def __init__(self, value: float, num_thresholds: int = 200, class_id: int | None = None,
                 name: str | None = None, dtype: Any = None):
        if not 0 <= value <= 1:
            raise ValueError(f"Argument `{self._value_name}` must be in the range [0, 1]. Received: "
                             f"{self._value_name}={value}")
        if isinstance(num_thresholds, bool) or not isinstance(num_thresholds, int) or num_thresholds <= 0:
            raise ValueError(f"Argument `num_thresholds` must be an integer > 0. Received: "
                             f"num_thresholds={num_thresholds!r}")
        super().__init__(name=name, dtype=dtype)
        self.value = value
        setattr(self, self._value_name, value)
        self.num_thresholds = num_thresholds
        self.class_id = class_id
        if num_thresholds == 1:
            self.thresholds = [0.5]
            self._evenly = False
        else:
            self.thresholds = [0.0, *((i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)), 1.0]
            self._evenly = True
        n = len(self.thresholds)
        self.true_positives = self.add_variable((n,), initializer="zeros", name="true_positives")
        self.false_positives = self.add_variable((n,), initializer="zeros", name="false_positives")
        self.true_negatives = self.add_variable((n,), initializer="zeros", name="true_negatives")
        self.false_negatives = self.add_variable((n,), initializer="zeros", name="false_negatives")

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        counts = {TP: self.true_positives, FP: self.false_positives, TN: self.true_negatives,
                  FN: self.false_negatives}
        try:
            update_confusion_matrix(counts, y_true, y_pred, self.thresholds, evenly=self._evenly,
                                    class_id=self.class_id, sample_weight=sample_weight)
        except ShapeError as e:
            raise shape_error(self, e, y_true=ops.convert_to_tensor(y_true),
                              y_pred=ops.convert_to_tensor(y_pred)) from e

    def _rates(self) -> dict[str, Any]:
        tp, fp = self.true_positives.value, self.false_positives.value
        tn, fn = self.true_negatives.value, self.false_negatives.value
        recall = _rate(tp, fn)
        return {"sensitivity": recall, "recall": recall, "specificity": _rate(tn, fp), "precision": _rate(tp, fp)}

    def _best(self, constrained: str, dependent: str) -> Any:
        rates = self._rates()
        feasible = ops.greater_equal(rates[constrained], self.value)
        return ops.max(ops.where(feasible, rates[dependent], 0.0), initial=0.0)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "class_id": self.class_id, "num_thresholds": self.num_thresholds,
                self._value_name: self.value}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> "_AtConstraint":
        return cls(**config)


class SensitivityAtSpecificity(_AtConstraint):
    """The best sensitivity (recall) at thresholds whose specificity is at least ``specificity``.

    >>> SensitivityAtSpecificity(0.5)([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8])   # doctest: +SKIP
    Array(0.5, dtype=float32)
    """

    _value_name = "specificity"

    def __init__(self, specificity: float, num_thresholds: int = 200, class_id: int | None = None,
                 name: str | None = None, dtype: Any = None):
        super().__init__(specificity, num_thresholds, class_id, name, dtype)

    def result(self) -> Any:
        return self._best("specificity", "sensitivity")


class SpecificityAtSensitivity(_AtConstraint):
    """The best specificity at thresholds whose sensitivity (recall) is at least ``sensitivity``.

    >>> SpecificityAtSensitivity(0.5)([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8])   # doctest: +SKIP
    Array(0.6666667, dtype=float32)
    """

    _value_name = "sensitivity"

    def __init__(self, sensitivity: float, num_thresholds: int = 200, class_id: int | None = None,
                 name: str | None = None, dtype: Any = None):
        super().__init__(sensitivity, num_thresholds, class_id, name, dtype)

    def result(self) -> Any:
        return self._best("sensitivity", "specificity")


class PrecisionAtRecall(_AtConstraint):
    """The best precision at thresholds whose recall is at least ``recall``.

    >>> PrecisionAtRecall(0.5)([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])   # doctest: +SKIP
    Array(0.5, dtype=float32)
    """

    _value_name = "recall"

    def __init__(self, recall: float, num_thresholds: int = 200, class_id: int | None = None,
                 name: str | None = None, dtype: Any = None):
        super().__init__(recall, num_thresholds, class_id, name, dtype)

    def result(self) -> Any:
        return self._best("recall", "precision")


class RecallAtPrecision(_AtConstraint):
    """The best recall at thresholds whose precision is at least ``precision``.

    >>> RecallAtPrecision(0.8)([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])   # doctest: +SKIP
    Array(0.5, dtype=float32)
    """

    _value_name = "precision"

    def __init__(self, precision: float, num_thresholds: int = 200, class_id: int | None = None,
                 name: str | None = None, dtype: Any = None):
        super().__init__(precision, num_thresholds, class_id, name, dtype)

    def result(self) -> Any:
        return self._best("precision", "recall")
