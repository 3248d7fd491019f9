"""Adagrad: per-parameter rates scaled by the root of the sum of all past squared gradients.

>>> opt = Adagrad(learning_rate=0.01, initial_accumulator_value=0.1)
"""
from __future__ import annotations

from typing import Any, Sequence

from hornet.api import ops
from hornet.api.optimizers.base import Optimizer
from hornet.runtime.variables import Variable


class Adagrad(Optimizer):
    """``acc += g²``; ``w -= lr * g / sqrt(acc + epsilon)``, the accumulators starting at
    ``initial_accumulator_value``.

    >>> Adagrad(learning_rate=0.1).apply([np.ones(2, "float32")], [hornet.Variable(np.zeros(2, "float32"))])  # doctest: +SKIP
    """

    def __init__(self, learning_rate: Any = 0.001, initial_accumulator_value: float = 0.1, epsilon: float = 1e-7,
                 **kwargs: Any):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon

    def build(self, var_list: Sequence[Variable]) -> None:
        if self.built:
            return
        super().build(var_list)
        self._accumulators = self.add_optimizer_variables(var_list, "accumulator",
                                                          initializer=float(self.initial_accumulator_value))

    def update_step(self, gradient: Any, variable: Variable, learning_rate: Any) -> None:
        dtype = variable.dtype
        lr = ops.cast(learning_rate, dtype)
        g = ops.cast(gradient, dtype)
        acc = self._accumulators[self._get_variable_index(variable)]
        acc.assign(ops.add(acc.value, ops.square(g)))
        self.assign_sub(variable, ops.divide(ops.multiply(lr, g), ops.sqrt(ops.add(acc.value, self.epsilon))))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "initial_accumulator_value": self.initial_accumulator_value,
                "epsilon": self.epsilon}


__all__ = ["Adagrad"]
