"""Lion: sign-of-momentum updates (Chen et al., 2023).

>>> opt = Lion(learning_rate=1e-4, beta_1=0.9, beta_2=0.99)
"""
from __future__ import annotations

from typing import Any, Sequence

from hornet.api import ops
from hornet.api.optimizers.base import Optimizer
from hornet.runtime.variables import Variable


class Lion(Optimizer):
    """``w -= lr * sign(beta_1 m + (1 - beta_1) g)``; then ``m = beta_2 m + (1 - beta_2) g``.

    >>> Lion(learning_rate=0.01).apply([np.ones(2, "float32")], [hornet.Variable(np.zeros(2, "float32"))])  # doctest: +SKIP
    """

    def __init__(self, learning_rate: Any = 0.001, beta_1: float = 0.9, beta_2: float = 0.99, **kwargs: Any):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        if beta_1 <= 0 or beta_1 > 1:
            raise ValueError("Argument `beta_1` must be in the [0, 1] range. Otherwise, the optimizer degenerates "
                             f"to SignSGD. Received: beta_1={beta_1}.")

    def build(self, var_list: Sequence[Variable]) -> None:
        if self.built:
            return
        super().build(var_list)
        self._momentums = self.add_optimizer_variables(var_list, "momentum")

    def update_step(self, gradient: Any, variable: Variable, learning_rate: Any) -> None:
        dtype = variable.dtype
        lr = ops.cast(learning_rate, dtype)
        g = ops.cast(gradient, dtype)
        beta_1, beta_2 = ops.cast(self.beta_1, dtype), ops.cast(self.beta_2, dtype)
        one = ops.cast(1.0, dtype)
        m = self._momentums[self._get_variable_index(variable)]
        direction = ops.sign(ops.add(ops.multiply(m.value, beta_1), ops.multiply(g, ops.subtract(one, beta_1))))
        self.assign_sub(variable, ops.multiply(lr, direction))
        m.assign(ops.add(ops.multiply(m.value, beta_2), ops.multiply(g, ops.subtract(one, beta_2))))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2}


__all__ = ["Lion"]
