"""``LossScaleOptimizer``: dynamic loss scaling around another optimizer (for float16 training).

The loss is multiplied by ``dynamic_scale`` (``scale_loss``) so small float16 gradients do not underflow; ``apply``
divides the gradients by it again. A step with any non-finite gradient is skipped and halves the scale; after
``dynamic_growth_steps`` finite steps in a row the scale doubles. The skip is an ``ops.where`` over the inner
optimizer's and the model's variables, not a branch, so eagerly and inside ``hornet.jit`` it is one straight-line
graph (the update is computed every step and kept only when the gradients were finite).

>>> opt = LossScaleOptimizer(SGD(learning_rate=0.1), initial_scale=1024.0)   # doctest: +SKIP
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from hornet.api import ops
from hornet.api.optimizers.base import Optimizer
from hornet.runtime.variables import Variable

# Keras still accepts these base-optimizer arguments (at their defaults only) when reading old configs.
_BASE_DEFAULTS = {"weight_decay": None, "clipnorm": None, "global_clipnorm": None, "clipvalue": None,
                  "use_ema": False, "ema_momentum": 0.99, "ema_overwrite_frequency": None,
                  "loss_scale_factor": None, "gradient_accumulation_steps": None}


class LossScaleOptimizer(Optimizer):
    """Wraps ``inner_optimizer`` with dynamic loss scaling (``initial_scale``, doubled after
    ``dynamic_growth_steps`` finite steps, halved on a non-finite one, whose update is skipped).

    >>> opt = LossScaleOptimizer(Adam())                                       # doctest: +SKIP
    >>> loss = opt.scale_loss(loss)      # in the train step, before taking gradients    # doctest: +SKIP
    >>> opt.apply(grads, variables)      # unscales, checks, updates or skips            # doctest: +SKIP
    """

    def __init__(self, inner_optimizer: Optimizer, initial_scale: float = 2.0 ** 15,
                 dynamic_growth_steps: int = 2000, name: str | None = None, **kwargs: Any):
        if not kwargs.pop("dynamic", True):
            raise ValueError("LossScaleOptimizer no longer supports `dynamic=False`. Instead, simply set "
                             "`loss_scale_factor` directly on the `inner_optimizer`.")
        for arg, default in _BASE_DEFAULTS.items():
            if arg in kwargs and kwargs.pop(arg) != default:
                raise ValueError(f"LossScaleOptimizer does not support `{arg}`. Instead, set `{arg}` on the "
                                 "`inner_optimizer`.")
        if kwargs:
            raise ValueError(f"LossScaleOptimizer does not support arguments: `{'`, `'.join(kwargs)}`.")
        if not isinstance(inner_optimizer, Optimizer):
            raise TypeError(f"LossScaleOptimizer: `inner_optimizer` must be an Optimizer instance. Received: "
                            f"{inner_optimizer!r} (of type {type(inner_optimizer).__name__})")
        if int(dynamic_growth_steps) < 1:
            raise ValueError(f"`dynamic_growth_steps` must be an integer >= 1. Received: "
                             f"dynamic_growth_steps={dynamic_growth_steps}")
        super().__init__(learning_rate=0.0, name=name)
        self.inner_optimizer = inner_optimizer
        self.initial_scale = initial_scale
        self.dynamic_growth_steps = dynamic_growth_steps
        self.inner_optimizer.loss_scale_factor = None  # else the gradients would be unscaled twice

    def build(self, var_list: Sequence[Variable]) -> None:
        if self.built:
            return
        self.step_counter = self.add_variable((), "zeros", "int32", name="step_counter")
        self.dynamic_scale = self.add_variable((), float(self.initial_scale), "float32", name="dynamic_scale")
        self.inner_optimizer.build(var_list)
        super().build(var_list)

    @property
    def variables(self) -> list[Variable]:
        """Own state (``iterations``, ``learning_rate``, ``step_counter``, ``dynamic_scale``), then the inner
        optimizer's."""
        return list(self._variables) + self.inner_optimizer.variables

    @property
    def learning_rate(self) -> Any:
        return self.inner_optimizer.learning_rate

    @learning_rate.setter
    def learning_rate(self, learning_rate: Any) -> None:
        self.inner_optimizer.learning_rate = learning_rate

    @property
    def iterations(self) -> Any:
        return self.inner_optimizer.iterations

    def check_finite(self, grads: Sequence[Any]) -> Any:
        """A boolean scalar: every given gradient (``None`` skipped) is free of inf and NaN."""
        flags = [ops.all(ops.isfinite(g)) for g in grads if g is not None]
        return ops.all(ops.stack(flags)) if flags else ops.convert_to_tensor(True)

    def apply(self, grads: Sequence[Any], trainable_variables: Sequence[Variable] | None = None) -> None:
        """Unscale ``grads`` and apply them with the inner optimizer when all are finite; otherwise keep every
        variable as it was. Then grow or shrink the scale."""
        grads = list(grads)
        if not self.built:
            if trainable_variables is None:
                raise ValueError("When passing `grads` without `variables`, the optimizer must already be built "
                                 "on a list of variables. Call `optimizer.build(trainable_variables)` first.")
            self.build(trainable_variables)
        variables = list(trainable_variables) if trainable_variables is not None else list(self._trainable_variables)
        if len(grads) != len(variables):
            raise ValueError(f"`grads` and `trainable_variables` must have the same length. Received "
                             f"{len(grads)} gradients for {len(variables)} variables.")
        finite = self.check_finite(grads)
        scale = self.dynamic_scale.value
        unscaled = [g if g is None or getattr(v, "overwrite_with_gradient", False)
                    else ops.divide(g, scale) for g, v in zip(grads, variables)]
        state = variables + self.inner_optimizer.variables
        before = [v.value for v in state]
        self.inner_optimizer.apply(unscaled, trainable_variables)
        for v, old in zip(state, before):
            v.assign(ops.where(finite, v.value, old))
        counter = self.step_counter.value
        grow = ops.logical_and(finite, ops.equal(counter, self.dynamic_growth_steps - 1))
        zero = ops.zeros_like(counter)
        self.step_counter.assign(ops.where(grow, zero, ops.where(finite, ops.add(counter, np.int32(1)), zero)))
        factor = ops.where(grow, np.float32(2.0), ops.where(finite, np.float32(1.0), np.float32(0.5)))
        self.dynamic_scale.assign(ops.multiply(scale, factor))

    def scale_loss(self, loss: Any) -> Any:
        """``loss * dynamic_scale`` (``initial_scale`` before the optimizer is built)."""
        return ops.multiply(loss, self.dynamic_scale.value if self.built else self.initial_scale)

    def finalize_variable_values(self, var_list: Sequence[Variable]) -> None:
        self.inner_optimizer.finalize_variable_values(var_list)

    def get_config(self) -> dict[str, Any]:
        from hornet.api.optimizers import serialize

        return {"name": self.name, "inner_optimizer": serialize(self.inner_optimizer),
                "initial_scale": self.initial_scale, "dynamic_growth_steps": self.dynamic_growth_steps}

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: Any = None) -> "LossScaleOptimizer":
        from hornet.api.optimizers import deserialize

        config = dict(config)
        inner = config.pop("inner_optimizer")
        if not isinstance(inner, Optimizer):
            inner = deserialize(inner, custom_objects=custom_objects)
        return cls(inner, **config)


__all__ = ["LossScaleOptimizer"]
