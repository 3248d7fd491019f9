"""Layer wrappers: ``Bidirectional`` (an RNN run forwards and backwards, outputs merged) and ``TimeDistributed``
(a layer applied to every timestep).

>>> Bidirectional(LSTM(8))(np.zeros((2, 5, 3), "float32")).shape       # doctest: +SKIP
(2, 16)
>>> TimeDistributed(Dense(4))(np.zeros((2, 5, 3), "float32")).shape     # doctest: +SKIP
(2, 5, 4)
"""
from __future__ import annotations

import copy
import inspect
from typing import Any

from hornet.api import ops
from hornet.api.layers.layer import Layer, check_rank
from hornet.api.saving.serialize import deserialize_layer, serialize_layer
from hornet.ir import pytree

_MERGE_MODES = ("sum", "mul", "ave", "concat", None)


def _accepts(layer: Layer, arg: str) -> bool:
    params = inspect.signature(type(layer).call).parameters
    return arg in params or any(p.kind == p.VAR_KEYWORD for p in params.values())


def _clone(layer: Layer, **overrides: Any) -> Layer:
    return type(layer).from_config({**layer.get_config(), **overrides})


def _strip(name: str, prefix: str) -> str:
    return name[len(prefix):] if name.startswith(prefix) else name


class Bidirectional(Layer):
    """Run an RNN layer over the sequence in both directions and merge the two outputs.

    The forward and backward layers are fresh copies of ``layer`` (built from its config, named
    ``forward_<name>``/``backward_<name>``) unless ``backward_layer`` is given. ``merge_mode`` is "concat"
    (default), "sum", "mul", "ave", or None (a pair of outputs). With ``return_sequences`` the backward
    sequence is flipped back to input order before merging. ``initial_state`` holds the forward layer's states
    followed by the backward layer's.

    >>> Bidirectional(GRU(4), merge_mode="sum")(np.zeros((2, 5, 3), "float32")).shape   # doctest: +SKIP
    (2, 4)
    """

    def __init__(self, layer: Layer, merge_mode: str | None = "concat", weights: Any = None,
                 backward_layer: Layer | None = None, **kwargs: Any):
        if not isinstance(layer, Layer):
            raise ValueError(f"Bidirectional: `layer` must be a Layer instance (an RNN), got layer={layer!r}")
        if backward_layer is not None and not isinstance(backward_layer, Layer):
            raise ValueError(f"Bidirectional: `backward_layer` must be a Layer instance, got {backward_layer!r}")
        if merge_mode not in _MERGE_MODES:
            raise ValueError(f"Bidirectional: invalid merge_mode={merge_mode!r}; expected one of "
                             "'sum', 'mul', 'ave', 'concat' or None")
        for attr in ("go_backwards", "return_sequences", "return_state", "stateful"):
            if not hasattr(layer, attr):
                raise ValueError(f"Bidirectional: `layer` must be an RNN layer (it needs `{attr}`), got "
                                 f"{type(layer).__name__}")
        super().__init__(**kwargs)
        self.forward_layer = _clone(layer, name=f"forward_{_strip(layer.name, 'forward_')}")
        if backward_layer is None:
            backward_layer = _clone(layer, name=f"backward_{_strip(layer.name, 'backward_')}",
                                    go_backwards=not layer.go_backwards)
        self.backward_layer = backward_layer
        fwd, bwd = self.forward_layer, self.backward_layer
        if fwd.go_backwards == bwd.go_backwards:
            raise ValueError("Bidirectional: the forward and backward layers must have different `go_backwards`; "
                             f"both have go_backwards={fwd.go_backwards}")
        for attr in ("stateful", "return_sequences", "return_state"):
            if getattr(fwd, attr) != getattr(bwd, attr):
                raise ValueError(f"Bidirectional: the forward and backward layers must agree on `{attr}`: "
                                 f"{getattr(fwd, attr)} vs {getattr(bwd, attr)}")
        for sub in (fwd, bwd):  # padded steps give zero outputs, so both directions line up after the flip
            if getattr(sub, "zero_output_for_mask", None) is not None:
                sub.zero_output_for_mask = sub.return_sequences
        self.merge_mode = merge_mode
        self.stateful = layer.stateful
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        self.supports_masking = True
        self._initial_weights = list(weights) if weights is not None else None

    def build(self, sequences_shape: Any, initial_state_shape: Any = None) -> None:
        for sub in (self.forward_layer, self.backward_layer):
            if not sub.built:
                sub.build(sequences_shape)
                sub.built = True
        if self._initial_weights is not None:
            self.set_weights(self._initial_weights)
            self._initial_weights = None
        self.built = True

    def call(self, sequences: Any, initial_state: Any = None, mask: Any = None, training: Any = None) -> Any:
        kwargs: dict[str, Any] = {}
        if training is not None and _accepts(self.forward_layer, "training"):
            kwargs["training"] = training
        if mask is not None:
            kwargs["mask"] = mask
        fwd_state = bwd_state = None
        if initial_state is not None:
            half = len(initial_state) // 2
            fwd_state, bwd_state = list(initial_state[:half]), list(initial_state[half:])
        y = self.forward_layer(sequences, initial_state=fwd_state, **kwargs)
        y_rev = self.backward_layer(sequences, initial_state=bwd_state, **kwargs)
        states: tuple[Any, ...] = ()
        if self.return_state:
            states = tuple(y[1:]) + tuple(y_rev[1:])
            y, y_rev = y[0], y_rev[0]
        if self.return_sequences:
            y_rev = ops.flip(y_rev, axis=1)
        merged = _merge(self.merge_mode, y, y_rev)
        if not self.return_state:
            return merged
        return (*merged, *states) if self.merge_mode is None else (merged, *states)

    def compute_mask(self, inputs: Any, previous_mask: Any = None) -> Any:
        if isinstance(previous_mask, (list, tuple)):
            previous_mask = previous_mask[0]
        if self.return_sequences:
            out = (previous_mask, previous_mask) if self.merge_mode is None else previous_mask
        else:
            out = (None, None) if self.merge_mode is None else None
        if self.return_state:
            n = len(getattr(self.forward_layer, "state_size", [None]))
            return (*(out if self.merge_mode is None else (out,)), *([None] * (2 * n)))
        return out

    def reset_state(self) -> None:
        if not self.stateful:
            raise AttributeError(f"{self.name}: reset_state() needs a stateful layer")
        self.forward_layer.reset_state()
        self.backward_layer.reset_state()

    reset_states = reset_state

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "merge_mode": self.merge_mode,
                "layer": serialize_layer(self.forward_layer), "backward_layer": serialize_layer(self.backward_layer)}

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: dict[str, Any] | None = None) -> "Bidirectional":
        config = copy.deepcopy(config)
        config["layer"] = deserialize_layer(config["layer"], custom_objects)
        if config.get("backward_layer") is not None:
            config["backward_layer"] = deserialize_layer(config["backward_layer"], custom_objects)
        return cls(**config)


def _merge(mode: str | None, y: Any, y_rev: Any) -> Any:
    if mode == "concat":
        return ops.concatenate([y, y_rev], axis=-1)
    if mode == "sum":
        return y + y_rev
    if mode == "ave":
        return (y + y_rev) / 2.0
    if mode == "mul":
        return y * y_rev
    return (y, y_rev)


class TimeDistributed(Layer):
    """Apply ``layer`` to every timestep of a ``(batch, time, ...)`` input: the time axis is folded into the
    batch, ``layer`` runs once on ``(batch * time, ...)``, and the result is unfolded. A ``(batch, time)`` mask
    is passed on (folded) to layers that take one.

    >>> TimeDistributed(Dense(4))(np.zeros((2, 5, 3), "float32")).shape     # doctest: +SKIP
    (2, 5, 4)
    """

    def __init__(self, layer: Layer, **kwargs: Any):
        if not isinstance(layer, Layer):
            raise ValueError(f"TimeDistributed: `layer` must be a Layer instance, got layer={layer!r}")
        super().__init__(**kwargs)
        self.layer = layer
        self.supports_masking = True

    def _child_shape(self, input_shape: Any) -> tuple[Any, ...]:
        if not isinstance(input_shape, (tuple, list)) or len(input_shape) < 3:
            raise ValueError(f"TimeDistributed ({self.name}): the input needs at least 3 dims (batch, time, ...), "
                             f"got shape {input_shape}")
        return (input_shape[0], *input_shape[2:])

    def build(self, input_shape: Any) -> None:
        if not self.layer.built:
            child = self._child_shape(tuple(input_shape))
            params = inspect.signature(type(self.layer).build).parameters
            if len(params) > 1:
                self.layer.build(child)
            else:
                self.layer.build()
            self.layer.built = True
        self.built = True

    def compute_output_shape(self, input_shape: Any) -> Any:
        child = self.layer.compute_output_shape(self._child_shape(tuple(input_shape)))
        return (child[0], input_shape[1], *child[1:])

    def call(self, inputs: Any, training: Any = None, mask: Any = None) -> Any:
        if len(inputs.shape) < 3:
            check_rank(self, inputs, 3, "input (batch, time, ...)")
        shape = ops.shape(inputs)
        batch, steps = shape[0], shape[1]
        folded = ops.reshape(inputs, (-1, *tuple(inputs.shape[2:])))
        kwargs: dict[str, Any] = {}
        if training is not None and _accepts(self.layer, "training"):
            kwargs["training"] = training
        if mask is not None:
            if len(mask.shape) < 2:
                raise ValueError(f"TimeDistributed ({self.name}): the mask must be at least 2D (batch, time), "
                                 f"got shape {tuple(mask.shape)}")
            if "mask" in inspect.signature(type(self.layer).call).parameters:
                kwargs["mask"] = ops.reshape(mask, (-1, *tuple(mask.shape[2:])))
        out = self.layer(folded, **kwargs)
        return pytree.tree_map(lambda y: ops.reshape(y, (batch, steps, *tuple(y.shape[1:]))), out)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "layer": serialize_layer(self.layer)}

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: dict[str, Any] | None = None
                    ) -> "TimeDistributed":
        config = dict(config)
        return cls(deserialize_layer(config.pop("layer"), custom_objects), **config)


__all__ = ["Bidirectional", "TimeDistributed"]
