"""``AUC``: the area under the ROC or precision-recall curve, from confusion counts at ``num_thresholds``
thresholds (a Riemann sum; the PR curve with ``"interpolation"`` uses the Davis & Goadrich interpolation).

>>> AUC()([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])   # doctest: +SKIP
Array(0.75, dtype=float32)
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from hornet.api import ops
from hornet.api.losses.common import EPSILON
from hornet.api.metrics.confusion import FN, FP, TN, TP, evenly_distributed, update_confusion_matrix
from hornet.api.metrics.metric import Metric
from hornet.api.metrics.reduction_metrics import shape_error
from hornet.ir.errors import ShapeError

__all__ = ["AUC"]

_CURVES = {"roc": "ROC", "pr": "PR", "prgain": "PRGAIN"}
_SUMMATIONS = ("interpolation", "majoring", "minoring")


class AUC(Metric):
    """Approximate AUC of the ROC (``curve="ROC"``), precision-recall (``"PR"``) or PR-gain (``"PRGAIN"``) curve.

    ``multi_label=True`` keeps separate counts per label (``y_pred`` of shape ``(batch, labels)``) and averages the
    per-label areas (weighted by ``label_weights``); otherwise all predictions are pooled. ``from_logits`` applies a
    sigmoid first.

    >>> AUC(curve="PR", num_thresholds=50)([0, 1], [0.2, 0.9])   # doctest: +SKIP
    """

    _direction = "up"

    def __init__(self, num_thresholds: int = 200, curve: str = "ROC", summation_method: str = "interpolation",
                 name: str | None = None, dtype: Any = None, thresholds: Sequence[float] | None = None,
                 multi_label: bool = False, num_labels: int | None = None, label_weights: Any = None,
                 from_logits: bool = False):
        key = str(curve).lower()
        if key not in _CURVES:
            raise ValueError(f'Invalid AUC curve value: "{curve}". Expected values are ["PR", "ROC", "PRGAIN"]')
        if str(summation_method).lower() not in _SUMMATIONS:
            raise ValueError(f'Invalid AUC summation method value: "{summation_method}". Expected values are '
                             f'{list(_SUMMATIONS)}')
        super().__init__(name=name, dtype=dtype)
        self.curve = _CURVES[key]
        self.summation_method = str(summation_method).lower()
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            inner = sorted(float(t) for t in thresholds)
            self.num_thresholds = len(inner) + 2
            self._evenly = evenly_distributed([0.0, *inner, 1.0])
        else:
            if num_thresholds <= 1:
                raise ValueError(f"Argument `num_thresholds` must be an integer > 1. "
                                 f"Received: num_thresholds={num_thresholds}")
            self.num_thresholds = int(num_thresholds)
            inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self._evenly = True
        self._thresholds = [0.0 - EPSILON, *inner, 1.0 + EPSILON]
        self.multi_label = multi_label
        self.num_labels = num_labels
        self.label_weights = None if label_weights is None else np.asarray(label_weights, self.dtype)
        self._from_logits = from_logits
        self._built = False
        if multi_label:
            if num_labels:
                self._build((None, num_labels))
        else:
            if num_labels:
                raise ValueError("`num_labels` is needed only when `multi_label` is True.")
            self._build(None)

    @property
    def thresholds(self) -> list[float]:
        return list(self._thresholds)

    def _build(self, shape: Any) -> None:
        if self.multi_label:
            if len(shape) != 2 or not isinstance(shape[1], int):
                raise ShapeError(f"AUC with multi_label=True needs y_pred of rank 2 with a static label count; got "
                                 f"shape {tuple(shape)}")
            self._num_labels = shape[1]
            var_shape: tuple[int, ...] = (self.num_thresholds, self._num_labels)
        else:
            var_shape = (self.num_thresholds,)
        self.true_positives = self.add_variable(var_shape, initializer="zeros", name="true_positives")
        self.false_positives = self.add_variable(var_shape, initializer="zeros", name="false_positives")
        self.true_negatives = self.add_variable(var_shape, initializer="zeros", name="true_negatives")
        self.false_negatives = self.add_variable(var_shape, initializer="zeros", name="false_negatives")
        self._built = True

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        y_pred = ops.convert_to_tensor(y_pred)
        try:
            if not self._built:
                self._build(ops.shape(y_pred))
            if self._from_logits:
                y_pred = ops.sigmoid(y_pred)
            update_confusion_matrix(
                {TP: self.true_positives, TN: self.true_negatives, FP: self.false_positives,
                 FN: self.false_negatives}, y_true, y_pred, self._thresholds, evenly=self._evenly,
                sample_weight=sample_weight, multi_label=self.multi_label,
                label_weights=None if self.multi_label else self.label_weights)
        except ShapeError as e:
            raise shape_error(self, e, y_true=ops.convert_to_tensor(y_true), y_pred=y_pred) from e

    def _average(self, by_label_terms: Any) -> Any:
        if not self.multi_label:
            return ops.sum(by_label_terms)
        by_label = ops.sum(by_label_terms, axis=0)
        if self.label_weights is None:
            return ops.mean(by_label)
        return ops.divide_no_nan(ops.sum(ops.multiply(by_label, self.label_weights)), ops.sum(self.label_weights))

    def _interpolate_pr_auc(self) -> Any:
        tp, fp, fn = self.true_positives.value, self.false_positives.value, self.false_negatives.value
        n = self.num_thresholds
        dtp = ops.subtract(tp[: n - 1], tp[1:])
        p = ops.add(tp, fp)
        dp = ops.subtract(p[: n - 1], p[1:])
        slope = ops.divide_no_nan(dtp, ops.maximum(dp, 0.0))
        intercept = ops.subtract(tp[1:], ops.multiply(slope, p[1:]))
        both = ops.logical_and(ops.greater(p[: n - 1], 0.0), ops.greater(p[1:], 0.0))
        ratio = ops.where(both, ops.divide_no_nan(p[: n - 1], ops.maximum(p[1:], 0.0)), ops.ones_like(p[1:]))
        increments = ops.divide_no_nan(ops.multiply(slope, ops.add(dtp, ops.multiply(intercept, ops.log(ratio)))),
                                       ops.maximum(ops.add(tp[1:], fn[1:]), 0.0))
        return self._average(increments)

    def result(self) -> Any:
        if not self._built:
            return ops.convert_to_tensor(0.0, self.dtype)
        if self.curve == "PR" and self.summation_method == "interpolation":
            return self._interpolate_pr_auc()
        tp, fp = self.true_positives.value, self.false_positives.value
        tn, fn = self.true_negatives.value, self.false_negatives.value
        recall = ops.divide_no_nan(tp, ops.add(tp, fn))
        if self.curve == "ROC":
            x, y = ops.divide_no_nan(fp, ops.add(fp, tn)), recall
        elif self.curve == "PR":
            x, y = recall, ops.divide_no_nan(tp, ops.add(tp, fp))
        else:
            scale = ops.divide_no_nan(ops.add(tp, fn), ops.add(tn, fp))
            recall_gain = ops.subtract(1.0, ops.multiply(scale, ops.divide_no_nan(fn, tp)))
            precision_gain = ops.subtract(1.0, ops.multiply(scale, ops.divide_no_nan(fp, tp)))
            no_tp = ops.equal(tp, 0.0)
            x = ops.maximum(ops.where(no_tp, 0.0, recall_gain), 0.0)
            y = ops.where(no_tp, 1.0, precision_gain)
        n = self.num_thresholds
        if self.summation_method == "interpolation":
            heights = ops.divide(ops.add(y[: n - 1], y[1:]), 2.0)
        elif self.summation_method == "minoring":
            heights = ops.minimum(y[: n - 1], y[1:])
        else:
            heights = ops.maximum(y[: n - 1], y[1:])
        return self._average(ops.multiply(ops.subtract(x[: n - 1], x[1:]), heights))

    def reset_state(self) -> None:
        if self._built:
            super().reset_state()

    def get_config(self) -> dict[str, Any]:
        config = {**super().get_config(), "num_thresholds": self.num_thresholds, "curve": self.curve,
                  "summation_method": self.summation_method, "multi_label": self.multi_label,
                  "num_labels": self.num_labels,
                  "label_weights": None if self.label_weights is None else self.label_weights.tolist(),
                  "from_logits": self._from_logits}
        if self._init_from_thresholds:
            config["thresholds"] = self.thresholds[1:-1]
        return config
