"""Weight regularizers (``hornet.regularizers``): callables ``(weight) -> scalar penalty``, Keras 3 semantics.

>>> from hornet import regularizers
>>> float(regularizers.L2(0.5)(np.array([1.0, 2.0], "float32")))           # doctest: +SKIP
2.5
>>> regularizers.serialize(regularizers.get("l1"))["config"]
{'l1': 0.01}
"""
from __future__ import annotations

import math
from typing import Any, Mapping

from hornet.api import ops
from hornet.api.object_registry import ObjectRegistry

MODULE = "hornet.regularizers"


def _check_float(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (float, int)) or math.isinf(value) or math.isnan(value) \
            or value < 0:
        raise ValueError(f"Invalid value for argument {name}: expected a non-negative float. "
                         f"Received: {name}={value!r}")
    return float(value)


class Regularizer:
    """Base class: subclasses implement ``__call__(x)`` (a scalar penalty) and ``get_config``."""

    def __call__(self, x: Any) -> Any:
        return 0.0

    def get_config(self) -> dict[str, Any]:
        raise NotImplementedError(f"{type(self).__name__} doesn't implement get_config()")

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> "Regularizer":
        return cls(**config)

    def __repr__(self) -> str:
        try:
            return f"{type(self).__name__}({self.get_config()})"
        except NotImplementedError:
            return f"{type(self).__name__}()"


class L1L2(Regularizer):
    """``l1 * sum(|x|) + l2 * sum(x^2)``.

    >>> L1L2(l1=0.01, l2=0.01).get_config()
    {'l1': 0.01, 'l2': 0.01}
    """

    def __init__(self, l1: float = 0.0, l2: float = 0.0):
        self.l1 = _check_float(l1, "l1")
        self.l2 = _check_float(l2, "l2")

    def __call__(self, x: Any) -> Any:
        x = ops.convert_to_tensor(x)
        out = ops.zeros((), x.dtype)
        if self.l1 != 0.0:
            out = out + ops.cast(self.l1, x.dtype) * ops.sum(ops.absolute(x))
        if self.l2 != 0.0:
            out = out + ops.cast(self.l2, x.dtype) * ops.sum(ops.square(x))
        return out

    def get_config(self) -> dict[str, Any]:
        return {"l1": self.l1, "l2": self.l2}


class L1(Regularizer):
    """``l1 * sum(|x|)``."""

    def __init__(self, l1: float = 0.01):
        self.l1 = _check_float(l1, "l1")

    def __call__(self, x: Any) -> Any:
        x = ops.convert_to_tensor(x)
        return ops.cast(self.l1, x.dtype) * ops.sum(ops.absolute(x))

    def get_config(self) -> dict[str, Any]:
        return {"l1": self.l1}


class L2(Regularizer):
    """``l2 * sum(x^2)``."""

    def __init__(self, l2: float = 0.01):
        self.l2 = _check_float(l2, "l2")

    def __call__(self, x: Any) -> Any:
        x = ops.convert_to_tensor(x)
        return ops.cast(self.l2, x.dtype) * ops.sum(ops.square(x))

    def get_config(self) -> dict[str, Any]:
        return {"l2": self.l2}


class OrthogonalRegularizer(Regularizer):
    """Penalizes non-orthogonality of the rows (``mode="rows"``) or columns of a rank-2 weight: ``factor`` times
    the mean absolute cosine similarity over distinct pairs, halved."""

    def __init__(self, factor: float = 0.01, mode: str = "rows"):
        self.factor = _check_float(factor, "factor")
        if mode not in ("rows", "columns"):
            raise ValueError(f"Invalid value for argument mode. Expected one of {{'rows', 'columns'}}. "
                             f"Received: mode={mode}")
        self.mode = mode

    def __call__(self, x: Any) -> Any:
        x = ops.convert_to_tensor(x)
        if len(x.shape) != 2:
            raise ValueError(f"Inputs to OrthogonalRegularizer must have rank 2. Received: inputs.shape={x.shape}")
        if self.mode == "rows":
            x = ops.normalize(x, axis=1)
            product, size = ops.matmul(x, ops.transpose(x)), x.shape[0]
        else:
            x = ops.normalize(x, axis=0)
            product, size = ops.matmul(ops.transpose(x), x), x.shape[1]
        off_diagonal = product * (1.0 - ops.eye(size, dtype=x.dtype))
        pairs = size * (size - 1.0) / 2.0
        return self.factor * 0.5 * ops.sum(ops.absolute(off_diagonal)) / pairs

    def get_config(self) -> dict[str, Any]:
        return {"factor": self.factor, "mode": self.mode}


l1, l2, l1_l2, orthogonal_regularizer = L1, L2, L1L2, OrthogonalRegularizer

ALL_REGULARIZERS: dict[str, type] = {c.__name__: c for c in (Regularizer, L1, L2, L1L2, OrthogonalRegularizer)}
ALL_REGULARIZERS.update({"l1": L1, "l2": L2, "l1_l2": L1L2, "l1l2": L1L2,
                         "orthogonal_regularizer": OrthogonalRegularizer, "regularizer": Regularizer})


_REGISTRY = ObjectRegistry("regularizer", MODULE, ALL_REGULARIZERS, "hornet.regularizers.Regularizer")


def serialize(regularizer: Any) -> Any:
    """The Keras-layout config dict of a regularizer (None stays None).

    >>> serialize(L2(0.1))
    {'module': 'hornet.regularizers', 'class_name': 'L2', 'config': {'l2': 0.1}, 'registered_name': None}
    """
    return _REGISTRY.serialize(regularizer)


def deserialize(config: Any, custom_objects: Mapping[str, Any] | None = None) -> Regularizer:
    """A regularizer from a name or a config dict written by ``serialize`` (or by Keras)."""
    return _REGISTRY.deserialize(config, custom_objects)


def get(identifier: Any) -> Any:
    """A regularizer from a name ("l2"), a config dict, a class, an instance/callable, or None.

    >>> get("l1_l2")
    L1L2({'l1': 0.0, 'l2': 0.0})
    """
    return _REGISTRY.get(identifier)


__all__ = ["Regularizer", "L1", "L2", "L1L2", "OrthogonalRegularizer", "l1", "l2", "l1_l2",
           "orthogonal_regularizer", "serialize", "deserialize", "get"]
