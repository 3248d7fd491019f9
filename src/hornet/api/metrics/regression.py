"""Regression metrics: running means of the error functions, ``RootMeanSquaredError`` and ``R2Score``.

>>> RootMeanSquaredError()([[0.0], [0.0]], [[3.0], [4.0]])   # doctest: +SKIP
Array(3.5355, dtype=float32)
"""
from __future__ import annotations

from typing import Any

from hornet.api import ops
from hornet.api.losses import functions as fn
from hornet.api.losses.common import pair
from hornet.api.metrics.metric import Metric
from hornet.api.metrics.reduction_metrics import BuiltinMeanMetric, Mean, shape_error
from hornet.api.ops.core import fmt_shape
from hornet.ir.errors import ShapeError

__all__ = ["cosine_similarity", "MeanSquaredError", "MeanAbsoluteError", "MeanAbsolutePercentageError",
           "MeanSquaredLogarithmicError", "RootMeanSquaredError", "CosineSimilarity", "LogCoshError", "R2Score"]


def cosine_similarity(y_true: Any, y_pred: Any, axis: int = -1) -> Any:
    """The cosine similarity of the L2-normalized vectors along ``axis`` (+1 when they align).

    >>> cosine_similarity([[1.0, 0.0]], [[2.0, 0.0]])   # doctest: +SKIP
    [1.0]
    """
    return ops.negative(fn.cosine_similarity(y_true, y_pred, axis=axis))


class MeanSquaredError(BuiltinMeanMetric):
    """Running mean of the squared error.

    >>> MeanSquaredError()([[0.0, 1.0]], [[1.0, 1.0]])   # doctest: +SKIP
    0.5
    """

    _fn_impl = staticmethod(fn.mean_squared_error)
    _direction = "down"

    def __init__(self, name: str = "mean_squared_error", dtype: Any = None):
        super().__init__(name, dtype)


class MeanAbsoluteError(BuiltinMeanMetric):
    """Running mean of the absolute error.

    >>> MeanAbsoluteError()([[0.0, 1.0]], [[1.0, 1.0]])   # doctest: +SKIP
    0.5
    """

    _fn_impl = staticmethod(fn.mean_absolute_error)
    _direction = "down"

    def __init__(self, name: str = "mean_absolute_error", dtype: Any = None):
        super().__init__(name, dtype)


class MeanAbsolutePercentageError(BuiltinMeanMetric):
    """Running mean of the absolute percentage error.

    >>> MeanAbsolutePercentageError()([[2.0]], [[1.0]])   # doctest: +SKIP
    50.0
    """

    _fn_impl = staticmethod(fn.mean_absolute_percentage_error)
    _direction = "down"

    def __init__(self, name: str = "mean_absolute_percentage_error", dtype: Any = None):
        super().__init__(name, dtype)


class MeanSquaredLogarithmicError(BuiltinMeanMetric):
    """Running mean of the squared logarithmic error.

    >>> MeanSquaredLogarithmicError()([[0.0]], [[1.0]])   # doctest: +SKIP
    0.480
    """

    _fn_impl = staticmethod(fn.mean_squared_logarithmic_error)
    _direction = "down"

    def __init__(self, name: str = "mean_squared_logarithmic_error", dtype: Any = None):
        super().__init__(name, dtype)


class CosineSimilarity(BuiltinMeanMetric):
    """Running mean of the cosine similarity along ``axis``.

    >>> CosineSimilarity()([[1.0, 0.0]], [[2.0, 0.0]])   # doctest: +SKIP
    1.0
    """

    _fn_impl = staticmethod(cosine_similarity)
    _args = ("axis",)

    def __init__(self, name: str = "cosine_similarity", dtype: Any = None, axis: int = -1):
        super().__init__(name, dtype, axis=axis)


class LogCoshError(BuiltinMeanMetric):
    """Running mean of ``log(cosh(error))``.

    >>> LogCoshError()([[0.0]], [[1.0]])   # doctest: +SKIP
    0.4338
    """

    _fn_impl = staticmethod(fn.log_cosh)
    _direction = "down"

    def __init__(self, name: str = "logcosh", dtype: Any = None):
        super().__init__(name, dtype)


class RootMeanSquaredError(Mean):
    """The square root of the running (weighted) mean squared error.

    >>> RootMeanSquaredError()([[0.0], [0.0]], [[3.0], [4.0]])   # doctest: +SKIP
    3.5355
    """

    _direction = "down"

    def __init__(self, name: str = "root_mean_squared_error", dtype: Any = None):
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        y_true, y_pred = ops.convert_to_tensor(y_true, self.dtype), ops.convert_to_tensor(y_pred, self.dtype)
        try:
            y_true, y_pred = pair(y_true, y_pred, "root_mean_squared_error")
        except ShapeError as e:
            raise shape_error(self, e, y_true=y_true, y_pred=y_pred) from e
        super().update_state(ops.square(ops.subtract(y_pred, y_true)), sample_weight=sample_weight)

    def result(self) -> Any:
        return ops.sqrt(super().result())


class R2Score(Metric):
    """The coefficient of determination over all samples seen, per output column then aggregated:
    ``class_aggregation`` is ``"uniform_average"``, ``"variance_weighted_average"`` or None (per column);
    ``num_regressors > 0`` gives the adjusted R2 (falling back to plain R2 when there are too few samples).
    Samples with ``sample_weight`` 0 are left out entirely, also from the sample count of the adjusted R2.

    >>> R2Score()([[1.0], [2.0], [3.0]], [[1.0], [2.0], [4.0]])   # doctest: +SKIP
    0.5
    """

    _direction = "up"

    def __init__(self, class_aggregation: str | None = "uniform_average", num_regressors: int = 0,
                 name: str = "r2_score", dtype: Any = None):
        super().__init__(name=name, dtype=dtype)
        valid = (None, "uniform_average", "variance_weighted_average")
        if class_aggregation not in valid:
            raise ValueError(f"Invalid value for argument `class_aggregation`. Expected one of {valid}. "
                             f"Received: class_aggregation={class_aggregation!r}")
        if num_regressors < 0:
            raise ValueError(f"Invalid value for argument `num_regressors`. Expected a value >= 0. "
                             f"Received: num_regressors={num_regressors}")
        self.class_aggregation = class_aggregation
        self.num_regressors = num_regressors
        self.num_samples = self.add_variable((), initializer="zeros", name="num_samples")
        self._built = False

    def _build(self, y_true_shape: tuple, y_pred_shape: tuple) -> None:
        if len(y_pred_shape) != 2 or len(y_true_shape) != 2:
            raise ShapeError(f"R2Score expects 2D inputs with shape (batch_size, output_dim). Received input shapes: "
                             f"y_pred.shape={fmt_shape(y_pred_shape)} and y_true.shape={fmt_shape(y_true_shape)}.")
        n = y_pred_shape[-1]
        if not isinstance(n, int):
            raise ShapeError(f"R2Score expects a static output_dim; got y_pred.shape={fmt_shape(y_pred_shape)}")
        self.squared_sum = self.add_variable((n,), name="squared_sum")
        self.sum = self.add_variable((n,), name="sum")
        self.total_mse = self.add_variable((n,), name="residual")
        self.count = self.add_variable((n,), name="count")
        self._built = True

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        y_true, y_pred = ops.convert_to_tensor(y_true, self.dtype), ops.convert_to_tensor(y_pred, self.dtype)
        try:
            y_true, y_pred = pair(y_true, y_pred, "r2_score")
            if not self._built:
                self._build(ops.shape(y_true), ops.shape(y_pred))
            weight = ops.convert_to_tensor(1.0 if sample_weight is None else sample_weight, self.dtype)
            if ops.ndim(weight) == 1:
                weight = ops.expand_dims(weight, 1)
            weight = ops.broadcast_to(weight, ops.shape(y_true))
        except ShapeError as e:
            raise shape_error(self, e, y_true=y_true, y_pred=y_pred) from e
        keep = ops.not_equal(weight, 0)
        y_true = ops.where(keep, y_true, 0.0)
        residual = ops.where(keep, ops.square(ops.subtract(y_true, y_pred)), 0.0)
        weighted = ops.multiply(y_true, weight)
        self.sum.assign_add(ops.sum(weighted, axis=0))
        self.squared_sum.assign_add(ops.sum(ops.multiply(y_true, weighted), axis=0))
        self.total_mse.assign_add(ops.sum(ops.multiply(residual, weight), axis=0))
        self.count.assign_add(ops.sum(weight, axis=0))
        self.num_samples.assign_add(ops.sum(ops.cast(keep, self.dtype)))

    def result(self) -> Any:
        if not self._built:
            return ops.convert_to_tensor(0.0, self.dtype)
        total_sum, count = self.sum.value, self.count.value
        mean = ops.divide(total_sum, count)
        total = ops.subtract(self.squared_sum.value, ops.multiply(total_sum, mean))
        raw = ops.subtract(1.0, ops.divide(self.total_mse.value, total))
        raw = ops.where(ops.isinf(raw), 0.0, raw)
        if self.class_aggregation == "uniform_average":
            score = ops.mean(raw)
        elif self.class_aggregation == "variance_weighted_average":
            score = ops.divide(ops.sum(ops.multiply(total, raw)), ops.sum(total))
        else:
            score = raw
        if self.num_regressors:
            n, p = self.num_samples.value, float(self.num_regressors)
            adjusted = ops.subtract(1.0, ops.divide(ops.multiply(ops.subtract(1.0, score), ops.subtract(n, 1.0)),
                                                    ops.subtract(ops.subtract(n, p), 1.0)))
            # Keras falls back to the plain score (with a warning) when p >= n - 1.
            score = ops.where(ops.less(p, ops.subtract(n, 1.0)), adjusted, score)
        return score

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "class_aggregation": self.class_aggregation,
                "num_regressors": self.num_regressors}
