"""``Optimizer``: the base class of hornet's optimizers (Keras 3 semantics and names), written once with
``hornet.ops``.

All state is ``hornet.Variable``s: ``iterations`` (int64), the learning rate (a float32 Variable unless a schedule
or callable is given) and the per-variable slots made in ``build``. Updates are ``Variable.assign`` calls, so
``apply`` runs eagerly and inside ``hornet.jit`` alike (where reads and writes become graph state), and setting
``optimizer.learning_rate = 0.1`` changes the rate of an already compiled step without retracing it.

>>> import hornet
>>> opt = hornet.optimizers.SGD(learning_rate=0.1)
>>> w = hornet.Variable(np.ones(2, "float32"))
>>> opt.apply([np.ones(2, "float32")], [w])
>>> w.numpy()
array([0.9, 0.9], dtype=float32)
"""
from __future__ import annotations

import re
import warnings
from typing import Any, Iterable, Sequence

import numpy as np

from hornet.api import ops
from hornet.api.optimizers import extras
from hornet.api.optimizers.clipping import clip_by_global_norm, clip_by_norm, clip_by_value
from hornet.api.optimizers.naming import auto_name, make_initial_value
from hornet.api.optimizers.schedules import LearningRateSchedule, deserialize as deserialize_schedule
from hornet.api.optimizers.schedules import serialize as serialize_schedule
from hornet.ir.dtypes import DEFAULT_FLOAT, dtype as to_dtype
from hornet.runtime.placement import place_variable
from hornet.runtime.variables import Variable


class Optimizer:
    """Base class: subclasses create slots in ``build(variables)`` and update one variable in
    ``update_step(gradient, variable, learning_rate)``.

    >>> class PlainSGD(Optimizer):
    ...     def update_step(self, gradient, variable, learning_rate):
    ...         lr = ops.cast(learning_rate, variable.dtype)
    ...         self.assign_sub(variable, ops.multiply(ops.cast(gradient, variable.dtype), lr))
    >>> PlainSGD(learning_rate=0.1).apply([np.ones(2, "float32")], [hornet.Variable(np.zeros(2))])  # doctest: +SKIP
    """

    def __init__(self, learning_rate: Any = 0.001, weight_decay: float | None = None,
                 clipnorm: float | None = None, clipvalue: float | None = None,
                 global_clipnorm: float | None = None, use_ema: bool = False, ema_momentum: float = 0.99,
                 ema_overwrite_frequency: int | None = None, loss_scale_factor: float | None = None,
                 gradient_accumulation_steps: int | None = None, name: str | None = None, **kwargs: Any):
        object.__setattr__(self, "_variables", [])
        object.__setattr__(self, "_tracked_ids", set())
        if kwargs.pop("decay", None) is not None:
            warnings.warn("Argument `decay` is no longer supported and will be ignored.")
        if kwargs:
            raise ValueError(f"Argument(s) not recognized: {kwargs}")
        _check_options(clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum, ema_overwrite_frequency,
                       gradient_accumulation_steps)
        self.name = name or auto_name(type(self).__name__)
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue
        self.global_clipnorm = global_clipnorm
        self.use_ema = use_ema
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.loss_scale_factor = loss_scale_factor
        self.gradient_accumulation_steps = gradient_accumulation_steps
        self.built = False
        self._trainable_variables: list[Variable] = []
        self._trainable_variables_indices: dict[int, int] = {}
        self._iterations = self._track(Variable(np.zeros((), np.int64), trainable=False, name="iteration"))
        if isinstance(learning_rate, LearningRateSchedule) or callable(learning_rate):
            self._learning_rate: Any = learning_rate
        else:
            self._learning_rate = self._track(Variable(_check_rate(learning_rate), dtype=DEFAULT_FLOAT,
                                                       trainable=False, name="learning_rate"))

    # ----------------------------------------------------------------------------------------- variables
    def __setattr__(self, name: str, value: Any) -> None:
        # like Keras, Variables (or lists of them) set as attributes, e.g. in a custom `build`, are tracked
        if isinstance(value, Variable):
            self._track(value)
        elif isinstance(value, (list, tuple)) and any(isinstance(v, Variable) for v in value):
            for v in value:
                if isinstance(v, Variable):
                    self._track(v)
        object.__setattr__(self, name, value)

    def _track(self, variable: Variable) -> Variable:
        if id(variable) not in self._tracked_ids:
            self._tracked_ids.add(id(variable))
            self._variables.append(variable)
        return variable

    def _untrack(self, variable: Variable) -> None:
        self._tracked_ids.discard(id(variable))
        self._variables[:] = [v for v in self._variables if v is not variable]

    @property
    def variables(self) -> list[Variable]:
        """All optimizer state, ``iterations`` first, in creation order (stable for checkpoints)."""
        return list(self._variables)

    @property
    def iterations(self) -> Any:
        """The step counter Variable (with gradient accumulation: the number of real updates, a tensor)."""
        if self.gradient_accumulation_steps:
            return ops.floor_divide(self._iterations.value, self.gradient_accumulation_steps)
        return self._iterations

    def _iterations_value(self) -> Any:
        it = self.iterations
        return it.value if isinstance(it, Variable) else it

    def local_step(self, dtype: Any, offset: int = 1) -> Any:
        """``iterations + offset`` as a tensor of ``dtype`` (the 1-based step of the update being made)."""
        return ops.cast(ops.add(self._iterations_value(), offset), dtype)

    def add_variable(self, shape: Sequence[int], initializer: Any = "zeros", dtype: Any = None,
                     aggregation: str = "none", layout: Any = None, name: str | None = None) -> Variable:
        """Create and track a non-trainable optimizer Variable (``initializer``: "zeros", "ones", a number, an
        array or a callable ``(shape, dtype)``)."""
        dtype = to_dtype(dtype or DEFAULT_FLOAT)
        value = make_initial_value(initializer, tuple(shape), dtype)
        var = Variable(value, shape=tuple(shape), dtype=dtype, trainable=False, name=name)
        if layout is not None:  # under a hornet.distribution: laid out as given (slots follow their weight)
            var._layout = layout
            place_variable(var)
        return self._track(var)

    def add_variable_from_reference(self, reference_variable: Variable, name: str | None = None,
                                    initializer: Any = "zeros") -> Variable:
        """A slot with the shape and dtype of ``reference_variable``, named ``{reference name}_{name}``."""
        ref = str(getattr(reference_variable, "path", reference_variable.name)).replace("/", "_").replace(":", "_")
        return self.add_variable(reference_variable.shape, initializer, reference_variable.dtype,
                                 layout=getattr(reference_variable, "_layout", None), name=f"{ref}_{name or 'var'}")

    def add_optimizer_variables(self, trainable_variables: Sequence[Variable], name: str | Sequence[str],
                                initializer: Any = "zeros") -> Any:
        """One slot per variable for each name (interleaved per variable, as Keras); a list, or a tuple of lists
        when ``name`` is a list. Variables with ``overwrite_with_gradient`` get ``None``."""
        names = [name] if isinstance(name, str) else list(name)
        inits = initializer if isinstance(initializer, (list, tuple)) else [initializer] * len(names)
        if len(inits) != len(names):
            raise ValueError(f"The number of provided names must match the number of provided initializers. "
                             f"Received name='{name}', initializer='{initializer}'")
        slots: tuple[list[Any], ...] = tuple([] for _ in names)
        for variable in trainable_variables:
            skip = getattr(variable, "overwrite_with_gradient", False)
            for i, (n, init) in enumerate(zip(names, inits)):
                slots[i].append(None if skip else self.add_variable_from_reference(variable, n, init))
        return slots[0] if isinstance(name, str) else slots

    def build(self, variables: Sequence[Variable]) -> None:
        """Create the slots for ``variables`` (subclasses extend this and return early when ``self.built``)."""
        variables = list(variables)
        if self.use_ema:
            self._model_variables_moving_average = self.add_optimizer_variables(variables, "average")
        if self.gradient_accumulation_steps:
            self._accumulated_gradients = [self.add_variable_from_reference(v, "gradient_accumulator")
                                           for v in variables]
        self._trainable_variables_indices = {id(v): i for i, v in enumerate(variables)}
        object.__setattr__(self, "_trainable_variables", variables)  # model variables: not optimizer state
        self.built = True

    def _get_variable_index(self, variable: Variable) -> int:
        return self._trainable_variables_indices[id(variable)]

    def _var_key(self, variable: Variable) -> int:
        return id(variable)

    # ------------------------------------------------------------------------------------- learning rate
    @property
    def learning_rate(self) -> Any:
        """The learning-rate Variable, or the schedule's (or callable's) value at the current step."""
        if isinstance(self._learning_rate, LearningRateSchedule):
            return self._learning_rate(self._iterations.value)
        if isinstance(self._learning_rate, Variable):
            return self._learning_rate
        if callable(self._learning_rate):
            return self._learning_rate()
        return self._learning_rate

    @learning_rate.setter
    def learning_rate(self, learning_rate: Any) -> None:
        previous = self._learning_rate if isinstance(self._learning_rate, Variable) else None
        if isinstance(learning_rate, LearningRateSchedule) or callable(learning_rate):
            self._learning_rate = learning_rate
            if previous is not None:
                self._untrack(previous)
            return
        if previous is None:
            raise TypeError("This optimizer was created with a `LearningRateSchedule` (or callable) as its "
                            "`learning_rate`, hence its learning rate is not settable. Create the optimizer with a "
                            "float `learning_rate` to be able to set it.")
        previous.assign(learning_rate.value if isinstance(learning_rate, Variable) else learning_rate)

    def _learning_rate_tensor(self) -> Any:
        lr = self.learning_rate
        return lr.value if isinstance(lr, Variable) else lr

    # -------------------------------------------------------------------------------------------- apply
    def assign(self, variable: Variable, value: Any) -> None:
        """``variable.assign(value)`` (the hook Keras-style ``update_step`` code calls)."""
        variable.assign(_read(value))

    def assign_add(self, variable: Variable, value: Any) -> None:
        variable.assign(ops.add(variable.value, _read(value)))

    def assign_sub(self, variable: Variable, value: Any) -> None:
        variable.assign(ops.subtract(variable.value, _read(value)))

    def update_step(self, gradient: Any, variable: Variable, learning_rate: Any) -> None:
        raise NotImplementedError(f"{type(self).__name__} must implement `update_step(gradient, variable, "
                                  "learning_rate)`.")

    def apply_gradients(self, grads_and_vars: Iterable[tuple[Any, Variable]]) -> Variable:
        """``apply`` on ``(gradient, variable)`` pairs; returns ``iterations``."""
        pairs = list(grads_and_vars)
        if pairs:
            grads, variables = zip(*pairs)
            self.apply(list(grads), list(variables))
        return self._iterations

    def apply(self, grads: Sequence[Any], trainable_variables: Sequence[Variable] | None = None) -> None:
        """Update ``trainable_variables`` (default: those the optimizer was built with) from ``grads`` (one per
        variable, ``None`` skipped), then count the step. Builds the optimizer on first use."""
        grads = list(grads)
        if not grads:
            return
        if trainable_variables is None:
            if not self.built:
                raise ValueError("When passing `grads` without `variables`, the optimizer must already be built "
                                 "on a list of variables. Call `optimizer.build(trainable_variables)` first.")
            variables = list(self._trainable_variables)
        else:
            variables = list(trainable_variables)
        if len(grads) != len(variables):
            raise ValueError(f"`grads` and `trainable_variables` must have the same length. Received "
                             f"{len(grads)} gradients for {len(variables)} variables.")
        if not self.built:
            self.build(variables)
        self._check_variables(grads, variables)
        grads, variables = extras.filter_empty_gradients(grads, variables)
        grads, variables = extras.overwrite_with_gradients(self, grads, variables)
        if grads:
            if self.loss_scale_factor is not None:
                grads = [ops.divide(g, self.loss_scale_factor) for g in grads]
            self._backend_apply_gradients(grads, variables)
            for variable in variables:
                constraint = getattr(variable, "constraint", None)
                if constraint is not None:
                    variable.assign(constraint(variable.value))
        self._iterations.assign(ops.add(self._iterations.value, np.int64(1)))

    def _check_variables(self, grads: Sequence[Any], variables: Sequence[Variable]) -> None:
        for g, v in zip(grads, variables):
            if id(v) not in self._trainable_variables_indices:
                raise ValueError(f"Unknown variable: {v}. This optimizer can only be called for the variables it "
                                 "was originally built with. When working with a new set of variables, you "
                                 "should recreate a new optimizer instance.")
            if g is not None and tuple(ops.shape(g)) != tuple(v.shape):
                raise ValueError(f"Gradient for variable '{v.name}' has shape {tuple(ops.shape(g))}, expected the "
                                 f"variable's shape {tuple(v.shape)}.")

    def _backend_apply_gradients(self, grads: list[Any], variables: list[Variable]) -> None:
        if self.gradient_accumulation_steps:
            extras.apply_with_accumulation(self, grads, variables)
        else:
            grads = self._clip_gradients(grads)
            self._apply_weight_decay(variables)
            self._backend_update_step(grads, variables, self._learning_rate_tensor())
        if self.use_ema:
            extras.update_moving_averages(self)

    def _backend_update_step(self, grads: Sequence[Any], variables: Sequence[Variable], learning_rate: Any) -> None:
        for grad, variable in zip(grads, variables):
            self.update_step(grad, variable, learning_rate)

    def _clip_gradients(self, grads: list[Any]) -> list[Any]:
        if self.clipnorm and self.clipnorm > 0:
            return [None if g is None else clip_by_norm(g, self.clipnorm) for g in grads]
        if self.global_clipnorm and self.global_clipnorm > 0:
            return clip_by_global_norm(grads, self.global_clipnorm)
        if self.clipvalue and self.clipvalue > 0:
            return clip_by_value(grads, self.clipvalue)
        return grads

    # ------------------------------------------------------------------------------------- weight decay
    def exclude_from_weight_decay(self, var_list: Sequence[Variable] | None = None,
                                  var_names: Sequence[str] | None = None) -> None:
        """Skip weight decay for the given Variables and for those whose name contains any of ``var_names``."""
        self._exclude_ids = {id(v) for v in var_list or ()}
        self._exclude_pattern = re.compile("|".join(sorted(set(var_names)))) if var_names else None

    def _use_weight_decay(self, variable: Variable) -> bool:
        if id(variable) in getattr(self, "_exclude_ids", ()):
            return False
        pattern = getattr(self, "_exclude_pattern", None)
        return not (pattern is not None and pattern.search(variable.name))

    def _apply_weight_decay(self, variables: Sequence[Variable]) -> None:
        if self.weight_decay is None:
            return
        lr = self._learning_rate_tensor()
        for v in variables:
            if self._use_weight_decay(v):
                decayed = ops.multiply(ops.multiply(v.value, ops.cast(self.weight_decay, v.dtype)),
                                       ops.cast(lr, v.dtype))
                v.assign(ops.subtract(v.value, decayed))

    # ---------------------------------------------------------------------------------------- utilities
    def scale_loss(self, loss: Any) -> Any:
        """``loss * loss_scale_factor`` when a factor is set (mixed precision), else ``loss``."""
        return loss if self.loss_scale_factor is None else ops.multiply(loss, self.loss_scale_factor)

    def finalize_variable_values(self, var_list: Sequence[Variable]) -> None:
        """With ``use_ema``, overwrite the model variables with their moving averages (end of training)."""
        if self.use_ema:
            extras.overwrite_with_averages(self, var_list)

    def set_weights(self, weights: Sequence[Any]) -> None:
        if not self.built:
            raise ValueError("You are calling `set_weights()` on an optimizer that has not yet been built. Call "
                             "`optimizer.build(trainable_variables)` first.")
        for variable, weight in zip(self._variables, weights):
            if tuple(np.shape(weight)) != tuple(variable.shape):
                raise ValueError(f"Optimizer variable '{variable.name}' has shape {variable.shape} not compatible "
                                 f"with provided weight shape {tuple(np.shape(weight))}.")
            variable.assign(weight)

    def save_own_variables(self, store: dict[str, Any]) -> None:
        for i, variable in enumerate(self._variables):
            store[str(i)] = variable.numpy()

    def load_own_variables(self, store: dict[str, Any]) -> None:
        if len(store.keys()) != len(self._variables):
            warnings.warn(f"Skipping variable loading for optimizer '{self.name}', because it has "
                          f"{len(self._variables)} variables whereas the saved optimizer has {len(store.keys())} "
                          "variables.", stacklevel=2)
            return
        for i, variable in enumerate(self._variables):
            variable.assign(store[str(i)])

    # ------------------------------------------------------------------------------------------- config
    def get_config(self) -> dict[str, Any]:
        lr = self._learning_rate
        if isinstance(lr, LearningRateSchedule):
            lr = serialize_schedule(lr)
        elif isinstance(lr, Variable):
            lr = float(lr.numpy())
        return {"name": self.name, "learning_rate": lr, "weight_decay": self.weight_decay,
                "clipnorm": self.clipnorm, "global_clipnorm": self.global_clipnorm, "clipvalue": self.clipvalue,
                "use_ema": self.use_ema, "ema_momentum": self.ema_momentum,
                "ema_overwrite_frequency": self.ema_overwrite_frequency, "loss_scale_factor": self.loss_scale_factor,
                "gradient_accumulation_steps": self.gradient_accumulation_steps}

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: Any = None) -> "Optimizer":
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = deserialize_schedule(config["learning_rate"], custom_objects)
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name='{self.name}' built={self.built}>"


def _read(value: Any) -> Any:
    """A Variable's current value (symbolic while tracing), anything else as is."""
    return value.value if isinstance(value, Variable) else value


def _check_rate(learning_rate: Any) -> float:
    if isinstance(learning_rate, Variable):
        return float(learning_rate.numpy())
    if isinstance(learning_rate, (bool, str)) or not np.isscalar(learning_rate) and np.ndim(learning_rate) != 0:
        raise ValueError("Argument `learning_rate` should be float, or an instance of LearningRateSchedule, or a "
                         "callable (that takes in the current iteration value and returns the corresponding "
                         f"learning rate value). Received instead: learning_rate={learning_rate!r}")
    return float(learning_rate)


def _check_options(clipnorm: Any, clipvalue: Any, global_clipnorm: Any, use_ema: bool, ema_momentum: float,
                   ema_overwrite_frequency: Any, gradient_accumulation_steps: Any) -> None:
    if gradient_accumulation_steps is not None and not (
            isinstance(gradient_accumulation_steps, int) and gradient_accumulation_steps >= 2):
        raise ValueError("`gradient_accumulation_steps` must be an integer >= 2. Received: "
                         f"gradient_accumulation_steps={gradient_accumulation_steps}")
    if use_ema:
        if not 0 <= ema_momentum <= 1:
            raise ValueError(f"`ema_momentum` must be in the range [0, 1]. Received: ema_momentum={ema_momentum}")
        if ema_overwrite_frequency and (not isinstance(ema_overwrite_frequency, int) or ema_overwrite_frequency < 1):
            raise ValueError("`ema_overwrite_frequency` must be an integer >= 1 or None. Received: "
                             f"ema_overwrite_frequency={ema_overwrite_frequency}")
    if sum(a is not None for a in (clipnorm, clipvalue, global_clipnorm)) > 1:
        raise ValueError("Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. Received: "
                         f"clipnorm={clipnorm}, clipvalue={clipvalue}, global_clipnorm={global_clipnorm}")


__all__ = ["Optimizer"]
