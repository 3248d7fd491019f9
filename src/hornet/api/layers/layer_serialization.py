"""``hornet.layers.serialize`` / ``deserialize``: a layer as a config entry (class name + config) and back.

Entries are those of ``hornet.api.saving.serialize`` (``{"class_name", "module", "config", "name"}``); Keras 3
entries (``{"module": "keras.layers", "class_name": "Dense", "config": {...}, "registered_name": ...}``) load
too, by class name. Loading never imports modules named in the data.

>>> entry = serialize(Dense(3, activation="relu"))           # doctest: +SKIP
>>> deserialize(entry).units  # doctest: +SKIP
3
"""
from __future__ import annotations

from typing import Any, Mapping

from hornet.api.layers.layer import Layer
from hornet.api.saving.serialize import deserialize_layer, serialize_layer


def serialize(layer: Layer) -> dict[str, Any]:
    """The config entry of ``layer`` (JSON data).

    >>> serialize(Dropout(0.5))["class_name"]                     # doctest: +SKIP
    'Dropout'
    """
    if not isinstance(layer, Layer):
        raise ValueError(f"serialize: expected a hornet Layer instance, got {layer!r} of type {type(layer).__name__}")
    return serialize_layer(layer)


def deserialize(config: Mapping[str, Any], custom_objects: Mapping[str, Any] | None = None) -> Layer:
    """A new layer from a config entry (``serialize``'s output or a Keras 3 entry); ``custom_objects`` maps
    class names to user classes.

    >>> deserialize({"class_name": "Dense", "config": {"units": 2}}).units      # doctest: +SKIP
    2
    """
    if not isinstance(config, Mapping) or "class_name" not in config:
        raise ValueError("deserialize: `config` must be a dict with 'class_name' and 'config' keys (the output of "
                         f"hornet.layers.serialize), got {str(config)[:200]}")
    import hornet.layers  # noqa: F401  (every built-in layer class is loaded, so names resolve)

    entry = dict(config)
    registered = entry.get("registered_name")
    if registered and custom_objects and registered in custom_objects:
        entry["class_name"] = registered
    entry.setdefault("config", {})
    obj = deserialize_layer(entry, dict(custom_objects) if custom_objects else None)
    if not isinstance(obj, Layer):
        raise ValueError(f"deserialize: the config names {entry['class_name']!r}, which is not a Layer class "
                         f"(got {type(obj).__name__})")
    build = entry.get("build_config") or {}
    if not obj.built and build.get("input_shape") is not None:  # Keras entries say how the layer was built
        obj.build(_shape(build["input_shape"]))
        obj.built = True
    return obj


def _shape(shape: Any) -> Any:
    if isinstance(shape, (list, tuple)) and all(d is None or isinstance(d, int) for d in shape):
        return tuple(shape)
    return [_shape(s) for s in shape]


__all__ = ["serialize", "deserialize"]
