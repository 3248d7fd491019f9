"""Convolutional LSTM layers ``ConvLSTM1D``/``ConvLSTM2D``/``ConvLSTM3D`` (Keras 3 arguments, weights and
semantics): an LSTM whose input and recurrent transformations are convolutions, run over the time axis by
``RNN``'s single ``scan`` loop. ``ConvLSTMCell`` is one time step (Keras does not export it either).

Weights, as Keras: ``kernel`` ``(*kernel_size, in_channels, 4 * filters)``, ``recurrent_kernel``
``(*kernel_size, filters, 4 * filters)`` and ``bias`` ``(4 * filters,)``, gates in the order i, f, c, o.

>>> layer = ConvLSTM2D(4, 3, padding="same", return_sequences=True)       # doctest: +SKIP
>>> layer(np.zeros((2, 5, 8, 8, 3), "float32")).shape
(2, 5, 8, 8, 4)
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from hornet.api import initializers, ops, regularizers
from hornet.api.layers.conv_base import (bias_shape, channel_axis, check_positive, check_shape_rank,
                                         check_strides_and_dilation, conv_output_shape, read, spatial_of,
                                         standardize_conv_args, static_channels)
from hornet.api.layers.layer import Layer, check_rank
from hornet.api.layers.layer_objects import serialize_all
from hornet.api.layers.rnn import RNN
from hornet.api.random import SeedGenerator, dropout as random_dropout
from hornet.ir.errors import ShapeError

_GATES = 4
_OBJECT_ARGS = ("activation", "recurrent_activation", "kernel_initializer", "recurrent_initializer",
                "bias_initializer", "kernel_regularizer", "recurrent_regularizer", "bias_regularizer",
                "kernel_constraint", "recurrent_constraint", "bias_constraint")


class ConvLSTMCell(Layer):
    """One ConvLSTM step over ``(batch, *spatial, channels)`` inputs (``channels_first``: channels second);
    states ``[h, c]`` shaped like the input convolution's output. Dropout uses one mask per gate, drawn once
    per sequence, as Keras.

    >>> cell = ConvLSTMCell(2, filters=4, kernel_size=3, padding="same")     # doctest: +SKIP
    >>> h, [h, c] = cell(x_t, cell.get_initial_state(batch_size=2))   # doctest: +SKIP
    """

    def __init__(self, rank: int, filters: int, kernel_size: int | Sequence[int], strides: int | Sequence[int] = 1,
                 padding: str = "valid", data_format: str | None = None,
                 dilation_rate: int | Sequence[int] = 1, activation: Any = "tanh",
                 recurrent_activation: Any = "sigmoid", use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform", recurrent_initializer: Any = "orthogonal",
                 bias_initializer: Any = "zeros", unit_forget_bias: bool = True, kernel_regularizer: Any = None,
                 recurrent_regularizer: Any = None, bias_regularizer: Any = None, kernel_constraint: Any = None,
                 recurrent_constraint: Any = None, bias_constraint: Any = None, dropout: float = 0.0,
                 recurrent_dropout: float = 0.0, seed: int | None = None, **kwargs: Any):
        if rank not in (1, 2, 3):
            raise ValueError(f"ConvLSTMCell: `rank` must be 1, 2 or 3, got rank={rank!r}")
        super().__init__(**kwargs)
        self.rank = rank
        standardize_conv_args(self, kernel_size, strides, padding, data_format, dilation_rate, use_bias, dict(
            activation=activation, recurrent_activation=recurrent_activation,
            kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint))
        check_positive(self, "filters", filters)
        check_strides_and_dilation(self)
        self.filters = int(filters)
        self.unit_forget_bias = bool(unit_forget_bias)
        self.dropout = min(1.0, max(0.0, float(dropout)))
        self.recurrent_dropout = min(1.0, max(0.0, float(recurrent_dropout)))
        self.seed = seed
        self.seed_generator = SeedGenerator(seed=seed)
        self._dropout_mask: list[Any] | None = None
        self._recurrent_dropout_mask: list[Any] | None = None
        # RNN counts the states by this list; their full shapes come from get_initial_state
        self.state_size = [self.filters, self.filters]
        self.output_size = self.filters

    def build(self, input_shape: Sequence[Any]) -> None:
        check_shape_rank(self, input_shape, self.rank + 2)
        spatial = spatial_of(input_shape, self.data_format)
        if any(d is None for d in spatial):
            raise ShapeError(f"layer '{self.name}' ({type(self).__name__}) needs static spatial dims, got step "
                             f"input shape {tuple(input_shape)}")
        self.spatial_dims = tuple(int(d) for d in spatial)
        self.input_dim = static_channels(self, input_shape, self.data_format)
        self.compute_output_shape(input_shape)  # raises when the convolution would leave no output
        n = _GATES * self.filters
        self.kernel = self.add_weight(shape=self.kernel_size + (self.input_dim, n),
                                      initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint, name="kernel")
        self.recurrent_kernel = self.add_weight(shape=self.kernel_size + (self.filters, n),
                                                initializer=self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint, name="recurrent_kernel")
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(shape=(n,), initializer=self._bias_initializer(),
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint,
                                        name="bias")
        self.built = True

    def _bias_initializer(self) -> Any:
        if not self.unit_forget_bias:
            return self.bias_initializer
        base, f = self.bias_initializer, self.filters

        def init(shape: Any, dtype: Any = None) -> Any:
            ones = initializers.get("ones")
            return np.concatenate([np.asarray(base((f,), dtype)), np.asarray(ones((f,), dtype)),
                                   np.asarray(base((2 * f,), dtype))])

        return init

    def compute_output_shape(self, input_shape: Sequence[Any], states_shape: Any = None) -> tuple[Any, Any]:
        out = conv_output_shape(self, input_shape, self.filters, self.kernel_size, self.strides, self.padding,
                                self.data_format, self.dilation_rate)
        return out, [out, out]

    def get_initial_state(self, batch_size: Any = None) -> list[Any]:
        shape = (batch_size, *self.spatial_dims, self.input_dim) if self.data_format == "channels_last" \
            else (batch_size, self.input_dim, *self.spatial_dims)
        out = self.compute_output_shape(shape)[0]
        return [ops.zeros(out, dtype=self.compute_dtype) for _ in range(2)]

    # One mask per gate, drawn once per sequence (RNN.call draws them before its time loop).
    def _masks(self, like: Any, rate: float) -> list[Any]:
        ones = ops.ones_like(like)
        return [random_dropout(ones, rate, seed=self.seed_generator) for _ in range(_GATES)]

    def get_dropout_mask(self, step_input: Any) -> Any:
        if self._dropout_mask is None and self.dropout > 0:
            self._dropout_mask = self._masks(step_input, self.dropout)
        return self._dropout_mask

    def get_recurrent_dropout_mask(self, state: Any) -> Any:
        if self._recurrent_dropout_mask is None and self.recurrent_dropout > 0:
            self._recurrent_dropout_mask = self._masks(state, self.recurrent_dropout)
        return self._recurrent_dropout_mask

    def reset_dropout_mask(self) -> None:
        self._dropout_mask = None

    def reset_recurrent_dropout_mask(self) -> None:
        self._recurrent_dropout_mask = None

    def _gates(self, x: Any, kernel: Any, masks: Any, conv: Any) -> list[Any]:
        """The four gate pre-activations: one convolution split by channel, or one per gate under dropout."""
        if masks is None:
            return ops.split(conv(x, kernel), _GATES, axis=channel_axis(self.data_format))
        return [conv(x * m, k) for m, k in zip(masks, ops.split(kernel, _GATES, axis=-1))]

    def _input_conv(self, x: Any, kernel: Any) -> Any:
        return ops.conv(x, kernel, strides=self.strides, padding=self.padding, data_format=self.data_format,
                        dilation_rate=self.dilation_rate)

    def _recurrent_conv(self, h: Any, kernel: Any) -> Any:
        return ops.conv(h, kernel, strides=1, padding="same", data_format=self.data_format)

    def call(self, inputs: Any, states: Any, training: bool = False) -> tuple[Any, list[Any]]:
        check_rank(self, inputs, self.rank + 2, "step input (batch, *spatial, channels)")
        h_prev, c_prev = states[0], states[1]
        in_masks = self.get_dropout_mask(inputs) if training and 0.0 < self.dropout < 1.0 else None
        rec_masks = (self.get_recurrent_dropout_mask(h_prev)
                     if training and 0.0 < self.recurrent_dropout < 1.0 else None)
        xs = self._gates(inputs, read(self, self.kernel), in_masks, self._input_conv)
        hs = self._gates(h_prev, read(self, self.recurrent_kernel), rec_masks, self._recurrent_conv)
        if self.bias is not None:
            shape = bias_shape(self.rank, self.filters, self.data_format)
            xs = [x + ops.reshape(b, shape) for x, b in zip(xs, ops.split(read(self, self.bias), _GATES))]
        rec, act = self.recurrent_activation, self.activation
        i, f, o = rec(xs[0] + hs[0]), rec(xs[1] + hs[1]), rec(xs[3] + hs[3])
        c = f * c_prev + i * act(xs[2] + hs[2])
        h = o * act(c)
        return h, [h, c]

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), **_conv_lstm_config(self)}


def _conv_lstm_config(cell: ConvLSTMCell) -> dict[str, Any]:
    """The cell arguments Keras puts in both the cell's and the layer's config."""
    return {"filters": cell.filters, "kernel_size": cell.kernel_size, "strides": cell.strides,
            "padding": cell.padding, "data_format": cell.data_format, "dilation_rate": cell.dilation_rate,
            **serialize_all(activation=cell.activation, recurrent_activation=cell.recurrent_activation),
            "use_bias": cell.use_bias,
            **serialize_all(kernel_initializer=cell.kernel_initializer,
                            recurrent_initializer=cell.recurrent_initializer,
                            bias_initializer=cell.bias_initializer),
            "unit_forget_bias": cell.unit_forget_bias,
            **serialize_all(kernel_regularizer=cell.kernel_regularizer,
                            recurrent_regularizer=cell.recurrent_regularizer,
                            bias_regularizer=cell.bias_regularizer, kernel_constraint=cell.kernel_constraint,
                            recurrent_constraint=cell.recurrent_constraint, bias_constraint=cell.bias_constraint),
            "dropout": cell.dropout, "recurrent_dropout": cell.recurrent_dropout, "seed": cell.seed}


# Keras exposes the cell's arguments as read-only properties of the layer.
_CELL_PROPERTIES = frozenset(("filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate",
                              "use_bias", "unit_forget_bias", "dropout", "recurrent_dropout", "seed",
                              *_OBJECT_ARGS))
_DIMS = {1: "steps", 2: "rows, cols", 3: "conv_dim1, conv_dim2, conv_dim3"}


class _ConvLSTM(RNN):
    """An RNN over a ``ConvLSTMCell`` of ``rank`` spatial dims, configured with the cell's arguments flattened
    in (as Keras does). Inputs are ``(batch, time, *spatial, channels)`` (``channels_first``: channels third)."""

    rank: int

    def __init__(self, filters: int, kernel_size: int | Sequence[int], strides: int | Sequence[int] = 1,
                 padding: str = "valid", data_format: str | None = None,
                 dilation_rate: int | Sequence[int] = 1, activation: Any = "tanh",
                 recurrent_activation: Any = "sigmoid", use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform", recurrent_initializer: Any = "orthogonal",
                 bias_initializer: Any = "zeros", unit_forget_bias: bool = True, kernel_regularizer: Any = None,
                 recurrent_regularizer: Any = None, bias_regularizer: Any = None, activity_regularizer: Any = None,
                 kernel_constraint: Any = None, recurrent_constraint: Any = None, bias_constraint: Any = None,
                 dropout: float = 0.0, recurrent_dropout: float = 0.0, seed: int | None = None,
                 return_sequences: bool = False, return_state: bool = False, go_backwards: bool = False,
                 stateful: bool = False, **kwargs: Any):
        cell = ConvLSTMCell(self.rank, filters, kernel_size, strides=strides, padding=padding,
                            data_format=data_format, dilation_rate=dilation_rate, activation=activation,
                            recurrent_activation=recurrent_activation, use_bias=use_bias,
                            kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
                            bias_initializer=bias_initializer, unit_forget_bias=unit_forget_bias,
                            kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
                            bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
                            recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
                            dropout=dropout, recurrent_dropout=recurrent_dropout, seed=seed,
                            name="conv_lstm_cell", dtype=kwargs.get("dtype"),
                            trainable=kwargs.get("trainable", True))
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, activity_regularizer=activity_regularizer,
                         **kwargs)

    def __getattr__(self, name: str) -> Any:
        cell = self.__dict__.get("cell")
        if cell is not None and name in _CELL_PROPERTIES:
            return getattr(cell, name)
        raise AttributeError(f"{type(self).__name__!s} has no attribute {name!r}")

    def _check_rank(self, shape: Sequence[Any]) -> None:
        want = self.rank + 3
        if len(shape) != want:
            layout = f"{_DIMS[self.rank]}, channels" if self.cell.data_format == "channels_last" \
                else f"channels, {_DIMS[self.rank]}"
            raise ShapeError(f"layer '{self.name}' ({type(self).__name__}) expects a rank-{want} input (batch, time, "
                             f"{layout}), got shape {tuple(shape)} (rank {len(shape)})")

    def build(self, sequences_shape: Any, initial_state_shape: Any = None) -> None:
        self._check_rank(tuple(sequences_shape))
        super().build(sequences_shape, initial_state_shape)

    def call(self, sequences: Any, initial_state: Any = None, mask: Any = None, training: bool = False) -> Any:
        self._check_rank(tuple(sequences.shape))
        return super().call(sequences, initial_state=initial_state, mask=mask, training=training)

    def compute_output_shape(self, sequences_shape: Any, initial_state_shape: Any = None) -> Any:
        shape = tuple(sequences_shape)
        self._check_rank(shape)
        state = tuple(self.cell.compute_output_shape((shape[0], *shape[2:]))[0])
        out = (shape[0], shape[1], *state[1:]) if self.return_sequences else state
        return (out, state, state) if self.return_state else out

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        del config["cell"]
        return {**config, **_conv_lstm_config(self.cell),
                "activity_regularizer": regularizers.serialize(self.activity_regularizer)}

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: dict[str, Any] | None = None) -> "_ConvLSTM":
        return cls(**config)


class ConvLSTM1D(_ConvLSTM):
    """1-D convolutional LSTM over ``(batch, time, steps, channels)`` inputs.

    >>> ConvLSTM1D(4, 3)(np.zeros((2, 5, 10, 3), "float32")).shape      # doctest: +SKIP
    (2, 8, 4)
    """

    rank = 1


class ConvLSTM2D(_ConvLSTM):
    """2-D convolutional LSTM over ``(batch, time, rows, cols, channels)`` inputs.

    >>> ConvLSTM2D(4, 3, padding="same")(np.zeros((2, 5, 8, 8, 3), "float32")).shape   # doctest: +SKIP
    (2, 8, 8, 4)
    """

    rank = 2


class ConvLSTM3D(_ConvLSTM):
    """3-D convolutional LSTM over ``(batch, time, conv_dim1, conv_dim2, conv_dim3, channels)`` inputs.

    >>> ConvLSTM3D(2, 2)(np.zeros((1, 3, 4, 4, 4, 1), "float32")).shape   # doctest: +SKIP
    (1, 3, 3, 3, 2)
    """

    rank = 3


__all__ = ["ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D"]
