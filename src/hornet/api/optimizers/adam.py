"""Adam: adaptive moment estimation, with optional AMSGrad.

>>> opt = Adam(learning_rate=1e-3, amsgrad=True)
"""
from __future__ import annotations

from typing import Any, Sequence

from hornet.api import ops
from hornet.api.optimizers.moments import MomentOptimizer, update_moment
from hornet.runtime.variables import Variable


class Adam(MomentOptimizer):
    """``m += (1 - beta_1) * (g - m)``, ``v += (1 - beta_2) * (g² - v)``,
    ``w -= lr * sqrt(1 - beta_2^t) / (1 - beta_1^t) * m / (sqrt(v) + epsilon)`` (AMSGrad: ``v`` replaced by its
    running maximum).

    >>> Adam(learning_rate=0.01).apply([np.ones(2, "float32")], [hornet.Variable(np.zeros(2, "float32"))])  # doctest: +SKIP
    """

    def __init__(self, learning_rate: Any = 0.001, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: float = 1e-7, amsgrad: bool = False, **kwargs: Any):
        super().__init__(learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon, **kwargs)
        self.amsgrad = amsgrad

    def build(self, var_list: Sequence[Variable]) -> None:
        if self.built:
            return
        super().build(var_list)
        if self.amsgrad:
            self._velocity_hats = self.add_optimizer_variables(var_list, "velocity_hat")

    def update_step(self, gradient: Any, variable: Variable, learning_rate: Any) -> None:
        dtype = variable.dtype
        index = self._get_variable_index(variable)
        lr = ops.cast(learning_rate, dtype)
        g = ops.cast(gradient, dtype)
        t = self.local_step(dtype)
        one = ops.cast(1, dtype)
        bias1 = ops.subtract(one, ops.power(ops.cast(self.beta_1, dtype), t))
        bias2 = ops.subtract(one, ops.power(ops.cast(self.beta_2, dtype), t))
        alpha = ops.divide(ops.multiply(lr, ops.sqrt(bias2)), bias1)
        m, v = self._momentums[index], self._velocities[index]
        update_moment(m, g, 1 - self.beta_1)
        update_moment(v, ops.square(g), 1 - self.beta_2)
        second = v.value
        if self.amsgrad:
            v_hat = self._velocity_hats[index]
            second = ops.maximum(v_hat.value, second)
            v_hat.assign(second)
        self.assign_sub(variable, ops.divide(ops.multiply(m.value, alpha), ops.add(ops.sqrt(second), self.epsilon)))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "amsgrad": self.amsgrad}


__all__ = ["Adam"]
