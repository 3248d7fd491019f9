"""``Sum``, ``Mean`` and ``MeanMetricWrapper`` (the running, weighted mean of a per-sample function).

A ``sample_weight`` of 0 excludes a sample exactly: its values are replaced by 0 with ``where`` (not multiplied,
so even NaN in a padding row cannot leak) and it adds nothing to the count.

>>> from hornet.api.losses import mean_squared_error
>>> m = MeanMetricWrapper(mean_squared_error)
>>> m.update_state([[1.0], [2.0]], [[1.0], [4.0]], sample_weight=[1.0, 0.0])
>>> float(m.result())
0.0
"""
from __future__ import annotations

from typing import Any, Callable

from hornet.api import ops
from hornet.api.losses.crossentropy import call_with_mask
from hornet.api.losses.reduction import squeeze_or_expand_to_same_rank
from hornet.api.metrics.metric import Metric
from hornet.api.ops.core import fmt_shape
from hornet.ir.errors import ShapeError

__all__ = ["Sum", "Mean", "MeanMetricWrapper", "BuiltinMeanMetric", "reduce_to_samplewise_values", "shape_error"]


def shape_error(metric: Metric, error: Exception, **shapes: Any) -> ShapeError:
    """A ShapeError naming the metric and the shapes of its inputs around ``error``'s message."""
    described = ", ".join(f"{k}.shape={fmt_shape(ops.shape(v))}" for k, v in shapes.items() if v is not None)
    return ShapeError(f"metric {type(metric).__name__} (name={metric.name!r}) got {described}: {error}")


def reduce_to_samplewise_values(values: Any, sample_weight: Any, reduce_fn: Callable[..., Any],
                                dtype: Any) -> tuple[Any, Any]:
    """Weighted per-sample values (rank <= 1) and per-sample weights (or None), the way Keras's ``Mean`` and
    ``Sum`` see them: values are reduced with ``reduce_fn`` over the axes the weights do not cover."""
    values = ops.cast(ops.convert_to_tensor(values), dtype)
    if sample_weight is not None:
        sample_weight = ops.cast(ops.convert_to_tensor(sample_weight), dtype)
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        wn, vn = ops.ndim(sample_weight), ops.ndim(values)
        if vn > wn:
            values = reduce_fn(values, axis=tuple(range(wn, vn)))
        sample_weight = ops.broadcast_to(sample_weight, ops.shape(values))
        values = ops.where(ops.not_equal(sample_weight, 0), ops.multiply(values, sample_weight), 0.0)
        if wn > 1:
            sample_weight = reduce_fn(sample_weight, axis=tuple(range(1, wn)))
    if ops.ndim(values) > 1:
        values = reduce_fn(values, axis=tuple(range(1, ops.ndim(values))))
    return values, sample_weight


class Sum(Metric):
    """The running (weighted) sum of the values given to ``update_state``.

    >>> Sum()([1.0, 3.0, 5.0])        # doctest: +SKIP
    Array(9., dtype=float32)
    """

    def __init__(self, name: str = "sum", dtype: Any = None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable((), initializer="zeros", dtype=self.dtype, name="total")

    def update_state(self, values: Any, sample_weight: Any = None) -> None:
        try:
            values, _ = reduce_to_samplewise_values(values, sample_weight, ops.sum, self.dtype)
        except ShapeError as e:
            raise shape_error(self, e, values=values, sample_weight=sample_weight) from e
        self.total.assign_add(ops.sum(values))

    def result(self) -> Any:
        return self.total.value


class Mean(Metric):
    """The running (weighted) mean of the values given to ``update_state``: ``total / count``.

    >>> Mean()([1.0, 3.0, 5.0], sample_weight=[1.0, 1.0, 0.0])   # doctest: +SKIP
    Array(2., dtype=float32)
    """

    def __init__(self, name: str = "mean", dtype: Any = None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable((), initializer="zeros", dtype=self.dtype, name="total")
        self.count = self.add_variable((), initializer="zeros", dtype=self.dtype, name="count")

    def update_state(self, values: Any, sample_weight: Any = None) -> None:
        try:
            values, sample_weight = reduce_to_samplewise_values(values, sample_weight, ops.mean, self.dtype)
        except ShapeError as e:
            raise shape_error(self, e, values=values, sample_weight=sample_weight) from e
        self.total.assign_add(ops.sum(values))
        if sample_weight is not None:
            count = ops.sum(sample_weight)
        elif ops.ndim(values) >= 1:
            count = ops.cast(ops.size(values), self.dtype)
        else:
            count = 1.0
        self.count.assign_add(ops.cast(count, self.dtype))

    def result(self) -> Any:
        return ops.divide_no_nan(self.total.value, self.count.value)


class MeanMetricWrapper(Mean):
    """The running weighted mean of ``fn(y_true, y_pred, **kwargs)`` (per-sample values).

    >>> from hornet.api.losses import mean_absolute_error
    >>> MeanMetricWrapper(mean_absolute_error)([[0.0, 1.0]], [[1.0, 1.0]])   # doctest: +SKIP
    Array(0.5, dtype=float32)
    """

    def __init__(self, fn: Callable[..., Any], name: str | None = None, dtype: Any = None, **kwargs: Any):
        if not callable(fn):
            raise TypeError(f"MeanMetricWrapper: fn must be callable, got {fn!r}")
        super().__init__(name=name or "mean_metric_wrapper", dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        try:
            values, valid = call_with_mask(self._fn, y_true, y_pred, **self._fn_kwargs)
        except ShapeError as e:
            raise shape_error(self, e, y_true=ops.convert_to_tensor(y_true),
                              y_pred=ops.convert_to_tensor(y_pred)) from e
        if valid is not None:
            if sample_weight is None:
                sample_weight = valid
            else:
                valid, sw = squeeze_or_expand_to_same_rank(valid, ops.cast(ops.convert_to_tensor(sample_weight),
                                                                           ops.dtype(valid)))
                sample_weight = ops.multiply(sw, valid)
        super().update_state(values, sample_weight=sample_weight)

    def get_config(self) -> dict[str, Any]:
        from hornet.api.metrics.registry import serialize

        return {**super().get_config(), "fn": serialize(self._fn), **self._fn_kwargs}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> "MeanMetricWrapper":
        from hornet.api.metrics.registry import deserialize_function

        config = dict(config)
        if "fn" in config:
            config["fn"] = deserialize_function(config["fn"])
        return cls(**config)


class BuiltinMeanMetric(MeanMetricWrapper):
    """A built-in ``MeanMetricWrapper``: the function is fixed by the class (``_fn``), the config holds the
    constructor arguments listed in ``_args``."""

    _fn_impl: Callable[..., Any]
    _args: tuple[str, ...] = ()
    _direction = "up"

    def __init__(self, name: str, dtype: Any, **kwargs: Any):
        super().__init__(type(self)._fn_impl, name=name, dtype=dtype, **kwargs)
        for key, value in kwargs.items():
            setattr(self, key, value)

    def get_config(self) -> dict[str, Any]:
        return {**Metric.get_config(self), **{k: getattr(self, k) for k in self._args}}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> "BuiltinMeanMetric":
        return cls(**config)
