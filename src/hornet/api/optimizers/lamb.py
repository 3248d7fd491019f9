"""LAMB: Adam moments with a layer-wise trust ratio ``||w|| / ||update||`` (You et al., 2019), for large batches.

>>> opt = Lamb(learning_rate=1e-3)
"""
from __future__ import annotations

from typing import Any

from hornet.api import ops
from hornet.api.optimizers.moments import MomentOptimizer, update_moment
from hornet.runtime.variables import Variable


class Lamb(MomentOptimizer):
    """``m``, ``v`` as in Adam; ``u = (m / (1 - beta_1^t)) / (sqrt(v / (1 - beta_2^t)) + epsilon)``;
    ``w -= lr · r · u`` with ``r = ||w|| / ||u||`` (1 when either norm is 0), one ratio per variable.

    >>> Lamb(learning_rate=0.01).apply([np.ones(2, "float32")], [hornet.Variable(np.ones(2, "float32"))])  # doctest: +SKIP
    """

    def update_step(self, gradient: Any, variable: Variable, learning_rate: Any) -> None:
        dtype = variable.dtype
        lr = ops.cast(learning_rate, dtype)
        g = ops.cast(gradient, dtype)
        t = self.local_step(dtype)
        one = ops.cast(1.0, dtype)
        index = self._get_variable_index(variable)
        m, v = self._momentums[index], self._velocities[index]
        update_moment(m, g, 1 - self.beta_1)
        update_moment(v, ops.square(g), 1 - self.beta_2)
        m_hat = ops.divide(m.value, ops.subtract(one, ops.power(ops.cast(self.beta_1, dtype), t)))
        v_hat = ops.divide(v.value, ops.subtract(one, ops.power(ops.cast(self.beta_2, dtype), t)))
        update = ops.divide(m_hat, ops.add(ops.sqrt(v_hat), self.epsilon))
        w_norm = ops.sqrt(ops.sum(ops.square(variable.value)))
        u_norm = ops.sqrt(ops.sum(ops.square(update)))
        both = ops.logical_and(ops.greater(w_norm, 0), ops.greater(u_norm, 0))
        ratio = ops.where(both, ops.divide(w_norm, ops.where(both, u_norm, one)), one)
        self.assign_sub(variable, ops.multiply(ops.multiply(ratio, lr), update))


__all__ = ["Lamb"]
