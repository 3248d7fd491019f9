"""Accuracy metrics: per-sample match functions (Keras names) and their running-mean classes.

>>> from hornet.api.metrics.accuracy import SparseCategoricalAccuracy
>>> SparseCategoricalAccuracy()([[1], [0]], [[0.2, 0.8], [0.3, 0.7]])   # doctest: +SKIP
Array(0.5, dtype=float32)
"""
from __future__ import annotations

from typing import Any

from hornet.api import ops
from hornet.api.losses.common import as_float, check_broadcast
from hornet.api.losses.reduction import squeeze_or_expand_to_same_rank
from hornet.api.metrics.reduction_metrics import BuiltinMeanMetric
from hornet.api.ops.core import fmt_shape
from hornet.ir.errors import ShapeError
from hornet.ir.symbolic import dims_equal

__all__ = ["accuracy", "binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy",
           "top_k_categorical_accuracy", "sparse_top_k_categorical_accuracy", "Accuracy", "BinaryAccuracy",
           "CategoricalAccuracy", "SparseCategoricalAccuracy", "TopKCategoricalAccuracy",
           "SparseTopKCategoricalAccuracy"]


def _matches(a: Any, b: Any) -> Any:
    return ops.cast(ops.equal(a, b), "float32")


def accuracy(y_true: Any, y_pred: Any) -> Any:
    """1.0 where ``y_true == y_pred`` exactly, else 0.0.

    >>> accuracy([1, 2], [1, 3])   # doctest: +SKIP
    [1.0, 0.0]
    """
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(ops.convert_to_tensor(y_true), ops.dtype(y_pred))
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    check_broadcast("accuracy", y_true, y_pred)
    return _matches(y_true, y_pred)


def binary_accuracy(y_true: Any, y_pred: Any, threshold: float = 0.5) -> Any:
    """1.0 where ``(y_pred > threshold) == y_true``.

    >>> binary_accuracy([[1], [0]], [[0.7], [0.6]])   # doctest: +SKIP
    [1.0, 0.0]
    """
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    check_broadcast("binary_accuracy", y_true, y_pred)
    y_pred = ops.cast(ops.greater(y_pred, threshold), ops.dtype(y_true))
    return _matches(y_true, y_pred)


def _check_class_axis(name: str, labels: Any, y_pred: Any) -> None:
    """``labels`` (class ids) must match ``y_pred`` without its last axis."""
    ls, ps = ops.shape(labels), ops.shape(y_pred)
    rest = ps[:-1]
    if len(ls) != len(rest) or not all(dims_equal(a, b) for a, b in zip(ls, rest)):
        raise ShapeError(f"{name}: expected one label per row of y_pred: labels of shape {fmt_shape(rest)} for "
                         f"y_pred.shape={fmt_shape(ps)}, got {fmt_shape(ls)}")


def categorical_accuracy(y_true: Any, y_pred: Any) -> Any:
    """1.0 where the argmax of one-hot ``y_true`` equals the argmax of ``y_pred``.

    >>> categorical_accuracy([[0, 1], [1, 0]], [[0.2, 0.8], [0.3, 0.7]])   # doctest: +SKIP
    [1.0, 0.0]
    """
    y_pred = as_float(y_pred)
    labels = ops.argmax(ops.convert_to_tensor(y_true), axis=-1)
    if ops.ndim(labels) == ops.ndim(y_pred) and ops.shape(labels)[-1] == 1:
        labels = ops.squeeze(labels, -1)
    _check_class_axis("categorical_accuracy", labels, y_pred)
    return _matches(labels, ops.argmax(y_pred, axis=-1))


def sparse_categorical_accuracy(y_true: Any, y_pred: Any) -> Any:
    """1.0 where the integer label ``y_true`` equals the argmax of ``y_pred`` (a trailing 1 in ``y_true`` is
    dropped).

    >>> sparse_categorical_accuracy([[1], [0]], [[0.2, 0.8], [0.3, 0.7]])   # doctest: +SKIP
    [1.0, 0.0]
    """
    y_pred = as_float(y_pred)
    y_true = ops.cast(ops.convert_to_tensor(y_true), ops.dtype(y_pred))
    if ops.ndim(y_true) == ops.ndim(y_pred) and ops.shape(y_true)[-1] == 1:
        y_true = ops.squeeze(y_true, -1)
    _check_class_axis("sparse_categorical_accuracy", y_true, y_pred)
    matches = _matches(y_true, ops.cast(ops.argmax(y_pred, axis=-1), ops.dtype(y_true)))
    if ops.ndim(matches) > 1 and ops.shape(matches)[-1] == 1:
        matches = ops.squeeze(matches, -1)
    return matches


def top_k_categorical_accuracy(y_true: Any, y_pred: Any, k: int = 5) -> Any:
    """1.0 where the argmax of one-hot ``y_true`` is among the ``k`` highest predictions (ties count).

    >>> top_k_categorical_accuracy([[0, 0, 1]], [[0.5, 0.3, 0.2]], k=2)   # doctest: +SKIP
    [0.0]
    """
    y_pred = as_float(y_pred)
    labels = ops.cast(ops.argmax(ops.convert_to_tensor(y_true), axis=-1), "int32")
    _check_class_axis("top_k_categorical_accuracy", labels, y_pred)
    return ops.cast(ops.in_top_k(labels, y_pred, k=k), "float32")


def sparse_top_k_categorical_accuracy(y_true: Any, y_pred: Any, k: int = 5, from_sorted_ids: bool = False) -> Any:
    """1.0 where the integer label is among the ``k`` highest predictions (ties count); with
    ``from_sorted_ids``, ``y_pred`` holds class ids sorted by score and the label must be in its first ``k``.

    >>> sparse_top_k_categorical_accuracy([2], [[0.5, 0.3, 0.2]], k=2)   # doctest: +SKIP
    [0.0]
    """
    y_pred = ops.convert_to_tensor(y_pred)
    if from_sorted_ids:
        y_true = ops.cast(ops.convert_to_tensor(y_true), ops.dtype(y_pred))
    else:
        y_pred = as_float(y_pred)
        y_true = ops.cast(ops.convert_to_tensor(y_true), "int32")
    if ops.ndim(y_true) == ops.ndim(y_pred) and ops.shape(y_true)[-1] == 1:
        y_true = ops.squeeze(y_true, -1)
    _check_class_axis("sparse_top_k_categorical_accuracy", y_true, y_pred)
    if from_sorted_ids:
        top = ops.take(y_pred, list(range(k)), axis=-1) if ops.shape(y_pred)[-1] > k else y_pred
        return ops.cast(ops.any(ops.equal(ops.expand_dims(y_true, -1), top), axis=-1), "float32")
    return ops.cast(ops.in_top_k(y_true, y_pred, k=k), "float32")


class Accuracy(BuiltinMeanMetric):
    """How often predictions equal labels exactly.

    >>> Accuracy()([[1], [2]], [[1], [3]])   # doctest: +SKIP
    0.5
    """

    _fn_impl = staticmethod(accuracy)

    def __init__(self, name: str = "accuracy", dtype: Any = None):
        super().__init__(name, dtype)


class BinaryAccuracy(BuiltinMeanMetric):
    """How often ``y_pred > threshold`` matches binary labels.

    >>> BinaryAccuracy()([[1], [0]], [[0.7], [0.6]])   # doctest: +SKIP
    0.5
    """

    _fn_impl = staticmethod(binary_accuracy)
    _args = ("threshold",)

    def __init__(self, name: str = "binary_accuracy", dtype: Any = None, threshold: float = 0.5):
        super().__init__(name, dtype, threshold=threshold)


class CategoricalAccuracy(BuiltinMeanMetric):
    """How often the predicted class (argmax) matches one-hot labels.

    >>> CategoricalAccuracy()([[0, 1]], [[0.2, 0.8]])   # doctest: +SKIP
    1.0
    """

    _fn_impl = staticmethod(categorical_accuracy)

    def __init__(self, name: str = "categorical_accuracy", dtype: Any = None):
        super().__init__(name, dtype)


class SparseCategoricalAccuracy(BuiltinMeanMetric):
    """How often the predicted class (argmax) matches integer labels.

    >>> SparseCategoricalAccuracy()([1], [[0.2, 0.8]])   # doctest: +SKIP
    1.0
    """

    _fn_impl = staticmethod(sparse_categorical_accuracy)

    def __init__(self, name: str = "sparse_categorical_accuracy", dtype: Any = None):
        super().__init__(name, dtype)


class TopKCategoricalAccuracy(BuiltinMeanMetric):
    """How often the one-hot label is among the top ``k`` predictions.

    >>> TopKCategoricalAccuracy(k=1)([[0, 1]], [[0.2, 0.8]])   # doctest: +SKIP
    1.0
    """

    _fn_impl = staticmethod(top_k_categorical_accuracy)
    _args = ("k",)

    def __init__(self, k: int = 5, name: str = "top_k_categorical_accuracy", dtype: Any = None):
        super().__init__(name, dtype, k=k)


class SparseTopKCategoricalAccuracy(BuiltinMeanMetric):
    """How often the integer label is among the top ``k`` predictions.

    >>> SparseTopKCategoricalAccuracy(k=1)([1], [[0.2, 0.8]])   # doctest: +SKIP
    1.0
    """

    _fn_impl = staticmethod(sparse_top_k_categorical_accuracy)
    _args = ("k",)

    def __init__(self, k: int = 5, name: str = "sparse_top_k_categorical_accuracy", dtype: Any = None,
                 from_sorted_ids: bool = False):
        super().__init__(name, dtype, k=k, from_sorted_ids=from_sorted_ids)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        if self.from_sorted_ids:
            config["from_sorted_ids"] = True
        return config
