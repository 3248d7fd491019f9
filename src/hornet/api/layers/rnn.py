"""Recurrent layers: the generic ``RNN(cell)`` loop and the ``SimpleRNN``/``LSTM``/``GRU`` layers (Keras 3
arguments, weights and semantics). The cells live in ``rnn_cells`` and are re-exported here.

The time loop is one ``scan`` prim in the IR (never a Python loop), so a traced model has a single
loop node whatever the sequence length, and the length may be symbolic.

>>> lstm = LSTM(16, return_sequences=True)                     # doctest: +SKIP
>>> lstm(np.zeros((4, 7, 8), "float32")).shape  # doctest: +SKIP
(4, 7, 16)
>>> RNN([GRUCell(8), LSTMCell(4)])(np.zeros((4, 7, 8), "float32")).shape   # doctest: +SKIP
(4, 4)
"""
from __future__ import annotations

import inspect
from typing import Any

import numpy as np

from hornet.api import ops, regularizers
from hornet.api.layers.layer import Layer, check_rank
from hornet.api.layers.rnn_cells import (GRUCell, LSTMCell, SimpleRNNCell, StackedRNNCells, _GatedCell, _nested,
                                         prepare_dropout_masks, reset_dropout_masks)
from hornet.api.saving.serialize import deserialize_layer, serialize_layer
from hornet.ir.errors import ShapeError
from hornet.ir import pytree
from hornet.runtime.variables import StateScope, Variable


# --- the time loop --------------------------------------------------------------------------------------------------


class RNN(Layer):
    """Run a cell over the time axis (axis 1) of ``(batch, time, ...)`` inputs.

    ``cell`` has ``call(inputs, states) -> (output, new_states)`` and ``state_size``; a list of cells is run as
    a ``StackedRNNCells`` (states: one entry per cell). Masked steps (a ``(batch, time)`` mask, e.g. from
    ``Embedding(mask_zero=True)``) keep the previous states; their output is the previous output, or zeros
    with ``zero_output_for_mask``. ``go_backwards`` runs from the last step and returns sequences in that
    processing order. ``unroll`` is accepted and ignored (the compiler decides).

    >>> rnn = RNN(LSTMCell(16), return_sequences=True, return_state=True)   # doctest: +SKIP
    >>> seq, h, c = rnn(x)  # doctest: +SKIP
    """

    def __init__(self, cell: Any, return_sequences: bool = False, return_state: bool = False,
                 go_backwards: bool = False, stateful: bool = False, unroll: bool = False,
                 zero_output_for_mask: bool = False, **kwargs: Any):
        if _nested(cell):
            cell = StackedRNNCells(cell)
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
        if not isinstance(sequences_shape, (tuple, list)) or len(sequences_shape) < 3 \
                or not all(d is None or isinstance(d, int) for d in sequences_shape):
            raise ShapeError(f"layer '{self.name}' ({type(self).__name__}) expects a rank-3 input (batch, timesteps, "
                             f"features), got shape {sequences_shape}")
        step_shape = (sequences_shape[0],) + tuple(sequences_shape[2:])
        if isinstance(self.cell, Layer) and not self.cell.built:
            self.cell.build(step_shape)
            self.cell.built = True
        if self.stateful and self.states is None:
            if sequences_shape[0] is None:
                raise ValueError(f"{self.name}: a stateful RNN needs a static batch size; got input shape "
                                 f"{tuple(sequences_shape)}")
            dt = getattr(self.cell, "compute_dtype", "float32")
            object.__setattr__(self, "states", pytree.tree_map(
                lambda s: Variable(np.zeros(tuple(s.shape), dt), trainable=False, name=f"{self.name}/rnn_state"),
                self.get_initial_state(sequences_shape[0])))
        self.built = True

    def get_initial_state(self, batch_size: Any) -> list[Any]:
        fn = getattr(self.cell, "get_initial_state", None)
        if fn is None:
            return [ops.zeros((batch_size, d), dtype=self.compute_dtype) for d in self.state_size]
        init = fn(batch_size=batch_size)
        return list(init) if _nested(init) else [init]

    def _state_variables(self) -> list[Variable]:
        return pytree.flatten(self.states)[0] if self.states is not None else []

    def reset_state(self) -> None:
        for v in self._state_variables():
            v.assign(ops.zeros_like(v.value))

    reset_states = reset_state

    def call(self, sequences: Any, initial_state: Any = None, mask: Any = None, training: bool = False) -> Any:
        if len(sequences.shape) < 3:
            check_rank(self, sequences, 3, "input (batch, timesteps, features)")
        if initial_state is None:
            initial_state = (pytree.tree_map(lambda v: v.value, self.states) if self.stateful
                             else self.get_initial_state(ops.shape(sequences)[0]))
        dtype = self.cell.compute_dtype if isinstance(self.cell, Layer) else None
        states = pytree.tree_map(lambda s: ops.cast(s, dtype) if dtype else ops.convert_to_tensor(s),
                                 list(initial_state) if _nested(initial_state) else [initial_state])
        if len(states) != len(self.state_size):
            raise ValueError(f"{self.name}: the cell has {len(self.state_size)} state(s) (state_size="
                             f"{self.state_size}), but initial_state has {len(states)} tensor(s)")
        if training:
            prepare_dropout_masks(self.cell, sequences[:, 0], states)
        try:
            last, outputs, new_states = self._loop(sequences, states, mask, training)
        finally:
            reset_dropout_masks(self.cell)
        if self.stateful:
            for v, s in zip(self._state_variables(), pytree.flatten(new_states)[0]):
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
        carry_leaves, carry_tree = pytree.flatten(states)

        def step(carry: list[Any], x: Any) -> tuple[list[Any], Any]:
            x_t, m_t = x if mask is not None else (x, None)
            out, new = cell_call(x_t, carry, **kw)
            new_leaves = pytree.flatten(list(new) if _nested(new) else [new])[0]
            if len(new_leaves) != len(carry_leaves):
                raise ValueError(f"{self.name}: the cell returned {len(new_leaves)} state tensor(s) but takes "
                                 f"{len(carry_leaves)} (state_size={self.state_size})")
            if m_t is not None:
                old = pytree.flatten(carry)[0]
                new_leaves = [ops.where(_expand(m_t, n), n, s) for n, s in zip(new_leaves, old)]
                prev_out = ops.zeros_like(out) if zero_out else _previous_output(carry)
                out = ops.where(_expand(m_t, out), out, prev_out)
            return pytree.unflatten(carry_tree, new_leaves), out

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


def _previous_output(carry: list[Any]) -> Any:
    """The output of the previous step: the first state (of the last cell, for stacked cells), as Keras."""
    first = carry[0]
    if _nested(first):
        first = carry[-1][0] if _nested(carry[-1]) else carry[-1]
    return first


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


__all__ = ["RNN", "SimpleRNN", "LSTM", "GRU", "SimpleRNNCell", "LSTMCell", "GRUCell", "StackedRNNCells"]
