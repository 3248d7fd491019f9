"""Name lookup and Keras-layout (de)serialization shared by the configurable-object modules.

``ObjectRegistry`` serves the class-only kinds (constraints, regularizers, initializers): every object is an
instance of a class with ``get_config``/``from_config``. ``CallableRegistry`` serves kinds that mix classes and
plain functions (losses, metrics). Both write and read dicts ``{"module", "class_name", "config",
"registered_name"}`` as Keras does; nothing is imported or evaluated from a dict, names are looked up in a table.

>>> class Unit:
...     def get_config(self): return {}
...     @classmethod
...     def from_config(cls, config): return cls(**config)
>>> units = ObjectRegistry("unit", "demo.units", {"Unit": Unit}, "demo.units.Unit")
>>> type(units.deserialize(units.serialize(Unit()))).__name__
'Unit'
"""
from __future__ import annotations

import inspect
from typing import Any, Callable, Collection, Mapping

from hornet.api.custom_objects import lookup, visible


class ObjectRegistry:
    """Serialize/deserialize/get for one kind of class-based object.

    ``table`` maps the names listed in errors to classes; ``aliases`` are further accepted names that errors
    leave out. ``base_path`` is the public base class named when an object cannot be serialized.

    >>> registry = ObjectRegistry("constraint", "hornet.constraints", {}, "hornet.constraints.Constraint")
    >>> registry.get(None) is None
    True
    """

    def __init__(self, kind: str, module: str, table: Mapping[str, type], base_path: str,
                 aliases: Mapping[str, type] | None = None):
        self.kind, self.module, self.table, self.base_path = kind, module, table, base_path
        self.aliases = aliases or {}

    def serialize(self, obj: Any) -> Any:
        if obj is None:
            return None
        if not hasattr(obj, "get_config"):
            raise ValueError(f"Cannot serialize {self.kind} {obj!r}: it has no get_config(); subclass "
                             f"{self.base_path}")
        return {"module": self.module, "class_name": type(obj).__name__, "config": obj.get_config(),
                "registered_name": None}

    def deserialize(self, config: Any, custom_objects: Mapping[str, Any] | None = None) -> Any:
        if isinstance(config, str):
            cls = lookup(config, custom_objects) or self.table.get(config)
            if cls is None:
                raise ValueError(f"Unknown {self.kind}: '{config}'. Expected one of {sorted(self.table)}, or pass "
                                 "it in `custom_objects`.")
            return cls() if isinstance(cls, type) else cls
        if not isinstance(config, Mapping) or "class_name" not in config:
            raise ValueError(f"Could not deserialize {self.kind}: expected a name or a dict with a 'class_name' "
                             f"key. Received: {config!r}")
        name = config["class_name"]
        cls = None
        for key in (config.get("registered_name"), name):
            cls = lookup(key, custom_objects)
            if cls is not None:
                break
        cls = cls or self.table.get(name) or self.aliases.get(name)
        if cls is None:
            raise ValueError(f"Unknown {self.kind}: '{name}'. Expected one of {sorted(self.table)}, or pass the "
                             "class in `custom_objects`.")
        return cls.from_config(dict(config.get("config") or {}))

    def get(self, identifier: Any) -> Any:
        if identifier is None:
            return None
        if isinstance(identifier, (str, Mapping)):
            return self.deserialize(identifier)
        if isinstance(identifier, type):
            return identifier()
        if callable(identifier):
            return identifier
        raise ValueError(f"Could not interpret {self.kind} identifier: {identifier!r}")


class CallableRegistry:
    """Serialize/deserialize/get for a kind whose objects are ``base`` instances or plain functions.

    A name gives the table entry (a class name a new instance, a function name the function). Errors for an
    unknown name list the table's lower-case names except ``hidden``, then ``note``, and suggest ``example``.

    >>> class Base:
    ...     def __call__(self): return 0
    >>> registry = CallableRegistry("thing", "demo.things", {"Base": Base}, Base, example="Base")
    >>> type(registry.lookup("Base", None)()).__name__
    'Base'
    """

    def __init__(self, kind: str, module: str, table: Mapping[str, Any], base: type, *, example: str,
                 hidden: Collection[str] = (), note: str = ""):
        self.kind, self.module, self.table, self.base = kind, module, table, base
        self.example, self.hidden, self.note = example, hidden, note

    def serialize_instance(self, obj: Any) -> dict[str, Any]:
        """The dict of a ``base`` instance: built-in classes by name, others with their module."""
        cls = type(obj)
        builtin = self.table.get(cls.__name__) is cls
        return {"module": self.module if builtin else cls.__module__, "class_name": cls.__name__,
                "config": obj.get_config(), "registered_name": None if builtin else cls.__name__}

    def serialize_function(self, name: str) -> dict[str, Any]:
        return {"module": self.module, "class_name": "function", "config": name, "registered_name": name}

    def lookup(self, name: str, custom_objects: Mapping[str, Any] | None) -> Any:
        table = {**self.table, **visible(custom_objects)}
        if name in table:
            return table[name]
        known = sorted(k for k in self.table if k[0].islower() and k not in self.hidden)
        raise ValueError(f"Unknown {self.kind} identifier: {name!r}. Known names: {', '.join(known)}{self.note}; "
                         f"or a class name such as {self.example!r}, or pass custom_objects={{{name!r}: ...}}")

    def deserialize(self, config: Any, custom_objects: Mapping[str, Any] | None,
                    function: Callable[[dict[str, Any]], Any]) -> Any:
        """``function`` resolves a ``"class_name": "function"`` dict."""
        if config is None:
            return None
        if isinstance(config, str):
            obj = self.lookup(config, custom_objects)
            return obj() if inspect.isclass(obj) else obj
        if not isinstance(config, dict) or "class_name" not in config:
            raise ValueError(f"Could not deserialize {self.kind} from {config!r}: expected a name or a dict with "
                             "'class_name'")
        if config["class_name"] == "function":
            return function(config)
        cls = self.lookup(config.get("registered_name") or config["class_name"], custom_objects)
        if not (inspect.isclass(cls) and issubclass(cls, self.base)):
            raise ValueError(f"Could not deserialize {self.kind} {config['class_name']!r}: it is not a "
                             f"{self.base.__name__} class")
        return cls.from_config(dict(config.get("config") or {}))

    def get(self, identifier: Any, deserialize: Callable[[dict[str, Any]], Any]) -> Any:
        """``deserialize`` is the module's own (so a dict goes through its function handling)."""
        if identifier is None:
            return None
        if isinstance(identifier, dict):
            obj = deserialize(identifier)
        elif isinstance(identifier, str):
            obj = self.lookup(identifier, None)
        else:
            obj = identifier
        if inspect.isclass(obj):
            return obj()
        if callable(obj) or isinstance(obj, self.base):
            return obj
        raise ValueError(f"Could not interpret {self.kind} identifier: {identifier!r}")
