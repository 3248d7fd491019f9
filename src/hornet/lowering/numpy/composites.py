"""NumPy reference rules: composite prims, written directly (16-bit floats computed in float32).

>>> RULES["logsumexp"](np.array([[0.0, 0.0], [-np.inf, -np.inf]]), axes=(1,)).round(4).tolist()
[0.6931, -inf]
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from hornet.ir.prims.threefry_schedule import threefry_rounds
from hornet.lowering.numpy.elementwise import wide

# Masked attention logits become this (as jax.nn.dot_product_attention), so a fully masked row averages all values.
MASKED_LOGIT = -0.7 * float(np.finfo(np.float32).max)


def _shifted(x: np.ndarray, axes: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """(x - m, m) with m the max over axes (kept), replaced by 0 where not finite (all -inf stays -inf)."""
    m = np.max(x, axis=axes, keepdims=True, initial=-np.inf)
    m = np.where(np.isfinite(m), m, 0.0)
    return x - m, m


def _out(fn: Callable[..., np.ndarray]) -> Callable[..., np.ndarray]:
    def rule(x: np.ndarray, **attrs: Any) -> np.ndarray:
        with np.errstate(all="ignore"):
            return np.asarray(fn(wide(x), **attrs)).astype(x.dtype)

    rule.__name__ = fn.__name__
    return rule


def softmax(x: np.ndarray, *, axes: tuple[int, ...]) -> np.ndarray:
    e = np.exp(_shifted(x, axes)[0])
    return e / np.sum(e, axis=axes, keepdims=True)


def log_softmax(x: np.ndarray, *, axes: tuple[int, ...]) -> np.ndarray:
    s = _shifted(x, axes)[0]
    return s - np.log(np.sum(np.exp(s), axis=axes, keepdims=True))


def logsumexp(x: np.ndarray, *, axes: tuple[int, ...]) -> np.ndarray:
    s, m = _shifted(x, axes)
    return np.squeeze(np.log(np.sum(np.exp(s), axis=axes, keepdims=True)) + m, axis=axes)


def layer_norm(x: np.ndarray, *, axes: tuple[int, ...], epsilon: float) -> np.ndarray:
    centered = x - np.mean(x, axis=axes, keepdims=True)
    var = np.mean(centered * centered, axis=axes, keepdims=True)
    return centered / np.sqrt(var + epsilon)


def dot_product_attention(q: np.ndarray, k: np.ndarray, v: np.ndarray, *extra: np.ndarray, scale: float | None,
                          is_causal: bool, has_bias: bool, has_mask: bool) -> np.ndarray:
    """softmax(q k^T * scale + bias, masked) v with grouped heads: query head n reads key/value head n // G."""
    compute = np.float64 if q.dtype == np.float64 else np.float32
    B, T, N, H = q.shape
    S, K = k.shape[1], k.shape[2]
    G = N // K
    qg = q.astype(compute).reshape(B, T, K, G, H)
    logits = np.einsum("btkgh,bskh->bkgts", qg, k.astype(compute)).reshape(B, N, T, S)
    logits = logits * (1.0 / np.sqrt(H) if scale is None else scale)
    rest = list(extra)
    if has_bias:
        logits = logits + rest.pop(0).astype(compute)
    keep = np.ones((1, 1, T, S), bool)
    if has_mask:
        keep = keep & rest.pop(0)
    if is_causal:
        keep = keep & np.tril(np.ones((T, S), bool))
    logits = np.where(keep, logits, compute(MASKED_LOGIT))
    probs = softmax(logits, axes=(3,)).reshape(B, K, G, T, S)
    out = np.einsum("bkgts,bskh->btkgh", probs, v.astype(compute)).reshape(B, T, N, H)
    return out.astype(q.dtype)


def threefry2x32(k0: np.ndarray, k1: np.ndarray, x1: np.ndarray, x2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    u = np.uint32
    return threefry_rounds(k0, k1, x1, x2, add=np.add, xor=np.bitwise_xor,
                           rotl=lambda x, r: (x << u(r)) | (x >> u(32 - r)), constant=u)


RULES: dict[str, Callable[..., Any]] = {
    "softmax": _out(softmax),
    "log_softmax": _out(log_softmax),
    "logsumexp": _out(logsumexp),
    "layer_norm": _out(layer_norm),
    "dot_product_attention": dot_product_attention,
    "threefry2x32": threefry2x32,
}
