"""Weight constraints (``hornet.constraints``): projections ``(weight) -> weight`` applied after each optimizer
update, Keras 3 semantics.

>>> from hornet import constraints
>>> constraints.NonNeg()(np.array([-1.0, 2.0], "float32")).tolist()          # doctest: +SKIP
[0.0, 2.0]
>>> constraints.serialize(constraints.MaxNorm(3))["config"]
{'max_value': 3, 'axis': 0}
"""
from __future__ import annotations

from typing import Any, Mapping

from hornet.api import ops

MODULE = "hornet.constraints"
EPSILON = 1e-7  # Keras's backend.epsilon(): keeps the norm division finite for all-zero slices


def _norms(w: Any, axis: Any) -> Any:
    return ops.sqrt(ops.sum(ops.square(w), axis=axis, keepdims=True))


class Constraint:
    """Base class: subclasses implement ``__call__(w)`` returning the projected weight."""

    def __call__(self, w: Any) -> Any:
        return w

    def get_config(self) -> dict[str, Any]:
        return {}

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> "Constraint":
        return cls(**config)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.get_config()})"


class MaxNorm(Constraint):
    """Rescales slices (along ``axis``) whose L2 norm exceeds ``max_value``."""

    def __init__(self, max_value: float = 2, axis: Any = 0):
        self.max_value, self.axis = max_value, axis

    def __call__(self, w: Any) -> Any:
        w = ops.convert_to_tensor(w)
        norms = _norms(w, self.axis)
        desired = ops.clip(norms, 0, self.max_value)
        return w * (desired / (EPSILON + norms))

    def get_config(self) -> dict[str, Any]:
        return {"max_value": self.max_value, "axis": self.axis}


class NonNeg(Constraint):
    """Clamps weights at 0 from below."""

    def __call__(self, w: Any) -> Any:
        return ops.maximum(ops.convert_to_tensor(w), 0)


class UnitNorm(Constraint):
    """Divides slices (along ``axis``) by their L2 norm."""

    def __init__(self, axis: Any = 0):
        self.axis = axis

    def __call__(self, w: Any) -> Any:
        w = ops.convert_to_tensor(w)
        return w / (EPSILON + _norms(w, self.axis))

    def get_config(self) -> dict[str, Any]:
        return {"axis": self.axis}


class MinMaxNorm(Constraint):
    """Moves slice norms toward ``[min_value, max_value]`` by a fraction ``rate`` (1.0: all the way)."""

    def __init__(self, min_value: float = 0.0, max_value: float = 1.0, rate: float = 1.0, axis: Any = 0):
        self.min_value, self.max_value, self.rate, self.axis = min_value, max_value, rate, axis

    def __call__(self, w: Any) -> Any:
        w = ops.convert_to_tensor(w)
        norms = _norms(w, self.axis)
        desired = self.rate * ops.clip(norms, self.min_value, self.max_value) + (1 - self.rate) * norms
        return w * (desired / (EPSILON + norms))

    def get_config(self) -> dict[str, Any]:
        return {"min_value": self.min_value, "max_value": self.max_value, "rate": self.rate, "axis": self.axis}


max_norm, non_neg, unit_norm, min_max_norm = MaxNorm, NonNeg, UnitNorm, MinMaxNorm

ALL_CONSTRAINTS: dict[str, type] = {c.__name__: c for c in (Constraint, MaxNorm, NonNeg, UnitNorm, MinMaxNorm)}
ALL_CONSTRAINTS.update({"constraint": Constraint, "max_norm": MaxNorm, "non_neg": NonNeg, "unit_norm": UnitNorm,
                        "min_max_norm": MinMaxNorm})


def serialize(constraint: Any) -> Any:
    """The Keras-layout config dict of a constraint (None stays None).

    >>> serialize(NonNeg())["class_name"]
    'NonNeg'
    """
    if constraint is None:
        return None
    if not hasattr(constraint, "get_config"):
        raise ValueError(f"Cannot serialize constraint {constraint!r}: it has no get_config(); subclass "
                         "hornet.constraints.Constraint")
    return {"module": MODULE, "class_name": type(constraint).__name__, "config": constraint.get_config(),
            "registered_name": None}


def deserialize(config: Any, custom_objects: Mapping[str, Any] | None = None) -> Constraint:
    """A constraint from a name or a config dict written by ``serialize`` (or by Keras)."""
    if isinstance(config, str):
        cls = (custom_objects or {}).get(config) or ALL_CONSTRAINTS.get(config)
        if cls is None:
            raise ValueError(f"Unknown constraint: '{config}'. Expected one of {sorted(ALL_CONSTRAINTS)}, or pass "
                             "it in `custom_objects`.")
        return cls() if isinstance(cls, type) else cls
    if not isinstance(config, Mapping) or "class_name" not in config:
        raise ValueError(f"Could not deserialize constraint: expected a name or a dict with a 'class_name' key. "
                         f"Received: {config!r}")
    name = config["class_name"]
    cls = None
    for key in (config.get("registered_name"), name):
        if key and custom_objects and key in custom_objects:
            cls = custom_objects[key]
            break
    cls = cls or ALL_CONSTRAINTS.get(name)
    if cls is None:
        raise ValueError(f"Unknown constraint: '{name}'. Expected one of {sorted(ALL_CONSTRAINTS)}, or pass the "
                         "class in `custom_objects`.")
    return cls.from_config(dict(config.get("config") or {}))


def get(identifier: Any) -> Any:
    """A constraint from a name ("non_neg"), a config dict, a class, an instance/callable, or None.

    >>> get("max_norm")
    MaxNorm({'max_value': 2, 'axis': 0})
    """
    if identifier is None:
        return None
    if isinstance(identifier, (str, Mapping)):
        return deserialize(identifier)
    if isinstance(identifier, type):
        return identifier()
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret constraint identifier: {identifier!r}")


__all__ = ["Constraint", "MaxNorm", "NonNeg", "UnitNorm", "MinMaxNorm", "max_norm", "non_neg", "unit_norm",
           "min_max_norm", "serialize", "deserialize", "get"]
