"""``resolve``: turn what a user passes as ``compile(loss=...)`` for one output into a ``Loss``, as Keras 3 does.

``"crossentropy"``/``"ce"`` pick binary (``y_pred``'s last dim is 1), sparse (``y_true`` has a lower rank, or ends
in 1 while ``y_pred`` does not) or categorical cross-entropy; other names go through ``get``; functions are wrapped in
``LossFunctionWrapper`` named after what the user wrote (or the function's name).

>>> resolve("ce", (None, 1), (None, 10)).fn.__name__
'sparse_categorical_crossentropy'
>>> resolve("mse", (None, 3), (None, 3)).name
'mse'
"""
from __future__ import annotations

from typing import Any

from hornet.api.losses import crossentropy as ce
from hornet.api.losses.loss import Loss, LossFunctionWrapper
from hornet.api.losses.registry import get

__all__ = ["resolve"]


def _kind(y_true_shape: Any, y_pred_shape: Any) -> str:
    yt = tuple(getattr(y_true_shape, "shape", y_true_shape)) if y_true_shape is not None else None
    yp = tuple(getattr(y_pred_shape, "shape", y_pred_shape)) if y_pred_shape is not None else None
    p_last = yp[-1] if yp else None
    if p_last == 1:
        return "binary"
    p_many = p_last is None or not isinstance(p_last, int) or p_last > 1
    if yt is not None and ((yp is not None and len(yt) < len(yp)) or (yt and yt[-1] == 1 and p_many)):
        return "sparse"
    return "categorical"


def resolve(identifier: Any, y_true_shape: Any = None, y_pred_shape: Any = None) -> Loss | None:
    """The Loss for one output's ``compile(loss=...)`` entry (None stays None).

    >>> type(resolve("SparseCategoricalCrossentropy", None, None)).__name__
    'SparseCategoricalCrossentropy'
    """
    if identifier is None:
        return None
    if isinstance(identifier, str) and identifier.lower() in ("crossentropy", "ce"):
        obj: Any = {"binary": ce.binary_crossentropy, "sparse": ce.sparse_categorical_crossentropy,
                    "categorical": ce.categorical_crossentropy}[_kind(y_true_shape, y_pred_shape)]
    else:
        obj = get(identifier)
    if isinstance(obj, Loss):
        return obj
    name = identifier if isinstance(identifier, str) else getattr(obj, "__name__", None)
    return LossFunctionWrapper(obj, name=name)
