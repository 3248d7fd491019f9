"""Regression, probabilistic and hinge loss functions (Keras names and semantics): each returns per-sample values,
reduced over the last axis only.

>>> from hornet.api.losses.functions import mean_squared_error
>>> mean_squared_error([[0.0, 1.0]], [[1.0, 1.0]])            # doctest: +SKIP
Array([0.5], dtype=float32)
"""
from __future__ import annotations

import math
from typing import Any

from hornet.api import ops
from hornet.api.losses.common import EPSILON, as_float, check_broadcast, pair

__all__ = ["mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
           "mean_squared_logarithmic_error", "huber", "log_cosh", "kl_divergence", "poisson", "cosine_similarity",
           "hinge", "squared_hinge", "categorical_hinge"]


def mean_squared_error(y_true: Any, y_pred: Any) -> Any:
    """``mean((y_true - y_pred) ** 2, axis=-1)``.

    >>> mean_squared_error([[0.0, 1.0]], [[1.0, 1.0]])   # doctest: +SKIP
    [0.5]
    """
    y_true, y_pred = pair(y_true, y_pred, "mean_squared_error")
    return ops.mean(ops.square(ops.subtract(y_true, y_pred)), axis=-1)


def mean_absolute_error(y_true: Any, y_pred: Any) -> Any:
    """``mean(abs(y_true - y_pred), axis=-1)``.

    >>> mean_absolute_error([[0.0, 1.0]], [[1.0, 1.0]])   # doctest: +SKIP
    [0.5]
    """
    y_true, y_pred = pair(y_true, y_pred, "mean_absolute_error")
    return ops.mean(ops.abs(ops.subtract(y_true, y_pred)), axis=-1)


def mean_absolute_percentage_error(y_true: Any, y_pred: Any) -> Any:
    """``100 * mean(abs((y_true - y_pred) / max(abs(y_true), eps)), axis=-1)``.

    >>> mean_absolute_percentage_error([[2.0]], [[1.0]])   # doctest: +SKIP
    [50.0]
    """
    y_true, y_pred = pair(y_true, y_pred, "mean_absolute_percentage_error")
    diff = ops.abs(ops.divide(ops.subtract(y_true, y_pred), ops.maximum(ops.abs(y_true), EPSILON)))
    return ops.multiply(100.0, ops.mean(diff, axis=-1))


def mean_squared_logarithmic_error(y_true: Any, y_pred: Any) -> Any:
    """``mean((log(max(y_pred, eps) + 1) - log(max(y_true, eps) + 1)) ** 2, axis=-1)``.

    >>> mean_squared_logarithmic_error([[0.0]], [[1.0]])   # doctest: +SKIP
    [0.480]
    """
    y_true, y_pred = pair(y_true, y_pred, "mean_squared_logarithmic_error")
    first = ops.log(ops.add(ops.maximum(y_pred, EPSILON), 1.0))
    second = ops.log(ops.add(ops.maximum(y_true, EPSILON), 1.0))
    return ops.mean(ops.square(ops.subtract(first, second)), axis=-1)


def huber(y_true: Any, y_pred: Any, delta: float = 1.0) -> Any:
    """Quadratic for ``|error| <= delta``, linear beyond; averaged over the last axis.

    >>> huber([[0.0]], [[3.0]])   # doctest: +SKIP
    [2.5]
    """
    y_true, y_pred = pair(y_true, y_pred, "huber")
    error = ops.subtract(y_pred, y_true)
    abs_error = ops.abs(error)
    quadratic = ops.multiply(0.5, ops.square(error))
    linear = ops.subtract(ops.multiply(delta, abs_error), 0.5 * delta * delta)
    return ops.mean(ops.where(ops.less_equal(abs_error, delta), quadratic, linear), axis=-1)


def log_cosh(y_true: Any, y_pred: Any) -> Any:
    """``mean(log(cosh(y_pred - y_true)), axis=-1)``, computed stably as ``x + softplus(-2x) - log 2``.

    >>> log_cosh([[0.0]], [[1.0]])   # doctest: +SKIP
    [0.4338]
    """
    y_true, y_pred = pair(y_true, y_pred, "log_cosh")
    x = ops.subtract(y_pred, y_true)
    return ops.mean(ops.subtract(ops.add(x, ops.softplus(ops.multiply(x, -2.0))), math.log(2.0)), axis=-1)


def kl_divergence(y_true: Any, y_pred: Any) -> Any:
    """``sum(t * log(t / p), axis=-1)`` with both clipped into ``[eps, 1]``.

    >>> kl_divergence([[0.5, 0.5]], [[0.9, 0.1]])   # doctest: +SKIP
    [0.5108]
    """
    y_true, y_pred = pair(y_true, y_pred, "kl_divergence")
    y_true, y_pred = ops.clip(y_true, EPSILON, 1.0), ops.clip(y_pred, EPSILON, 1.0)
    return ops.sum(ops.multiply(y_true, ops.log(ops.divide(y_true, y_pred))), axis=-1)


def poisson(y_true: Any, y_pred: Any) -> Any:
    """``mean(y_pred - y_true * log(y_pred + eps), axis=-1)``.

    >>> poisson([[1.0]], [[1.0]])   # doctest: +SKIP
    [1.0]
    """
    y_true, y_pred = pair(y_true, y_pred, "poisson")
    return ops.mean(ops.subtract(y_pred, ops.multiply(y_true, ops.log(ops.add(y_pred, EPSILON)))), axis=-1)


def cosine_similarity(y_true: Any, y_pred: Any, axis: int = -1) -> Any:
    """The negated cosine similarity of the L2-normalized vectors along ``axis`` (-1 when they align).

    >>> cosine_similarity([[1.0, 0.0]], [[2.0, 0.0]])   # doctest: +SKIP
    [-1.0]
    """
    y_true, y_pred = pair(y_true, y_pred, "cosine_similarity")
    y_true, y_pred = ops.normalize(y_true, axis=axis), ops.normalize(y_pred, axis=axis)
    return ops.negative(ops.sum(ops.multiply(y_true, y_pred), axis=axis))


def _hinge_labels(y_true: Any) -> Any:
    """Labels in {0, 1} become {-1, 1}; labels already in another form are kept (decided on all values)."""
    is_binary = ops.all(ops.logical_or(ops.equal(y_true, 0.0), ops.equal(y_true, 1.0)))
    return ops.where(is_binary, ops.subtract(ops.multiply(2.0, y_true), 1.0), y_true)


def _hinge_pair(y_true: Any, y_pred: Any, name: str) -> tuple[Any, Any]:
    y_true, y_pred = pair(y_true, y_pred, name)
    return _hinge_labels(y_true), y_pred


def hinge(y_true: Any, y_pred: Any) -> Any:
    """``mean(max(1 - y_true * y_pred, 0), axis=-1)``; binary 0/1 labels are mapped to -1/1 first.

    >>> hinge([[1.0]], [[0.3]])   # doctest: +SKIP
    [0.7]
    """
    y_true, y_pred = _hinge_pair(y_true, y_pred, "hinge")
    return ops.mean(ops.maximum(ops.subtract(1.0, ops.multiply(y_true, y_pred)), 0.0), axis=-1)


def squared_hinge(y_true: Any, y_pred: Any) -> Any:
    """``mean(max(1 - y_true * y_pred, 0) ** 2, axis=-1)``; binary 0/1 labels are mapped to -1/1 first.

    >>> squared_hinge([[1.0]], [[0.3]])   # doctest: +SKIP
    [0.49]
    """
    y_true, y_pred = _hinge_pair(y_true, y_pred, "squared_hinge")
    return ops.mean(ops.square(ops.maximum(ops.subtract(1.0, ops.multiply(y_true, y_pred)), 0.0)), axis=-1)


def categorical_hinge(y_true: Any, y_pred: Any) -> Any:
    """``max(max((1 - t) * p) - sum(t * p) + 1, 0)`` over the last (class) axis.

    >>> categorical_hinge([[0.0, 1.0]], [[0.3, 0.6]])   # doctest: +SKIP
    [0.7]
    """
    y_pred = as_float(y_pred)
    y_true = ops.cast(ops.convert_to_tensor(y_true), ops.dtype(y_pred))
    check_broadcast("categorical_hinge", y_true, y_pred)
    pos = ops.sum(ops.multiply(y_true, y_pred), axis=-1)
    neg = ops.max(ops.multiply(ops.subtract(1.0, y_true), y_pred), axis=-1)
    return ops.maximum(ops.add(ops.subtract(neg, pos), 1.0), 0.0)
