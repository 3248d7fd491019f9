"""User classes and functions that configs may name: the global table, ``custom_object_scope`` and lookup.

A name in a config resolves, in order, through the ``custom_objects`` a caller passes, the innermost
``custom_object_scope`` of this thread outward, then the global table (``get_custom_objects()``, which
``register_keras_serializable`` fills under ``"package>name"`` and the plain name). Every deserializer
(layers, activations, losses, metrics, initializers, regularizers, constraints, optimizers) looks names up
here, so a custom activation inside a Dense reloads like a custom layer. Nothing is imported or evaluated.

>>> def swish2(x): return x * 2
>>> with custom_object_scope({"swish2": swish2}):
...     lookup("swish2") is swish2
True
"""
from __future__ import annotations

import threading
from typing import Any, Callable, Mapping

_GLOBAL: dict[str, Any] = {}
_NAMES: dict[Any, str] = {}  # object -> "package>name"; by identity, so a subclass never inherits the name
_LOCAL = threading.local()


def _scopes() -> list[Mapping[str, Any]]:
    stack = getattr(_LOCAL, "scopes", None)
    if stack is None:
        stack = _LOCAL.scopes = []
    return stack


def get_custom_objects() -> dict[str, Any]:
    """The global table of custom objects (mutable, as in Keras): ``get_custom_objects()["my_fn"] = my_fn``."""
    return _GLOBAL


class CustomObjectScope:
    """Within the block, configs may name the given objects (as ``custom_objects=`` would).

    >>> with CustomObjectScope({"MyLayer": MyLayer}):            # doctest: +SKIP
    ...     model = hornet.models.load_model("m.hornet")
    """

    def __init__(self, *custom_objects: Mapping[str, Any] | None):
        self.custom_objects: dict[str, Any] = {}
        for table in custom_objects:
            if table is None:
                continue
            if not isinstance(table, Mapping):
                raise TypeError(f"custom_object_scope: expected dicts of name -> object, got {type(table).__name__}")
            self.custom_objects.update(table)

    def __enter__(self) -> "CustomObjectScope":
        _scopes().append(self.custom_objects)
        return self

    def __exit__(self, *exc: Any) -> None:
        _scopes().pop()


custom_object_scope = CustomObjectScope


def lookup(name: Any, custom_objects: Mapping[str, Any] | None = None) -> Any:
    """The object a config names, or None: ``custom_objects``, then the scopes (innermost first), then the
    global table."""
    if not isinstance(name, str):
        return None
    for table in (custom_objects or {}, *reversed(_scopes()), _GLOBAL):
        if name in table:
            return table[name]
    return None


def visible(custom_objects: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Every name ``lookup`` would resolve right now, as one dict (later tables win)."""
    merged = dict(_GLOBAL)
    for table in _scopes():
        merged.update(table)
    merged.update(custom_objects or {})
    return merged


def register_keras_serializable(package: str = "Custom", name: str | None = None) -> Callable[[Any], Any]:
    """Decorator registering a class or function so saved configs can name it (Keras's decorator).

    >>> @register_keras_serializable(package="demo")
    ... def doubled(x): return x * 2
    >>> get_registered_name(doubled)
    'demo>doubled'
    """
    if not isinstance(package, str) or ">" in package:
        raise ValueError(f"register_keras_serializable: `package` must be a string without '>', got {package!r}")

    def wrap(obj: Any) -> Any:
        short = name or getattr(obj, "__name__", None)
        if not short:
            raise ValueError(f"register_keras_serializable: {obj!r} has no __name__; pass `name=`")
        if isinstance(obj, type) and not hasattr(obj, "get_config"):
            raise ValueError(f"register_keras_serializable: class {obj.__name__} needs a get_config() method")
        key = f"{package}>{short}"
        _GLOBAL[key] = obj
        _GLOBAL.setdefault(short, obj)
        _NAMES[obj] = key
        return obj

    return wrap


def get_registered_name(obj: Any) -> str:
    """The name a registered class or function is saved under (``"package>name"``), else its ``__name__``."""
    try:
        key = _NAMES.get(obj)
    except TypeError:  # an unhashable object is never registered
        key = None
    return key or getattr(obj, "__name__", type(obj).__name__)


def is_registered(obj: Any) -> bool:
    try:
        return obj in _NAMES
    except TypeError:
        return False


def get_registered_object(name: str, custom_objects: Mapping[str, Any] | None = None,
                          module_objects: Mapping[str, Any] | None = None) -> Any:
    """The object registered (or in scope, or in ``custom_objects`` / ``module_objects``) under ``name``, else
    None.

    >>> get_registered_object("no-such-name") is None
    True
    """
    found = lookup(name, custom_objects)
    if found is None and module_objects is not None:
        found = module_objects.get(name)
    return found


__all__ = ["is_registered", "CustomObjectScope", "custom_object_scope", "get_custom_objects", "get_registered_name",
           "get_registered_object", "register_keras_serializable", "lookup", "visible"]
