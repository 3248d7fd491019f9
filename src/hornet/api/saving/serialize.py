"""Layers and models as data (class name + config) and back, without executing code from the data.

A class name in a config resolves through explicit tables only, never by importing or by ``getattr`` on a module:

1. ``custom_objects`` (what the caller passes);
2. classes registered with ``register_keras_serializable``;
3. hornet's built-in layer and model classes (``hornet.layers``, ``hornet.models``), loaded on first use so that
   a bare ``import hornet`` suffices;
4. only with ``safe_mode=False``: other ``hornet.Layer`` subclasses already defined in this process whose module
   and name match the config exactly.

A name outside these tables raises :class:`UnknownClassError`. Errors raised while a layer is rebuilt name the
JSON path of its entry (``$.model.config.layers[2]``).

>>> entry = serialize_layer(layers.Dense(3))           # doctest: +SKIP
>>> deserialize_layer(entry).units
3
"""
from __future__ import annotations

import inspect
import threading
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Mapping

from hornet.api.custom_objects import (CustomObjectScope, get_registered_name, is_registered, lookup,
                                       register_keras_serializable)
from hornet.api.saving.file_errors import ModelFileError, short
from hornet.ir.errors import HornetError

_LOCAL = threading.local()
_BUILTIN: dict[str, type] = {}
# modules whose class names mean hornet's own classes (hornet-written and Keras-written files)
_BUILTIN_MODULE_PREFIXES = ("hornet.", "keras.", "keras_core.", "tf_keras.")
_BUILTIN_MODULES = ("hornet", "keras")


class UnknownClassError(ModelFileError):
    """A config names a class that is not available in this process (or not allowed by ``safe_mode``)."""

    def __init__(self, class_name: str, module: str | None, path: str | None = None, hint: str = ""):
        self.class_name = class_name
        self.module = module
        where = f" (defined in module {short(module, 120)})" if module else ""
        super().__init__(f"class {short(class_name)}{where} is not available: pass it in "
                         f"custom_objects={{{short(class_name)}: ...}}, or register it with "
                         f"hornet.saving.register_keras_serializable(){hint}", path=path)


def builtin_layer_classes() -> Mapping[str, type]:
    """The table of hornet's own layer and model classes that a config may name (by class name)."""
    if not _BUILTIN:
        import hornet.layers as layer_namespace
        from hornet.api.layers.layer import Layer
        from hornet.api.models.functional import Functional
        from hornet.api.models.model import Model
        from hornet.api.models.sequential import Sequential

        table = {}
        for name in layer_namespace.__all__:  # names from hornet's own __all__, never from a file
            obj = getattr(layer_namespace, name)
            if inspect.isclass(obj) and issubclass(obj, Layer):
                table[obj.__name__] = obj
        table.update(Model=Model, Functional=Functional, Sequential=Sequential)
        _BUILTIN.update(table)
    return _BUILTIN


@dataclass
class _Frame:
    path: str
    config: Any
    custom_objects: Mapping[str, Any] | None
    safe_mode: bool


def _frames() -> list[_Frame]:
    stack = getattr(_LOCAL, "frames", None)
    if stack is None:
        stack = _LOCAL.frames = []
    return stack


def current_path() -> str | None:
    """The JSON path of the layer entry being deserialized in this thread (None outside deserialization)."""
    stack = _frames()
    return stack[-1].path if stack else None


def _child_path(parent: _Frame, entry: Any) -> str:
    """Where ``entry`` sits inside the parent entry's config (found by identity, else by equality)."""
    config = parent.config
    if isinstance(config, dict):
        for same in (lambda a, b: a is b, lambda a, b: a == b):
            for key, value in config.items():
                if same(value, entry):
                    return f"{parent.path}.config.{key}"
                if isinstance(value, list):
                    for i, item in enumerate(value):
                        if same(item, entry):
                            return f"{parent.path}.config.{key}[{i}]"
    return f"{parent.path}.config"


def _is_subclass(obj: Any, base: type) -> bool:
    return inspect.isclass(obj) and issubclass(obj, base)


def _loaded_subclasses(base: type) -> Iterator[type]:
    stack = [base]
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            yield sub
            stack.append(sub)


def find_class(class_name: Any, module: Any = None, custom_objects: Mapping[str, Any] | None = None,
               base: type | None = None, safe_mode: bool = True, registered_name: Any = None,
               path: str | None = None) -> type:
    """The class a config names, from the tables above; raises UnknownClassError when it is in none of them."""
    if base is None:
        from hornet.api.layers.layer import Layer

        base = Layer
    if not isinstance(class_name, str) or not class_name or len(class_name) > 256:
        raise ModelFileError(f"'class_name' must be a non-empty string of at most 256 characters, got "
                             f"{short(class_name)}", path=path)
    if module is not None and not isinstance(module, str):
        raise ModelFileError(f"'module' must be a string or null, got {short(module)}", path=path)
    keys = [k for k in (registered_name, class_name) if isinstance(k, str) and k]
    for key in keys:
        if custom_objects and key in custom_objects:
            cls = custom_objects[key]
            if not _is_subclass(cls, base):
                raise ModelFileError(f"custom_objects[{key!r}] is {short(cls)}, not a {base.__name__} subclass",
                                     path=path)
            return cls
    for key in keys:  # custom_object_scope, then the registered and global objects
        cls = lookup(key)
        if cls is not None and _is_subclass(cls, base):
            return cls
    builtin_module = module is None or module in _BUILTIN_MODULES or module.startswith(_BUILTIN_MODULE_PREFIXES)
    if builtin_module:
        cls = builtin_layer_classes().get(class_name)
        if cls is not None and _is_subclass(cls, base):
            return cls
    if not safe_mode and module is not None:
        exact = [c for c in _loaded_subclasses(base) if c.__name__ == class_name and c.__module__ == module]
        if exact:
            return exact[-1]
    hint = ""
    if safe_mode and module is not None and any(c.__name__ == class_name and c.__module__ == module
                                                for c in _loaded_subclasses(base)):
        hint = (" (the class is defined in this process, but a file may name an unregistered class only with "
                "load_model(..., safe_mode=False))")
    raise UnknownClassError(class_name, module, path, hint)


def serialize_layer(layer: Any) -> dict[str, Any]:
    """``{"module", "class_name", "config", "registered_name", "name"}``, as Keras writes a layer: the class's own
    name in ``class_name``, the ``"package>name"`` of a registered class in ``registered_name``."""
    cls = type(layer)
    return {"module": cls.__module__, "class_name": cls.__name__, "config": layer.get_config(),
            "registered_name": get_registered_name(cls) if is_registered(cls) else None, "name": layer.name}


_WRAPPED = (HornetError, TypeError, ValueError, KeyError, IndexError, AttributeError, OverflowError,
            NotImplementedError, RecursionError, ZeroDivisionError)


def deserialize_layer(entry: Any, custom_objects: Mapping[str, Any] | None = None, *,
                      safe_mode: bool | None = None, path: str | None = None) -> Any:
    """Rebuild a layer from ``serialize_layer``'s output (or a Keras 3 entry). ``safe_mode`` (default: the
    enclosing deserialization's, else True) decides whether unregistered classes defined in this process may
    be named. Nested entries (a Sequential's layers, a wrapper's layer) inherit ``custom_objects``, ``safe_mode``
    and their JSON path."""
    stack = _frames()
    parent = stack[-1] if stack else None
    if path is None:
        path = _child_path(parent, entry) if parent is not None else "$"
    if safe_mode is None:
        safe_mode = parent.safe_mode if parent is not None else True
    if custom_objects is None and parent is not None:
        custom_objects = parent.custom_objects
    if not isinstance(entry, dict) or "class_name" not in entry:
        raise ModelFileError(f"a layer entry must be an object with 'class_name' and 'config', got "
                             f"{short(entry, 200)}", path=path)
    config = entry.get("config", {})
    if not isinstance(config, dict):
        raise ModelFileError(f"'config' must be an object, got {short(config)}", path=f"{path}.config")
    cls = find_class(entry["class_name"], entry.get("module"), custom_objects, safe_mode=safe_mode,
                     registered_name=entry.get("registered_name"), path=path)
    stack.append(_Frame(path, config, custom_objects, bool(safe_mode)))
    try:
        with CustomObjectScope(custom_objects):  # nested activations, initializers, ... see them too
            return _from_config(cls, dict(config), custom_objects)
    except ModelFileError:
        raise
    except _WRAPPED as e:
        raise ModelFileError(f"{cls.__name__} can't be rebuilt from this config ({type(e).__name__}: "
                             f"{_first_line(e)})", path=path) from e
    except MemoryError as e:
        raise ModelFileError(f"{cls.__name__}: rebuilding this config needs more memory than is available ({e})",
                             path=path) from None
    finally:
        stack.pop()


def _from_config(cls: type, config: dict[str, Any], custom_objects: Mapping[str, Any] | None) -> Any:
    from_config = cls.from_config
    if "custom_objects" in inspect.signature(from_config).parameters:
        return from_config(config, custom_objects=custom_objects)
    return from_config(config)


def _first_line(e: BaseException) -> str:
    text = str(e)
    return text if len(text) <= 400 else text[:400] + "..."


__all__ = ["register_keras_serializable", "serialize_layer", "deserialize_layer", "find_class",
           "UnknownClassError", "get_registered_name", "builtin_layer_classes", "current_path"]
