"""``LearningRateSchedule``: a learning rate as a function of the optimizer step, written with ``hornet.ops``
so it works on a concrete step and on a symbolic one (inside a compiled train step).

>>> class Halving(LearningRateSchedule):
...     def __call__(self, step):
...         return ops.power(0.5, ops.cast(step, "float32"))
...     def get_config(self):
...         return {}
>>> float(Halving()(2))
0.25
"""
from __future__ import annotations

from typing import Any

from hornet.api import ops
from hornet.ir.dtypes import dtype as to_dtype
from hornet.runtime.variables import Variable


class LearningRateSchedule:
    """Base class of learning-rate schedules: subclasses define ``__call__(step)`` and ``get_config()``.

    Pass an instance as an optimizer's ``learning_rate``; the optimizer calls it with its ``iterations``.

    >>> opt = hornet.optimizers.SGD(learning_rate=ExponentialDecay(0.1, 100, 0.9))   # doctest: +SKIP
    """

    def __call__(self, step: Any) -> Any:
        raise NotImplementedError(f"Learning rate schedule '{type(self).__name__}' must override `__call__(self, "
                                  "step)`.")

    def get_config(self) -> dict[str, Any]:
        raise NotImplementedError(f"Learning rate schedule '{type(self).__name__}' must override `get_config()`.")

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: Any = None) -> "LearningRateSchedule":
        return cls(**config)


def step_as(step: Any, dtype: Any) -> Any:
    """The step (int, array, symbolic tensor or Variable) as a tensor of ``dtype``."""
    if isinstance(step, Variable):
        step = step.value
    return ops.cast(step, dtype)


def rate_dtype(initial_learning_rate: Any) -> Any:
    """The dtype a schedule computes in: the initial rate's float dtype, float32 for Python numbers."""
    if isinstance(initial_learning_rate, Variable):
        d = initial_learning_rate.dtype
    elif hasattr(initial_learning_rate, "dtype") and not isinstance(initial_learning_rate, (int, float)):
        d = to_dtype(initial_learning_rate.dtype)
    else:
        return to_dtype("float32")
    return d if d.is_floating else to_dtype("float32")


def as_rate(value: Any, dtype: Any) -> Any:
    """A hyperparameter (number, array or Variable) as a tensor of ``dtype``."""
    if isinstance(value, Variable):
        value = value.value
    return ops.cast(value, dtype)


def check_positive(name: str, value: Any) -> None:
    if value <= 0:
        raise ValueError(f"Argument `{name}` must be > 0. Received: {name}={value}")


__all__ = ["LearningRateSchedule"]
