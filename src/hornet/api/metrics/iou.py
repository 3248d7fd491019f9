"""Intersection-over-union metrics: ``IoU``, ``MeanIoU``, ``BinaryIoU``, ``OneHotIoU``, ``OneHotMeanIoU``.

All accumulate a ``(num_classes, num_classes)`` confusion matrix (rows: true class, columns: predicted class),
weighted by ``sample_weight``; per class ``iou = TP / (TP + FP + FN)``, averaged over the target classes that occur.
As in Keras the matrix is kept in ``dtype`` (``"int32"`` by default, so fractional weights are truncated: pass
``dtype="float32"`` for real-valued weights). Labels outside ``[0, num_classes)``, ``ignore_class`` and samples of
weight 0 add nothing.

>>> MeanIoU(num_classes=2)([0, 0, 1, 1], [0, 1, 0, 1])   # doctest: +SKIP
Array(0.33333334, dtype=float32)
"""
from __future__ import annotations

from typing import Any, Sequence

from hornet.api import ops
from hornet.api.losses.common import EPSILON
from hornet.api.metrics.metric import Metric
from hornet.api.metrics.reduction_metrics import shape_error
from hornet.ir.errors import ShapeError

__all__ = ["IoU", "MeanIoU", "BinaryIoU", "OneHotIoU", "OneHotMeanIoU"]


class _IoUBase(Metric):
    """The confusion-matrix state and update shared by the IoU metrics."""

    _direction = "up"

    def __init__(self, num_classes: int, name: str | None = None, dtype: Any = None, ignore_class: int | None = None,
                 sparse_y_true: bool = True, sparse_y_pred: bool = True, axis: int = -1):
        if isinstance(num_classes, bool) or not isinstance(num_classes, int) or num_classes < 1:
            raise ValueError(f"Argument `num_classes` must be a positive integer. Received: "
                             f"num_classes={num_classes!r}")
        super().__init__(name=name, dtype="int32" if dtype in (None, "int") else dtype)
        self.num_classes = num_classes
        self.ignore_class = ignore_class
        self.sparse_y_true = sparse_y_true
        self.sparse_y_pred = sparse_y_pred
        self.axis = axis
        self.total_cm = self.add_variable((num_classes, num_classes), initializer="zeros",
                                          name="total_confusion_matrix")

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        try:
            self.total_cm.assign(ops.add(self.total_cm.value, self._batch_matrix(y_true, y_pred, sample_weight)))
        except ShapeError as e:
            raise shape_error(self, e, y_true=ops.convert_to_tensor(y_true),
                              y_pred=ops.convert_to_tensor(y_pred)) from e

    def _labels(self, x: Any, sparse: bool) -> Any:
        x = ops.convert_to_tensor(x)
        if not sparse:
            x = ops.argmax(x, axis=self.axis)
        return ops.reshape(ops.cast(x, self.dtype), (-1,))

    def _batch_matrix(self, y_true: Any, y_pred: Any, sample_weight: Any) -> Any:
        y_true = self._labels(y_true, self.sparse_y_true)
        y_pred = self._labels(y_pred, self.sparse_y_pred)
        if tuple(ops.shape(y_true)) != tuple(ops.shape(y_pred)):
            raise ShapeError(f"y_true and y_pred must hold the same number of labels, got {ops.shape(y_true)[0]} "
                             f"and {ops.shape(y_pred)[0]}")
        if sample_weight is None:
            weight = ops.ones_like(y_true)
        else:
            weight = ops.cast(ops.convert_to_tensor(sample_weight), self.dtype)
            if ops.ndim(weight) > 1:
                weight = ops.reshape(weight, (-1,))
            weight = ops.broadcast_to(weight, ops.shape(y_true))
        n = self.num_classes
        valid = ops.logical_and(ops.logical_and(ops.greater_equal(y_true, 0), ops.less(y_true, n)),
                                ops.logical_and(ops.greater_equal(y_pred, 0), ops.less(y_pred, n)))
        if self.ignore_class is not None:
            valid = ops.logical_and(valid, ops.not_equal(y_true, self.ignore_class))
        zeros = ops.zeros_like(y_true)
        y_true, y_pred = ops.where(valid, y_true, zeros), ops.where(valid, y_pred, zeros)
        weight = ops.where(valid, weight, ops.zeros_like(weight))
        indices = ops.stack([ops.cast(y_true, "int32"), ops.cast(y_pred, "int32")], axis=1)
        return ops.scatter(indices, weight, (n, n))

    def reset_state(self) -> None:
        self.total_cm.assign(ops.zeros_like(self.total_cm.value))


class IoU(_IoUBase):
    """The mean IoU over ``target_class_ids`` (labels and predictions are class ids unless ``sparse_y_true`` /
    ``sparse_y_pred`` is False, then the argmax over ``axis`` is taken).

    >>> IoU(num_classes=2, target_class_ids=[0])([0, 0, 1, 1], [0, 1, 0, 1])   # doctest: +SKIP
    Array(0.33333334, dtype=float32)
    """

    def __init__(self, num_classes: int, target_class_ids: Sequence[int], name: str | None = None, dtype: Any = None,
                 ignore_class: int | None = None, sparse_y_true: bool = True, sparse_y_pred: bool = True,
                 axis: int = -1):
        super().__init__(num_classes, name=name, dtype=dtype, ignore_class=ignore_class, sparse_y_true=sparse_y_true,
                         sparse_y_pred=sparse_y_pred, axis=axis)
        ids = [int(i) for i in target_class_ids]
        if not ids:
            raise ValueError("Argument `target_class_ids` must name at least one class. Received: []")
        if max(ids) >= num_classes or min(ids) < 0:
            raise ValueError(f"Target class id {max(ids) if max(ids) >= num_classes else min(ids)} is out of range, "
                             f"which is [0, {num_classes}).")
        self.target_class_ids = ids

    def result(self) -> Any:
        cm = self.total_cm.value
        true_positives = ops.diag(cm)
        denominator = ops.subtract(ops.add(ops.sum(cm, axis=0), ops.sum(cm, axis=1)), true_positives)
        ids = ops.convert_to_tensor(self.target_class_ids, "int32")
        true_positives = ops.cast(ops.take(true_positives, ids), "float32")
        denominator = ops.cast(ops.take(denominator, ids), "float32")
        valid = ops.greater(denominator, 1e-9)
        iou = ops.where(valid, ops.divide(true_positives, ops.add(denominator, EPSILON)), 0.0)
        return ops.divide(ops.sum(iou), ops.add(ops.sum(ops.cast(valid, "float32")), EPSILON))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "num_classes": self.num_classes, "target_class_ids": self.target_class_ids,
                "ignore_class": self.ignore_class, "sparse_y_true": self.sparse_y_true,
                "sparse_y_pred": self.sparse_y_pred, "axis": self.axis}


class BinaryIoU(IoU):
    """IoU of two classes from scores: a prediction ``>= threshold`` is class 1, otherwise class 0;
    ``target_class_ids`` is ``[0]``, ``[1]`` or ``[0, 1]`` (their mean).

    >>> BinaryIoU(target_class_ids=[0, 1], threshold=0.3)([0, 1, 0, 1], [0.1, 0.2, 0.4, 0.7])   # doctest: +SKIP
    Array(0.33333334, dtype=float32)
    """

    def __init__(self, target_class_ids: Sequence[int] = (0, 1), threshold: float = 0.5, name: str | None = None,
                 dtype: Any = None):
        super().__init__(num_classes=2, target_class_ids=target_class_ids, name=name, dtype=dtype)
        self.threshold = threshold

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        y_pred = ops.cast(ops.convert_to_tensor(y_pred), "float32")
        super().update_state(y_true, ops.cast(ops.greater_equal(y_pred, self.threshold), self.dtype), sample_weight)

    def get_config(self) -> dict[str, Any]:
        return {"target_class_ids": self.target_class_ids, "threshold": self.threshold, "name": self.name,
                "dtype": self.dtype}


class MeanIoU(IoU):
    """The IoU averaged over all ``num_classes`` classes (those that occur).

    >>> MeanIoU(num_classes=2)([0, 0, 1, 1], [0, 1, 0, 1], sample_weight=[3, 3, 3, 1])   # doctest: +SKIP
    """

    def __init__(self, num_classes: int, name: str | None = None, dtype: Any = None, ignore_class: int | None = None,
                 sparse_y_true: bool = True, sparse_y_pred: bool = True, axis: int = -1):
        super().__init__(num_classes, list(range(num_classes)) if isinstance(num_classes, int) else [0], name=name,
                         dtype=dtype, ignore_class=ignore_class, sparse_y_true=sparse_y_true,
                         sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self) -> dict[str, Any]:
        return {"num_classes": self.num_classes, "name": self.name, "dtype": self.dtype,
                "ignore_class": self.ignore_class, "sparse_y_true": self.sparse_y_true,
                "sparse_y_pred": self.sparse_y_pred, "axis": self.axis}


class OneHotIoU(IoU):
    """``IoU`` for one-hot labels (and, unless ``sparse_y_pred``, score vectors): the argmax over ``axis`` first.

    >>> OneHotIoU(num_classes=3, target_class_ids=[0, 2])([[0, 0, 1]], [[0.2, 0.3, 0.5]])   # doctest: +SKIP
    """

    def __init__(self, num_classes: int, target_class_ids: Sequence[int], name: str | None = None, dtype: Any = None,
                 ignore_class: int | None = None, sparse_y_pred: bool = False, axis: int = -1):
        super().__init__(num_classes, target_class_ids, name=name, dtype=dtype, ignore_class=ignore_class,
                         sparse_y_true=False, sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self) -> dict[str, Any]:
        return {"num_classes": self.num_classes, "target_class_ids": self.target_class_ids, "name": self.name,
                "dtype": self.dtype, "ignore_class": self.ignore_class, "sparse_y_pred": self.sparse_y_pred,
                "axis": self.axis}


class OneHotMeanIoU(MeanIoU):
    """``MeanIoU`` for one-hot labels (and, unless ``sparse_y_pred``, score vectors).

    >>> OneHotMeanIoU(num_classes=3)([[0, 0, 1], [1, 0, 0]], [[0.2, 0.3, 0.5], [0.1, 0.2, 0.7]])   # doctest: +SKIP
    """

    def __init__(self, num_classes: int, name: str | None = None, dtype: Any = None, ignore_class: int | None = None,
                 sparse_y_pred: bool = False, axis: int = -1):
        super().__init__(num_classes, name=name, dtype=dtype, ignore_class=ignore_class, sparse_y_true=False,
                         sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self) -> dict[str, Any]:
        return {"num_classes": self.num_classes, "name": self.name, "dtype": self.dtype,
                "ignore_class": self.ignore_class, "sparse_y_pred": self.sparse_y_pred, "axis": self.axis}
