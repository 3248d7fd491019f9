"""Recurrent layers: the cells ``SimpleRNNCell``/``LSTMCell``/``GRUCell``, the generic ``RNN(cell)`` loop and the
``SimpleRNN``/``LSTM``/``GRU`` layers (Keras 3 arguments, weights and semantics).

The time loop is one ``scan`` prim in the IR (never a Python loop), so a traced model has a single
loop node whatever the sequence length, and the length may be symbolic.

>>> lstm = LSTM(16, return_sequences=True)                     # doctest: +SKIP
>>> lstm(np.zeros((4, 7, 8), "float32")).shape
(4, 7, 16)
"""
from __future__ import annotations

import inspect
from typing import Any

import numpy as np

from hornet.api import activations, constraints, initializers, regularizers
from hornet.api import ops
from hornet.api.layers.layer import Layer, check_rank
from hornet.api.random import SeedGenerator, dropout as random_dropout
from hornet.api.saving.serialize import deserialize_layer, serialize_layer
from hornet.runtime.variables import StateScope, Variable


def _nested(x: Any) -> bool:
    return isinstance(x, (list, tuple))


# --- cells ----------------------------------------------------------------------------------------------------------


class _GatedCell(Layer):
    """Shared arguments, weights and dropout masks of the built-in cells (``_gates`` blocks of ``units``)."""

    _gates = 1
    _has_recurrent_activation = True

    def __init__(self, units: int, activation: Any = "tanh", recurrent_activation: Any = "sigmoid",
                 use_bias: bool = True, kernel_initializer: Any = "glorot_uniform",
                 recurrent_initializer: Any = "orthogonal", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, recurrent_regularizer: Any = None, bias_regularizer: Any = None,
                 kernel_constraint: Any = None, recurrent_constraint: Any = None, bias_constraint: Any = None,
                 dropout: float = 0.0, recurrent_dropout: float = 0.0, seed: int | None = None, **kwargs: Any):
        if not isinstance(units, int) or isinstance(units, bool) or units <= 0:
            raise ValueError(f"{type(self).__name__}: `units` must be a positive integer, got units={units!r}")
        kwargs.pop("implementation", None)  # Keras's kernel-splitting strategy: no effect on results
        super().__init__(**kwargs)
        self.units = units
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.dropout = min(1.0, max(0.0, float(dropout)))
        self.recurrent_dropout = min(1.0, max(0.0, float(recurrent_dropout)))
        self.seed = seed
        self.seed_generator = SeedGenerator(seed=seed)
        self._dropout_mask = None
        self._recurrent_dropout_mask = None
        self.state_size: Any = units
        self.output_size = units

    def _bias_shape(self) -> tuple[int, ...]:
        return (self._gates * self.units,)

    def _bias_initializer(self) -> Any:
        return self.bias_initializer

    def build(self, input_shape: Any) -> None:
        n = self._gates * self.units
        self.kernel = self.add_weight(shape=(input_shape[-1], n), initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint,
                                      name="kernel")
        self.recurrent_kernel = self.add_weight(shape=(self.units, n), initializer=self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint, name="recurrent_kernel")
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(shape=self._bias_shape(), initializer=self._bias_initializer(),
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint,
                                        name="bias")
        self.built = True

    # Masks are drawn once per sequence (the same mask at every step), outside the time loop.
    def get_dropout_mask(self, step_input: Any) -> Any:
        if self._dropout_mask is None and self.dropout > 0:
            self._dropout_mask = random_dropout(ops.ones_like(step_input), self.dropout, seed=self.seed_generator)
        return self._dropout_mask

    def get_recurrent_dropout_mask(self, state: Any) -> Any:
        if self._recurrent_dropout_mask is None and self.recurrent_dropout > 0:
            self._recurrent_dropout_mask = random_dropout(ops.ones_like(state), self.recurrent_dropout,
                                                          seed=self.seed_generator)
        return self._recurrent_dropout_mask

    def reset_dropout_mask(self) -> None:
        self._dropout_mask = None

    def reset_recurrent_dropout_mask(self) -> None:
        self._recurrent_dropout_mask = None

    def _dropped(self, x: Any, h: Any, training: Any) -> tuple[Any, Any]:
        if training and 0.0 < self.dropout < 1.0:
            x = x * self.get_dropout_mask(x)
        if training and 0.0 < self.recurrent_dropout < 1.0:
            h = h * self.get_recurrent_dropout_mask(h)
        return x, h

    def get_initial_state(self, batch_size: Any = None) -> list[Any]:
        sizes = self.state_size if _nested(self.state_size) else [self.state_size]
        return [ops.zeros((batch_size, d), dtype=self.compute_dtype) for d in sizes]

    def get_config(self) -> dict[str, Any]:
        config = {"units": self.units, "activation": activations.serialize(self.activation)}
        if self._has_recurrent_activation:
            config["recurrent_activation"] = activations.serialize(self.recurrent_activation)
        config.update({
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "recurrent_regularizer": regularizers.serialize(self.recurrent_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "recurrent_constraint": constraints.serialize(self.recurrent_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "dropout": self.dropout, "recurrent_dropout": self.recurrent_dropout, "seed": self.seed})
        return {**super().get_config(), **config}


class SimpleRNNCell(_GatedCell):
    """One step of a fully-connected RNN: ``h = activation(x @ kernel + bias + h_prev @ recurrent_kernel)``.

    >>> cell = SimpleRNNCell(8)                                        # doctest: +SKIP
    >>> out, [h] = cell(np.ones((2, 3), "float32"), [np.zeros((2, 8), "float32")])
    """

    _has_recurrent_activation = False

    def __init__(self, units: int, activation: Any = "tanh", use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform", recurrent_initializer: Any = "orthogonal",
                 bias_initializer: Any = "zeros", kernel_regularizer: Any = None, recurrent_regularizer: Any = None,
                 bias_regularizer: Any = None, kernel_constraint: Any = None, recurrent_constraint: Any = None,
                 bias_constraint: Any = None, dropout: float = 0.0, recurrent_dropout: float = 0.0,
                 seed: int | None = None, **kwargs: Any):
        super().__init__(units, activation, None, use_bias, kernel_initializer, recurrent_initializer,
                         bias_initializer, kernel_regularizer, recurrent_regularizer, bias_regularizer,
                         kernel_constraint, recurrent_constraint, bias_constraint, dropout, recurrent_dropout,
                         seed, **kwargs)

    def call(self, sequence: Any, states: Any, training: bool = False) -> tuple[Any, Any]:
        prev = states[0] if _nested(states) else states
        x, h = self._dropped(sequence, prev, training)
        z = ops.matmul(x, self.kernel)
        if self.bias is not None:
            z = z + self.bias
        out = self.activation(z + ops.matmul(h, self.recurrent_kernel))
        return out, ([out] if _nested(states) else out)


class LSTMCell(_GatedCell):
    """One LSTM step (gates i, f, c, o); states ``[h, c]``. ``unit_forget_bias`` starts the forget bias at 1.

    >>> cell = LSTMCell(8)                                             # doctest: +SKIP
    >>> h, [h, c] = cell(x_t, [h0, c0])
    """

    _gates = 4

    def __init__(self, units: int, activation: Any = "tanh", recurrent_activation: Any = "sigmoid",
                 use_bias: bool = True, kernel_initializer: Any = "glorot_uniform",
                 recurrent_initializer: Any = "orthogonal", bias_initializer: Any = "zeros",
                 unit_forget_bias: bool = True, kernel_regularizer: Any = None, recurrent_regularizer: Any = None,
                 bias_regularizer: Any = None, kernel_constraint: Any = None, recurrent_constraint: Any = None,
                 bias_constraint: Any = None, dropout: float = 0.0, recurrent_dropout: float = 0.0,
                 seed: int | None = None, **kwargs: Any):
        super().__init__(units, activation, recurrent_activation, use_bias, kernel_initializer,
                         recurrent_initializer, bias_initializer, kernel_regularizer, recurrent_regularizer,
                         bias_regularizer, kernel_constraint, recurrent_constraint, bias_constraint, dropout,
                         recurrent_dropout, seed, **kwargs)
        self.unit_forget_bias = unit_forget_bias
        self.state_size = [units, units]

    def _bias_initializer(self) -> Any:
        if not self.unit_forget_bias:
            return self.bias_initializer
        base, u = self.bias_initializer, self.units

        def init(shape: Any, dtype: Any = None) -> Any:
            ones = initializers.get("ones")
            return np.concatenate([np.asarray(base((u,), dtype)), np.asarray(ones((u,), dtype)),
                                   np.asarray(base((2 * u,), dtype))])

        return init

    def call(self, inputs: Any, states: Any, training: bool = False) -> tuple[Any, Any]:
        h_prev, c_prev = states[0], states[1]
        x, h = self._dropped(inputs, h_prev, training)
        z = ops.matmul(x, self.kernel) + ops.matmul(h, self.recurrent_kernel)
        if self.bias is not None:
            z = z + self.bias
        zi, zf, zc, zo = ops.split(z, 4, axis=-1)
        act, rec = self.activation, self.recurrent_activation
        c = rec(zf) * c_prev + rec(zi) * act(zc)
        h = rec(zo) * act(c)
        return h, [h, c]

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "unit_forget_bias": self.unit_forget_bias}


class GRUCell(_GatedCell):
    """One GRU step (gates z, r, h). ``reset_after=True`` (the default, cuDNN-style) applies the reset gate after
    the recurrent matmul and keeps separate input and recurrent biases (bias shape ``(2, 3 * units)``).

    >>> cell = GRUCell(8)                                              # doctest: +SKIP
    >>> h, [h] = cell(x_t, [h0])
    """

    _gates = 3

    def __init__(self, units: int, activation: Any = "tanh", recurrent_activation: Any = "sigmoid",
                 use_bias: bool = True, kernel_initializer: Any = "glorot_uniform",
                 recurrent_initializer: Any = "orthogonal", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, recurrent_regularizer: Any = None, bias_regularizer: Any = None,
                 kernel_constraint: Any = None, recurrent_constraint: Any = None, bias_constraint: Any = None,
                 dropout: float = 0.0, recurrent_dropout: float = 0.0, reset_after: bool = True,
                 seed: int | None = None, **kwargs: Any):
        super().__init__(units, activation, recurrent_activation, use_bias, kernel_initializer,
                         recurrent_initializer, bias_initializer, kernel_regularizer, recurrent_regularizer,
                         bias_regularizer, kernel_constraint, recurrent_constraint, bias_constraint, dropout,
                         recurrent_dropout, seed, **kwargs)
        self.reset_after = reset_after

    def _bias_shape(self) -> tuple[int, ...]:
        return (2, 3 * self.units) if self.reset_after else (3 * self.units,)

    def call(self, inputs: Any, states: Any, training: bool = False) -> tuple[Any, Any]:
        h_prev = states[0] if _nested(states) else states
        x, h = self._dropped(inputs, h_prev, training)
        u, rec = self.units, self.recurrent_activation
        if self.bias is None:
            b_in = b_rec = None
        elif self.reset_after:
            b_in, b_rec = self.bias[0], self.bias[1]
        else:
            b_in, b_rec = self.bias, None
        xz = ops.matmul(x, self.kernel)
        if b_in is not None:
            xz = xz + b_in
        x_z, x_r, x_h = ops.split(xz, 3, axis=-1)
        if self.reset_after:
            hz = ops.matmul(h, self.recurrent_kernel)
            if b_rec is not None:
                hz = hz + b_rec
            h_z, h_r, h_h = ops.split(hz, 3, axis=-1)
            z, r = rec(x_z + h_z), rec(x_r + h_r)
            hh = self.activation(x_h + r * h_h)
        else:
            h_z, h_r = ops.split(ops.matmul(h, self.recurrent_kernel[:, :2 * u]), 2, axis=-1)
            z, r = rec(x_z + h_z), rec(x_r + h_r)
            hh = self.activation(x_h + ops.matmul(r * h, self.recurrent_kernel[:, 2 * u:]))
        new = z * h_prev + (1.0 - z) * hh
        return new, ([new] if _nested(states) else new)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "reset_after": self.reset_after}


# --- the time loop --------------------------------------------------------------------------------------------------


class RNN(Layer):
    """Run a cell over the time axis (axis 1) of ``(batch, time, ...)`` inputs.

    ``cell`` has ``call(inputs, states) -> (output, new_states)`` and ``state_size``. Masked steps (a
    ``(batch, time)`` mask, e.g. from ``Embedding(mask_zero=True)``) keep the previous states; their output is
    the previous output, or zeros with ``zero_output_for_mask``. ``go_backwards`` runs from the last step and
    returns sequences in that processing order. ``unroll`` is accepted and ignored (the compiler decides).

    >>> rnn = RNN(LSTMCell(16), return_sequences=True, return_state=True)   # doctest: +SKIP
    >>> seq, h, c = rnn(x)
    """

    def __init__(self, cell: Any, return_sequences: bool = False, return_state: bool = False,
                 go_backwards: bool = False, stateful: bool = False, unroll: bool = False,
                 zero_output_for_mask: bool = False, **kwargs: Any):
        if _nested(cell):
            raise NotImplementedError("RNN: a list of cells (StackedRNNCells) is not supported; stack RNN layers")
        if not callable(getattr(cell, "call", None)) or getattr(cell, "state_size", None) is None:
            raise ValueError(f"RNN: `cell` needs a `call` method and a `state_size` attribute, got cell={cell!r}")
        super().__init__(**kwargs)
        self.cell = cell
        self.return_sequences = return_sequences
        self.return_state = return_state
        self.go_backwards = go_backwards
        self.stateful = stateful
        self.unroll = unroll
        self.zero_output_for_mask = zero_output_for_mask
        self.supports_masking = True
        size = cell.state_size
        self.state_size = list(size) if _nested(size) else [size]
        self.single_state = not _nested(size)
        object.__setattr__(self, "states", None)  # stateful state Variables are not weights (as in Keras)

    def build(self, sequences_shape: Any, initial_state_shape: Any = None) -> None:
        step_shape = (sequences_shape[0],) + tuple(sequences_shape[2:])
        if isinstance(self.cell, Layer) and not self.cell.built:
            self.cell.build(step_shape)
            self.cell.built = True
        if self.stateful and self.states is None:
            if sequences_shape[0] is None:
                raise ValueError(f"{self.name}: a stateful RNN needs a static batch size; got input shape "
                                 f"{tuple(sequences_shape)}")
            dt = getattr(self.cell, "compute_dtype", "float32")
            object.__setattr__(self, "states", [
                Variable(np.zeros((sequences_shape[0], d), dt), trainable=False, name=f"{self.name}/rnn_state")
                for d in self.state_size])
        self.built = True

    def get_initial_state(self, batch_size: Any) -> list[Any]:
        fn = getattr(self.cell, "get_initial_state", None)
        if fn is None:
            return [ops.zeros((batch_size, d), dtype=self.compute_dtype) for d in self.state_size]
        init = fn(batch_size=batch_size)
        return list(init) if _nested(init) else [init]

    def reset_state(self) -> None:
        for v in self.states or []:
            v.assign(ops.zeros_like(v.value))

    reset_states = reset_state

    def call(self, sequences: Any, initial_state: Any = None, mask: Any = None, training: bool = False) -> Any:
        if len(sequences.shape) < 3:
            check_rank(self, sequences, 3, "input (batch, timesteps, features)")
        if initial_state is None:
            initial_state = ([v.value for v in self.states] if self.stateful
                             else self.get_initial_state(ops.shape(sequences)[0]))
        states = [ops.cast(s, self.cell.compute_dtype) if isinstance(self.cell, Layer) else s
                  for s in (list(initial_state) if _nested(initial_state) else [initial_state])]
        if len(states) != len(self.state_size):
            raise ValueError(f"{self.name}: the cell has {len(self.state_size)} state(s) (state_size="
                             f"{self.state_size}), but initial_state has {len(states)} tensor(s)")
        if training and hasattr(self.cell, "get_dropout_mask"):
            self.cell.get_dropout_mask(sequences[:, 0])
            self.cell.get_recurrent_dropout_mask(states[0])
        try:
            last, outputs, new_states = self._loop(sequences, states, mask, training)
        finally:
            if hasattr(self.cell, "reset_dropout_mask"):
                self.cell.reset_dropout_mask()
                self.cell.reset_recurrent_dropout_mask()
        if self.stateful:
            for v, s in zip(self.states, new_states):
                v.assign(s)
        output = outputs if self.return_sequences else last
        return (output, *new_states) if self.return_state else output

    def _loop(self, sequences: Any, states: list[Any], mask: Any, training: Any) -> tuple[Any, Any, list[Any]]:
        cell = self.cell
        cell_call = cell if isinstance(cell, Layer) else cell.call
        takes_training = "training" in inspect.signature(cell.call).parameters
        kw = {"training": training} if takes_training else {}
        xs = ops.moveaxis(sequences, 1, 0)
        if mask is not None:
            if len(mask.shape) != 2:
                raise ValueError(f"{self.name}: the mask must have shape (batch, timesteps), got shape "
                                 f"{tuple(mask.shape)} for inputs of shape {tuple(sequences.shape)}")
            xs = (xs, ops.moveaxis(ops.cast(mask, "bool"), 1, 0))
        zero_out = self.zero_output_for_mask

        def step(carry: list[Any], x: Any) -> tuple[list[Any], Any]:
            x_t, m_t = x if mask is not None else (x, None)
            out, new = cell_call(x_t, list(carry), **kw)
            new = list(new) if _nested(new) else [new]
            if m_t is not None:
                prev_out = ops.zeros_like(out) if zero_out else carry[0]
                out = ops.where(_expand(m_t, out), out, prev_out)
                new = [ops.where(_expand(m_t, n), n, s) for n, s in zip(new, carry)]
            return new, out

        # The cell reads its weights once, outside the loop; the loop body captures those tensors.
        weights = cell.weights if isinstance(cell, Layer) else []
        with StateScope({v: v.value for v in weights}):
            final, outputs = ops.scan(step, states, xs, reverse=self.go_backwards)
        if self.go_backwards:
            outputs = ops.flip(outputs, axis=0)
        return outputs[-1], ops.moveaxis(outputs, 0, 1), list(final)

    def compute_mask(self, inputs: Any, previous_mask: Any = None) -> Any:
        if _nested(previous_mask):
            previous_mask = previous_mask[0]
        out = previous_mask if self.return_sequences else None
        return [out] + [None] * len(self.state_size) if self.return_state else out

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "return_sequences": self.return_sequences,
                "return_state": self.return_state, "go_backwards": self.go_backwards, "stateful": self.stateful,
                "unroll": self.unroll, "zero_output_for_mask": self.zero_output_for_mask,
                "cell": serialize_layer(self.cell)}

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: dict[str, Any] | None = None) -> "RNN":
        config = dict(config)
        return cls(deserialize_layer(config.pop("cell"), custom_objects), **config)


def _expand(m: Any, like: Any) -> Any:
    """A (batch,) bool mask shaped to broadcast against ``like`` (batch, ...)."""
    return ops.reshape(m, (-1,) + (1,) * (len(like.shape) - 1))


# --- SimpleRNN / LSTM / GRU --------------------------------------------------------------------------------------

_LOOP_ARGS = ("return_sequences", "return_state", "go_backwards", "stateful", "unroll")
# Keras exposes the cell's arguments as read-only properties of the layer.
_CELL_PROPERTIES = frozenset((
    "units", "activation", "recurrent_activation", "use_bias", "unit_forget_bias", "reset_after",
    "kernel_initializer", "recurrent_initializer", "bias_initializer", "kernel_regularizer", "recurrent_regularizer",
    "bias_regularizer", "kernel_constraint", "recurrent_constraint", "bias_constraint", "dropout",
    "recurrent_dropout", "seed"))


class _CellRNN(RNN):
    """An RNN over a built-in cell, configured with the cell's arguments flattened in (as Keras does)."""

    _cell_class: type = _GatedCell

    def __init__(self, args: dict[str, Any]):
        args = {k: v for k, v in args.items() if k not in ("self", "__class__")}
        kwargs = args.pop("kwargs")
        args.pop("use_cudnn", None)
        cell_params = inspect.signature(self._cell_class.__init__).parameters
        cell_args = {k: v for k, v in args.items() if k in cell_params}
        cell = self._cell_class(**cell_args, dtype=kwargs.get("dtype"), trainable=kwargs.get("trainable", True),
                                name=f"{_snake(self._cell_class.__name__)}")
        loop = {k: args[k] for k in _LOOP_ARGS}
        super().__init__(cell, **loop, activity_regularizer=args.get("activity_regularizer"), **kwargs)

    def __getattr__(self, name: str) -> Any:
        cell = self.__dict__.get("cell")
        if cell is not None and name in _CELL_PROPERTIES:
            return getattr(cell, name)
        raise AttributeError(f"{type(self).__name__!s} has no attribute {name!r}")

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        cell_config = config.pop("cell")["config"]
        for key in ("name", "trainable", "dtype"):
            cell_config.pop(key, None)
        return {**config, **cell_config,
                "activity_regularizer": regularizers.serialize(self.activity_regularizer)}

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: dict[str, Any] | None = None) -> "RNN":
        return cls(**config)


def _snake(name: str) -> str:
    from hornet.api.layers.naming import snake_case

    return snake_case(name)


class SimpleRNN(_CellRNN):
    """Fully-connected RNN layer over ``SimpleRNNCell``: ``(batch, time, features) -> (batch, units)`` (or the
    sequence with ``return_sequences``; plus the final state with ``return_state``).

    >>> SimpleRNN(4)(np.ones((2, 5, 3), "float32")).shape              # doctest: +SKIP
    (2, 4)
    """

    _cell_class = SimpleRNNCell

    def __init__(self, units: int, activation: Any = "tanh", use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform", recurrent_initializer: Any = "orthogonal",
                 bias_initializer: Any = "zeros", kernel_regularizer: Any = None, recurrent_regularizer: Any = None,
                 bias_regularizer: Any = None, activity_regularizer: Any = None, kernel_constraint: Any = None,
                 recurrent_constraint: Any = None, bias_constraint: Any = None, dropout: float = 0.0,
                 recurrent_dropout: float = 0.0, return_sequences: bool = False, return_state: bool = False,
                 go_backwards: bool = False, stateful: bool = False, unroll: bool = False,
                 seed: int | None = None, **kwargs: Any):
        super().__init__(locals())


class LSTM(_CellRNN):
    """Long short-term memory layer over ``LSTMCell``; ``return_state`` adds the final ``h`` and ``c``.

    >>> out, h, c = LSTM(4, return_state=True)(np.ones((2, 5, 3), "float32"))   # doctest: +SKIP
    """

    _cell_class = LSTMCell

    def __init__(self, units: int, activation: Any = "tanh", recurrent_activation: Any = "sigmoid",
                 use_bias: bool = True, kernel_initializer: Any = "glorot_uniform",
                 recurrent_initializer: Any = "orthogonal", bias_initializer: Any = "zeros",
                 unit_forget_bias: bool = True, kernel_regularizer: Any = None, recurrent_regularizer: Any = None,
                 bias_regularizer: Any = None, activity_regularizer: Any = None, kernel_constraint: Any = None,
                 recurrent_constraint: Any = None, bias_constraint: Any = None, dropout: float = 0.0,
                 recurrent_dropout: float = 0.0, seed: int | None = None, return_sequences: bool = False,
                 return_state: bool = False, go_backwards: bool = False, stateful: bool = False,
                 unroll: bool = False, use_cudnn: Any = "auto", **kwargs: Any):
        super().__init__(locals())


class GRU(_CellRNN):
    """Gated recurrent unit layer over ``GRUCell`` (``reset_after=True`` by default, as Keras 3).

    >>> GRU(4, return_sequences=True)(np.ones((2, 5, 3), "float32")).shape   # doctest: +SKIP
    (2, 5, 4)
    """

    _cell_class = GRUCell

    def __init__(self, units: int, activation: Any = "tanh", recurrent_activation: Any = "sigmoid",
                 use_bias: bool = True, kernel_initializer: Any = "glorot_uniform",
                 recurrent_initializer: Any = "orthogonal", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, recurrent_regularizer: Any = None, bias_regularizer: Any = None,
                 activity_regularizer: Any = None, kernel_constraint: Any = None, recurrent_constraint: Any = None,
                 bias_constraint: Any = None, dropout: float = 0.0, recurrent_dropout: float = 0.0,
                 seed: int | None = None, return_sequences: bool = False, return_state: bool = False,
                 go_backwards: bool = False, stateful: bool = False, unroll: bool = False,
                 reset_after: bool = True, use_cudnn: Any = "auto", **kwargs: Any):
        super().__init__(locals())


__all__ = ["RNN", "SimpleRNN", "LSTM", "GRU", "SimpleRNNCell", "LSTMCell", "GRUCell"]
