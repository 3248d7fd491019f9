"""Correlation metrics: ``PearsonCorrelation`` and ``ConcordanceCorrelation`` (running means of the per-sample
coefficients computed along ``axis``), and their function forms.

>>> pearson_correlation([[1.0, 2.0, 3.0]], [[2.0, 4.0, 7.0]])   # doctest: +SKIP
Array([0.9933992], dtype=float32)
"""
from __future__ import annotations

from typing import Any

from hornet.api import ops
from hornet.api.losses.common import EPSILON
from hornet.api.losses.reduction import squeeze_or_expand_to_same_rank
from hornet.api.metrics.reduction_metrics import BuiltinMeanMetric

__all__ = ["pearson_correlation", "concordance_correlation", "PearsonCorrelation", "ConcordanceCorrelation"]


def _pair(y_true: Any, y_pred: Any) -> tuple[Any, Any]:
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(ops.convert_to_tensor(y_true), ops.dtype(y_pred))
    return squeeze_or_expand_to_same_rank(y_true, y_pred)


def pearson_correlation(y_true: Any, y_pred: Any, axis: int = -1) -> Any:
    """Pearson's correlation coefficient of ``y_true`` and ``y_pred`` along ``axis`` (one value per sample).

    >>> pearson_correlation([[0.0, 1.0, 2.0]], [[0.0, 2.0, 4.0]])   # doctest: +SKIP
    Array([1.], dtype=float32)
    """
    y_true, y_pred = _pair(y_true, y_pred)
    t = ops.subtract(y_true, ops.mean(y_true, axis=axis, keepdims=True))
    p = ops.subtract(y_pred, ops.mean(y_pred, axis=axis, keepdims=True))
    t = ops.divide(t, ops.std(t, axis=axis, keepdims=True))
    p = ops.divide(p, ops.std(p, axis=axis, keepdims=True))
    return ops.mean(ops.multiply(t, p), axis=axis)


def concordance_correlation(y_true: Any, y_pred: Any, axis: int = -1) -> Any:
    """Lin's concordance correlation coefficient along ``axis``, computed as Keras 3 does
    (``mean(2 (y_true - mean(y_pred)) (y_pred - mean(y_pred)) / (var_t + var_p + (mean_t - mean_p)² + eps))``).

    >>> concordance_correlation([[0.0, 1.0, 2.0]], [[0.0, 1.0, 2.0]])   # doctest: +SKIP
    Array([1.], dtype=float32)
    """
    y_true, y_pred = _pair(y_true, y_pred)
    true_mean = ops.mean(y_true, axis=axis, keepdims=True)
    pred_mean = ops.mean(y_pred, axis=axis, keepdims=True)
    true_var = ops.var(ops.subtract(y_true, true_mean), axis=axis, keepdims=True)
    pred_var = ops.var(ops.subtract(y_pred, pred_mean), axis=axis, keepdims=True)
    covar = ops.multiply(ops.subtract(y_true, pred_mean), ops.subtract(y_pred, pred_mean))
    norm = ops.add(ops.add(true_var, pred_var), ops.square(ops.subtract(true_mean, pred_mean)))
    return ops.mean(ops.divide(ops.multiply(2.0, covar), ops.add(norm, EPSILON)), axis=axis)


class PearsonCorrelation(BuiltinMeanMetric):
    """The running (weighted) mean of ``pearson_correlation`` over samples.

    >>> PearsonCorrelation()([[1.0, 2.0, 3.0]], [[2.0, 4.0, 7.0]])   # doctest: +SKIP
    """

    _fn_impl = staticmethod(pearson_correlation)
    _args = ("axis",)

    def __init__(self, name: str = "pearson_correlation", dtype: Any = None, axis: int = -1):
        super().__init__(name, dtype, axis=axis)


class ConcordanceCorrelation(BuiltinMeanMetric):
    """The running (weighted) mean of ``concordance_correlation`` over samples.

    >>> ConcordanceCorrelation()([[1.0, 2.0, 3.0]], [[1.0, 2.0, 3.5]])   # doctest: +SKIP
    """

    _fn_impl = staticmethod(concordance_correlation)
    _args = ("axis",)

    def __init__(self, name: str = "concordance_correlation", dtype: Any = None, axis: int = -1):
        super().__init__(name, dtype, axis=axis)
