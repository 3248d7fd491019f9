"""Overlap losses for segmentation: Dice and Tversky (Keras names and semantics).

With ``axis=None`` (the default) they reduce over every axis, batch included, and return one value; pass the
non-batch axes (e.g. ``axis=(1, 2)``) for per-sample values that sample weights and padding masks can act on.

>>> from hornet.api.losses.overlap import dice
>>> dice([[1.0, 0.0]], [[1.0, 0.0]])            # doctest: +SKIP
Array(0., dtype=float32)
"""
from __future__ import annotations

from typing import Any

from hornet.api import ops
from hornet.api.losses.common import EPSILON, as_float, check_broadcast

__all__ = ["dice", "tversky"]


def _pair(y_true: Any, y_pred: Any, name: str) -> tuple[Any, Any]:
    y_pred = as_float(y_pred)
    y_true = ops.cast(ops.convert_to_tensor(y_true), ops.dtype(y_pred))
    check_broadcast(name, y_true, y_pred)
    return y_true, y_pred


def dice(y_true: Any, y_pred: Any, axis: Any = None) -> Any:
    """``1 - 2 * sum(t * p) / (sum(t) + sum(p) + eps)`` over ``axis``.

    >>> dice([[1.0, 1.0]], [[1.0, 0.0]])   # doctest: +SKIP
    0.333
    """
    y_true, y_pred = _pair(y_true, y_pred, "dice")
    intersection = ops.sum(ops.multiply(y_true, y_pred), axis=axis)
    total = ops.add(ops.add(ops.sum(y_true, axis=axis), ops.sum(y_pred, axis=axis)), EPSILON)
    return ops.subtract(1.0, ops.divide(ops.multiply(2.0, intersection), total))


def tversky(y_true: Any, y_pred: Any, alpha: float = 0.5, beta: float = 0.5, axis: Any = None) -> Any:
    """``1 - TP / (TP + alpha * FP + beta * FN + eps)`` with soft counts over ``axis``.

    >>> tversky([[1.0, 1.0]], [[1.0, 0.0]])   # doctest: +SKIP
    0.333
    """
    y_true, y_pred = _pair(y_true, y_pred, "tversky")
    tp = ops.sum(ops.multiply(y_true, y_pred), axis=axis)
    fp = ops.sum(ops.multiply(ops.subtract(1.0, y_pred), y_true), axis=axis)
    fn = ops.sum(ops.multiply(y_pred, ops.subtract(1.0, y_true)), axis=axis)
    denominator = ops.add(ops.add(ops.add(tp, ops.multiply(fp, alpha)), ops.multiply(fn, beta)), EPSILON)
    return ops.subtract(1.0, ops.divide(tp, denominator))
