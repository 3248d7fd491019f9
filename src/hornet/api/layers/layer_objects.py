"""Layer arguments that name objects (``kernel_initializer``, ``bias_regularizer``, ``activation``, ...): resolved
with the module their name's suffix points to, and serialized the same way for ``get_config``.

>>> set_objects(layer, kernel_initializer="glorot_uniform", bias_constraint=None)   # doctest: +SKIP
"""
from __future__ import annotations

from typing import Any

from hornet.api import activations, constraints, initializers, regularizers


def _module_for(key: str) -> Any:
    """The module that gets/serializes an argument, by the argument name's suffix (``kernel_initializer``...)."""
    for suffix, module in (("initializer", initializers), ("regularizer", regularizers),
                           ("constraint", constraints), ("activation", activations)):
        if key.endswith(suffix):
            return module
    raise KeyError(f"no get/serialize module for argument {key!r}")


def get_all(**identifiers: Any) -> dict[str, Any]:
    """``get`` each identifier from its module (initializers, regularizers, constraints, activations)."""
    return {key: _module_for(key).get(ident) for key, ident in identifiers.items()}


def serialize_all(**objects: Any) -> dict[str, Any]:
    """``serialize`` each object with its module, for ``get_config``."""
    return {key: _module_for(key).serialize(obj) for key, obj in objects.items()}


def set_objects(layer: Any, **identifiers: Any) -> None:
    """Resolve each identifier and set it on ``layer`` under the argument's name."""
    for key, obj in get_all(**identifiers).items():
        setattr(layer, key, obj)


__all__ = ["get_all", "serialize_all", "set_objects"]
