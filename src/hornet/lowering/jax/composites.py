"""JAX rules: composite prims, mapped onto ``jax.nn`` where it has the op (16-bit floats computed in float32).

>>> import jax.numpy as jnp
>>> RULES["softmax"](jnp.zeros((2, 4)), axes=(1,)).tolist()[0]
[0.25, 0.25, 0.25, 0.25]
"""
from __future__ import annotations

import math
from typing import Any, Callable

import jax
import jax.numpy as jnp
import numpy as np

from hornet.ir.prims.threefry_schedule import threefry_rounds

MASKED_LOGIT = -0.7 * float(np.finfo(np.float32).max)  # as jax.nn.dot_product_attention


def _in_float32(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Run ``fn`` on 16-bit floats upcast to float32 and round the result back."""

    def rule(x: Any, **attrs: Any) -> Any:
        if x.dtype.itemsize < 4:
            return fn(x.astype(jnp.float32), **attrs).astype(x.dtype)
        return fn(x, **attrs)

    return rule


def _layer_norm(x: Any, *, axes: tuple[int, ...], epsilon: float) -> Any:
    centered = x - jnp.mean(x, axis=axes, keepdims=True)
    var = jnp.mean(centered * centered, axis=axes, keepdims=True)
    return centered * jax.lax.rsqrt(var + jnp.asarray(epsilon, x.dtype))


def _to_4d(t: Any) -> Any:
    return t.reshape((1,) * (4 - t.ndim) + t.shape)


def _attention(q: Any, k: Any, v: Any, bias: Any, mask: Any, scale: float, is_causal: bool) -> Any:
    """Attention with lax/jnp, computed in float32 (float64 for float64 inputs) and rounded once at the end."""
    dtype = q.dtype
    compute = jnp.float64 if dtype == jnp.float64 else jnp.float32
    q, k, v = (a.astype(compute) for a in (q, k, v))
    B, T, N, H = q.shape
    S, K = k.shape[1], k.shape[2]
    qg = q.reshape(B, T, K, N // K, H)
    logits = jnp.einsum("btkgh,bskh->bkgts", qg, k).reshape(B, N, T, S) * scale
    if bias is not None:
        logits = logits + bias.astype(compute)
    keep = jnp.ones((1, 1, T, S), bool)
    if mask is not None:
        keep = keep & mask
    if is_causal:
        keep = keep & jnp.tril(jnp.ones((T, S), bool))
    logits = jnp.where(keep, logits, jnp.asarray(MASKED_LOGIT, compute))
    probs = jax.nn.softmax(logits, axis=-1).reshape(B, K, N // K, T, S)
    return jnp.einsum("bkgts,bskh->btkgh", probs, v).reshape(B, T, N, H).astype(dtype)


# jax.nn's version computes its softmax in float32 (too coarse for float64) and its float16 dot products ask for
# a precision XLA's CPU backend rejects; those two dtypes take the lax version.
_OWN_ATTENTION = (jnp.float64, jnp.float16)


def dot_product_attention(q: Any, k: Any, v: Any, *extra: Any, scale: float | None, is_causal: bool,
                          has_bias: bool, has_mask: bool) -> Any:
    rest = list(extra)
    bias = _to_4d(rest.pop(0)) if has_bias else None
    mask = _to_4d(rest.pop(0)) if has_mask else None
    scale = 1.0 / math.sqrt(q.shape[-1]) if scale is None else scale
    if q.dtype in _OWN_ATTENTION:
        return _attention(q, k, v, bias, mask, scale, is_causal)
    return jax.nn.dot_product_attention(q, k, v, bias, mask, scale=scale, is_causal=is_causal)


def threefry2x32(k0: Any, k1: Any, x1: Any, x2: Any) -> tuple[Any, Any]:
    u32 = lambda c: np.uint32(c)  # noqa: E731
    rotl = lambda x, r: jax.lax.shift_left(x, u32(r)) | jax.lax.shift_right_logical(x, u32(32 - r))  # noqa: E731
    return threefry_rounds(k0, k1, x1, x2, add=jax.lax.add, xor=jax.lax.bitwise_xor, rotl=rotl, constant=u32)


RULES: dict[str, Callable[..., Any]] = {
    "softmax": _in_float32(lambda x, *, axes: jax.nn.softmax(x, axis=axes)),
    "log_softmax": _in_float32(lambda x, *, axes: jax.nn.log_softmax(x, axis=axes)),
    "logsumexp": _in_float32(lambda x, *, axes: jax.nn.logsumexp(x, axis=axes)),
    "layer_norm": _in_float32(_layer_norm),
    "dot_product_attention": dot_product_attention,
    "threefry2x32": threefry2x32,
}
