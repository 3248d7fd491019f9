"""Stochastic gradient descent, with optional (Nesterov) momentum.

>>> opt = SGD(learning_rate=0.01, momentum=0.9, nesterov=True)
"""
from __future__ import annotations

from typing import Any, Sequence

from hornet.api import ops
from hornet.api.optimizers.base import Optimizer
from hornet.runtime.variables import Variable


class SGD(Optimizer):
    """``velocity = momentum * velocity - lr * g``; ``w += velocity`` (Nesterov: ``w += momentum * velocity -
    lr * g``). With ``momentum=0``: ``w -= lr * g``.

    >>> SGD(learning_rate=0.1, momentum=0.9).apply([np.ones(2, "float32")], [hornet.Variable(np.zeros(2))])  # doctest: +SKIP
    """

    def __init__(self, learning_rate: Any = 0.01, momentum: float = 0.0, nesterov: bool = False, **kwargs: Any):
        super().__init__(learning_rate=learning_rate, **kwargs)
        if isinstance(momentum, int) and not isinstance(momentum, bool):
            momentum = float(momentum)
        if not isinstance(momentum, float) or not 0 <= momentum <= 1:
            raise ValueError(f"`momentum` must be a float between [0, 1]. Received: momentum={momentum!r}")
        self.momentum = momentum
        self.nesterov = nesterov

    def build(self, variables: Sequence[Variable]) -> None:
        if self.built:
            return
        super().build(variables)
        self.momentums = self.add_optimizer_variables(variables, "momentum") if self.momentum != 0 else []

    def update_step(self, gradient: Any, variable: Variable, learning_rate: Any) -> None:
        dtype = variable.dtype
        lr = ops.cast(learning_rate, dtype)
        step = ops.multiply(ops.cast(gradient, dtype), lr)
        if self.momentum == 0:
            self.assign_sub(variable, step)
            return
        m = self.momentums[self._get_variable_index(variable)]
        momentum = ops.cast(self.momentum, dtype)
        velocity = ops.subtract(ops.multiply(m.value, momentum), step)
        m.assign(velocity)
        if self.nesterov:
            self.assign_add(variable, ops.subtract(ops.multiply(velocity, momentum), step))
        else:
            self.assign_add(variable, velocity)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}


__all__ = ["SGD"]
