"""Scaled dot-product attention with ``keras.ops`` semantics, bound as the ``dot_product_attention`` composite
(backends map it to a fused kernel or run its decomposition).

>>> from hornet import ops
>>> q = np.ones((2, 5, 4, 8), "float32")          # [batch, time, heads, head_dim]
>>> ops.dot_product_attention(q, q, q).shape      # doctest: +SKIP
(2, 5, 4, 8)
"""
from __future__ import annotations

from typing import Any

from hornet.api.ops import decompositions
from hornet.api.ops.core import as_tensor, bind, convert, float_dtype, fmt_shape, type_of
from hornet.ir.dtypes import DType, result_type
from hornet.ir.errors import ShapeError
from hornet.ir.symbolic import dims_equal

__all__ = ["dot_product_attention"]


def dot_product_attention(query: Any, key: Any, value: Any, bias: Any = None, mask: Any = None,
                          scale: float | None = None, is_causal: bool = False, flash_attention: bool | None = None,
                          attn_logits_soft_cap: float | None = None) -> Any:
    """``softmax(q k^T * scale + bias, masked) v`` per head.

    query ``[B, T, N, H]``, key/value ``[B, S, K, H]`` with ``N`` a multiple of ``K`` (grouped-query heads);
    ``bias`` broadcastable to ``[B, N, T, S]``; ``mask`` broadcastable to it, True where attending;
    ``is_causal`` lets query ``i`` see keys ``<= i``; ``scale`` defaults to ``1 / sqrt(H)``.
    ``flash_attention`` is a hint only (the backend picks the kernel). ``attn_logits_soft_cap`` squashes the
    logits to ``cap * tanh(logits / cap)`` before masking (computed with prims, not the composite).
    """
    op = "dot_product_attention"
    q, k, v = as_tensor(query), as_tensor(key), as_tensor(value)
    shapes = [type_of(t).shape for t in (q, k, v)]
    if any(len(s) != 4 for s in shapes):
        raise ShapeError(f"{op}: query, key and value must be 4-D [batch, time, heads, head_dim], got "
                         + ", ".join(fmt_shape(s) for s in shapes))
    d = result_type(*(type_of(t).dtype for t in (q, k, v)))
    d = float_dtype(d)
    q, k, v = (convert(t, d, op) for t in (q, k, v))
    if not dims_equal(shapes[1][1], shapes[2][1]) or not dims_equal(shapes[1][2], shapes[2][2]):
        raise ShapeError(f"{op}: key {fmt_shape(shapes[1])} and value {fmt_shape(shapes[2])} must agree on time and "
                         "heads")
    bias = None if bias is None else convert(bias, d, op)
    mask = None if mask is None else convert(mask, DType.bool, op)
    scale = None if scale is None else float(scale)
    if attn_logits_soft_cap is not None:
        return decompositions.attention(q, k, v, bias, mask, scale=scale, is_causal=bool(is_causal),
                                        soft_cap=float(attn_logits_soft_cap), op=op)
    extra = [t for t in (bias, mask) if t is not None]
    return bind("dot_product_attention", q, k, v, *extra, scale=scale, is_causal=bool(is_causal),
                has_bias=bias is not None, has_mask=mask is not None, op=op)
