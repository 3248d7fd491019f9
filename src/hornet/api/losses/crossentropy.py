"""Cross-entropy loss functions (Keras names and semantics) built on the ``hornet.ops`` cross-entropy ops.

``sparse_categorical_crossentropy`` with ``ignore_class`` also has a masked form
(``sparse_categorical_crossentropy_masked``) returning the valid-entry mask, which ``Loss`` and the metric wrappers
use so ignored entries are excluded from the averages, as Keras does.

>>> from hornet.api.losses.crossentropy import binary_crossentropy
>>> binary_crossentropy([[1.0, 0.0]], [[0.9, 0.2]])             # doctest: +SKIP
Array([0.164], dtype=float32)
"""
from __future__ import annotations

from typing import Any

from hornet.api import ops
from hornet.api.losses.common import EPSILON, as_float, check_same_shape, last_dim, pair
from hornet.api.ops.core import fmt_shape, normalize_axis
from hornet.ir.errors import ShapeError
from hornet.ir.symbolic import dims_equal

__all__ = ["binary_crossentropy", "binary_focal_crossentropy", "categorical_crossentropy",
           "categorical_focal_crossentropy", "sparse_categorical_crossentropy",
           "sparse_categorical_crossentropy_masked", "categorical_generalized_cross_entropy"]


def _check_axis(axis: Any) -> None:
    if isinstance(axis, bool) or not isinstance(axis, int):
        raise ValueError(f"`axis` must be of type `int`. Received: axis={axis!r} of type {type(axis)}")


def _smooth_binary(y_true: Any, label_smoothing: float) -> Any:
    if not label_smoothing:
        return y_true
    return ops.add(ops.multiply(y_true, 1.0 - label_smoothing), 0.5 * label_smoothing)


def _smooth_categorical(y_true: Any, label_smoothing: float) -> Any:
    if not label_smoothing:
        return y_true
    return ops.add(ops.multiply(y_true, 1.0 - label_smoothing), ops.divide(label_smoothing, last_dim(y_true)))


def binary_crossentropy(y_true: Any, y_pred: Any, from_logits: bool = False, label_smoothing: float = 0.0,
                        axis: int = -1) -> Any:
    """Elementwise binary cross-entropy averaged over ``axis``; ``label_smoothing`` squeezes labels towards 0.5.

    >>> binary_crossentropy([[1.0, 0.0]], [[0.9, 0.2]])   # doctest: +SKIP
    [0.164]
    """
    _check_axis(axis)
    y_true, y_pred = pair(y_true, y_pred, "binary_crossentropy", broadcast=False)
    check_same_shape("binary_crossentropy", y_true, y_pred)
    y_true = _smooth_binary(y_true, label_smoothing)
    return ops.mean(ops.binary_crossentropy(y_true, y_pred, from_logits=from_logits), axis=axis)


def binary_focal_crossentropy(y_true: Any, y_pred: Any, apply_class_balancing: bool = False, alpha: float = 0.25,
                              gamma: float = 2.0, from_logits: bool = False, label_smoothing: float = 0.0,
                              axis: int = -1) -> Any:
    """Binary cross-entropy scaled by the focal factor ``(1 - p_t) ** gamma`` (and ``alpha`` class balancing).

    >>> binary_focal_crossentropy([[1.0]], [[0.9]])   # doctest: +SKIP
    [0.00105]
    """
    _check_axis(axis)
    y_true, y_pred = pair(y_true, y_pred, "binary_focal_crossentropy", broadcast=False)
    check_same_shape("binary_focal_crossentropy", y_true, y_pred)
    y_true = _smooth_binary(y_true, label_smoothing)
    if from_logits:
        y_pred = ops.sigmoid(y_pred)
    bce = ops.binary_crossentropy(y_true, y_pred, from_logits=False)
    p_t = ops.add(ops.multiply(y_true, y_pred), ops.multiply(ops.subtract(1.0, y_true), ops.subtract(1.0, y_pred)))
    focal = ops.multiply(ops.power(ops.subtract(1.0, p_t), gamma), bce)
    if apply_class_balancing:
        weight = ops.add(ops.multiply(y_true, alpha), ops.multiply(ops.subtract(1.0, y_true), 1.0 - alpha))
        focal = ops.multiply(weight, focal)
    return ops.mean(focal, axis=axis)


def _categorical_pair(y_true: Any, y_pred: Any, name: str) -> tuple[Any, Any]:
    y_pred = as_float(y_pred)
    y_true = ops.cast(ops.convert_to_tensor(y_true), ops.dtype(y_pred))
    check_same_shape(name, y_true, y_pred)
    return y_true, y_pred


def categorical_crossentropy(y_true: Any, y_pred: Any, from_logits: bool = False, label_smoothing: float = 0.0,
                             axis: int = -1) -> Any:
    """``-sum(y_true * log(y_pred), axis)`` for one-hot (or soft) labels; ``label_smoothing`` mixes in the uniform
    distribution over the classes of the last axis.

    >>> categorical_crossentropy([[0.0, 1.0]], [[0.2, 0.8]])   # doctest: +SKIP
    [0.223]
    """
    _check_axis(axis)
    y_true, y_pred = _categorical_pair(y_true, y_pred, "categorical_crossentropy")
    y_true = _smooth_categorical(y_true, label_smoothing)
    return ops.categorical_crossentropy(y_true, y_pred, from_logits=from_logits, axis=axis)


def categorical_focal_crossentropy(y_true: Any, y_pred: Any, alpha: float = 0.25, gamma: float = 2.0,
                                   from_logits: bool = False, label_smoothing: float = 0.0, axis: int = -1) -> Any:
    """Categorical cross-entropy with each class term scaled by ``alpha * (1 - p) ** gamma``.

    >>> categorical_focal_crossentropy([[0.0, 1.0]], [[0.2, 0.8]])   # doctest: +SKIP
    [0.00223]
    """
    _check_axis(axis)
    y_true, y_pred = _categorical_pair(y_true, y_pred, "categorical_focal_crossentropy")
    y_true = _smooth_categorical(y_true, label_smoothing)
    if from_logits:
        y_pred = ops.softmax(y_pred, axis=axis)
    output = ops.divide(y_pred, ops.sum(y_pred, axis=axis, keepdims=True))
    output = ops.clip(output, EPSILON, 1.0 - EPSILON)
    cce = ops.multiply(ops.negative(y_true), ops.log(output))
    factor = ops.multiply(ops.power(ops.subtract(1.0, output), gamma), alpha)
    return ops.sum(ops.multiply(factor, cce), axis=axis)


def sparse_categorical_crossentropy_masked(y_true: Any, y_pred: Any, from_logits: bool = False,
                                           ignore_class: int | None = None, axis: int = -1) -> tuple[Any, Any]:
    """``(losses, valid)``: the sparse cross-entropy and, with ``ignore_class``, a float mask of the entries whose
    label is not ``ignore_class`` (their loss is 0); ``valid`` is None without ``ignore_class``."""
    _check_axis(axis)
    name = "sparse_categorical_crossentropy"
    y_pred = as_float(y_pred)
    y_true = ops.convert_to_tensor(y_true)
    ts, ps = ops.shape(y_true), ops.shape(y_pred)
    if not ps:
        raise ShapeError(f"{name}: y_pred must have a class axis, got y_pred.shape={fmt_shape(ps)}")
    ax = normalize_axis(axis, len(ps), name)
    if len(ts) == len(ps) and ts[ax] == 1:
        y_true = ops.squeeze(y_true, axis=ax)
        ts = ops.shape(y_true)
    rest = ps[:ax] + ps[ax + 1:]
    if len(ts) != len(rest) or not all(dims_equal(a, b) for a, b in zip(ts, rest)):
        raise ShapeError(f"{name}: y_true must hold one class id per prediction: expected y_true.shape="
                         f"{fmt_shape(rest)} (or with a trailing 1) for y_pred.shape={fmt_shape(ps)}, got "
                         f"y_true.shape={fmt_shape(ts)}")
    valid = None
    if ignore_class is not None:
        valid = ops.not_equal(y_true, ops.cast(ignore_class, ops.dtype(y_true)))
        y_true = ops.where(valid, y_true, ops.zeros_like(y_true))
    labels = ops.cast(y_true, "int32")
    losses = ops.sparse_categorical_crossentropy(labels, y_pred, from_logits=from_logits, axis=ax)
    if valid is not None:
        losses = ops.where(valid, losses, 0.0)
        valid = ops.cast(valid, ops.dtype(losses))
    return losses, valid


def sparse_categorical_crossentropy(y_true: Any, y_pred: Any, from_logits: bool = False,
                                    ignore_class: int | None = None, axis: int = -1) -> Any:
    """``-log(y_pred[y_true])`` for integer class ids (a trailing size-1 label axis is dropped); entries labelled
    ``ignore_class`` get a loss of 0.

    >>> sparse_categorical_crossentropy([1], [[0.2, 0.8]])   # doctest: +SKIP
    [0.223]
    """
    return sparse_categorical_crossentropy_masked(y_true, y_pred, from_logits, ignore_class, axis)[0]


def categorical_generalized_cross_entropy(y_true: Any, y_pred: Any, q: float) -> Any:
    """``(1 - p[y_true] ** q) / q`` for integer labels and class probabilities (robust to noisy labels; tends to
    cross-entropy as ``q -> 0`` and to MAE at ``q = 1``).

    >>> categorical_generalized_cross_entropy([1], [[0.2, 0.8]], q=0.5)   # doctest: +SKIP
    [0.211]
    """
    y_pred = as_float(y_pred)
    labels = ops.convert_to_tensor(y_true)
    if ops.ndim(labels) == ops.ndim(y_pred) and ops.shape(labels)[-1] == 1:
        labels = ops.squeeze(labels, -1)
    hot = ops.one_hot(ops.cast(labels, "int32"), ops.shape(y_pred)[-1], dtype=ops.dtype(y_pred))
    check_same_shape("categorical_generalized_cross_entropy", hot, y_pred)
    p = ops.sum(ops.multiply(y_pred, hot), axis=-1)
    return ops.divide(ops.subtract(1.0, ops.power(p, q)), q)


# Functions whose masked form reports entries to leave out of averages (see Loss and MeanMetricWrapper).
MASKED_FORMS = {sparse_categorical_crossentropy: sparse_categorical_crossentropy_masked}


def call_with_mask(fn: Any, y_true: Any, y_pred: Any, **kwargs: Any) -> tuple[Any, Any]:
    """``fn(y_true, y_pred, **kwargs)`` and the mask of valid entries it reports (None for most functions)."""
    masked = MASKED_FORMS.get(fn)
    if masked is not None:
        return masked(y_true, y_pred, **kwargs)
    return fn(y_true, y_pred, **kwargs), None

