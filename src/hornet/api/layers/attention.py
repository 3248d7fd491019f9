"""Attention layers: ``MultiHeadAttention`` (Keras 3 weights: query/key/value/attention_output projections with
kernels shaped ``(dim, num_heads, head_dim)``), dot-product ``Attention`` (Luong) and ``AdditiveAttention``
(Bahdanau).

>>> mha = MultiHeadAttention(num_heads=2, key_dim=8)                 # doctest: +SKIP
>>> mha(x, x).shape                                                   # self-attention, (batch, T, dim)
"""
from __future__ import annotations

import math
import string
from typing import Any, Sequence

from hornet.ir.errors import ShapeError
from hornet.api import constraints, initializers, regularizers
from hornet.api import ops
from hornet.api.layers.layer import Layer
from hornet.api.layers.layer_objects import set_objects
from hornet.api.random import SeedGenerator, dropout as random_dropout


def static_shape(shape: Sequence[Any]) -> tuple[Any, ...]:
    return tuple(d if isinstance(d, int) else None for d in shape)


def combined_attention_mask(query: Any, value: Any, query_mask: Any, value_mask: Any, key_mask: Any,
                            attention_mask: Any, use_causal_mask: bool, sliding_window: int | None = None) -> Any:
    """The (batch, T, S) boolean mask combining padding masks, the causal/sliding-window bands and
    ``attention_mask`` (None when there is nothing to mask); shared by the multi-head and grouped-query layers."""
    parts = []
    if query_mask is not None:
        parts.append(ops.expand_dims(ops.cast(query_mask, "bool"), -1))
    for m in (value_mask, key_mask):
        if m is not None:
            parts.append(ops.expand_dims(ops.cast(m, "bool"), -2))
    if use_causal_mask or sliding_window is not None:
        rows = ops.reshape(ops.arange(ops.shape(query)[1], dtype="int32"), (1, -1, 1))
        cols = ops.reshape(ops.arange(ops.shape(value)[1], dtype="int32"), (1, 1, -1))
        if use_causal_mask:
            parts.append(ops.greater_equal(rows, cols))
        if sliding_window is not None:
            parts.append(ops.less(ops.abs(rows - cols), sliding_window))
    if attention_mask is not None:
        parts.append(ops.cast(attention_mask, "bool"))
    if not parts:
        return None
    mask = parts[0]
    for p in parts[1:]:
        mask = ops.logical_and(mask, p)
    return mask


def query_mask_of(previous_mask: Any) -> Any:
    """An attention layer's output mask: the query's (the first of the input masks)."""
    return previous_mask[0] if isinstance(previous_mask, (list, tuple)) else previous_mask


class _Projection(Layer):
    """An einsum projection with a kernel and an optional bias (what Keras builds as an EinsumDense sublayer)."""

    def __init__(self, equation: str, kernel_shape: tuple[int, ...], bias_shape: tuple[int, ...] | None,
                 owner: "MultiHeadAttention", name: str, activation: Any = None):
        super().__init__(name=name, dtype=owner.dtype_policy.name, activity_regularizer=owner._sub_activity_regularizer)
        self.equation = equation
        self.activation = activation
        self.kernel = self.add_weight(shape=kernel_shape, initializer=owner._clone_init(owner.kernel_initializer),
                                      regularizer=owner.kernel_regularizer, constraint=owner.kernel_constraint,
                                      name="kernel")
        self.bias = None
        if bias_shape is not None:
            self.bias = self.add_weight(shape=bias_shape, initializer=owner._clone_init(owner.bias_initializer),
                                        regularizer=owner.bias_regularizer, constraint=owner.bias_constraint,
                                        name="bias")
        self.built = True

    def call(self, x: Any) -> Any:
        y = ops.einsum(self.equation, x, self.kernel)
        if self.bias is not None:
            y = y + self.bias
        return self.activation(y) if self.activation is not None else y


def _projection_equation(free: int, bound: int, out: int) -> tuple[str, str]:
    """``(equation, bias letters)`` contracting the last ``bound`` input dims into ``out`` new dims."""
    letters = string.ascii_lowercase
    x = letters[:free + bound]
    new = letters[free + bound:free + bound + out]
    return f"{x},{x[free:]}{new}->{x[:free]}{new}", new


def _attention_equations(rank: int, axes: tuple[int, ...]) -> tuple[str, str, int]:
    """Einsum equations (key·query scores, scores·value) for projected tensors of ``rank`` whose dims are
    (batch, ..., heads, channels) with attention over ``axes``."""
    letters = string.ascii_lowercase
    target = letters[:rank]
    batch_dims = [i for i in range(rank) if i not in axes and i != rank - 1]
    extra = iter(letters[rank:])
    source = "".join(target[i] if i in batch_dims or i == rank - 1 else next(extra) for i in range(rank))
    product = "".join([target[i] for i in batch_dims] + [target[i] for i in axes] + [source[i] for i in axes])
    return f"{source},{target}->{product}", f"{product},{source}->{target}", len(product)


class MultiHeadAttention(Layer):
    """Multi-head attention (Vaswani et al.) with the Keras 3 arguments, weights and call signature.

    ``call(query, value, key=None, attention_mask=None, return_attention_scores=False, training=None,
    use_causal_mask=False)``; ``query_mask``/``value_mask``/``key_mask`` (``(batch, T)``/``(batch, S)`` padding
    masks) may also be passed. Weights, in order: query kernel ``(dim, heads, key_dim)`` and bias ``(heads,
    key_dim)``, key, (gate,) value, then attention_output kernel ``(heads, value_dim, out_dim)`` and bias.
    The projections are created on the first call (or by ``build(query_shape, value_shape, key_shape)``).

    >>> mha = MultiHeadAttention(num_heads=4, key_dim=16)             # doctest: +SKIP
    >>> out, scores = mha(q, v, return_attention_scores=True)         # scores: (batch, heads, T, S)
    """

    def __init__(self, num_heads: int, key_dim: int, value_dim: int | None = None, dropout: float = 0.0,
                 use_bias: bool = True, output_shape: Any = None, attention_axes: Any = None,
                 sliding_window: int | None = None, flash_attention: Any = None,
                 kernel_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, bias_regularizer: Any = None, activity_regularizer: Any = None,
                 kernel_constraint: Any = None, bias_constraint: Any = None, use_gate: bool = False,
                 seed: int | None = None, **kwargs: Any):
        for arg, val, optional in (("num_heads", num_heads, False), ("key_dim", key_dim, False),
                                   ("value_dim", value_dim, True), ("sliding_window", sliding_window, True)):
            if (val is None and not optional) or (val is not None and (not isinstance(val, int) or val <= 0)):
                raise ValueError(f"MultiHeadAttention: `{arg}` must be a positive integer, got {arg}={val!r}")
        super().__init__(**kwargs)
        self.supports_masking = True
        # as in Keras, the activity regularizer applies to each projection's output
        self._sub_activity_regularizer = regularizers.get(activity_regularizer)
        self.num_heads, self.key_dim = num_heads, key_dim
        self.value_dim = value_dim or key_dim
        self.dropout, self.use_bias, self.use_gate, self.seed = dropout, use_bias, use_gate, seed
        if isinstance(output_shape, int):
            output_shape = (output_shape,)
        self._output_shape = tuple(output_shape) if output_shape else None
        if isinstance(attention_axes, int):
            attention_axes = (attention_axes,)
        elif attention_axes is not None and not isinstance(attention_axes, (list, tuple)):
            raise ValueError(f"MultiHeadAttention: `attention_axes` must be an int, list or tuple, got "
                             f"{attention_axes!r}")
        self.attention_axes = tuple(attention_axes) if attention_axes is not None else None
        self.sliding_window = sliding_window
        self.flash_attention = flash_attention  # accepted for compatibility; the compiler picks the kernel
        set_objects(self, kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
                    kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                    kernel_constraint=kernel_constraint, bias_constraint=bias_constraint)
        self.seed_generator = SeedGenerator(seed=seed)
        self._built_from_shapes = False

    @staticmethod
    def _clone_init(init: Any) -> Any:
        """A fresh copy per projection, so seeded initializers don't give every projection the same draw."""
        if hasattr(init, "get_config"):
            return type(init).from_config(init.get_config())
        return init

    def build(self, query_shape: Any, value_shape: Any = None, key_shape: Any = None) -> None:
        # The base class passes only the query's shape; the projections then wait for the first call.
        if value_shape is not None:
            self._build_from(query_shape, value_shape, key_shape)
        self.built = True

    def _build_from(self, query_shape: Any, value_shape: Any, key_shape: Any = None) -> None:
        key_shape = value_shape if key_shape is None else key_shape
        q_rank, v_rank, k_rank = len(query_shape), len(value_shape), len(key_shape)
        if tuple(static_shape(value_shape))[1:-1] != tuple(static_shape(key_shape))[1:-1]:
            raise ValueError(f"{self.name}: all dims of `value` and `key` but the last must match, got value shape "
                             f"{tuple(value_shape)} and key shape {tuple(key_shape)}")
        if q_rank < 3 or q_rank != v_rank:
            raise ShapeError(f"layer '{self.name}' (MultiHeadAttention): `query` and `value` must have the same rank "
                             "(>= 3), got shapes "
                             f"{tuple(query_shape)} and {tuple(value_shape)}")

        def proj(rank: int, dim: int, heads_dim: int, name: str, activation: Any = None) -> _Projection:
            eq, _ = _projection_equation(rank - 1, 1, 2)
            bias = (self.num_heads, heads_dim) if self.use_bias else None
            return _Projection(eq, (dim, self.num_heads, heads_dim), bias, self, name, activation)

        self._query_dense = proj(q_rank, query_shape[-1], self.key_dim, "query")
        self._key_dense = proj(k_rank, key_shape[-1], self.key_dim, "key")
        if self.use_gate:
            self._gate_dense = proj(q_rank, query_shape[-1], self.value_dim, "gate", ops.sigmoid)
        self._value_dense = proj(v_rank, value_shape[-1], self.value_dim, "value")
        out_shape = self._output_shape or (query_shape[-1],)
        eq, _ = _projection_equation(q_rank - 1, 2, len(out_shape))
        self._output_dense = _Projection(eq, (self.num_heads, self.value_dim, *out_shape),
                                         tuple(out_shape) if self.use_bias else None, self, "attention_output")
        rank = q_rank + 1
        axes = tuple(range(1, rank - 2)) if self.attention_axes is None else \
            tuple(a if a >= 0 else (rank - 1) + a for a in self.attention_axes)
        self._axes = axes
        self._dot_eq, self._combine_eq, self._scores_rank = _attention_equations(rank, axes)
        self._built_from_shapes = True

    # Keras exposes the projections under these names.
    query_dense = property(lambda self: self._query_dense)
    key_dense = property(lambda self: self._key_dense)
    value_dense = property(lambda self: self._value_dense)
    output_dense = property(lambda self: self._output_dense)

    def call(self, query: Any, value: Any, key: Any = None, query_mask: Any = None, value_mask: Any = None,
             key_mask: Any = None, attention_mask: Any = None, return_attention_scores: bool = False,
             training: Any = None, use_causal_mask: bool = False) -> Any:
        key = value if key is None else key
        if not self._built_from_shapes:
            self._build_from(static_shape(query.shape), static_shape(value.shape), static_shape(key.shape))
        mask = combined_attention_mask(query, value, query_mask, value_mask, key_mask, attention_mask,
                                       use_causal_mask, self.sliding_window)
        gate = self._gate_dense(query) if self.use_gate else None
        q = self._query_dense(query) * (1.0 / math.sqrt(float(self.key_dim)))
        k = self._key_dense(key)
        v = self._value_dense(value)
        scores = ops.einsum(self._dot_eq, k, q)
        if mask is not None:
            for _ in range(len(scores.shape) - len(mask.shape)):
                mask = ops.expand_dims(mask, axis=-len(self._axes) * 2 - 1)
            scores = ops.where(mask, scores, -1e9)
        n = len(self._axes)
        norm_axes = tuple(range(self._scores_rank - n, self._scores_rank))
        probs = ops.softmax(scores, axis=norm_axes if n > 1 else -1)
        weights = probs
        if training and self.dropout > 0:
            weights = random_dropout(probs, self.dropout, seed=self.seed_generator)
        out = ops.einsum(self._combine_eq, weights, v)
        if gate is not None:
            out = out * gate
        out = self._output_dense(out)
        return (out, probs) if return_attention_scores else out

    def compute_mask(self, inputs: Any, previous_mask: Any = None) -> Any:
        return query_mask_of(previous_mask)

    def compute_output_shape(self, query_shape: Any, value_shape: Any = None, key_shape: Any = None) -> Any:
        out = self._output_shape or (query_shape[-1],)
        return (*tuple(query_shape)[:-1], *out)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "num_heads": self.num_heads, "key_dim": self.key_dim,
                "value_dim": self.value_dim, "dropout": self.dropout, "use_bias": self.use_bias,
                "use_gate": self.use_gate, "output_shape": self._output_shape,
                "attention_axes": self.attention_axes, "sliding_window": self.sliding_window,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "activity_regularizer": regularizers.serialize(self._sub_activity_regularizer),
                "kernel_constraint": constraints.serialize(self.kernel_constraint),
                "bias_constraint": constraints.serialize(self.bias_constraint), "seed": self.seed}


class Attention(Layer):
    """Dot-product (Luong) attention over ``[query, value]`` or ``[query, value, key]`` (``(batch, Tq, dim)``,
    ``(batch, Tv, dim)``). ``score_mode`` "dot" scores ``query @ key^T`` (times a learned ``scale`` with
    ``use_scale``); "concat" scores ``sum(tanh(query + key))`` times a learned ``concat_score_weight``.
    ``mask=[query_mask, value_mask]`` masks padded value steps and zeroes padded query steps.

    >>> Attention()([q, v]).shape                                     # doctest: +SKIP
    (batch, Tq, dim)
    """

    _score_modes = ("dot", "concat")

    def __init__(self, use_scale: bool = False, score_mode: str = "dot", dropout: float = 0.0,
                 seed: int | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        if score_mode not in self._score_modes:
            raise ValueError(f"{type(self).__name__}: invalid score_mode={score_mode!r}; expected 'dot' or "
                             "'concat'")
        self.use_scale, self.score_mode, self.dropout, self.seed = use_scale, score_mode, dropout, seed
        if dropout > 0:
            self.seed_generator = SeedGenerator(seed=seed)
        self.supports_masking = True

    def _check_inputs(self, inputs: Any, mask: Any = None) -> None:
        name = type(self).__name__
        if not isinstance(inputs, (list, tuple)) or not 2 <= len(inputs) <= 3 or \
                any(i is None or isinstance(i, int) for i in inputs):  # a single shape is not a list of inputs
            got = f"a list of {len(inputs)}" if isinstance(inputs, (list, tuple)) else f"a {type(inputs).__name__}"
            raise ValueError(f"{name} ({self.name}) must be called on a list [query, value] or [query, value, "
                             f"key]; got {got}")
        if mask is not None and (not isinstance(mask, (list, tuple)) or not 2 <= len(mask) <= 3):
            raise ValueError(f"{name} ({self.name}): `mask` must be a list [query_mask, value_mask], got {mask!r}")

    def build(self, input_shape: Any) -> None:
        self._check_inputs(input_shape)
        self.scale = self.concat_score_weight = None
        if self.use_scale:
            self.scale = self.add_weight(shape=(), initializer="ones", name="scale")
        if self.score_mode == "concat":
            self.concat_score_weight = self.add_weight(shape=(), initializer="ones", name="concat_score_weight")
        self.built = True

    def _scores(self, query: Any, key: Any) -> Any:
        if self.score_mode == "dot":
            scores = ops.matmul(query, ops.swapaxes(key, -2, -1))
            return scores * self.scale if self.scale is not None else scores
        pair = ops.expand_dims(query, -2) + ops.expand_dims(key, -3)
        if self.scale is not None:
            pair = self.scale * pair
        return self.concat_score_weight * ops.sum(ops.tanh(pair), axis=-1)

    def call(self, inputs: Any, mask: Any = None, training: Any = False, return_attention_scores: bool = False,
             use_causal_mask: bool = False) -> Any:
        self._check_inputs(inputs, mask)
        q, v = inputs[0], inputs[1]
        k = inputs[2] if len(inputs) > 2 else v
        q_mask, v_mask = (mask[0], mask[1]) if mask else (None, None)
        scores = self._scores(q, k)
        keep = None if v_mask is None else ops.expand_dims(ops.cast(v_mask, "bool"), -2)
        if use_causal_mask:
            rows = ops.reshape(ops.arange(ops.shape(scores)[-2], dtype="int32"), (1, -1, 1))
            cols = ops.reshape(ops.arange(ops.shape(scores)[-1], dtype="int32"), (1, 1, -1))
            causal = ops.greater_equal(rows, cols)
            keep = causal if keep is None else ops.logical_and(keep, causal)
        if keep is not None:
            scores = ops.where(keep, scores, scores - 1.0e9)
        weights = ops.softmax(scores, axis=-1)
        dropped = weights
        if training and self.dropout > 0:
            dropped = random_dropout(weights, self.dropout, seed=self.seed_generator)
        out = ops.matmul(dropped, v)
        if q_mask is not None:
            out = ops.where(ops.expand_dims(ops.cast(q_mask, "bool"), -1), out, 0.0)
        return (out, weights) if return_attention_scores else out

    def compute_mask(self, inputs: Any, previous_mask: Any = None) -> Any:
        if previous_mask is None or not isinstance(previous_mask, (list, tuple)) or previous_mask[0] is None:
            return None
        return previous_mask[0]

    def compute_output_shape(self, input_shape: Any) -> tuple[Any, ...]:
        return (*tuple(input_shape[0])[:-1], input_shape[1][-1])

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "use_scale": self.use_scale, "score_mode": self.score_mode,
                "dropout": self.dropout, "seed": self.seed}


class AdditiveAttention(Attention):
    """Additive (Bahdanau) attention: scores ``sum(scale * tanh(query + key))`` with a learned per-feature
    ``scale`` (``use_scale=True``, glorot-uniform initialized). Inputs and masks as ``Attention``.

    >>> AdditiveAttention()([q, v, k]).shape                          # doctest: +SKIP
    (batch, Tq, dim)
    """

    def __init__(self, use_scale: bool = True, dropout: float = 0.0, **kwargs: Any):
        kwargs.pop("score_mode", None)
        super().__init__(use_scale=use_scale, dropout=dropout, **kwargs)

    def build(self, input_shape: Any) -> None:
        self._check_inputs(input_shape)
        self.concat_score_weight = None
        self.scale = None
        if self.use_scale:
            self.scale = self.add_weight(shape=(input_shape[0][-1],), initializer="glorot_uniform", name="scale")
        self.built = True

    def _scores(self, query: Any, key: Any) -> Any:
        t = ops.tanh(ops.expand_dims(query, -2) + ops.expand_dims(key, -3))
        return ops.sum(t * self.scale if self.scale is not None else t, axis=-1)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.pop("score_mode", None)
        return config


__all__ = ["MultiHeadAttention", "Attention", "AdditiveAttention"]
