"""Looking up losses by name, and their data-only serialized form (Keras's ``serialize``/``deserialize``/``get``).

Serialized objects are dicts ``{"module", "class_name", "config", "registered_name"}`` as Keras writes them; Keras's
own ``"keras.losses"`` dicts load too. Nothing is imported or evaluated from the dict: names are looked up in the
table of built-in losses (plus ``custom_objects``).

>>> get("mse").__name__
'mean_squared_error'
>>> deserialize(serialize(get("Huber"))).name
'huber_loss'
"""
from __future__ import annotations

import inspect
from typing import Any

from hornet.api.losses import classes as C
from hornet.api.losses import crossentropy as ce
from hornet.api.losses import functions as fn
from hornet.api.losses import overlap
from hornet.api.losses.circle import Circle, circle
from hornet.api.losses.ctc import CTC, ctc
from hornet.api.losses.loss import Loss, LossFunctionWrapper
from hornet.api.object_registry import CallableRegistry

__all__ = ["ALL_OBJECTS", "serialize", "deserialize", "get"]

MODULE = "hornet.losses"

_CLASSES = [Loss, LossFunctionWrapper, *(getattr(C, n) for n in C.__all__), CTC, Circle]
_FUNCTIONS = [*(getattr(fn, n) for n in fn.__all__),
              *(getattr(ce, n) for n in ce.__all__ if not n.endswith("_masked")),
              *(getattr(overlap, n) for n in overlap.__all__), ctc, circle]

ALL_OBJECTS: dict[str, Any] = {obj.__name__: obj for obj in (*_CLASSES, *_FUNCTIONS)}
ALL_OBJECTS.update({
    "bce": ce.binary_crossentropy, "BCE": ce.binary_crossentropy,
    "kld": fn.kl_divergence, "KLD": fn.kl_divergence,
    "mae": fn.mean_absolute_error, "MAE": fn.mean_absolute_error,
    "mse": fn.mean_squared_error, "MSE": fn.mean_squared_error,
    "mape": fn.mean_absolute_percentage_error, "MAPE": fn.mean_absolute_percentage_error,
    "msle": fn.mean_squared_logarithmic_error, "MSLE": fn.mean_squared_logarithmic_error,
})


_REGISTRY = CallableRegistry("loss", MODULE, ALL_OBJECTS, Loss, example="MeanSquaredError")


def serialize(obj: Any) -> Any:
    """A JSON-ready description of a loss object or loss function (strings and None pass through).

    >>> serialize(C.MeanSquaredError())["class_name"]
    'MeanSquaredError'
    """
    if obj is None or isinstance(obj, str):
        return obj
    if isinstance(obj, Loss):
        return _REGISTRY.serialize_instance(obj)
    if inspect.isfunction(obj) or callable(obj):
        name = getattr(obj, "__name__", None)
        if name is None:
            raise ValueError(f"Cannot serialize loss {obj!r}: it is neither a Loss nor a named function")
        return _REGISTRY.serialize_function(name)
    raise ValueError(f"Cannot serialize loss {obj!r}: expected a Loss instance, a function or a name")


def _function(config: dict[str, Any], custom_objects: dict[str, Any] | None) -> Any:
    registered = config.get("registered_name")
    return _REGISTRY.lookup(registered if registered not in (None, "function") else config["config"], custom_objects)


def deserialize(config: Any, custom_objects: dict[str, Any] | None = None) -> Any:
    """A loss object or function from ``serialize``'s output (or a name).

    >>> deserialize({"class_name": "Huber", "config": {"delta": 2.0}}).delta
    2.0
    """
    return _REGISTRY.deserialize(config, custom_objects, lambda c: _function(c, custom_objects))


def get(identifier: Any) -> Any:
    """A loss from a name, a serialized dict, a Loss class or instance, or a function; None gives None.
    Function names (``"mse"``, ``"binary_crossentropy"``) give the function, class names an instance.

    >>> get("binary_crossentropy").__name__
    'binary_crossentropy'
    >>> type(get("BinaryCrossentropy")).__name__
    'BinaryCrossentropy'
    """
    return _REGISTRY.get(identifier, deserialize)
