"""``serialize_keras_object`` / ``deserialize_keras_object``: any configurable hornet object as Keras-layout data
and back, dispatched to the deserializer of its kind (layer, loss, metric, optimizer, schedule, initializer,
regularizer, constraint, activation). Names resolve through ``custom_objects``, the custom-object scopes and
the registered objects; nothing is imported or evaluated from the data.

>>> entry = serialize_keras_object(hornet.losses.Huber(delta=2.0))          # doctest: +SKIP
>>> deserialize_keras_object(entry).delta                                    # doctest: +SKIP
2.0
"""
from __future__ import annotations

import inspect
from typing import Any, Callable, Mapping

from hornet.api.custom_objects import CustomObjectScope, get_registered_name, is_registered, lookup

_PLAIN = (type(None), bool, int, float, str)


def _kinds() -> list[tuple[str, type, Callable[[Any], Any], Callable[..., Any]]]:
    """(module word, base class, serialize, deserialize) per kind, most specific first."""
    from hornet.api import activations, constraints, initializers, optimizers, regularizers
    from hornet.api.layers.layer import Layer
    from hornet.api.layers.layer_serialization import deserialize as deserialize_layer, serialize as serialize_layer
    from hornet.api.losses import registry as losses
    from hornet.api.losses.loss import Loss
    from hornet.api.metrics import registry as metrics
    from hornet.api.metrics.metric import Metric
    from hornet.api.optimizers import schedules

    return [("schedules", schedules.LearningRateSchedule, schedules.serialize, schedules.deserialize),
            ("optimizers", optimizers.Optimizer, optimizers.serialize, optimizers.deserialize),
            ("metrics", Metric, metrics.serialize, metrics.deserialize),
            ("losses", Loss, losses.serialize, losses.deserialize),
            ("layers", Layer, serialize_layer, deserialize_layer),
            ("models", Layer, serialize_layer, deserialize_layer),
            ("initializers", initializers.Initializer, initializers.serialize, initializers.deserialize),
            ("regularizers", regularizers.Regularizer, regularizers.serialize, regularizers.deserialize),
            ("constraints", constraints.Constraint, constraints.serialize, constraints.deserialize),
            ("activations", type(None), activations.serialize, activations.deserialize)]


def serialize_keras_object(obj: Any) -> Any:
    """JSON-ready data for ``obj``: plain values and containers as themselves, configurable objects as
    ``{"module", "class_name", "config", "registered_name"}``, functions by (registered) name."""
    if isinstance(obj, _PLAIN):
        return obj
    if isinstance(obj, (list, tuple)):
        return [serialize_keras_object(x) for x in obj]
    if isinstance(obj, dict):
        return {str(k): serialize_keras_object(v) for k, v in obj.items()}
    for _, base, serialize, _ in _kinds():
        if base is not type(None) and isinstance(obj, base):
            return serialize(obj)
    if inspect.isfunction(obj) or inspect.isbuiltin(obj):
        name = get_registered_name(obj)
        return {"module": getattr(obj, "__module__", None), "class_name": "function", "config": obj.__name__,
                "registered_name": name}
    if hasattr(obj, "get_config"):
        cls = type(obj)
        return {"module": cls.__module__, "class_name": cls.__name__, "config": obj.get_config(),
                "registered_name": get_registered_name(cls) if is_registered(cls) else None}
    raise ValueError(f"serialize_keras_object: cannot serialize {obj!r} of type {type(obj).__name__}: it is not "
                     "a plain value, a function or an object with get_config()")


def deserialize_keras_object(config: Any, custom_objects: Mapping[str, Any] | None = None, safe_mode: bool = True,
                             **kwargs: Any) -> Any:
    """The object ``serialize_keras_object`` (or Keras 3) described. A bare string is looked up among the custom
    and registered objects."""
    if isinstance(config, str):
        found = lookup(config, custom_objects)
        if found is None:
            raise ValueError(f"deserialize_keras_object: unknown name {config!r}; pass it in custom_objects or "
                             "register it with hornet.saving.register_keras_serializable()")
        return found
    if isinstance(config, _PLAIN) or isinstance(config, list):
        return config
    if not isinstance(config, Mapping) or "class_name" not in config:
        raise ValueError("deserialize_keras_object: expected a name or a dict with 'class_name' and 'config', got "
                         f"{str(config)[:200]}")
    with CustomObjectScope(custom_objects):
        if config["class_name"] == "function":
            found = lookup(config.get("registered_name")) or lookup(config.get("config"))
            if found is not None:
                return found
        custom = lookup(config.get("registered_name")) or lookup(config["class_name"])
        if inspect.isclass(custom):
            for _, base, _, deserialize in _kinds():
                if base is not type(None) and issubclass(custom, base):
                    return deserialize(dict(config), custom_objects)
            return custom.from_config(dict(config.get("config") or {}))
        words = str(config.get("module") or "").split(".")
        for word, _, _, deserialize in _kinds():
            if word in words:
                return deserialize(dict(config), custom_objects)
    raise ValueError(f"deserialize_keras_object: cannot tell what kind of object {config['class_name']!r} "
                     f"(module {config.get('module')!r}) is; pass its class in custom_objects")


__all__ = ["serialize_keras_object", "deserialize_keras_object"]
