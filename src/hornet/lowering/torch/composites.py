"""torch rules: composite prims on torch's fused ops (``softmax``, ``logsumexp``, ``scaled_dot_product_attention``).
16-bit floats are computed in float32 and rounded back once, as in the other lowerings.

>>> import torch
>>> RULES["softmax"](torch.zeros(2, 4), axes=(1,))[0].tolist()
[0.25, 0.25, 0.25, 0.25]
"""
from __future__ import annotations

import math
from typing import Any, Callable, Sequence

import torch
import torch.nn.functional as F

from hornet.ir.prims.threefry_schedule import threefry_rounds
from hornet.lowering.torch import dtypes

# Masked attention logits become this (as jax.nn.dot_product_attention), so a fully masked row averages all values.
MASKED_LOGIT = -0.7 * float(torch.finfo(torch.float32).max)


def _last(x: torch.Tensor, axes: Sequence[int]) -> tuple[torch.Tensor, Callable[[torch.Tensor], torch.Tensor]]:
    """``x`` with ``axes`` moved last and flattened into one, and the function that undoes it."""
    axes = tuple(axes)
    if len(axes) == 1:
        return x.movedim(axes[0], -1), lambda y: y.movedim(-1, axes[0])
    rest = [d for d in range(x.ndim) if d not in axes]
    moved = x.permute(*rest, *axes)
    inverse = [0] * x.ndim
    for position, d in enumerate((*rest, *axes)):
        inverse[d] = position
    shape = moved.shape
    return moved.reshape((*shape[:len(rest)], -1)), lambda y: y.reshape(shape).permute(*inverse)


def _softmax(x: torch.Tensor, *, axes: Sequence[int]) -> torch.Tensor:
    flat, back = _last(x, axes)
    return back(torch.softmax(flat, dim=-1))


def _log_softmax(x: torch.Tensor, *, axes: Sequence[int]) -> torch.Tensor:
    flat, back = _last(x, axes)
    return back(torch.log_softmax(flat, dim=-1))


def _logsumexp(x: torch.Tensor, *, axes: Sequence[int]) -> torch.Tensor:
    return torch.logsumexp(x, dim=tuple(axes))  # all -inf gives -inf; an empty axis too


def _layer_norm(x: torch.Tensor, *, axes: Sequence[int], epsilon: float) -> torch.Tensor:
    dims = tuple(axes)
    centered = x - x.mean(dim=dims, keepdim=True)
    var = (centered * centered).mean(dim=dims, keepdim=True)
    return centered * torch.rsqrt(var + epsilon)


def _to_4d(t: torch.Tensor) -> torch.Tensor:
    return t.reshape((1,) * (4 - t.ndim) + tuple(t.shape))


def dot_product_attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, *extra: torch.Tensor,
                          scale: float | None, is_causal: bool, has_bias: bool, has_mask: bool) -> torch.Tensor:
    """``F.scaled_dot_product_attention`` on [B, N, T, H] views; masks (and causality, when combined with a bias
    or mask) become an additive bias of ``MASKED_LOGIT`` so that fully masked rows average, as in JAX."""
    dtype = q.dtype
    compute = torch.float64 if dtype == torch.float64 else torch.float32
    q, k, v = (a.to(compute).transpose(1, 2) for a in (q, k, v))  # [B, N, T, H] / [B, K, S, H]
    T, S = q.shape[2], k.shape[2]
    rest = list(extra)
    bias = _to_4d(rest.pop(0)).to(compute) if has_bias else None
    keep = _to_4d(rest.pop(0)) if has_mask else None
    if is_causal and (bias is not None or keep is not None):
        causal = torch.ones((T, S), dtype=torch.bool, device=q.device).tril()
        keep = causal if keep is None else keep & causal
        is_causal = False
    if keep is not None:
        masked = torch.full((), MASKED_LOGIT, dtype=compute, device=q.device)
        zero = torch.zeros((), dtype=compute, device=q.device)
        bias = torch.where(keep, zero if bias is None else bias, masked)
    scale = 1.0 / math.sqrt(q.shape[-1]) if scale is None else scale
    out = F.scaled_dot_product_attention(q, k, v, attn_mask=bias, is_causal=is_causal, scale=scale,
                                         enable_gqa=k.shape[1] != q.shape[1])
    return out.transpose(1, 2).to(dtype)


def threefry2x32(k0: torch.Tensor, k1: torch.Tensor, x1: torch.Tensor,
                 x2: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """All 20 rounds in int64 masked to 32 bits: torch's uint32 has no add or shifts, and converting once here
    replaces a conversion at each of the hash's ~100 ops."""
    mask = dtypes.U32_MASK
    add = lambda a, b: torch.bitwise_and(a + b, mask)  # noqa: E731
    rotl = lambda x, r: torch.bitwise_and(x << r, mask) | (x >> (32 - r))  # noqa: E731
    y1, y2 = threefry_rounds(*(dtypes.widen(t) for t in (k0, k1, x1, x2)), add=add, xor=torch.bitwise_xor,
                             rotl=rotl, constant=lambda c: c)
    return dtypes.narrow_u32(y1), dtypes.narrow_u32(y2)


RULES: dict[str, Callable[..., Any]] = {
    "softmax": dtypes.in_float32(_softmax),
    "log_softmax": dtypes.in_float32(_log_softmax),
    "logsumexp": dtypes.in_float32(_logsumexp),
    "layer_norm": dtypes.in_float32(_layer_norm),
    "dot_product_attention": dot_product_attention,
    "threefry2x32": threefry2x32,
}
