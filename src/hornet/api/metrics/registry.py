"""Looking up metrics by name, and their data-only serialized form (Keras's ``serialize``/``deserialize``/``get``).

Names are the class names, their snake_case forms (``"binary_accuracy"``, ``"auc"``) and Keras's aliases
(``"mse"``, ``"mae"``, ``"mape"``, ``"msle"``, ``"bce"``); a name gives a new instance. Nothing is imported or
evaluated from a serialized dict.

>>> get("mse").name
'mean_squared_error'
>>> deserialize(serialize(get("AUC"))).num_thresholds
200
"""
from __future__ import annotations

import inspect
from typing import Any

from hornet.api.losses import registry as loss_registry
from hornet.api.losses.loss import snake_case
from hornet.api.metrics import accuracy, auc, confusion_metrics, fscore, probabilistic, reduction_metrics, regression
from hornet.api.metrics import at_constraint, correlation, iou
from hornet.api.metrics.metric import Metric
from hornet.api.object_registry import CallableRegistry

__all__ = ["ALL_OBJECTS", "FUNCTIONS", "serialize", "deserialize", "get"]

MODULE = "hornet.metrics"

_CLASSES = [Metric, reduction_metrics.Mean, reduction_metrics.Sum, reduction_metrics.MeanMetricWrapper]
for _mod in (accuracy, auc, confusion_metrics, fscore, probabilistic, regression, at_constraint, correlation, iou):
    _CLASSES += [getattr(_mod, n) for n in _mod.__all__ if inspect.isclass(getattr(_mod, n))]

ALL_OBJECTS: dict[str, Any] = {c.__name__: c for c in _CLASSES}
ALL_OBJECTS.update({snake_case(c.__name__): c for c in _CLASSES})
ALL_OBJECTS.update({
    "bce": probabilistic.BinaryCrossentropy, "BCE": probabilistic.BinaryCrossentropy,
    "mse": regression.MeanSquaredError, "MSE": regression.MeanSquaredError,
    "mae": regression.MeanAbsoluteError, "MAE": regression.MeanAbsoluteError,
    "mape": regression.MeanAbsolutePercentageError, "MAPE": regression.MeanAbsolutePercentageError,
    "msle": regression.MeanSquaredLogarithmicError, "MSLE": regression.MeanSquaredLogarithmicError,
})

# Per-sample metric functions (what MeanMetricWrapper configs name); loss functions are found in the loss table.
FUNCTIONS: dict[str, Any] = {n: getattr(accuracy, n) for n in accuracy.__all__
                             if not inspect.isclass(getattr(accuracy, n))}
FUNCTIONS["cosine_similarity"] = regression.cosine_similarity
FUNCTIONS["pearson_correlation"] = correlation.pearson_correlation
FUNCTIONS["concordance_correlation"] = correlation.concordance_correlation


_REGISTRY = CallableRegistry("metric", MODULE, ALL_OBJECTS, Metric, example="AUC",
                             hidden=("metric", "mean_metric_wrapper"),
                             note=" (and in compile: 'acc', 'crossentropy', 'ce')")


def serialize(obj: Any) -> Any:
    """A JSON-ready description of a metric object or metric function (strings and None pass through).

    >>> serialize(get("accuracy"))["class_name"]
    'Accuracy'
    """
    if obj is None or isinstance(obj, str):
        return obj
    if isinstance(obj, Metric):
        return _REGISTRY.serialize_instance(obj)
    name = getattr(obj, "__name__", None)
    if callable(obj) and FUNCTIONS.get(name) is obj:
        return _REGISTRY.serialize_function(name)
    return loss_registry.serialize(obj)


def deserialize_function(config: Any) -> Any:
    """A metric or loss function from its serialized form (a name or a ``"function"`` dict)."""
    if isinstance(config, dict) and config.get("class_name") == "function":
        name, module = config.get("config"), config.get("module")
    else:
        name, module = config, None
    if isinstance(name, str) and name in FUNCTIONS and module != loss_registry.MODULE:
        return FUNCTIONS[name]
    return loss_registry.deserialize(config)


def deserialize(config: Any, custom_objects: dict[str, Any] | None = None) -> Any:
    """A metric object (or metric function) from ``serialize``'s output or a name.

    >>> deserialize({"class_name": "BinaryAccuracy", "config": {"threshold": 0.7}}).threshold
    0.7
    """
    return _REGISTRY.deserialize(config, custom_objects, deserialize_function)


def get(identifier: Any) -> Any:
    """A metric from a name (new instance), a serialized dict, a Metric class or instance, or a function (returned
    as is); None gives None.

    >>> type(get("binary_accuracy")).__name__
    'BinaryAccuracy'
    """
    return _REGISTRY.get(identifier, deserialize)
