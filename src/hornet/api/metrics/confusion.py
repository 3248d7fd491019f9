"""Confusion-matrix counting at thresholds (shared by Precision, Recall, AUC and the TP/FP/TN/FN metrics).

For each threshold ``t``, a prediction counts as positive when ``y_pred > t``; the weighted true/false positive/
negative counts are added to the given variables. Thresholds spread evenly over [0, 1] (AUC's default) use
Keras's bucketing (one segment sum plus a reversed cumulative sum, O(N + T)); other thresholds compare every
prediction with every threshold (O(N * T)). Samples with weight 0 add exactly nothing.

>>> from hornet.runtime.variables import Variable
>>> tp = Variable(np.zeros(1, "float32"))
>>> update_confusion_matrix({"tp": tp}, [1, 0], [0.8, 0.7], [0.5])
>>> tp.numpy()
array([1.], dtype=float32)
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from hornet.api import ops
from hornet.api.losses.common import EPSILON, check_same_shape
from hornet.api.losses.reduction import squeeze_or_expand_to_same_rank
from hornet.ir.errors import ShapeError

__all__ = ["TP", "FP", "TN", "FN", "NEG_INF", "parse_thresholds", "evenly_distributed", "update_confusion_matrix"]

TP, FP, TN, FN = "tp", "fp", "tn", "fn"
NEG_INF = -1e10


def parse_thresholds(thresholds: Any, default: float = 0.5) -> list[float]:
    """Thresholds as a list of floats (each in [0, 1]); None gives ``[default]``."""
    if thresholds is None:
        return [float(default)]
    values = list(thresholds) if isinstance(thresholds, (list, tuple, np.ndarray)) else [thresholds]
    bad = [t for t in values if t is None or not 0 <= t <= 1]
    if bad:
        raise ValueError(f"Threshold values must be in [0, 1]. Received: {bad}")
    return [float(t) for t in values]


def evenly_distributed(thresholds: Sequence[float]) -> bool:
    """True for ``i / (n - 1)``, i = 0..n-1 with n >= 3 (up to epsilon): the bucketed update applies."""
    n = len(thresholds)
    if n < 3:
        return False
    return bool(np.allclose(thresholds, np.arange(n, dtype=np.float32) / (n - 1), atol=EPSILON))


def filter_top_k(x: Any, k: int) -> Any:
    """Keep the ``k`` largest entries of the last axis; the others become ``NEG_INF``."""
    _, idx = ops.top_k(x, k)
    keep = ops.sum(ops.one_hot(idx, ops.shape(x)[-1], dtype=ops.dtype(x)), axis=-2)
    return ops.add(ops.multiply(x, keep), ops.multiply(NEG_INF, ops.subtract(1.0, keep)))


def _prepare(y_true: Any, y_pred: Any, sample_weight: Any, dtype: str, top_k: int | None,
             class_id: int | None) -> tuple[Any, Any, Any]:
    y_true = ops.cast(ops.convert_to_tensor(y_true), dtype)
    y_pred = ops.cast(ops.convert_to_tensor(y_pred), dtype)
    y_pred, y_true = squeeze_or_expand_to_same_rank(y_pred, y_true)
    check_same_shape("confusion matrix", y_true, y_pred)
    if sample_weight is not None:
        sample_weight = ops.expand_dims(ops.cast(ops.convert_to_tensor(sample_weight), dtype), -1)
        _, sample_weight = squeeze_or_expand_to_same_rank(y_true, sample_weight, expand_rank_1=False)
    if top_k is not None:
        y_pred = filter_top_k(y_pred, top_k)
    if class_id is not None:
        if ops.ndim(y_pred) < 2:
            raise ShapeError(f"When class_id is provided, y_pred must be a 2D array with shape (num_samples, "
                             f"num_classes), found shape: {tuple(ops.shape(y_pred))}")
        y_true = ops.take(y_true, [class_id], axis=-1)
        y_pred = ops.take(y_pred, [class_id], axis=-1)
    return y_true, y_pred, sample_weight


def _weights(y_pred: Any, sample_weight: Any, label_weights: Any, multi_label: bool) -> Any:
    """Per-prediction weights broadcast to ``y_pred`` (None when all are 1)."""
    w = None
    if sample_weight is not None:
        w = ops.broadcast_to(sample_weight, ops.shape(y_pred))
    if label_weights is not None and not multi_label:
        lw = ops.broadcast_to(ops.cast(label_weights, ops.dtype(y_pred)), ops.shape(y_pred))
        w = lw if w is None else ops.multiply(w, lw)
    return w


def update_confusion_matrix(variables: dict[str, Any], y_true: Any, y_pred: Any, thresholds: Sequence[float], *,
                            evenly: bool = False, top_k: int | None = None, class_id: int | None = None,
                            sample_weight: Any = None, multi_label: bool = False, label_weights: Any = None) -> None:
    """Add the weighted confusion counts at each threshold to ``variables`` (keys among TP, FP, TN, FN; each of
    shape ``(T,)``, or ``(T, labels)`` with ``multi_label``)."""
    if not variables or any(k not in (TP, FP, TN, FN) for k in variables):
        raise ValueError(f"update_confusion_matrix: variables must be keyed by {TP, FP, TN, FN}, got "
                         f"{list(variables)}")
    dtype = next(iter(variables.values())).dtype.name
    y_true, y_pred, sample_weight = _prepare(y_true, y_pred, sample_weight, dtype, top_k, class_id)
    weights = _weights(y_pred, sample_weight, label_weights, multi_label)
    if not multi_label:
        y_true, y_pred = ops.reshape(y_true, (-1,)), ops.reshape(y_pred, (-1,))
        weights = None if weights is None else ops.reshape(weights, (-1,))
    elif ops.ndim(y_pred) != 2:
        raise ShapeError(f"multi_label confusion counts need y_pred of rank 2 (samples, labels), got shape "
                         f"{tuple(ops.shape(y_pred))}")
    if evenly:
        with_epsilon = thresholds[0] < 0.0 or thresholds[-1] > 1.0
        _update_bucketed(variables, y_true, y_pred, weights, len(thresholds), with_epsilon, multi_label)
    else:
        _update_compared(variables, y_true, y_pred, weights, thresholds, multi_label)


def _update_compared(variables: dict[str, Any], y_true: Any, y_pred: Any, weights: Any,
                     thresholds: Sequence[float], multi_label: bool) -> None:
    thr = np.asarray(thresholds, dtype=ops.dtype(y_pred).np).reshape((-1, 1, 1) if multi_label else (-1, 1))
    pred_pos = ops.greater(ops.expand_dims(y_pred, 0), thr)
    label_pos = ops.expand_dims(ops.cast(y_true, "bool"), 0)
    conditions = {TP: (label_pos, pred_pos), FP: (ops.logical_not(label_pos), pred_pos),
                  FN: (label_pos, ops.logical_not(pred_pos)),
                  TN: (ops.logical_not(label_pos), ops.logical_not(pred_pos))}
    w = None if weights is None else ops.expand_dims(weights, 0)
    for key, var in variables.items():
        both = ops.logical_and(*conditions[key])
        counted = ops.cast(both, var.dtype.name) if w is None else ops.where(both, w, 0.0)
        var.assign_add(ops.sum(counted, axis=1))


def _update_bucketed(variables: dict[str, Any], y_true: Any, y_pred: Any, weights: Any, num_thresholds: int,
                     with_epsilon: bool, multi_label: bool) -> None:
    y_pred = ops.clip(y_pred, 0.0, 1.0)
    y_true = ops.cast(ops.cast(y_true, "bool"), ops.dtype(y_pred))
    w = 1.0 if weights is None else weights
    true_labels = ops.multiply(y_true, w)
    false_labels = ops.multiply(ops.subtract(1.0, y_true), w)
    # Prediction p falls in bucket ceil(p * (T - 1)) - 1: it exceeds exactly the thresholds 0..bucket.
    buckets = ops.subtract(ops.ceil(ops.multiply(y_pred, float(num_thresholds - 1))), 1.0)
    if with_epsilon:
        buckets = ops.relu(buckets)
    buckets = ops.cast(buckets, "int32")
    if multi_label:
        num_labels = ops.shape(y_pred)[-1]
        ids = ops.add(buckets, ops.multiply(ops.arange(num_labels, dtype="int32"), num_thresholds))
        ids = ops.reshape(ops.where(ops.less(buckets, 0), -1, ids), (-1,))
        segments = num_labels * num_thresholds

        def per_bucket(labels: Any) -> Any:
            sums = ops.segment_sum(ops.reshape(labels, (-1,)), ids, num_segments=segments)
            return ops.transpose(ops.reshape(sums, (num_labels, num_thresholds)))
        totals_axis = 0
    else:
        def per_bucket(labels: Any) -> Any:
            return ops.segment_sum(labels, buckets, num_segments=num_thresholds)
        totals_axis = None
    tp = ops.flip(ops.cumsum(ops.flip(per_bucket(true_labels), axis=0), axis=0), axis=0)
    fp = ops.flip(ops.cumsum(ops.flip(per_bucket(false_labels), axis=0), axis=0), axis=0)
    if TP in variables:
        variables[TP].assign_add(tp)
    if FP in variables:
        variables[FP].assign_add(fp)
    if TN in variables:
        variables[TN].assign_add(ops.subtract(ops.sum(false_labels, axis=totals_axis), fp))
    if FN in variables:
        variables[FN].assign_add(ops.subtract(ops.sum(true_labels, axis=totals_axis), tp))
