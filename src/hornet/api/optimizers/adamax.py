"""Adamax: Adam with the infinity norm in place of the second moment.

>>> opt = Adamax(learning_rate=2e-3)
"""
from __future__ import annotations

from typing import Any

from hornet.api import ops
from hornet.api.optimizers.moments import MomentOptimizer, update_moment
from hornet.runtime.variables import Variable


class Adamax(MomentOptimizer):
    """``m += (1 - beta_1) (g - m)``; ``u = max(beta_2 u, |g|)``; ``w -= lr m / ((1 - beta_1^t)(u + epsilon))``.

    >>> Adamax(learning_rate=0.01).apply([np.ones(2, "float32")], [hornet.Variable(np.zeros(2, "float32"))])  # doctest: +SKIP
    """

    second_moment = "norm"

    def update_step(self, gradient: Any, variable: Variable, learning_rate: Any) -> None:
        dtype = variable.dtype
        index = self._get_variable_index(variable)
        lr = ops.cast(learning_rate, dtype)
        g = ops.cast(gradient, dtype)
        bias = ops.subtract(ops.cast(1, dtype), ops.power(ops.cast(self.beta_1, dtype), self.local_step(dtype)))
        m, u = self._momentums[index], self._velocities[index]
        update_moment(m, g, 1 - self.beta_1)
        u.assign(ops.maximum(ops.multiply(self.beta_2, u.value), ops.abs(g)))
        self.assign_sub(variable, ops.divide(ops.multiply(lr, m.value),
                                             ops.multiply(bias, ops.add(u.value, self.epsilon))))


__all__ = ["Adamax"]
