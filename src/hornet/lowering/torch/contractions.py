"""torch rules: contractions prims. ``dot_general`` is a permute + reshape + ``matmul``; ``conv_general`` is one
``aten.convolution`` (hornet's (N, C, *S) / (O, I, *K) layout is torch's).

Accumulation follows the catalogue's "convert, then multiply and accumulate": half-precision results accumulate
in float32 and round once; integer results accumulate in int64 and wrap to the output width (the same value
modulo 2**bits as accumulating in the output dtype). Integer convolutions run in float64, exact while partial sums
stay below 2**53 (torch has no integer convolution kernel).

>>> import torch
>>> a = torch.arange(6, dtype=torch.int8).reshape(2, 3)
>>> RULES["dot_general"](a, a, lhs_contracting=(1,), rhs_contracting=(1,), preferred_element_type="int32").tolist()
[[5, 14], [14, 50]]
"""
from __future__ import annotations

from math import prod
from typing import Any, Callable, Sequence

import torch

from hornet.ir.dtypes import DType, dtype as to_dtype
from hornet.lowering.torch.dtypes import HORNET, TORCH
from hornet.lowering.torch.structural import pad

_HALF = (DType.float16, DType.bfloat16)


def _dtypes(operand: torch.dtype, preferred: Any) -> tuple[DType, torch.dtype]:
    """(the output dtype, the torch dtype products and sums are computed in)."""
    out = to_dtype(preferred) if preferred is not None else HORNET[operand]
    if out in _HALF:
        return out, torch.float32
    if out.is_floating:
        return out, TORCH[out]
    return out, torch.int64


def _finish(result: torch.Tensor, out: DType) -> torch.Tensor:
    if out.is_bool:
        return result != 0
    if out == DType.uint32:
        return torch.bitwise_and(result, 0xFFFFFFFF).to(torch.uint32)
    return result.to(TORCH[out])


def _matmul(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    if a.is_floating_point() or a.device.type == "cpu":
        return torch.matmul(a, b)
    # integer matmul has no kernel off the CPU: broadcast multiply, then sum over the contracted axis
    return (a.unsqueeze(-1) * b.unsqueeze(-3)).sum(-2)


def dot_general(lhs: torch.Tensor, rhs: torch.Tensor, *, lhs_contracting: Sequence[int],
                rhs_contracting: Sequence[int], lhs_batch: Sequence[int] = (), rhs_batch: Sequence[int] = (),
                preferred_element_type: Any = None) -> torch.Tensor:
    out, acc = _dtypes(lhs.dtype, preferred_element_type)
    lc, rc, lb, rb = (tuple(d) for d in (lhs_contracting, rhs_contracting, lhs_batch, rhs_batch))
    lhs_free = [i for i in range(lhs.ndim) if i not in lb + lc]
    rhs_free = [i for i in range(rhs.ndim) if i not in rb + rc]
    batch = [lhs.shape[i] for i in lb]
    f = [lhs.shape[i] for i in lhs_free]
    g = [rhs.shape[i] for i in rhs_free]
    k = prod([lhs.shape[i] for i in lc])
    a = lhs.to(acc).permute(*lb, *lhs_free, *lc).reshape((*batch, prod(f), k))
    b = rhs.to(acc).permute(*rb, *rc, *rhs_free).reshape((*batch, k, prod(g)))
    return _finish(_matmul(a, b).reshape((*batch, *f, *g)), out)


def _torch_padding(padding: Sequence[Sequence[int]], lhs_dilation: Sequence[int]) -> list[int] | None:
    """The symmetric, non-negative padding aten.convolution takes, or None when it must be done explicitly."""
    if any(d != 1 for d in lhs_dilation) or any(lo != hi or lo < 0 for lo, hi in padding):
        return None
    return [lo for lo, _ in padding]


def conv_general(lhs: torch.Tensor, rhs: torch.Tensor, *, window_strides: Sequence[int],
                 padding: Sequence[Sequence[int]], lhs_dilation: Sequence[int], rhs_dilation: Sequence[int],
                 feature_group_count: int = 1, preferred_element_type: Any = None) -> torch.Tensor:
    out, acc = _dtypes(lhs.dtype, preferred_element_type)
    if not acc.is_floating_point:
        acc = torch.float64
    x, w = lhs.to(acc), rhs.to(acc)
    simple = _torch_padding(padding, lhs_dilation)
    if simple is None:
        # zero-insert (lhs_dilation) and pad or crop each spatial dim, then convolve without padding
        config = [(0, 0, 0), (0, 0, 0)] + [(lo, hi, d - 1) for (lo, hi), d in zip(padding, lhs_dilation)]
        x = pad(x, torch.zeros((), dtype=acc, device=x.device), padding_config=config)
        simple = [0] * (lhs.ndim - 2)
    nsp = lhs.ndim - 2
    spans = [(k - 1) * d + 1 for k, d in zip(w.shape[2:], rhs_dilation)]
    sizes = [n + 2 * p - s for n, p, s in zip(x.shape[2:], simple, spans)]
    if any(size < 0 for size in sizes):  # no window fits: an empty result, which torch refuses to compute
        shape = (x.shape[0], w.shape[0], *(max(0, size // st + 1) for size, st in zip(sizes, window_strides)))
        return _finish(torch.zeros(shape, dtype=acc, device=x.device), out)
    result = torch.ops.aten.convolution.default(x, w, None, list(window_strides), simple, list(rhs_dilation),
                                                False, [0] * nsp, feature_group_count)
    if out.is_integer and out != DType.bool:
        result = torch.round(result).to(torch.int64)
    return _finish(result, out)


RULES: dict[str, Callable[..., Any]] = {
    "dot_general": dot_general,
    "conv_general": conv_general,
}
