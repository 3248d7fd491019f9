"""Recurrent cells: ``SimpleRNNCell``, ``LSTMCell``, ``GRUCell`` (one time step each, Keras 3 arguments, weights
and semantics) and ``StackedRNNCells`` (several cells run one after the other within a step, as one cell).

A cell has ``call(inputs, states) -> (output, new_states)``, ``state_size`` and ``output_size``; ``RNN`` (in
``rnn``) loops it over time. ``RNN([cell_a, cell_b])`` wraps the list in a ``StackedRNNCells``.

>>> cell = LSTMCell(8)                                             # doctest: +SKIP
>>> h, [h, c] = cell(np.ones((2, 3), "float32"), [np.zeros((2, 8), "float32")] * 2)  # doctest: +SKIP
"""
from __future__ import annotations

import copy
import inspect
from typing import Any

import numpy as np

from hornet.api import activations, constraints, initializers, regularizers
from hornet.api import ops
from hornet.api.layers.layer import Layer
from hornet.api.layers.layer_objects import set_objects
from hornet.api.random import SeedGenerator, dropout as random_dropout
from hornet.api.saving.serialize import deserialize_layer, serialize_layer


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
        set_objects(self, kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
                    bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
                    recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
                    kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
                    bias_constraint=bias_constraint)
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
    >>> out, [h] = cell(np.ones((2, 3), "float32"), [np.zeros((2, 8), "float32")])  # doctest: +SKIP
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
    >>> h, [h, c] = cell(x_t, [h0, c0])  # doctest: +SKIP
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
    >>> h, [h] = cell(x_t, [h0])  # doctest: +SKIP
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


# --- stacked cells --------------------------------------------------------------------------------------------------


def output_size_of(cell: Any) -> int:
    """The size of a cell's output: ``output_size``, else its first state's size."""
    size = getattr(cell, "output_size", None)
    if size is not None:
        return size
    state = cell.state_size
    return state[0] if _nested(state) else state


def _takes_training(cell: Any) -> bool:
    params = inspect.signature(cell.call).parameters
    return "training" in params or any(p.kind == p.VAR_KEYWORD for p in params.values())


class StackedRNNCells(Layer):
    """Several cells as one: within a time step each cell's output is the next cell's input; the states are
    one entry per cell (a tensor or a list, as that cell's states). ``RNN([c1, c2])`` builds one.

    >>> cells = StackedRNNCells([GRUCell(8), LSTMCell(4)])               # doctest: +SKIP
    >>> out, [h1], [h2, c2] = RNN(cells, return_state=True)(x)          # doctest: +SKIP
    """

    def __init__(self, cells: Any, **kwargs: Any):
        if not _nested(cells) or not cells:
            raise ValueError(f"StackedRNNCells: `cells` must be a non-empty list of RNN cells, got cells={cells!r}")
        for cell in cells:
            if not callable(getattr(cell, "call", None)):
                raise ValueError(f"StackedRNNCells: every cell needs a `call` method; got {cell!r}")
            if getattr(cell, "state_size", None) is None:
                raise ValueError(f"StackedRNNCells: every cell needs a `state_size` attribute; got {cell!r}")
        super().__init__(**kwargs)
        self.cells = list(cells)

    @property
    def state_size(self) -> list[Any]:
        return [cell.state_size for cell in self.cells]

    @property
    def output_size(self) -> int:
        return output_size_of(self.cells[-1])

    def build(self, input_shape: Any) -> None:
        shape = tuple(input_shape)
        for cell in self.cells:
            if isinstance(cell, Layer) and not cell.built:
                cell.build(shape)
                cell.built = True
            shape = (shape[0], output_size_of(cell))
        self.built = True

    def get_initial_state(self, batch_size: Any = None) -> list[Any]:
        states: list[Any] = []
        for cell in self.cells:
            fn = getattr(cell, "get_initial_state", None)
            if fn is not None:
                states.append(fn(batch_size=batch_size))
            elif _nested(cell.state_size):
                states.append([ops.zeros((batch_size, d), dtype=self.compute_dtype) for d in cell.state_size])
            else:
                states.append(ops.zeros((batch_size, cell.state_size), dtype=self.compute_dtype))
        return states

    def call(self, inputs: Any, states: Any, training: bool = False) -> tuple[Any, Any]:
        if len(self.cells) == 1 and not (_nested(states) and len(states) == 1):
            states = [states]  # one cell: its states may come unwrapped
        if len(states) != len(self.cells):
            raise ValueError(f"layer '{self.name}' (StackedRNNCells) has {len(self.cells)} cells but got states for "
                             f"{len(states)}")
        new_states: list[Any] = []
        for cell, cell_states in zip(self.cells, states):
            as_list = _nested(cell_states)
            cell_states = list(cell_states) if as_list else [cell_states]
            kwargs = {"training": training} if _takes_training(cell) else {}
            call = cell if isinstance(cell, Layer) else cell.call
            inputs, cell_states = call(inputs, cell_states, **kwargs)
            cell_states = list(cell_states) if _nested(cell_states) else [cell_states]
            new_states.append(cell_states if as_list or len(cell_states) != 1 else cell_states[0])
        return inputs, (new_states[0] if len(new_states) == 1 else new_states)

    # Dropout masks are drawn once per sequence, before the time loop (see RNN.call).
    def get_dropout_masks(self, step_input: Any, states: Any) -> None:
        batch = ops.shape(step_input)[0]
        for cell, cell_states in zip(self.cells, states):
            prepare_dropout_masks(cell, step_input, cell_states)
            step_input = ops.zeros((batch, output_size_of(cell)), dtype=step_input.dtype)

    def reset_dropout_masks(self) -> None:
        for cell in self.cells:
            reset_dropout_masks(cell)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "cells": [serialize_layer(cell) for cell in self.cells]}

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: dict[str, Any] | None = None
                    ) -> "StackedRNNCells":
        config = copy.deepcopy(config)
        cells = [deserialize_layer(entry, custom_objects) for entry in config.pop("cells")]
        return cls(cells, **config)


def prepare_dropout_masks(cell: Any, step_input: Any, states: Any) -> None:
    """Draw a cell's input and recurrent dropout masks for one sequence (stacked cells: each of them)."""
    if isinstance(cell, StackedRNNCells):
        cell.get_dropout_masks(step_input, states)
    elif hasattr(cell, "get_dropout_mask"):
        cell.get_dropout_mask(step_input)
        state = states[0] if _nested(states) else states
        cell.get_recurrent_dropout_mask(state[0] if _nested(state) else state)


def reset_dropout_masks(cell: Any) -> None:
    if isinstance(cell, StackedRNNCells):
        cell.reset_dropout_masks()
    elif hasattr(cell, "reset_dropout_mask"):
        cell.reset_dropout_mask()
        cell.reset_recurrent_dropout_mask()


__all__ = ["SimpleRNNCell", "LSTMCell", "GRUCell", "StackedRNNCells"]
