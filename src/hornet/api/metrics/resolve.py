"""``resolve``: turn what a user passes in ``compile(metrics=[...])`` into a ``Metric``, as Keras 3 does.

``"accuracy"``/``"acc"`` become ``BinaryAccuracy`` when ``y_pred``'s last dim is 1, ``SparseCategoricalAccuracy``
when ``y_true`` has a lower rank than ``y_pred`` or ends in 1 while ``y_pred`` does not, else
``CategoricalAccuracy``; ``"crossentropy"``/``"ce"`` pick the matching cross-entropy metric the same way (taking
``from_logits`` from a cross-entropy loss object). When ``y_true``'s shape is unknown, the loss decides.
Other names go through ``get``; functions are wrapped in ``MeanMetricWrapper``. The metric's ``name`` is the string
the user wrote (or the function's / metric's own name), as in Keras logs.

>>> resolve("acc", (None, 1), (None, 10), "sparse_categorical_crossentropy").name
'acc'
>>> type(resolve("accuracy", (None,), (None, 10), None)).__name__
'SparseCategoricalAccuracy'
"""
from __future__ import annotations

from typing import Any

from hornet.api.losses.loss import Loss, LossFunctionWrapper, snake_case
from hornet.api.metrics import accuracy as acc
from hornet.api.metrics import probabilistic as prob
from hornet.api.metrics.metric import Metric
from hornet.api.metrics.reduction_metrics import MeanMetricWrapper
from hornet.api.metrics.registry import get

__all__ = ["resolve", "classification_kind"]

_SPARSE_LOSSES = {"sparse_categorical_crossentropy", "SparseCategoricalCrossentropy", "scce"}
_BINARY_LOSSES = {"binary_crossentropy", "BinaryCrossentropy", "bce", "BCE", "binary_focal_crossentropy",
                  "BinaryFocalCrossentropy"}


def _as_shape(shape: Any) -> tuple | None:
    if shape is None:
        return None
    shape = getattr(shape, "shape", shape)
    return tuple(shape)


def _loss_kind(loss: Any) -> str | None:
    """"sparse", "binary", "categorical" or None for a loss given as a name, function, class or instance."""
    if type(loss) is LossFunctionWrapper:  # a plain wrapper: judge by its function (built-ins by their class)
        loss = loss.fn
    name = loss if isinstance(loss, str) else getattr(loss, "__name__", None) or type(loss).__name__
    if name in _SPARSE_LOSSES:
        return "sparse"
    if name in _BINARY_LOSSES:
        return "binary"
    if name in ("categorical_crossentropy", "CategoricalCrossentropy", "categorical_focal_crossentropy",
                "CategoricalFocalCrossentropy"):
        return "categorical"
    return None


def classification_kind(y_true_shape: Any, y_pred_shape: Any, loss: Any = None) -> str:
    """"binary", "sparse" or "categorical": how accuracy/crossentropy read these labels and predictions."""
    yt, yp = _as_shape(y_true_shape), _as_shape(y_pred_shape)
    p_last = yp[-1] if yp else None
    if p_last == 1:
        return "binary"
    p_many = p_last is None or not isinstance(p_last, int) or p_last > 1
    if yt is None:
        return _loss_kind(loss) or "categorical"
    t_last = yt[-1] if yt else None
    if (yp is not None and len(yt) < len(yp)) or (t_last == 1 and p_many):
        return "sparse"
    return "categorical"


def _from_logits(loss: Any) -> bool:
    if not isinstance(loss, Loss):
        return False
    return bool(getattr(loss, "from_logits", None) or getattr(loss, "_fn_kwargs", {}).get("from_logits", False))


def resolve(identifier: Any, y_true_shape: Any, y_pred_shape: Any, loss: Any = None) -> Metric:
    """The Metric for one entry of ``compile(metrics=...)`` given the label/prediction shapes and the loss.

    >>> type(resolve("accuracy", (None, 1), (None, 1), "binary_crossentropy")).__name__
    'BinaryAccuracy'
    """
    if identifier is None:
        raise ValueError("Expected a metric, received None")
    key = str(identifier).lower() if isinstance(identifier, str) else None
    if key in ("accuracy", "acc"):
        kind = classification_kind(y_true_shape, y_pred_shape, loss)
        cls = {"binary": acc.BinaryAccuracy, "sparse": acc.SparseCategoricalAccuracy,
               "categorical": acc.CategoricalAccuracy}[kind]
        metric: Any = cls(name=identifier)
    elif key in ("crossentropy", "ce"):
        kind = classification_kind(y_true_shape, y_pred_shape, loss)
        cls = {"binary": prob.BinaryCrossentropy, "sparse": prob.SparseCategoricalCrossentropy,
               "categorical": prob.CategoricalCrossentropy}[kind]
        metric = cls(name=identifier, from_logits=_from_logits(loss))
    else:
        metric = get(identifier)
    if isinstance(identifier, str):
        name = identifier
    elif isinstance(metric, Metric):
        name = metric.name
    else:
        name = getattr(metric, "__name__", None) or snake_case(type(metric).__name__)
    if not isinstance(metric, Metric):
        metric = MeanMetricWrapper(metric)
    metric.name = name
    return metric
