"""Muon: momentum SGD whose update is orthogonalized by a Newton-Schulz iteration (Jordan et al.; Liu et al.,
2025), for 2-D weight matrices; every other variable takes an AdamW step.

>>> opt = Muon(learning_rate=1e-3, exclude_layers=["output_dense"])
"""
from __future__ import annotations

import math
import re
from typing import Any, Sequence

from hornet.api import ops
from hornet.api.optimizers.base import Optimizer
from hornet.runtime.variables import Variable


def _path(variable: Variable) -> str:
    return str(getattr(variable, "path", variable.name))


class Muon(Optimizer):
    """Muon for 2-D variables, AdamW (``adam_*`` arguments) for the rest.

    A variable takes the AdamW step when it is not 2-D, when ``exclude_embeddings`` is set and its path contains
    "embedding", or when its path matches a regular expression of ``exclude_layers``. Otherwise:
    ``m = momentum * m + g``; ``u = g + momentum * m`` (Nesterov) or ``m``; ``w -= lr * NS(u) * sqrt(max(rows,
    cols)) * rms_rate`` where ``NS`` is ``ns_steps`` quintic Newton-Schulz steps with coefficients ``muon_a``,
    ``muon_b``, ``muon_c`` (``rms_rate=None``: no rescaling). The AdamW step uses ``learning_rate *
    adam_lr_ratio``. Weight decay is ``weight_decay`` for Muon variables and ``adam_weight_decay`` for the others.

    >>> opt = Muon(learning_rate=0.02, ns_steps=5, nesterov=True)
    >>> opt.get_config()["momentum"]
    0.95
    """

    def __init__(self, learning_rate: Any = 0.001, adam_beta_1: float = 0.9, adam_beta_2: float = 0.999,
                 adam_weight_decay: float | None = 0.004, epsilon: float = 1e-7, weight_decay: float | None = 0.004,
                 clipnorm: float | None = None, clipvalue: float | None = None,
                 global_clipnorm: float | None = None, use_ema: bool = False, ema_momentum: float = 0.99,
                 ema_overwrite_frequency: int | None = None, loss_scale_factor: float | None = None,
                 gradient_accumulation_steps: int | None = None, name: str | None = None,
                 exclude_layers: Sequence[str] | None = None, exclude_embeddings: bool = True,
                 muon_a: float = 3.4445, muon_b: float = -4.7750, muon_c: float = 2.0315,
                 adam_lr_ratio: float = 1, momentum: float = 0.95, ns_steps: int = 5, nesterov: bool = True,
                 rms_rate: float | None = 0.2, **kwargs: Any):
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, name=name, **kwargs)
        if isinstance(ns_steps, bool) or not isinstance(ns_steps, int) or ns_steps < 0:
            raise ValueError(f"Muon: `ns_steps` must be an integer >= 0. Received: ns_steps={ns_steps!r}")
        if isinstance(exclude_layers, str) or not all(isinstance(k, str) for k in exclude_layers or []):
            raise ValueError("Muon: `exclude_layers` must be a list of strings (regular expressions matched "
                             f"against variable paths). Received: exclude_layers={exclude_layers!r}")
        self.adam_beta_1 = adam_beta_1
        self.adam_beta_2 = adam_beta_2
        self.epsilon = epsilon
        self.muon_a = muon_a
        self.muon_b = muon_b
        self.muon_c = muon_c
        self.adam_lr_ratio = adam_lr_ratio
        self.momentum = momentum
        self.ns_steps = ns_steps
        self.nesterov = nesterov
        self.exclude_embeddings = exclude_embeddings
        self.exclude_layers = list(exclude_layers or [])
        self.adam_weight_decay = adam_weight_decay
        self.rms_rate = rms_rate

    def _should_use_adamw(self, variable: Variable) -> bool:
        if len(variable.shape) != 2:
            return True
        path = _path(variable)
        if self.exclude_embeddings and "embedding" in path.lower():
            return True
        return any(re.search(keyword, path) for keyword in self.exclude_layers)

    def build(self, var_list: Sequence[Variable]) -> None:
        if self.built:
            return
        super().build(var_list)
        # one momentum per variable (Muon and AdamW), a velocity only for the AdamW ones; created per variable
        # in order, as Keras does, so the optimizer variables line up with a Keras checkpoint
        self.momentums: list[Any] = [None] * len(var_list)
        self.adam_velocities: list[Any] = [None] * len(var_list)
        for var in var_list:
            if getattr(var, "overwrite_with_gradient", False):
                continue
            index = self._get_variable_index(var)
            self.momentums[index] = self.add_variable_from_reference(var, "momentum")
            if self._should_use_adamw(var):
                self.adam_velocities[index] = self.add_variable_from_reference(var, "velocity")

    def update_step(self, gradient: Any, variable: Variable, learning_rate: Any) -> None:
        index = self._get_variable_index(variable)
        m, v = self.momentums[index], self.adam_velocities[index]
        if v is not None:
            self._adamw_update_step(gradient, variable, ops.multiply(learning_rate, self.adam_lr_ratio), m, v)
        else:
            self._muon_update_step(gradient, variable, learning_rate, m)

    def _muon_update_step(self, gradient: Any, variable: Variable, lr: Any, m: Variable) -> None:
        dtype = variable.dtype
        g = ops.cast(gradient, dtype)
        m.assign(ops.add(m.value, ops.add(g, ops.multiply(m.value, ops.cast(self.momentum - 1, dtype)))))
        direction = ops.add(g, ops.multiply(ops.cast(self.momentum, dtype), m.value)) if self.nesterov else m.value
        update = self.zeropower_via_newtonschulz5(direction, self.ns_steps)
        self.assign_sub(variable, self.lr_adjust(ops.multiply(ops.cast(lr, dtype), update)))

    def _adamw_update_step(self, gradient: Any, variable: Variable, learning_rate: Any, m: Variable,
                           v: Variable) -> None:
        dtype = variable.dtype
        lr = ops.cast(learning_rate, dtype)
        g = ops.cast(gradient, dtype)
        t = self.local_step(dtype)
        one = ops.cast(1, dtype)
        beta_1_power = ops.power(ops.cast(self.adam_beta_1, dtype), t)
        beta_2_power = ops.power(ops.cast(self.adam_beta_2, dtype), t)
        alpha = ops.divide(ops.multiply(lr, ops.sqrt(ops.subtract(one, beta_2_power))),
                           ops.subtract(one, beta_1_power))
        m.assign(ops.add(m.value, ops.multiply(ops.subtract(g, m.value), 1 - self.adam_beta_1)))
        v.assign(ops.add(v.value, ops.multiply(ops.subtract(ops.square(g), v.value), 1 - self.adam_beta_2)))
        self.assign_sub(variable, ops.divide(ops.multiply(m.value, alpha), ops.add(ops.sqrt(v.value), self.epsilon)))

    def transpose_last_axis(self, x: Any) -> Any:
        """``x`` with its last two axes swapped."""
        return ops.swapaxes(x, -2, -1)

    def lr_adjust(self, x: Any) -> Any:
        """Scale a 2-D update by ``sqrt(max(rows, cols)) * rms_rate`` (Moonlight's rule, so Muon can share
        AdamW's learning rate and weight decay); ``x`` as is when ``rms_rate`` is None."""
        if self.rms_rate is None:
            return x
        shape = ops.shape(x)
        return ops.multiply(ops.multiply(x, math.sqrt(max(shape[0], shape[1]))), self.rms_rate)

    def zeropower_via_newtonschulz5(self, x: Any, steps: int) -> Any:
        """An approximate orthogonalization ``U S' V^T`` of ``x`` (``S'`` near the identity) by ``steps``
        quintic Newton-Schulz iterations on its last two axes, after scaling its spectral norm to at most 1."""
        shape = tuple(ops.shape(x))
        if len(shape) < 2:
            raise ValueError(f"Muon: expected the gradient or momentum to have at least 2 dimensions. Received: "
                             f"shape={shape}")
        tall = shape[-2] > shape[-1]
        if tall:  # iterate on the smaller Gram matrix
            x = self.transpose_last_axis(x)
        x = ops.divide(x, ops.add(ops.norm(x, axis=(-2, -1), keepdims=True), 1e-7))
        for _ in range(steps):
            gram = ops.matmul(x, self.transpose_last_axis(x))
            poly = ops.add(ops.multiply(self.muon_b, gram), ops.multiply(self.muon_c, ops.matmul(gram, gram)))
            x = ops.add(ops.multiply(self.muon_a, x), ops.matmul(poly, x))
        return self.transpose_last_axis(x) if tall else x

    def _apply_weight_decay(self, variables: Sequence[Variable]) -> None:
        lr = self._learning_rate_tensor()
        for v in variables:
            if not self._use_weight_decay(v):
                continue
            decay = self.adam_weight_decay if self._should_use_adamw(v) else self.weight_decay
            if decay is None:
                continue
            decayed = ops.multiply(ops.multiply(v.value, ops.cast(decay, v.dtype)), ops.cast(lr, v.dtype))
            v.assign(ops.subtract(v.value, decayed))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "adam_beta_1": self.adam_beta_1, "adam_beta_2": self.adam_beta_2,
                "epsilon": self.epsilon, "exclude_layers": self.exclude_layers, "muon_a": self.muon_a,
                "muon_b": self.muon_b, "muon_c": self.muon_c, "adam_lr_ratio": self.adam_lr_ratio,
                "momentum": self.momentum, "ns_steps": self.ns_steps, "nesterov": self.nesterov,
                "exclude_embeddings": self.exclude_embeddings, "adam_weight_decay": self.adam_weight_decay,
                "rms_rate": self.rms_rate}


__all__ = ["Muon"]
