"""Adadelta: a per-dimension rate from running averages of squared gradients and squared updates.

>>> opt = Adadelta(learning_rate=1.0, rho=0.95)
"""
from __future__ import annotations

from typing import Any, Sequence

from hornet.api import ops
from hornet.api.optimizers.base import Optimizer
from hornet.runtime.variables import Variable


class Adadelta(Optimizer):
    """``E[g²] = rho E[g²] + (1 - rho) g²``; ``d = -sqrt(E[d²] + eps) / sqrt(E[g²] + eps) * g``;
    ``E[d²] = rho E[d²] + (1 - rho) d²``; ``w += lr * d``.

    >>> Adadelta(learning_rate=1.0).apply([np.ones(2, "float32")], [hornet.Variable(np.zeros(2, "float32"))])  # doctest: +SKIP
    """

    def __init__(self, learning_rate: Any = 0.001, rho: float = 0.95, epsilon: float = 1e-7, **kwargs: Any):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.rho = rho
        self.epsilon = epsilon

    def build(self, var_list: Sequence[Variable]) -> None:
        if self.built:
            return
        super().build(var_list)
        self._accumulated_grads, self._accumulated_delta_vars = self.add_optimizer_variables(
            var_list, ["accumulated_grad", "accumulated_delta_var"])

    def update_step(self, grad: Any, variable: Variable, learning_rate: Any) -> None:
        dtype = variable.dtype
        index = self._get_variable_index(variable)
        lr = ops.cast(learning_rate, dtype)
        g = ops.cast(grad, dtype)
        rho = self.rho
        acc_grad, acc_delta = self._accumulated_grads[index], self._accumulated_delta_vars[index]

        def rms(x: Any) -> Any:
            return ops.sqrt(ops.add(x, self.epsilon))

        acc_grad.assign(ops.add(ops.multiply(rho, acc_grad.value), ops.multiply(1 - rho, ops.square(g))))
        delta = ops.negative(ops.divide(ops.multiply(rms(acc_delta.value), g), rms(acc_grad.value)))
        acc_delta.assign(ops.add(ops.multiply(rho, acc_delta.value), ops.multiply(1 - rho, ops.square(delta))))
        self.assign_add(variable, ops.multiply(lr, delta))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}


__all__ = ["Adadelta"]
