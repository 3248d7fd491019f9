"""Circle loss (``circle`` and ``Circle``, Keras names and semantics; Sun et al., 2020): a metric-learning loss on
L2-normalized embeddings that pulls same-label pairs together and pushes different-label pairs apart, each pair
weighted by how far it is from its optimum.

Samples whose loss is 0 (no positive or no negative pair within the margins) are left out of the averaging
reductions, as Keras's mask on the loss values does.

>>> from hornet.api.losses.circle import Circle
>>> e = np.eye(4, dtype="float32")[[0, 0, 1, 1]]
>>> Circle()(np.array([0, 0, 1, 1]), e)                               # doctest: +SKIP
"""
from __future__ import annotations

import math
from typing import Any

from hornet.api import ops
from hornet.api.losses.classes import SOBS, _BuiltinLoss
from hornet.api.losses.crossentropy import MASKED_FORMS
from hornet.api.ops.core import fmt_shape
from hornet.ir.errors import ShapeError

__all__ = ["circle", "Circle"]


def _labels(x: Any, name: str) -> Any:
    x = ops.cast(ops.convert_to_tensor(x), "int32")
    if ops.ndim(x) == 2 and ops.shape(x)[1] == 1:
        x = ops.reshape(x, (-1,))
    if ops.ndim(x) != 1:
        raise ShapeError(f"circle: {name} must be integer labels of shape (batch,), got {name}.shape="
                         f"{fmt_shape(ops.shape(x))}")
    return x


def circle_masked(y_true: Any, y_pred: Any, ref_labels: Any = None, ref_embeddings: Any = None,
                  remove_diagonal: bool = True, gamma: float = 80, margin: float = 0.4) -> tuple[Any, Any]:
    """``(losses, valid)``: ``circle``'s values and the float mask of the samples with a positive loss."""
    y_pred = ops.convert_to_tensor(y_pred)
    if ops.ndim(y_pred) != 2:
        raise ShapeError(f"circle: y_pred must be embeddings of shape (batch, dim), got y_pred.shape="
                         f"{fmt_shape(ops.shape(y_pred))}")
    y_true = _labels(y_true, "y_true")
    ref = y_pred if ref_embeddings is None else ops.convert_to_tensor(ref_embeddings)
    ref_labels = y_true if ref_labels is None else _labels(ref_labels, "ref_labels")
    distance = ops.maximum(1.0 - ops.matmul(y_pred, ops.transpose(ref)), 0.0)
    positive = ops.equal(y_true[:, None], ref_labels[None, :])
    negative = ops.logical_not(positive)
    if remove_diagonal:
        eye = ops.eye(ops.shape(y_true)[0], ops.shape(ref_labels)[0], dtype="bool")
        positive = ops.logical_and(positive, ops.logical_not(eye))
    dtype = ops.dtype(distance)
    pos_weight = ops.maximum((margin + distance) * ops.cast(positive, dtype), 0.0)
    neg_weight = ops.maximum((1.0 + margin - distance) * ops.cast(negative, dtype), 0.0)
    pos_logits = -gamma * pos_weight * (margin - distance)
    neg_logits = gamma * neg_weight * ((1.0 - margin) - distance)
    p = ops.logsumexp(ops.where(positive, pos_logits, -math.inf), axis=1)
    n = ops.logsumexp(ops.where(negative, neg_logits, -math.inf), axis=1)
    losses = ops.softplus(p + n)
    return losses, ops.cast(losses > 0, dtype)


def circle(y_true: Any, y_pred: Any, ref_labels: Any = None, ref_embeddings: Any = None, remove_diagonal: bool = True,
           gamma: float = 80, margin: float = 0.4) -> Any:
    """Per-sample Circle loss of integer labels ``y_true`` ``(batch,)`` and L2-normalized embeddings ``y_pred``
    ``(batch, dim)``, against ``ref_embeddings``/``ref_labels`` (default: the batch itself, without the
    self-pairs when ``remove_diagonal``). ``gamma`` scales the similarities, ``margin`` relaxes them.

    >>> circle(np.array([0, 0, 1]), np.eye(3, dtype="float32")[[0, 0, 1]]).shape   # doctest: +SKIP
    (3,)
    """
    return circle_masked(y_true, y_pred, ref_labels, ref_embeddings, remove_diagonal, gamma, margin)[0]


MASKED_FORMS[circle] = circle_masked  # Loss and the metric wrappers average over the samples with a loss


class Circle(_BuiltinLoss):
    """Circle loss of integer labels and L2-normalized embeddings (averaged over the samples with a loss).

    >>> Circle(gamma=64.0, margin=0.25).get_config()["gamma"]   # doctest: +SKIP
    64.0
    """

    _fn = staticmethod(circle)
    _args = ("gamma", "margin", "remove_diagonal")

    def __init__(self, gamma: float = 80.0, margin: float = 0.4, remove_diagonal: bool = True,
                 reduction: str | None = SOBS, name: str = "circle", dtype: Any = None):
        super().__init__(reduction, name, dtype, gamma=gamma, margin=margin, remove_diagonal=remove_diagonal)
