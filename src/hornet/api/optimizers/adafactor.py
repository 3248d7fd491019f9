"""Adafactor: Adam-like steps with a factored second moment (row and column means for rank >= 2 variables), so
the optimizer state is sublinear in the variable size (Shazeer & Stern, 2018).

>>> opt = Adafactor(learning_rate=1e-2)
"""
from __future__ import annotations

from typing import Any, Sequence

from hornet.api import ops
from hornet.api.optimizers.base import Optimizer
from hornet.runtime.variables import Variable


def _rms(x: Any) -> Any:
    return ops.sqrt(ops.mean(ops.square(x)))


class Adafactor(Optimizer):
    """With ``t`` the step, ``beta = 1 - t^beta_2_decay`` and ``G = g² + epsilon_1``: rank >= 2 variables keep
    ``r = beta r + (1 - beta) mean(G, -1)``, ``c = beta c + (1 - beta) mean(G, -2)`` and use
    ``v = (r / mean(r)) ⊗ c``; others keep ``v = beta v + (1 - beta) G``. Then ``u = g / sqrt(v)``,
    ``û = u / max(1, rms(u) / clip_threshold)`` and ``w -= max(epsilon_2, rms(w)) · min(lr, 1/sqrt(t)) · û``.

    >>> Adafactor().apply([np.ones((2, 2), "float32")], [hornet.Variable(np.ones((2, 2), "float32"))])  # doctest: +SKIP
    """

    def __init__(self, learning_rate: Any = 0.001, beta_2_decay: float = -0.8, epsilon_1: float = 1e-30,
                 epsilon_2: float = 1e-3, clip_threshold: float = 1.0, relative_step: bool = True, **kwargs: Any):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_2_decay = beta_2_decay
        self.epsilon_1 = epsilon_1
        self.epsilon_2 = epsilon_2
        self.clip_threshold = clip_threshold
        self.relative_step = relative_step

    def build(self, var_list: Sequence[Variable]) -> None:
        if self.built:
            return
        super().build(var_list)
        self._r: list[Any] = []
        self._c: list[Any] = []
        self._v: list[Any] = []
        for var in var_list:
            shape = tuple(var.shape)
            skip = getattr(var, "overwrite_with_gradient", False)
            if len(shape) < 2:
                # placeholders (as Keras), so the variable list has the same layout for every rank
                self._r.append(self.add_variable((), "zeros", "int32", name=var.name))
                self._c.append(self.add_variable((), "zeros", "int32", name=var.name))
            elif skip:
                self._r.append(None)
                self._c.append(None)
            else:
                self._r.append(self.add_variable(shape[:-1], "zeros", var.dtype, name=var.name))
                self._c.append(self.add_variable(shape[:-2] + shape[-1:], "zeros", var.dtype, name=var.name))
            self._v.append(None if skip else self.add_variable_from_reference(var, "velocity"))

    def update_step(self, gradient: Any, variable: Variable, learning_rate: Any) -> None:
        dtype = variable.dtype
        lr = ops.cast(learning_rate, dtype)
        g = ops.cast(gradient, dtype)
        one = ops.cast(1.0, dtype)
        t = self.local_step(dtype)
        index = self._get_variable_index(variable)
        r, c, v = self._r[index], self._c[index], self._v[index]
        rho = ops.minimum(lr, ops.divide(one, ops.sqrt(t)))  # the relative step size (and its cap)
        alpha = ops.multiply(ops.maximum(ops.cast(self.epsilon_2, dtype), _rms(variable.value)), rho)
        sq = ops.add(ops.square(g), ops.cast(self.epsilon_1, dtype))
        beta = ops.subtract(one, ops.power(t, ops.cast(self.beta_2_decay, dtype)))
        keep = ops.subtract(one, beta)
        if len(variable.shape) >= 2:
            r.assign(ops.add(ops.multiply(beta, r.value), ops.multiply(keep, ops.mean(sq, axis=-1))))
            c.assign(ops.add(ops.multiply(beta, c.value), ops.multiply(keep, ops.mean(sq, axis=-2))))
            row = ops.divide(r.value, ops.mean(r.value, axis=-1, keepdims=True))
            v.assign(ops.multiply(ops.expand_dims(row, -1), ops.expand_dims(c.value, -2)))
        else:
            v.assign(ops.add(ops.multiply(beta, v.value), ops.multiply(keep, sq)))
        u = ops.divide(g, ops.sqrt(v.value))
        u = ops.divide(u, ops.maximum(one, ops.divide(_rms(u), self.clip_threshold)))
        self.assign_sub(variable, ops.multiply(alpha, u))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "beta_2_decay": self.beta_2_decay, "epsilon_1": self.epsilon_1,
                "epsilon_2": self.epsilon_2, "clip_threshold": self.clip_threshold,
                "relative_step": self.relative_step}


__all__ = ["Adafactor"]
