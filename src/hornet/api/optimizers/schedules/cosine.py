"""Cosine decay (with optional linear warmup) and cosine decay with warm restarts (SGDR), Keras 3 semantics.

>>> sched = CosineDecay(0.0, decay_steps=100, warmup_target=0.1, warmup_steps=10)
>>> round(float(sched(5)), 6)      # halfway through the warmup
0.05
"""
from __future__ import annotations

import math as pymath
from typing import Any

from hornet.api import ops
from hornet.api.optimizers.schedules.base import (LearningRateSchedule, as_rate, check_positive, rate_dtype,
                                                  step_as)


def _cosine(fraction: Any, dtype: Any) -> Any:
    """``0.5 * (1 + cos(pi * fraction))``."""
    pi = ops.cast(pymath.pi, dtype)
    return ops.multiply(ops.cast(0.5, dtype), ops.add(ops.cast(1.0, dtype), ops.cos(ops.multiply(pi, fraction))))


class CosineDecay(LearningRateSchedule):
    """Cosine decay from the initial rate (or ``warmup_target`` after a linear warmup of ``warmup_steps`` from
    ``initial_learning_rate``) down to ``alpha`` times that rate over ``decay_steps``.

    >>> round(float(CosineDecay(0.1, decay_steps=1000, alpha=0.01)(500)), 6)
    0.0505
    """

    def __init__(self, initial_learning_rate: float, decay_steps: int, alpha: float = 0.0,
                 name: str = "CosineDecay", warmup_target: float | None = None, warmup_steps: int = 0):
        super().__init__()
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha
        self.name = name
        self.warmup_steps = warmup_steps
        self.warmup_target = warmup_target
        check_positive("decay_steps", decay_steps)

    def _decay(self, step: Any, decay_steps: Any, peak: Any, dtype: Any) -> Any:
        decayed = _cosine(ops.divide(step, decay_steps), dtype)
        alpha = as_rate(self.alpha, dtype)
        return ops.multiply(peak, ops.add(ops.multiply(ops.subtract(ops.cast(1.0, dtype), alpha), decayed), alpha))

    def __call__(self, step: Any) -> Any:
        dtype = rate_dtype(self.initial_learning_rate)
        initial = as_rate(self.initial_learning_rate, dtype)
        decay_steps = as_rate(self.decay_steps, dtype)
        step = step_as(step, dtype)
        if self.warmup_target is None:
            return self._decay(ops.minimum(step, decay_steps), decay_steps, initial, dtype)
        target = as_rate(self.warmup_target, dtype)
        warmup_steps = as_rate(self.warmup_steps, dtype)
        step = ops.minimum(step, ops.add(decay_steps, warmup_steps))
        # both branches are cheap scalars: `where` keeps one graph shape for concrete and symbolic steps
        warm = ops.add(ops.multiply(ops.subtract(target, initial), ops.divide(step, warmup_steps)), initial)
        decayed = self._decay(ops.subtract(step, warmup_steps), decay_steps, target, dtype)
        return ops.where(ops.less(step, warmup_steps), warm, decayed)

    def get_config(self) -> dict[str, Any]:
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "alpha": self.alpha, "name": self.name, "warmup_target": self.warmup_target,
                "warmup_steps": self.warmup_steps}


class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay with warm restarts (SGDR): the first period lasts ``first_decay_steps``, each next one
    ``t_mul`` times longer and starting from ``m_mul`` times the previous peak.

    >>> round(float(CosineDecayRestarts(0.1, first_decay_steps=100, t_mul=2.0, m_mul=0.5)(150)), 6)
    0.042678
    """

    def __init__(self, initial_learning_rate: float, first_decay_steps: int, t_mul: float = 2.0,
                 m_mul: float = 1.0, alpha: float = 0.0, name: str = "SGDRDecay"):
        super().__init__()
        self.initial_learning_rate = initial_learning_rate
        self.first_decay_steps = first_decay_steps
        self._t_mul = t_mul
        self._m_mul = m_mul
        self.alpha = alpha
        self.name = name
        check_positive("first_decay_steps", first_decay_steps)

    def __call__(self, step: Any) -> Any:
        dtype = rate_dtype(self.initial_learning_rate)
        one = ops.cast(1.0, dtype)
        t_mul = as_rate(self._t_mul, dtype)
        fraction = ops.divide(step_as(step, dtype), as_rate(self.first_decay_steps, dtype))
        if float(self._t_mul) == 1.0:  # equal periods: the restart index is the integer part
            restart = ops.floor(fraction)
            fraction = ops.subtract(fraction, restart)
        else:  # periods grow geometrically: invert the geometric sum to find the current period
            restart = ops.floor(ops.divide(ops.log(ops.subtract(one, ops.multiply(fraction, ops.subtract(one, t_mul)))),
                                           ops.log(t_mul)))

            def elapsed_before(period: Any) -> Any:  # the length of the periods before ``period``
                return ops.divide(ops.subtract(one, ops.power(t_mul, period)), ops.subtract(one, t_mul))

            # On a period boundary the log ratio may round to just below (or above) the integer it is; settle the
            # index against the geometric sum itself, computed the same way on every backend.
            restart = ops.where(ops.greater_equal(fraction, elapsed_before(restart + one)), restart + one, restart)
            restart = ops.where(ops.less(fraction, elapsed_before(restart)), restart - one, restart)
            elapsed = elapsed_before(restart)
            fraction = ops.divide(ops.subtract(fraction, elapsed), ops.power(t_mul, restart))
        peak = ops.power(as_rate(self._m_mul, dtype), restart)
        alpha = as_rate(self.alpha, dtype)
        decayed = ops.add(ops.multiply(ops.subtract(one, alpha), ops.multiply(peak, _cosine(fraction, dtype))), alpha)
        return ops.multiply(as_rate(self.initial_learning_rate, dtype), decayed)

    def get_config(self) -> dict[str, Any]:
        return {"initial_learning_rate": self.initial_learning_rate, "first_decay_steps": self.first_decay_steps,
                "t_mul": self._t_mul, "m_mul": self._m_mul, "alpha": self.alpha, "name": self.name}


__all__ = ["CosineDecay", "CosineDecayRestarts"]
