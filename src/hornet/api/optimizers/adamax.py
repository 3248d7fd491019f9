"""Adamax: Adam with the infinity norm in place of the second moment.

>>> opt = Adamax(learning_rate=2e-3)
"""
from __future__ import annotations

from typing import Any, Sequence

from hornet.api import ops
from hornet.api.optimizers.base import Optimizer
from hornet.runtime.variables import Variable


class Adamax(Optimizer):
    """``m += (1 - beta_1) (g - m)``; ``u = max(beta_2 u, |g|)``; ``w -= lr m / ((1 - beta_1^t)(u + epsilon))``.

    >>> Adamax(learning_rate=0.01).apply([np.ones(2, "float32")], [hornet.Variable(np.zeros(2, "float32"))])  # doctest: +SKIP
    """

    def __init__(self, learning_rate: Any = 0.001, beta_1: float = 0.9, beta_2: float = 0.999, epsilon: float = 1e-7,
                 **kwargs: Any):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def build(self, var_list: Sequence[Variable]) -> None:
        if self.built:
            return
        super().build(var_list)
        self._m, self._u = self.add_optimizer_variables(var_list, ["momentum", "norm"])

    def update_step(self, gradient: Any, variable: Variable, learning_rate: Any) -> None:
        dtype = variable.dtype
        index = self._get_variable_index(variable)
        lr = ops.cast(learning_rate, dtype)
        g = ops.cast(gradient, dtype)
        bias = ops.subtract(ops.cast(1, dtype), ops.power(ops.cast(self.beta_1, dtype), self.local_step(dtype)))
        m, u = self._m[index], self._u[index]
        m.assign(ops.add(m.value, ops.multiply(ops.subtract(g, m.value), 1 - self.beta_1)))
        u.assign(ops.maximum(ops.multiply(self.beta_2, u.value), ops.abs(g)))
        self.assign_sub(variable, ops.divide(ops.multiply(lr, m.value),
                                             ops.multiply(bias, ops.add(u.value, self.epsilon))))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon}


__all__ = ["Adamax"]
