"""RMSprop: divide the gradient by a running root mean square of recent gradients.

>>> opt = RMSprop(learning_rate=1e-3, rho=0.9, momentum=0.9, centered=True)
"""
from __future__ import annotations

from typing import Any, Sequence

from hornet.api import ops
from hornet.api.optimizers.base import Optimizer
from hornet.runtime.variables import Variable


class RMSprop(Optimizer):
    """``v = rho * v + (1 - rho) * g²``; ``step = lr * g / sqrt(v + epsilon)`` (centered: ``v - mean(g)²`` under
    the root, with ``mean(g)`` a running average too); with momentum ``m = momentum * m + step; w -= m``.

    >>> RMSprop(learning_rate=0.01).apply([np.ones(2, "float32")], [hornet.Variable(np.zeros(2, "float32"))])  # doctest: +SKIP
    """

    def __init__(self, learning_rate: Any = 0.001, rho: float = 0.9, momentum: float = 0.0, epsilon: float = 1e-7,
                 centered: bool = False, **kwargs: Any):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.rho = rho
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = centered

    def build(self, var_list: Sequence[Variable]) -> None:
        if self.built:
            return
        super().build(var_list)
        self._velocities = self.add_optimizer_variables(var_list, "velocity")
        self._momentums = self.add_optimizer_variables(var_list, "momentum") if self.momentum > 0 else []
        self._average_gradients = (self.add_optimizer_variables(var_list, "average_gradient")
                                   if self.centered else [])

    def update_step(self, gradient: Any, variable: Variable, learning_rate: Any) -> None:
        dtype = variable.dtype
        index = self._get_variable_index(variable)
        lr = ops.cast(learning_rate, dtype)
        g = ops.cast(gradient, dtype)
        rho = self.rho
        velocity = self._velocities[index]
        velocity.assign(ops.add(ops.multiply(rho, velocity.value), ops.multiply(1 - rho, ops.square(g))))
        if self.centered:
            average = self._average_gradients[index]
            average.assign(ops.add(ops.multiply(rho, average.value), ops.multiply(1 - rho, g)))
            denominator = ops.add(ops.subtract(velocity.value, ops.square(average.value)), self.epsilon)
        else:
            denominator = ops.add(velocity.value, self.epsilon)
        increment = ops.divide(ops.multiply(lr, g), ops.sqrt(denominator))
        if self.momentum > 0:
            m = self._momentums[index]
            m.assign(ops.add(ops.multiply(self.momentum, m.value), increment))
            self.assign_sub(variable, m.value)
        else:
            self.assign_sub(variable, increment)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "rho": self.rho, "momentum": self.momentum, "epsilon": self.epsilon,
                "centered": self.centered}


__all__ = ["RMSprop"]
