"""The CTC loss (``ctc`` and ``CTC``, Keras names and semantics): integer label sequences against per-frame logits,
every frame of ``y_pred`` used and label 0 the blank/padding.

>>> from hornet.api.losses.ctc import CTC
>>> CTC()(np.array([[1, 2]]), np.zeros((1, 4, 3), "float32"))     # doctest: +SKIP
Array(1.686399, dtype=float32)
"""
from __future__ import annotations

from typing import Any

from hornet.api import ops
from hornet.api.losses.classes import SOBS, _BuiltinLoss
from hornet.api.ops.core import fmt_shape
from hornet.ir.errors import ShapeError

__all__ = ["ctc", "CTC"]


def ctc(y_true: Any, y_pred: Any) -> Any:
    """Per-sample CTC loss of labels ``y_true`` ``(batch, max_length)`` (0 is the blank and pads the label
    sequences; the label length counts the non-zero entries) against logits ``y_pred``
    ``(batch, frames, num_classes)`` (not softmax-normalized).

    >>> ctc(np.array([[1]]), np.zeros((1, 2, 2), "float32"))   # doctest: +SKIP
    Array([0.2876821], dtype=float32)
    """
    y_true, y_pred = ops.convert_to_tensor(y_true), ops.convert_to_tensor(y_pred)
    if ops.ndim(y_true) != 2:
        raise ShapeError(f"ctc: y_true must be integer labels of shape (batch_size, max_length), got y_true.shape="
                         f"{fmt_shape(ops.shape(y_true))}")
    if ops.ndim(y_pred) != 3:
        raise ShapeError(f"ctc: y_pred must be logits of shape (batch_size, max_length, num_classes), got "
                         f"y_pred.shape={fmt_shape(ops.shape(y_pred))}")
    frames = ops.shape(y_pred)[1]
    input_length = ops.cast(ops.ones_like(y_pred[:, 0, 0]), "int32") * frames
    label_length = ops.cast(ops.sum(ops.cast(ops.not_equal(y_true, 0), "int32"), axis=-1), "int32")
    return ops.ctc_loss(y_true, y_pred, label_length, input_length, mask_index=0)


class CTC(_BuiltinLoss):
    """CTC loss of integer label sequences (0: blank/padding) and per-frame logits.

    >>> CTC(reduction="sum")(np.array([[1], [1]]), np.zeros((2, 2, 2), "float32"))   # doctest: +SKIP
    Array(0.5753642, dtype=float32)
    """

    _fn = staticmethod(ctc)

    def __init__(self, reduction: str | None = SOBS, name: str = "ctc", dtype: Any = None):
        super().__init__(reduction, name, dtype)
