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
from hornet.api.object_registry import ObjectRegistry

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


_REGISTRY = ObjectRegistry("constraint", MODULE, ALL_CONSTRAINTS, "hornet.constraints.Constraint")


def serialize(constraint: Any) -> Any:
    """The Keras-layout config dict of a constraint (None stays None).

    >>> serialize(NonNeg())["class_name"]
    'NonNeg'
    """
    return _REGISTRY.serialize(constraint)


def deserialize(config: Any, custom_objects: Mapping[str, Any] | None = None) -> Constraint:
    """A constraint from a name or a config dict written by ``serialize`` (or by Keras)."""
    return _REGISTRY.deserialize(config, custom_objects)


def get(identifier: Any) -> Any:
    """A constraint from a name ("non_neg"), a config dict, a class, an instance/callable, or None.

    >>> get("max_norm")
    MaxNorm({'max_value': 2, 'axis': 0})
    """
    return _REGISTRY.get(identifier)


__all__ = ["Constraint", "MaxNorm", "NonNeg", "UnitNorm", "MinMaxNorm", "max_norm", "non_neg", "unit_norm",
           "min_max_norm", "serialize", "deserialize", "get"]
