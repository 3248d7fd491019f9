"""Layers and models as data (class name + config) and back, without executing code from the data.

A class is found by name among the classes already in memory: ``custom_objects``, classes registered with
``register_keras_serializable``, and the subclasses of ``hornet.Layer`` that are defined (imported) now. A name
from a file is never imported, so loading cannot run code the user did not already load.

>>> entry = serialize_layer(layers.Dense(3))           # doctest: +SKIP
>>> deserialize_layer(entry).units
3
"""
from __future__ import annotations

from typing import Any, Callable

_REGISTERED: dict[str, type] = {}


class UnknownClassError(ValueError):
    """A config names a class that is not available in this process."""

    def __init__(self, class_name: str, module: str | None):
        self.class_name = class_name
        self.module = module
        where = f" (defined in module '{module}')" if module else ""
        super().__init__(f"class '{class_name}'{where} is not available: import the module that defines it, pass "
                         f"it in custom_objects={{'{class_name}': ...}}, or register it with "
                         "hornet.saving.register_keras_serializable()")


def register_keras_serializable(package: str = "Custom", name: str | None = None) -> Callable[[type], type]:
    """Decorator registering a class so saved configs can name it (Keras's decorator of the same name)."""
    def wrap(cls: type) -> type:
        key = f"{package}>{name or cls.__name__}"
        _REGISTERED[key] = cls
        _REGISTERED.setdefault(name or cls.__name__, cls)
        cls._registered_name = key  # type: ignore[attr-defined]
        return cls

    return wrap


def get_registered_name(cls: type) -> str:
    return getattr(cls, "_registered_name", cls.__name__)


def _all_subclasses(base: type) -> list[type]:
    out, stack = [], [base]
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            out.append(sub)
            stack.append(sub)
    return out


def find_class(class_name: str, module: str | None = None, custom_objects: dict[str, Any] | None = None,
               base: type | None = None) -> type:
    """The class a config names; raises UnknownClassError when it is not loaded."""
    if custom_objects and class_name in custom_objects:
        return custom_objects[class_name]
    registered_name = class_name
    if registered_name in _REGISTERED:
        return _REGISTERED[registered_name]
    if base is None:
        from hornet.api.layers.layer import Layer

        base = Layer
    candidates = [c for c in _all_subclasses(base) if c.__name__ == class_name]
    if module is not None:
        exact = [c for c in candidates if c.__module__ == module]
        if exact:
            return exact[-1]
    builtin = [c for c in candidates if c.__module__.startswith("hornet.")]
    if builtin:
        return builtin[0]
    if candidates:
        return candidates[-1]
    raise UnknownClassError(class_name, module)


def serialize_layer(layer: Any) -> dict[str, Any]:
    cls = type(layer)
    return {"class_name": getattr(cls, "_registered_name", cls.__name__), "module": cls.__module__,
            "config": layer.get_config(), "name": layer.name}


def deserialize_layer(entry: dict[str, Any], custom_objects: dict[str, Any] | None = None) -> Any:
    if not isinstance(entry, dict) or "class_name" not in entry or not isinstance(entry.get("config", {}), dict):
        raise ValueError(f"malformed layer entry in a config: {str(entry)[:200]}")
    cls = find_class(entry["class_name"], entry.get("module"), custom_objects)
    config = dict(entry.get("config", {}))
    from_config = cls.from_config
    import inspect

    if "custom_objects" in inspect.signature(from_config).parameters:
        return from_config(config, custom_objects=custom_objects)
    return from_config(config)


__all__ = ["register_keras_serializable", "serialize_layer", "deserialize_layer", "find_class",
           "UnknownClassError", "get_registered_name"]
