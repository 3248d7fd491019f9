"""ScheduleFreeAdamW: AdamW without a learning-rate schedule, by interpolation and averaging (Defazio et al.,
2024, "The Road Less Scheduled").

>>> opt = ScheduleFreeAdamW(learning_rate=0.0025, warmup_steps=100)
"""
from __future__ import annotations

from typing import Any, Sequence

from hornet.api import ops
from hornet.api.optimizers.base import Optimizer
from hornet.api.optimizers.moments import update_moment
from hornet.runtime.variables import Variable


class ScheduleFreeAdamW(Optimizer):
    """Three sequences per variable: ``z`` (the "momentum" slot, where the Adam steps land), ``x`` (the uniform
    average of the ``z`` iterates) and ``y = (1 - beta_1) z + beta_1 x``, which the model variable holds (the
    point where gradients are taken). At step ``t`` (lr scaled by ``min(t / warmup_steps, 1)`` when
    ``warmup_steps > 0``):

    ``v = beta_2 v + (1 - beta_2) g²``; ``z -= lr g / (sqrt(v / (1 - beta_2^t)) + epsilon)``;
    ``x = (1 - 1/t) x + z / t`` (``x`` recovered from ``y`` and the previous ``z``); ``y = (1 - beta_1) z +
    beta_1 x``. ``z`` starts at the variable's value. Weight decay (``weight_decay``) shrinks ``y`` before
    each step, as in the other hornet and Keras optimizers.

    >>> opt = ScheduleFreeAdamW(learning_rate=0.01)
    >>> opt.get_config()["epsilon"]
    1e-08
    """

    def __init__(self, learning_rate: Any = 0.0025, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: float = 1e-8, warmup_steps: int = 0, weight_decay: float | None = None, **kwargs: Any):
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay, **kwargs)
        if not 0 < beta_1 <= 1:
            raise ValueError("ScheduleFreeAdamW: `beta_1` must be in (0, 1] (the model variable is the "
                             f"interpolation (1 - beta_1) * z + beta_1 * x). Received: beta_1={beta_1}")
        if isinstance(warmup_steps, bool) or not isinstance(warmup_steps, (int, float)) or warmup_steps < 0:
            raise ValueError("ScheduleFreeAdamW: `warmup_steps` must be a number >= 0. Received: "
                             f"warmup_steps={warmup_steps!r}")
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.warmup_steps = warmup_steps

    def build(self, var_list: Sequence[Variable]) -> None:
        if self.built:
            return
        super().build(var_list)
        self._momentums: list[Any] = []
        self._velocities: list[Any] = []
        for var in var_list:
            if getattr(var, "overwrite_with_gradient", False):
                self._momentums.append(None)
                self._velocities.append(None)
                continue
            # z starts at the weights. The concrete current value, not an assign: a build inside a trace would
            # otherwise record the copy into every compiled step
            self._momentums.append(self.add_variable_from_reference(var, "momentum", initializer=var.numpy()))
            self._velocities.append(self.add_variable_from_reference(var, "velocity"))

    def update_step(self, gradient: Any, variable: Variable, learning_rate: Any) -> None:
        dtype = variable.dtype
        lr = ops.cast(learning_rate, dtype)
        g = ops.cast(gradient, dtype)
        t = self.local_step(dtype)
        one = ops.cast(1, dtype)
        beta_1, beta_2 = ops.cast(self.beta_1, dtype), ops.cast(self.beta_2, dtype)
        if self.warmup_steps > 0:
            lr = ops.multiply(lr, ops.minimum(ops.divide(t, ops.cast(self.warmup_steps, dtype)), one))
        index = self._get_variable_index(variable)
        z, v = self._momentums[index], self._velocities[index]
        z_old = z.value
        update_moment(v, ops.square(g), ops.subtract(one, beta_2))
        denom = ops.add(ops.sqrt(ops.divide(v.value, ops.subtract(one, ops.power(beta_2, t)))),
                        ops.cast(self.epsilon, dtype))
        z.assign(ops.subtract(z_old, ops.divide(ops.multiply(lr, g), denom)))
        weight = ops.divide(one, t)
        one_minus_beta_1 = ops.subtract(one, beta_1)
        x_old = ops.divide(ops.subtract(variable.value, ops.multiply(one_minus_beta_1, z_old)), beta_1)
        x_new = ops.add(ops.multiply(ops.subtract(one, weight), x_old), ops.multiply(weight, z.value))
        self.assign(variable, ops.add(ops.multiply(one_minus_beta_1, z.value), ops.multiply(beta_1, x_new)))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon,
                "warmup_steps": self.warmup_steps}


__all__ = ["ScheduleFreeAdamW"]
