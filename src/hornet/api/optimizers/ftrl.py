"""FTRL-Proximal ("Follow The Regularized Leader"), as in McMahan et al., 2013, with L1, L2 and L2-shrinkage
regularization and the ``beta`` term of the paper.

>>> opt = Ftrl(learning_rate=0.05, l1_regularization_strength=0.01)
"""
from __future__ import annotations

from typing import Any, Sequence

from hornet.api import ops
from hornet.api.optimizers.base import Optimizer
from hornet.runtime.variables import Variable


class Ftrl(Optimizer):
    """Per coordinate, with ``p = -learning_rate_power`` (0.5 by default) and accumulator ``n``:
    ``n' = n + g²``, ``z += g + 2·l2_shrinkage·w - (n'^p - n^p) / lr · w``,
    ``w = (clip(z, -l1, l1) - z) / (n'^p / lr + 2·(l2 + beta / (2 lr)))``.

    >>> Ftrl(learning_rate=0.1).apply([np.ones(2, "float32")], [hornet.Variable(np.zeros(2, "float32"))])  # doctest: +SKIP
    """

    def __init__(self, learning_rate: Any = 0.001, learning_rate_power: float = -0.5,
                 initial_accumulator_value: float = 0.1, l1_regularization_strength: float = 0.0,
                 l2_regularization_strength: float = 0.0, l2_shrinkage_regularization_strength: float = 0.0,
                 beta: float = 0.0, **kwargs: Any):
        super().__init__(learning_rate=learning_rate, **kwargs)
        checks = {"initial_accumulator_value": (initial_accumulator_value, "positive or zero"),
                  "l1_regularization_strength": (l1_regularization_strength, "positive or zero"),
                  "l2_regularization_strength": (l2_regularization_strength, "positive or zero"),
                  "l2_shrinkage_regularization_strength": (l2_shrinkage_regularization_strength, "positive or zero")}
        for arg, (value, want) in checks.items():
            if value < 0.0:
                raise ValueError(f"`{arg}` needs to be {want}. Received: {arg}={value}.")
        if learning_rate_power > 0.0:
            raise ValueError("`learning_rate_power` needs to be negative or zero. Received: "
                             f"learning_rate_power={learning_rate_power}.")
        self.learning_rate_power = learning_rate_power
        self.initial_accumulator_value = initial_accumulator_value
        self.l1_regularization_strength = l1_regularization_strength
        self.l2_regularization_strength = l2_regularization_strength
        self.l2_shrinkage_regularization_strength = l2_shrinkage_regularization_strength
        self.beta = beta

    def build(self, var_list: Sequence[Variable]) -> None:
        if self.built:
            return
        super().build(var_list)
        self._accumulators, self._linears = self.add_optimizer_variables(
            var_list, ["accumulator", "linear"], initializer=[float(self.initial_accumulator_value), "zeros"])

    def update_step(self, gradient: Any, variable: Variable, learning_rate: Any) -> None:
        dtype = variable.dtype
        lr = ops.cast(learning_rate, dtype)
        g = ops.cast(gradient, dtype)
        index = self._get_variable_index(variable)
        accum, linear = self._accumulators[index], self._linears[index]
        power = -self.learning_rate_power
        l2 = ops.add(ops.cast(self.l2_regularization_strength, dtype), ops.divide(self.beta, ops.multiply(2.0, lr)))
        w = variable.value
        shrunk = ops.add(g, ops.multiply(2 * self.l2_shrinkage_regularization_strength, w))
        new_accum = ops.add(accum.value, ops.square(g))
        sigma = ops.divide(ops.subtract(ops.power(new_accum, power), ops.power(accum.value, power)), lr)
        linear.assign(ops.add(linear.value, ops.subtract(shrunk, ops.multiply(sigma, w))))
        quadratic = ops.add(ops.divide(ops.power(new_accum, power), lr), ops.multiply(2.0, l2))
        l1 = self.l1_regularization_strength
        z = linear.value
        self.assign(variable, ops.divide(ops.subtract(ops.clip(z, -l1, l1), z), quadratic))
        accum.assign(new_accum)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "learning_rate_power": self.learning_rate_power,
                "initial_accumulator_value": self.initial_accumulator_value,
                "l1_regularization_strength": self.l1_regularization_strength,
                "l2_regularization_strength": self.l2_regularization_strength,
                "l2_shrinkage_regularization_strength": self.l2_shrinkage_regularization_strength,
                "beta": self.beta}


__all__ = ["Ftrl"]
