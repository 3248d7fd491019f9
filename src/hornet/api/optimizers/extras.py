"""The optional parts of ``Optimizer.apply``: skipping ``None`` gradients, variables overwritten by their
gradient, gradient accumulation and the exponential moving average (EMA) of the weights.

Accumulation and EMA overwrites select with ``ops.where`` rather than branch, so one graph serves every step
(as Keras on JAX): the update is computed every step and kept only on update steps.
"""
from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any, Sequence

from hornet.api import ops
from hornet.runtime.variables import Variable

if TYPE_CHECKING:
    from hornet.api.optimizers.base import Optimizer


def filter_empty_gradients(grads: Sequence[Any], variables: Sequence[Variable]) -> tuple[list[Any], list[Variable]]:
    """Drop ``(None, variable)`` pairs; warn about them, and fail when no gradient is left."""
    kept = [(g, v) for g, v in zip(grads, variables) if g is not None]
    if not kept:
        raise ValueError("No gradients provided for any variable.")
    if len(kept) < len(grads):
        missing = [v.name for g, v in zip(grads, variables) if g is None]
        warnings.warn(f"Gradients do not exist for variables {missing} when minimizing the loss. If using "
                      "`model.compile()`, did you forget to provide a `loss` argument?")
    return [g for g, _ in kept], [v for _, v in kept]


def _is_update_step(opt: "Optimizer") -> Any:
    steps = opt.gradient_accumulation_steps
    return ops.equal(ops.mod(ops.add(opt._iterations.value, 1), steps), 0)


def overwrite_with_gradients(opt: "Optimizer", grads: list[Any],
                             variables: list[Variable]) -> tuple[list[Any], list[Variable]]:
    """Variables flagged ``overwrite_with_gradient`` (e.g. float8 scales) take their gradient as their new value
    (with accumulation: the running maximum, applied on update steps); they leave the normal update."""
    if not any(getattr(v, "overwrite_with_gradient", False) for v in variables):
        return grads, variables
    rest_g, rest_v = [], []
    for g, v in zip(grads, variables):
        if not getattr(v, "overwrite_with_gradient", False):
            rest_g.append(g)
            rest_v.append(v)
        elif opt.gradient_accumulation_steps:
            update = _is_update_step(opt)
            acc = opt._accumulated_gradients[opt._get_variable_index(v)]
            peak = ops.maximum(ops.cast(g, v.dtype), acc.value)
            v.assign(ops.where(update, peak, v.value))
            acc.assign(ops.where(update, ops.zeros_like(acc.value), peak))
        else:
            v.assign(g)
    return rest_g, rest_v


def apply_with_accumulation(opt: "Optimizer", grads: list[Any], variables: list[Variable]) -> None:
    """Add ``grads`` to the accumulators; every ``gradient_accumulation_steps``-th step, update with their mean."""
    steps = opt.gradient_accumulation_steps
    update = _is_update_step(opt)
    accs = [opt._accumulated_gradients[opt._get_variable_index(v)] for v in variables]
    old_model = [v.value for v in variables]
    old_state = [v.value for v in opt.variables]
    sums = [ops.add(ops.cast(g, a.dtype), a.value) for g, a in zip(grads, accs)]
    new_accs = [ops.where(update, ops.zeros_like(s), s) for s in sums]
    grads = [ops.where(update, ops.divide(s, ops.cast(steps, a.dtype)), ops.cast(g, a.dtype))
             for g, s, a in zip(grads, sums, accs)]
    grads = opt._clip_gradients(grads)
    opt._apply_weight_decay(variables)
    opt._backend_update_step(grads, variables, opt._learning_rate_tensor())
    for v, old in zip(variables, old_model):
        v.assign(ops.where(update, v.value, old))
    for v, old in zip(opt.variables, old_state):
        v.assign(ops.where(update, v.value, old))
    for a, new in zip(accs, new_accs):
        a.assign(new)


def update_moving_averages(opt: "Optimizer") -> None:
    """``average = m * average + (1 - m) * variable`` (``m = 0`` on the first step), then, every
    ``ema_overwrite_frequency`` steps, copy the averages into the variables."""
    first = ops.equal(opt._iterations_value(), 0)
    for v, avg in zip(opt._trainable_variables, opt._model_variables_moving_average):
        if avg is None:
            continue
        momentum = ops.multiply(ops.cast(ops.logical_not(first), v.dtype), ops.cast(opt.ema_momentum, v.dtype))
        avg.assign(ops.add(ops.multiply(momentum, avg.value),
                           ops.multiply(ops.subtract(ops.cast(1, v.dtype), momentum), v.value)))
    if opt.ema_overwrite_frequency:
        overwrite = ops.equal(ops.mod(ops.add(opt._iterations_value(), 1), opt.ema_overwrite_frequency), 0)
        for v, avg in zip(opt._trainable_variables, opt._model_variables_moving_average):
            if avg is not None:
                v.assign(ops.where(overwrite, avg.value, v.value))


def overwrite_with_averages(opt: "Optimizer", variables: Sequence[Variable]) -> None:
    """Copy the moving averages into ``variables`` (the ones the optimizer was built with, in order)."""
    averages = opt._model_variables_moving_average
    if len(variables) != len(averages):
        raise ValueError(f"The length of model variables ({len(variables)}) to override does not match the length "
                         f"of model variables stored in the optimizer ({len(averages)}). Please check if the "
                         "optimizer was called on your model.")
    for v, avg in zip(variables, averages):
        if avg is not None:
            v.assign(avg.value)


__all__ = ["filter_empty_gradients", "overwrite_with_gradients", "apply_with_accumulation",
           "update_moving_averages", "overwrite_with_averages"]
