"""Exponential, piecewise-constant, polynomial and inverse-time learning-rate decay (Keras 3 semantics).

>>> sched = ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
>>> round(float(sched(10)), 6)
0.05
"""
from __future__ import annotations

from typing import Any, Sequence

from hornet.api import ops
from hornet.api.optimizers.schedules.base import (LearningRateSchedule, as_rate, check_positive, rate_dtype,
                                                  step_as)
from hornet.runtime.variables import Variable


class _RatioDecay(LearningRateSchedule):
    """A decay driven by ``step / decay_steps`` (floored if ``staircase``), with Keras's shared arguments."""

    def __init__(self, initial_learning_rate: float, decay_steps: float, decay_rate: float, staircase: bool,
                 name: str):
        super().__init__()
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name
        check_positive("decay_steps", decay_steps)

    def _progress(self, step: Any, dtype: Any) -> Any:
        p = ops.divide(step_as(step, dtype), as_rate(self.decay_steps, dtype))
        return ops.floor(p) if self.staircase else p

    def get_config(self) -> dict[str, Any]:
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "decay_rate": self.decay_rate, "staircase": self.staircase, "name": self.name}


class ExponentialDecay(_RatioDecay):
    """``initial_learning_rate * decay_rate ** (step / decay_steps)`` (the exponent floored if ``staircase``).

    >>> round(float(ExponentialDecay(0.1, decay_steps=100, decay_rate=0.96, staircase=True)(250)), 6)
    0.09216
    """

    def __init__(self, initial_learning_rate: float, decay_steps: int, decay_rate: float, staircase: bool = False,
                 name: str = "ExponentialDecay"):
        super().__init__(initial_learning_rate, decay_steps, decay_rate, staircase, name)

    def __call__(self, step: Any) -> Any:
        dtype = rate_dtype(self.initial_learning_rate)
        return ops.multiply(as_rate(self.initial_learning_rate, dtype),
                            ops.power(as_rate(self.decay_rate, dtype), self._progress(step, dtype)))


class PiecewiseConstantDecay(LearningRateSchedule):
    """``values[0]`` while ``step <= boundaries[0]``, ``values[i]`` while ``boundaries[i-1] < step <=
    boundaries[i]``, and ``values[-1]`` after the last boundary.

    >>> float(PiecewiseConstantDecay([100, 200], [1.0, 0.5, 0.1])(150))
    0.5
    """

    def __init__(self, boundaries: Sequence[Any], values: Sequence[Any], name: str = "PiecewiseConstant"):
        super().__init__()
        if len(boundaries) != len(values) - 1:
            raise ValueError("The length of boundaries should be 1 less than the length of values. Received: "
                             f"boundaries={boundaries} of length {len(boundaries)}, and values={values} of length "
                             f"{len(values)}.")
        self.boundaries = boundaries
        self.values = values
        self.name = name

    def __call__(self, step: Any) -> Any:
        if isinstance(step, Variable):
            step = step.value
        step = ops.convert_to_tensor(step)
        step_dtype = ops.dtype(step)
        bounds = [ops.cast(b.value if isinstance(b, Variable) else b, step_dtype) for b in self.boundaries]
        values = [ops.convert_to_tensor(v.value if isinstance(v, Variable) else v) for v in self.values]
        out_dtype = ops.dtype(values[0])
        # a sum of masked values rather than nested conds: the same graph for concrete and symbolic steps
        masks = [ops.less_equal(step, bounds[0])]
        masks += [ops.logical_and(ops.greater(step, lo), ops.less_equal(step, hi))
                  for lo, hi in zip(bounds[:-1], bounds[1:])]
        masks.append(ops.greater(step, bounds[-1]))
        result = None
        for mask, value in zip(masks, values):
            term = ops.multiply(ops.cast(mask, out_dtype), ops.cast(value, out_dtype))
            result = term if result is None else ops.add(result, term)
        return result

    def get_config(self) -> dict[str, Any]:
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class PolynomialDecay(LearningRateSchedule):
    """Decay from ``initial_learning_rate`` to ``end_learning_rate`` over ``decay_steps`` along
    ``(1 - step / decay_steps) ** power``; with ``cycle`` the horizon grows to the next multiple of
    ``decay_steps`` instead of holding at the end rate.

    >>> round(float(PolynomialDecay(0.1, decay_steps=100, end_learning_rate=0.01, power=0.5)(50)), 6)
    0.07364
    """

    def __init__(self, initial_learning_rate: float, decay_steps: int, end_learning_rate: float = 0.0001,
                 power: float = 1.0, cycle: bool = False, name: str = "PolynomialDecay"):
        super().__init__()
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = name
        check_positive("decay_steps", decay_steps)

    def __call__(self, step: Any) -> Any:
        dtype = rate_dtype(self.initial_learning_rate)
        initial = as_rate(self.initial_learning_rate, dtype)
        end = as_rate(self.end_learning_rate, dtype)
        step = step_as(step, dtype)
        horizon = as_rate(self.decay_steps, dtype)
        if self.cycle:
            # the first multiple of decay_steps at or above the step (1 at step 0)
            multiplier = ops.where(ops.equal(step, 0), ops.cast(1.0, dtype),
                                     ops.ceil(ops.divide(step, horizon)))
            horizon = ops.multiply(horizon, multiplier)
        else:
            step = ops.minimum(step, horizon)
        fraction = ops.divide(step, horizon)
        decayed = ops.power(ops.subtract(ops.cast(1.0, dtype), fraction), as_rate(self.power, dtype))
        return ops.add(ops.multiply(ops.subtract(initial, end), decayed), end)

    def get_config(self) -> dict[str, Any]:
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "end_learning_rate": self.end_learning_rate, "power": self.power, "cycle": self.cycle,
                "name": self.name}


class InverseTimeDecay(_RatioDecay):
    """``initial_learning_rate / (1 + decay_rate * step / decay_steps)`` (the ratio floored if ``staircase``).

    >>> round(float(InverseTimeDecay(0.1, decay_steps=1.0, decay_rate=0.5)(2)), 6)
    0.05
    """

    def __init__(self, initial_learning_rate: float, decay_steps: float, decay_rate: float, staircase: bool = False,
                 name: str = "InverseTimeDecay"):
        super().__init__(initial_learning_rate, decay_steps, decay_rate, staircase, name)

    def __call__(self, step: Any) -> Any:
        dtype = rate_dtype(self.initial_learning_rate)
        denominator = ops.add(ops.cast(1.0, dtype),
                              ops.multiply(as_rate(self.decay_rate, dtype), self._progress(step, dtype)))
        return ops.divide(as_rate(self.initial_learning_rate, dtype), denominator)


__all__ = ["ExponentialDecay", "PiecewiseConstantDecay", "PolynomialDecay", "InverseTimeDecay"]
