"""``GroupQueryAttention`` (Keras 3's ``keras.layers.GroupQueryAttention``): multi-head attention where
``num_query_heads`` query heads share ``num_key_value_heads`` key/value heads.

Weights, in order (EinsumDense sublayers, as Keras): query kernel ``(dim, num_query_heads, head_dim)`` and bias
``(num_query_heads, head_dim)``, key and value kernels ``(dim, num_key_value_heads, head_dim)`` with their
biases (a gate like the query between them with ``use_gate``), then attention_output kernel
``(num_query_heads, head_dim, query_dim)`` and bias ``(query_dim,)``.

>>> gqa = GroupQueryAttention(head_dim=8, num_query_heads=4, num_key_value_heads=2)   # doctest: +SKIP
>>> gqa(x, x).shape                                                                    # (batch, T, dim)
"""
from __future__ import annotations

import math
from typing import Any

from hornet.api import constraints, initializers, ops, regularizers
from hornet.api.layers.attention import static_shape, combined_attention_mask, query_mask_of
from hornet.api.layers.core import EinsumDense
from hornet.api.layers.layer import Layer
from hornet.api.layers.layer_objects import set_objects
from hornet.api.layers.naming import unique_name
from hornet.api.random import SeedGenerator, dropout as random_dropout
from hornet.ir.errors import ShapeError


def _positive(name: str, value: Any, optional: bool = False) -> None:
    if value is None and optional:
        return
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"GroupQueryAttention: `{name}` must be a positive integer, got {name}={value!r}")


class GroupQueryAttention(Layer):
    """Grouped-query attention (Ainslie et al., 2023) with the Keras 3 arguments, weights and call signature.

    ``call(query, value, key=None, query_mask=None, value_mask=None, key_mask=None, attention_mask=None,
    return_attention_scores=False, training=None, use_causal_mask=False)`` on ``(batch, T, dim)`` query and
    ``(batch, S, dim)`` value/key; the scores are ``(batch, num_query_heads, T, S)``. ``dropout`` drops
    attention probabilities in training. ``flash_attention`` is a hint (the compiler picks the kernel); as in
    Keras, ``flash_attention=True`` rejects ``dropout > 0`` and ``return_attention_scores``. The projections are
    created on the first call (or by ``build(query_shape, value_shape, key_shape)``).

    >>> gqa = GroupQueryAttention(head_dim=4, num_query_heads=4, num_key_value_heads=2)   # doctest: +SKIP
    >>> out, scores = gqa(q, v, return_attention_scores=True)         # scores: (batch, 4, T, S)
    """

    def __init__(self, head_dim: int, num_query_heads: int, num_key_value_heads: int, dropout: float = 0.0,
                 use_bias: bool = True, sliding_window: int | None = None, flash_attention: bool | None = None,
                 kernel_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, bias_regularizer: Any = None, activity_regularizer: Any = None,
                 kernel_constraint: Any = None, bias_constraint: Any = None, use_gate: bool = False,
                 seed: int | None = None, **kwargs: Any):
        _positive("head_dim", head_dim)
        _positive("num_query_heads", num_query_heads)
        _positive("num_key_value_heads", num_key_value_heads)
        _positive("sliding_window", sliding_window, optional=True)
        if num_query_heads % num_key_value_heads:
            raise ValueError(f"GroupQueryAttention: `num_query_heads` must be divisible by `num_key_value_heads`, "
                             f"got num_query_heads={num_query_heads}, num_key_value_heads={num_key_value_heads}")
        if flash_attention and dropout > 0.0:
            raise ValueError(f"GroupQueryAttention: dropout is not supported with flash attention; got "
                             f"dropout={dropout} and flash_attention={flash_attention}")
        if kwargs.get("name") is None:  # Keras's default name comes from its class name, GroupedQueryAttention
            kwargs["name"] = unique_name("grouped_query_attention")
        super().__init__(**kwargs)
        self.supports_masking = True
        # as in Keras, the activity regularizer applies to each projection's output
        self._sub_activity_regularizer = regularizers.get(activity_regularizer)
        self.head_dim, self.num_query_heads, self.num_key_value_heads = head_dim, num_query_heads, \
            num_key_value_heads
        self.num_repeats = num_query_heads // num_key_value_heads
        self.dropout, self.use_bias, self.use_gate, self.seed = float(dropout), bool(use_bias), bool(use_gate), seed
        self.sliding_window = sliding_window
        self._flash_attention = bool(flash_attention)
        set_objects(self, kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
                    kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                    kernel_constraint=kernel_constraint, bias_constraint=bias_constraint)
        self.seed_generator = SeedGenerator(seed=seed)
        self._built_from_shapes = False

    def build(self, query_shape: Any, value_shape: Any = None, key_shape: Any = None) -> None:
        # The base class passes only the query's shape; the projections then wait for the first call.
        if value_shape is not None:
            self._build_from(query_shape, value_shape, key_shape)
        self.built = True

    def _projection(self, equation: str, heads: int, bias_axes: str, name: str, activation: Any = None
                    ) -> EinsumDense:
        def clone(init: Any) -> Any:  # a fresh copy per projection: seeded initializers draw differently
            return type(init).from_config(init.get_config()) if hasattr(init, "get_config") else init

        out_shape = (None, heads, self.head_dim) if heads else (None, self.feature_dim)
        return EinsumDense(equation, output_shape=out_shape, bias_axes=bias_axes if self.use_bias else None,
                           activation=activation, kernel_initializer=clone(self.kernel_initializer),
                           bias_initializer=clone(self.bias_initializer), kernel_regularizer=self.kernel_regularizer,
                           bias_regularizer=self.bias_regularizer, kernel_constraint=self.kernel_constraint,
                           bias_constraint=self.bias_constraint, activity_regularizer=self._sub_activity_regularizer,
                           dtype=self.dtype_policy.name, name=name)

    def _build_from(self, query_shape: Any, value_shape: Any, key_shape: Any = None) -> None:
        key_shape = value_shape if key_shape is None else key_shape
        for arg, shape in (("query", query_shape), ("value", value_shape), ("key", key_shape)):
            if len(shape) != 3 or shape[-1] is None:
                raise ShapeError(f"layer '{self.name}' (GroupQueryAttention) expects a rank-3 `{arg}` (batch, "
                                 f"seq_len, dim) with a known last dim, got shape {tuple(shape)}")
        if static_shape(value_shape)[1] is not None and static_shape(key_shape)[1] is not None \
                and value_shape[1] != key_shape[1]:
            raise ValueError(f"layer '{self.name}' (GroupQueryAttention): `value` and `key` must have the same "
                             f"length, got value shape {tuple(value_shape)} and key shape {tuple(key_shape)}")
        self.feature_dim = query_shape[-1]
        q, kv = self.num_query_heads, self.num_key_value_heads
        self._query_dense = self._projection("bqm,muh->bquh", q, "uh", "query")
        self._query_dense.build(query_shape)
        self._key_dense = self._projection("bkm,mvh->bkvh", kv, "vh", "key")
        self._key_dense.build(key_shape)
        if self.use_gate:
            self._gate_dense = self._projection("bqm,muh->bquh", q, "uh", "gate", activation="sigmoid")
            self._gate_dense.build(query_shape)
        self._value_dense = self._projection("bkm,mvh->bkvh", kv, "vh", "value")
        self._value_dense.build(value_shape)
        self._output_dense = self._projection("bquh,uhm->bqm", 0, "m", "attention_output")
        self._output_dense.build((None, None, q, self.head_dim))
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
        for arg, x in (("query", query), ("value", value), ("key", key)):
            if len(x.shape) != 3:
                raise ShapeError(f"layer '{self.name}' (GroupQueryAttention) expects a rank-3 `{arg}` (batch, "
                                 f"seq_len, dim), got shape {static_shape(x.shape)}")
        if return_attention_scores and self._flash_attention:
            raise ValueError(f"layer '{self.name}' (GroupQueryAttention): attention scores can't be returned with "
                             "flash_attention=True")
        mask = combined_attention_mask(query, value, query_mask, value_mask, key_mask, attention_mask,
                                       use_causal_mask, self.sliding_window)
        gate = self._gate_dense(query) if self.use_gate else None
        q = self._query_dense(query)
        k = self._key_dense(key)
        v = self._value_dense(value)
        scale = 1.0 / math.sqrt(float(self.head_dim))
        dropping = bool(training) and self.dropout > 0.0
        scores = None
        if return_attention_scores or dropping:
            out, scores = self._explicit_attention(q, k, v, mask, scale, dropping)
        else:  # the fused op takes the key/value heads as they are (grouped-query heads)
            out = ops.dot_product_attention(q, k, v, mask=None if mask is None else ops.expand_dims(mask, 1),
                                            scale=scale)
        if gate is not None:
            out = out * gate
        out = self._output_dense(out)
        return (out, scores) if return_attention_scores else out

    def _explicit_attention(self, q: Any, k: Any, v: Any, mask: Any, scale: float, dropping: bool
                            ) -> tuple[Any, Any]:
        k = ops.repeat(k, self.num_repeats, axis=2)
        v = ops.repeat(v, self.num_repeats, axis=2)
        scores = ops.einsum("bquh,bkuh->buqk", q * scale, k)
        if mask is not None:
            scores = ops.where(ops.expand_dims(mask, 1), scores, -1e9)
        probs = ops.softmax(scores, axis=-1)
        weights = random_dropout(probs, self.dropout, seed=self.seed_generator) if dropping else probs
        return ops.einsum("buqk,bkuh->bquh", weights, v), probs

    def compute_mask(self, inputs: Any, previous_mask: Any = None) -> Any:
        return query_mask_of(previous_mask)

    def compute_output_shape(self, query_shape: Any, value_shape: Any = None, key_shape: Any = None) -> Any:
        value_shape = query_shape if value_shape is None else value_shape
        key_shape = value_shape if key_shape is None else key_shape
        if query_shape[-1] != value_shape[-1]:
            raise ValueError(f"layer '{self.name}' (GroupQueryAttention): the last dims of the query and value "
                             f"shapes must be equal, got query_shape={tuple(query_shape)}, "
                             f"value_shape={tuple(value_shape)}")
        if tuple(value_shape)[1:-1] != tuple(key_shape)[1:-1]:
            raise ValueError(f"layer '{self.name}' (GroupQueryAttention): all dims of `value` and `key` but the "
                             f"last must match, got value_shape={tuple(value_shape)}, key_shape={tuple(key_shape)}")
        return tuple(query_shape)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "head_dim": self.head_dim, "num_query_heads": self.num_query_heads,
                "num_key_value_heads": self.num_key_value_heads, "use_bias": self.use_bias,
                "use_gate": self.use_gate, "sliding_window": self.sliding_window, "dropout": self.dropout,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "activity_regularizer": regularizers.serialize(self._sub_activity_regularizer),
                "kernel_constraint": constraints.serialize(self.kernel_constraint),
                "bias_constraint": constraints.serialize(self.bias_constraint), "seed": self.seed}


__all__ = ["GroupQueryAttention"]
