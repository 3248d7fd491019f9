"""Optimizers (``hornet.optimizers``): Keras 3 names, arguments and update rules, written once with
``hornet.ops`` so the same code runs eagerly and inside a compiled train step on every backend.

>>> opt = get("adam")                      # by Keras string name
>>> opt = deserialize(serialize(SGD(learning_rate=0.1, momentum=0.9)))
"""
from __future__ import annotations

from typing import Any, Mapping

from hornet.api.optimizers import schedules
from hornet.api.optimizers.adadelta import Adadelta
from hornet.api.optimizers.adafactor import Adafactor
from hornet.api.optimizers.adagrad import Adagrad
from hornet.api.optimizers.adam import Adam
from hornet.api.optimizers.adamax import Adamax
from hornet.api.optimizers.adamw import AdamW
from hornet.api.optimizers.base import Optimizer
from hornet.api.optimizers.ftrl import Ftrl
from hornet.api.optimizers.lamb import Lamb
from hornet.api.optimizers.lion import Lion
from hornet.api.optimizers.loss_scale_optimizer import LossScaleOptimizer
from hornet.api.optimizers.muon import Muon
from hornet.api.optimizers.nadam import Nadam
from hornet.api.optimizers.rmsprop import RMSprop
from hornet.api.optimizers.schedule_free import ScheduleFreeAdamW
from hornet.api.optimizers.serialization import deserialize_object, serialize_object
from hornet.api.optimizers.sgd import SGD

MODULE = "hornet.optimizers"
ALL_OBJECTS = (Optimizer, SGD, Adam, AdamW, RMSprop, Adagrad, Adadelta, Adamax, Nadam, Lion,
               Ftrl, Lamb, Adafactor, LossScaleOptimizer, Muon, ScheduleFreeAdamW)
ALL_OBJECTS_DICT = {cls.__name__.lower(): cls for cls in ALL_OBJECTS}


def serialize(optimizer: Optimizer) -> dict[str, Any]:
    """The optimizer's ``{"module", "class_name", "config", "registered_name"}`` dict (Keras layout).

    >>> serialize(SGD(learning_rate=0.5))["config"]["learning_rate"]
    0.5
    """
    if not isinstance(optimizer, Optimizer):
        raise ValueError(f"Expected an Optimizer instance. Received: {optimizer!r} (of type "
                         f"{type(optimizer).__name__})")
    return serialize_object(optimizer, MODULE)


def deserialize(config: Mapping[str, Any], custom_objects: Mapping[str, Any] | None = None) -> Optimizer:
    """An optimizer from a serialized dict; built-in class names match case-insensitively ("adam", "Adam").

    >>> deserialize({"class_name": "rmsprop", "config": {"rho": 0.8}}).rho
    0.8
    """
    return deserialize_object(config, ALL_OBJECTS_DICT, custom_objects, "optimizer", case_insensitive=True)


def get(identifier: Any) -> Optimizer | None:
    """An optimizer from a string name ("sgd", "adam", ...), a serialized dict or an instance (returned as is).

    >>> get("sgd").learning_rate.numpy()
    array(0.01, dtype=float32)
    """
    if identifier is None:
        return None
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, Mapping):
        obj = deserialize(identifier)
    elif isinstance(identifier, str):
        if identifier.lower() not in ALL_OBJECTS_DICT:
            raise ValueError(f"Could not interpret optimizer identifier: '{identifier}'. Expected one of "
                             f"{sorted(ALL_OBJECTS_DICT)}, a config dict or an Optimizer instance.")
        obj = deserialize({"class_name": identifier, "config": {}})
    else:
        obj = identifier
    if isinstance(obj, Optimizer):
        return obj
    raise ValueError(f"Could not interpret optimizer identifier: {identifier!r}")


__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax", "Nadam", "Lion",
           "Ftrl", "Lamb", "Adafactor", "LossScaleOptimizer", "Muon", "ScheduleFreeAdamW", "schedules", "get",
           "serialize", "deserialize"]
