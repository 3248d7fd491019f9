"""torch rules: reductions prims (plain and cumulative reductions, argmax/argmin).

Sums and products accumulate in the operand dtype (integers wrap as on XLA), float16/bfloat16 in float32 with one
rounding; uint32 is computed in int64. Empty ``axes`` is the identity (torch reads ``dim=()`` as "all dims"), and
max/min over an empty axis give the identity (-inf/+inf, or the dtype's min/max), which torch refuses to compute.

>>> import torch
>>> RULES["reduce_max"](torch.zeros(2, 0), axes=(1,)).tolist()
[-inf, -inf]
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import torch

from hornet.lowering.torch.dtypes import in_float32, narrow_u32, torch_dtype, widen


def identity(computation: str, dtype: torch.dtype) -> float | int:
    """The identity of sum/max/min in ``dtype``: 0, -inf/+inf for floats, the integer dtype's min/max."""
    if computation == "sum":
        return 0
    if dtype.is_floating_point:
        return -float("inf") if computation == "max" else float("inf")
    if dtype == torch.uint32:
        return 0 if computation == "max" else 2 ** 32 - 1
    info = torch.iinfo(dtype)
    return info.min if computation == "max" else info.max


def _computed(fn: Callable[..., torch.Tensor]) -> Callable[..., torch.Tensor]:
    """Run ``fn`` on float32 for 16-bit floats and on int64 for uint32, converting the result back."""

    halves = in_float32(fn)

    def rule(x: torch.Tensor, **attrs: Any) -> torch.Tensor:
        if x.dtype == torch.uint32:
            return narrow_u32(fn(widen(x), **attrs))
        return halves(x, **attrs)

    return rule


def _over_axes(fn: Callable[[torch.Tensor, int], torch.Tensor]) -> Callable[..., torch.Tensor]:
    """A reduction over several axes as single-axis reductions, last axis first (so the indices stay valid)."""

    def rule(x: torch.Tensor, *, axes: Sequence[int]) -> torch.Tensor:
        for axis in sorted(axes, reverse=True):
            x = fn(x, axis)
        return x

    return rule


def _extreme(computation: str) -> Callable[..., torch.Tensor]:
    reduce = torch.amax if computation == "max" else torch.amin

    def rule(x: torch.Tensor, *, axes: Sequence[int]) -> torch.Tensor:
        axes = tuple(axes)
        if not axes:
            return x
        if any(x.shape[a] == 0 for a in axes):
            # (uint32 arrives as int64: int64's min/max narrow to 0 and 2**32 - 1, uint32's own)
            shape = [d for i, d in enumerate(x.shape) if i not in axes]
            return torch.full(shape, identity(computation, x.dtype), dtype=x.dtype, device=x.device)
        return reduce(x, dim=axes)  # NaN-propagating

    return rule


def _arg(largest: bool) -> Callable[..., torch.Tensor]:
    def rule(x: torch.Tensor, *, axis: int, index_dtype: Any) -> torch.Tensor:
        if x.dtype == torch.bool:
            x = x.to(torch.uint8)
        x = widen(x)
        if x.dim() > 1 and x.stride(axis) != 1:
            # torch's CPU arg-reductions crawl along a strided axis: a max-pool VJP's (4, 64, 12, 12, 64) window
            # stack took 41 ms over axis 0, 7 ms as a copy with the axis innermost plus the reduction
            x, axis = x.movedim(axis, -1).contiguous(), -1
        index = torch.argmax(x, dim=axis) if largest else torch.argmin(x, dim=axis)  # first extreme on ties
        if x.is_floating_point():  # the first NaN counts as the extreme
            nan = torch.isnan(x)
            index = torch.where(nan.any(dim=axis), torch.argmax(nan.to(torch.uint8), dim=axis), index)
        return index.to(torch_dtype(index_dtype))

    return rule


def _scan(fn: Callable[[torch.Tensor, int], torch.Tensor]) -> Callable[..., torch.Tensor]:
    def rule(x: torch.Tensor, *, axis: int, reverse: bool = False) -> torch.Tensor:
        if reverse:
            return torch.flip(fn(torch.flip(x, (axis,)), axis), (axis,))
        return fn(x, axis)

    return rule


def _sum(x: torch.Tensor, *, axes: Sequence[int]) -> torch.Tensor:
    return torch.sum(x, dim=tuple(axes), dtype=x.dtype) if axes else x


RULES: dict[str, Callable[..., Any]] = {
    "reduce_sum": _computed(_sum),
    "reduce_prod": _computed(_over_axes(lambda x, a: torch.prod(x, dim=a, dtype=x.dtype))),
    "reduce_max": _computed(_extreme("max")),
    "reduce_min": _computed(_extreme("min")),
    "reduce_and": _over_axes(lambda x, a: torch.all(x, dim=a)),
    "reduce_or": _over_axes(lambda x, a: torch.any(x, dim=a)),
    "argmax": _arg(largest=True),
    "argmin": _arg(largest=False),
    "cumsum": _computed(_scan(lambda x, a: torch.cumsum(x, dim=a, dtype=x.dtype))),
    "cumprod": _computed(_scan(lambda x, a: torch.cumprod(x, dim=a, dtype=x.dtype))),
    "cummax": _computed(_scan(lambda x, a: torch.cummax(x, dim=a).values)),
    "cummin": _computed(_scan(lambda x, a: torch.cummin(x, dim=a).values)),
}
