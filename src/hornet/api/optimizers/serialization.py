"""Config dicts for optimizers and schedules, in the layout Keras 3 writes:
``{"module": ..., "class_name": ..., "config": {...}, "registered_name": None}``.

Keras-written dicts (``"module": "keras.optimizers"``) load too: lookup is by class name.

>>> serialize_object(SGD(0.1), "hornet.optimizers")["class_name"]        # doctest: +SKIP
'SGD'
"""
from __future__ import annotations

from typing import Any, Mapping


def serialize_object(obj: Any, module: str) -> dict[str, Any]:
    """The ``{"module", "class_name", "config", "registered_name"}`` dict of an object with ``get_config``."""
    return {"module": module, "class_name": type(obj).__name__, "config": obj.get_config(),
            "registered_name": None}


def deserialize_object(config: Any, known: Mapping[str, type], custom_objects: Mapping[str, Any] | None,
                       kind: str, case_insensitive: bool = False) -> Any:
    """Build an object from a serialized dict; ``known`` maps class names to classes (the built-ins)."""
    if not isinstance(config, Mapping) or "class_name" not in config:
        raise ValueError(f"Could not deserialize {kind}: expected a dict with a 'class_name' key. "
                         f"Received: {config!r}")
    name = config["class_name"]
    registered = config.get("registered_name")
    cls = None
    for key in (registered, name):
        if key and custom_objects and key in custom_objects:
            cls = custom_objects[key]
            break
    if cls is None:
        cls = known.get(name.lower() if case_insensitive else name)
    if cls is None:
        names = sorted({c.__name__ for c in known.values()})
        raise ValueError(f"Unknown {kind}: '{name}'. Expected one of {names}, or pass the class in "
                         "`custom_objects`.")
    inner = dict(config.get("config") or {})
    from_config = getattr(cls, "from_config", None)
    if from_config is None:
        return cls(**inner)
    try:
        return from_config(inner, custom_objects=custom_objects)
    except TypeError as e:
        if "custom_objects" not in str(e):
            raise
        return from_config(inner)
