"""Decompositions of the composite prims into plain prims, registered with ``set_rule(..., decomposition=fn)``.

A backend with no rule for a composite runs its decomposition instead (traced with the node's input types);
so these functions are the composites' portable meaning and must agree with the reference rules. Half floats
compute in float32 and are cast back.
"""
from __future__ import annotations

import math
from typing import Any, Sequence

from hornet.api.ops import _lax as L
from hornet.api.ops.core import as_tensor, binary, bind, broadcast_to, convert, type_of, unary
from hornet.ir.dtypes import DType, finfo, result_type
from hornet.ir.errors import ShapeError
from hornet.ir.prims import set_rule
from hornet.ir.symbolic import dims_equal, is_symbolic

# masked logits become this (as jax.nn.dot_product_attention): a fully masked row averages all values
MASKED_LOGIT = -0.7 * float(finfo(DType.float32).max)

__all__: list[str] = []  # nothing public: the functions below are registered as prim rules


def _compute(x: Any, op: str) -> tuple[Any, DType]:
    """``x`` in its compute dtype (float32 for half floats) and its original dtype."""
    x = as_tensor(x)
    d = type_of(x).dtype
    return (convert(x, DType.float32, op) if d in L.HALF_FLOATS else x), d


def _shifted(x: Any, axes: Sequence[int], op: str) -> Any:
    """``x - max(x, axes)`` with the max held constant for autodiff (it cancels out mathematically)."""
    m = bind("stop_gradient", L.reduce("reduce_max", x, axes, op, keepdims=True), op=op)
    return L.sub(x, m, op)


def softmax(x: Any, *, axes: Sequence[int]) -> Any:
    op = "softmax"
    xc, d = _compute(x, op)
    e = unary("exp", _shifted(xc, axes, op), op)
    return convert(L.true_divide(e, L.reduce("reduce_sum", e, axes, op, keepdims=True), op), d, op)


def log_softmax(x: Any, *, axes: Sequence[int]) -> Any:
    op = "log_softmax"
    xc, d = _compute(x, op)
    s = _shifted(xc, axes, op)
    lse = unary("log", L.reduce("reduce_sum", unary("exp", s, op), axes, op, keepdims=True), op)
    return convert(L.sub(s, lse, op), d, op)


def logsumexp(x: Any, *, axes: Sequence[int]) -> Any:
    op = "logsumexp"
    xc, d = _compute(x, op)
    m = L.reduce("reduce_max", xc, axes, op)
    # an all -inf (or +inf) slice has no finite max to shift by: shift by 0, giving log(0) = -inf (or +inf)
    m = bind("stop_gradient", L.where(bind("is_finite", m, op=op), m, 0.0, op), op=op)
    shape = type_of(xc).shape
    shifted = L.sub(xc, L.reshape(m, L.kept_shape(shape, axes), op), op)
    total = L.reduce("reduce_sum", unary("exp", shifted, op), axes, op)
    return convert(L.add(unary("log", total, op), m, op), d, op)


def layer_norm(x: Any, *, axes: Sequence[int], epsilon: float) -> Any:
    op = "layer_norm"
    xc, d = _compute(x, op)
    centered = L.sub(xc, L.mean(xc, axes, op, keepdims=True), op)
    var = L.mean(L.square(centered, op), axes, op, keepdims=True)
    return convert(L.mul(centered, unary("rsqrt", L.add(var, epsilon, op), op), op), d, op)


def _repeat_heads(t: Any, groups: int, op: str) -> Any:
    """[B, S, K, H] -> [B, S, K*groups, H], each head repeated ``groups`` times in a row (grouped-query)."""
    b, s, k, h = type_of(t).shape
    wide = L.broadcast_in_dim(t, (b, s, k, groups, h), (0, 1, 2, 4), op)
    return L.reshape(wide, (b, s, k * groups, h), op)


def attention(q: Any, k: Any, v: Any, bias: Any = None, mask: Any = None, *, scale: float | None = None,
              is_causal: bool = False, soft_cap: float | None = None, op: str = "dot_product_attention") -> Any:
    """Scaled dot-product attention as prims: q [B, T, N, H], k/v [B, S, K, H] -> [B, T, N, H].

    Everything after the first product is computed in at least float32 and the result cast back.
    ``soft_cap`` (not part of the composite) squashes logits to ``cap * tanh(logits / cap)``.
    """
    q, k, v = as_tensor(q), as_tensor(k), as_tensor(v)
    bq, t_len, n, h = type_of(q).shape
    s_len, kh = type_of(k).shape[1], type_of(k).shape[2]
    if not dims_equal(n, kh):
        if is_symbolic(n) or is_symbolic(kh) or n % kh:
            raise ShapeError(f"{op}: query heads {n} must be a static multiple of key/value heads {kh}")
        k, v = _repeat_heads(k, n // kh, op), _repeat_heads(v, n // kh, op)
    logits_dtype = result_type(type_of(q).dtype, DType.float32)
    logits = bind("dot_general", q, k, lhs_contracting=(3,), rhs_contracting=(3,), lhs_batch=(0, 2),
                  rhs_batch=(0, 2), preferred_element_type=logits_dtype, op=op)  # [B, N, T, S]
    if scale is None:
        if is_symbolic(h):
            raise ShapeError(f"{op}: the head size must be static to derive the default scale")
        scale = 1.0 / math.sqrt(h)
    logits = L.mul(logits, scale, op)
    if soft_cap is not None:
        logits = L.mul(unary("tanh", L.true_divide(logits, soft_cap, op), op), soft_cap, op)
    full_shape = type_of(logits).shape
    if bias is not None:
        logits = L.add(logits, broadcast_to(convert(bias, logits_dtype, op), full_shape, op), op)
    keep = None
    if mask is not None:
        keep = broadcast_to(convert(mask, DType.bool, op), full_shape, op)
    if is_causal:
        rows = L.iota(DType.int32, (t_len, s_len), 0, op)
        cols = L.iota(DType.int32, (t_len, s_len), 1, op)
        causal = L.broadcast_in_dim(binary("ge", rows, cols, op), full_shape, (2, 3), op)
        keep = causal if keep is None else bind("and", keep, causal, op=op)
    if keep is not None:
        logits = L.where(keep, logits, L.full(MASKED_LOGIT, (), logits_dtype, op), op)
    probs = bind("softmax", logits, axes=(3,), op=op)
    out = bind("dot_general", probs, convert(v, logits_dtype, op), lhs_contracting=(3,), rhs_contracting=(1,),
               lhs_batch=(0, 1), rhs_batch=(0, 2), op=op)  # [B, N, T, Hv]
    return convert(L.transpose(out, (0, 2, 1, 3), op), type_of(q).dtype, op)


def dot_product_attention(q: Any, k: Any, v: Any, *rest: Any, scale: float | None, is_causal: bool,
                          has_bias: bool, has_mask: bool) -> Any:
    rest = list(rest)
    bias = rest.pop(0) if has_bias else None
    mask = rest.pop(0) if has_mask else None
    return attention(q, k, v, bias, mask, scale=scale, is_causal=is_causal)


for _name, _fn in (("softmax", softmax), ("log_softmax", log_softmax), ("logsumexp", logsumexp),
                   ("layer_norm", layer_norm), ("dot_product_attention", dot_product_attention)):
    set_rule(_name, decomposition=_fn)
