"""Nadam: Adam with Nesterov momentum (Dozat's momentum schedule ``mu_t = beta_1 (1 - 0.5 * 0.96^t)``).

>>> opt = Nadam(learning_rate=1e-3)
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from hornet.api import ops
from hornet.api.optimizers.moments import MomentOptimizer, update_moment
from hornet.ir.dtypes import DEFAULT_FLOAT
from hornet.runtime.variables import Variable


class Nadam(MomentOptimizer):
    """Adam whose first-moment estimate looks one step ahead; the product of the momentum schedule is a Variable
    (``u_product``) updated once per step.

    >>> Nadam(learning_rate=0.01).apply([np.ones(2, "float32")], [hornet.Variable(np.zeros(2, "float32"))])  # doctest: +SKIP
    """

    def build(self, var_list: Sequence[Variable]) -> None:
        if self.built:
            return
        dtype = var_list[0].dtype if var_list else DEFAULT_FLOAT
        super().build(var_list)
        self._u_product = Variable(np.ones((), dtype.np), trainable=False, name="u_product")

    def _mu(self, dtype: Any, offset: int) -> Any:
        """The momentum schedule ``beta_1 * (1 - 0.5 * 0.96^(iterations + offset))``."""
        decay = ops.power(ops.cast(0.96, dtype), self.local_step(dtype, offset))
        return ops.multiply(ops.cast(self.beta_1, dtype), ops.subtract(ops.cast(1.0, dtype),
                                                                       ops.multiply(ops.cast(0.5, dtype), decay)))

    def _backend_update_step(self, grads: Sequence[Any], variables: Sequence[Variable], learning_rate: Any) -> None:
        self._u_product.assign(ops.multiply(self._u_product.value, self._mu(self._u_product.dtype, 1)))
        super()._backend_update_step(grads, variables, learning_rate)

    def update_step(self, gradient: Any, variable: Variable, learning_rate: Any) -> None:
        dtype = variable.dtype
        index = self._get_variable_index(variable)
        lr = ops.cast(learning_rate, dtype)
        g = ops.cast(gradient, dtype)
        one = ops.cast(1.0, dtype)
        u_t, u_next = self._mu(dtype, 1), self._mu(dtype, 2)
        u_product = ops.cast(self._u_product.value, dtype)
        u_product_next = ops.multiply(u_product, u_next)
        beta_2_power = ops.power(ops.cast(self.beta_2, dtype), self.local_step(dtype))
        m, v = self._momentums[index], self._velocities[index]
        update_moment(m, g, ops.subtract(one, self.beta_1))
        update_moment(v, ops.square(g), ops.subtract(one, self.beta_2))
        m_hat = ops.add(ops.divide(ops.multiply(u_next, m.value), ops.subtract(one, u_product_next)),
                        ops.divide(ops.multiply(ops.subtract(one, u_t), g), ops.subtract(one, u_product)))
        v_hat = ops.divide(v.value, ops.subtract(one, beta_2_power))
        self.assign_sub(variable, ops.divide(ops.multiply(m_hat, lr), ops.add(ops.sqrt(v_hat), self.epsilon)))


__all__ = ["Nadam"]
