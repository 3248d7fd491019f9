"""What the Adam-family optimizers share: Keras's ``beta_1``, ``beta_2`` and ``epsilon`` arguments, a first and a
second moment slot per variable, and the moving-average step that updates a moment.

>>> from hornet.api.optimizers.lamb import Lamb
>>> Lamb(beta_2=0.99).get_config()["beta_2"]
0.99
"""
from __future__ import annotations

from typing import Any, Sequence

from hornet.api import ops
from hornet.api.optimizers.base import Optimizer
from hornet.runtime.variables import Variable


class MomentOptimizer(Optimizer):
    """An optimizer with Keras's ``beta_1``, ``beta_2`` and ``epsilon`` arguments (kept in its config) and, per
    variable, the slots ``_momentums`` ("momentum") and ``_velocities`` (named by ``second_moment``).

    >>> class Plain(MomentOptimizer):
    ...     second_moment = "velocity"
    """

    second_moment = "velocity"  # the second slot's name, as Keras names it for the subclass

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
        self._momentums, self._velocities = self.add_optimizer_variables(var_list, ["momentum", self.second_moment])

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon}


def update_moment(moment: Variable, value: Any, rate: Any) -> None:
    """``moment += rate * (value - moment)``: the moving average ``beta * moment + (1 - beta) * value`` for
    ``rate = 1 - beta``."""
    moment.assign(ops.add(moment.value, ops.multiply(ops.subtract(value, moment.value), rate)))


__all__ = ["MomentOptimizer", "update_moment"]
