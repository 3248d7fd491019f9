"""torch rules: ``reduce_window``. The input is dilated and padded with the computation's identity (the
structural ``pad`` rule: interior padding for base dilation, negative amounts crop), then every axis is unfolded
into its windows (``Tensor.unfold``; window dilation by striding the unfolded dim) and the window dims reduced.

Max over floats (max pooling) runs ``max_pool{1,2,3}d`` on the windowed axes when they are at most three and
undilated: one kernel instead of an unfolded copy.

``select_and_scatter_add`` (the max/min pooling VJP) runs ``max_pool{2,3}d_with_indices`` and its backward kernel
under the same conditions (float32/float64, no dilation); elsewhere the prim decomposes (``applies``). The kernels
pick the first maximum of a window, as the prim does, but the last NaN; NaN is mapped to +inf first, so the first
NaN wins too, except in a window holding a +inf before a NaN (the inf is picked, not the NaN). The CNN bench's
train step (fit, 2 cores) measured 61 ms with the decomposition and 53 ms with the kernels.
"""
from __future__ import annotations

from math import prod
from typing import Any, Callable, Sequence

import torch
import torch.nn.functional as F

from hornet.lowering.torch.dtypes import HALF, narrow_u32, widen
from hornet.lowering.torch.reductions import identity
from hornet.lowering.torch.structural import pad

_POOLS = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}


def _padded(x: torch.Tensor, computation: str, padding: Sequence[Sequence[int]],
            base_dilation: Sequence[int]) -> torch.Tensor:
    if all(lo == 0 and hi == 0 for lo, hi in padding) and all(d == 1 for d in base_dilation):
        return x
    fill = torch.full((), identity(computation, x.dtype), dtype=x.dtype, device=x.device)
    config = [(lo, hi, d - 1) for (lo, hi), d in zip(padding, base_dilation)]
    return pad(x, fill, padding_config=config)


def _max_pool(x: torch.Tensor, window: Sequence[int], strides: Sequence[int]) -> torch.Tensor | None:
    """Max over windows with ``max_pool{n}d`` (windowed axes moved last, the others flattened into the batch)."""
    axes = [a for a in range(x.ndim) if window[a] != 1 or strides[a] != 1]
    rest = [a for a in range(x.ndim) if a not in axes]
    if not 1 <= len(axes) <= 3 or any(x.shape[a] < window[a] for a in axes):
        return None
    moved = x.permute(*rest, *axes)
    batch = [x.shape[a] for a in rest]
    flat = moved.reshape((prod(batch), 1, *(x.shape[a] for a in axes)))
    out = _POOLS[len(axes)](flat, [window[a] for a in axes], [strides[a] for a in axes])
    out = out.reshape((*batch, *out.shape[2:]))
    inverse = [0] * x.ndim
    for position, a in enumerate((*rest, *axes)):
        inverse[a] = position
    return out.permute(*inverse)


_REDUCERS: dict[str, Callable[[torch.Tensor, tuple[int, ...]], torch.Tensor]] = {
    "sum": lambda w, dims: torch.sum(w, dim=dims, dtype=w.dtype),
    "max": lambda w, dims: torch.amax(w, dim=dims),
    "min": lambda w, dims: torch.amin(w, dim=dims),
}


def reduce_window(x: torch.Tensor, *, computation: str, window_dimensions: Sequence[int],
                  window_strides: Sequence[int], padding: Sequence[Sequence[int]],
                  base_dilation: Sequence[int] | None = None,
                  window_dilation: Sequence[int] | None = None) -> torch.Tensor:
    ones = (1,) * x.ndim
    dtype = x.dtype
    if dtype in HALF and computation == "sum":
        x = x.to(torch.float32)
    x = widen(x)
    x = _padded(x, computation, padding, base_dilation or ones)
    dilation = window_dilation or ones
    spans = [(w - 1) * d + 1 for w, d in zip(window_dimensions, dilation)]
    if any(x.shape[a] < s for a, s in enumerate(spans)):  # no window fits: an empty result
        shape = [max(0, (n - s) // st + 1) for n, s, st in zip(x.shape, spans, window_strides)]
        out = torch.zeros(shape, dtype=x.dtype, device=x.device)
    else:
        out = None
        if computation == "max" and x.is_floating_point() and all(d == 1 for d in dilation):
            out = _max_pool(x, window_dimensions, window_strides)
        if out is None:
            view = x
            for axis, (span, stride) in enumerate(zip(spans, window_strides)):
                view = view.unfold(axis, span, stride)  # appends the window dim
            index = (slice(None),) * x.ndim + tuple(slice(None, None, d) for d in dilation)
            out = _REDUCERS[computation](view[index], tuple(range(x.ndim, 2 * x.ndim)))
    if dtype == torch.uint32:
        return narrow_u32(out)
    return out.to(dtype)


_POOL_GRADS = {2: (torch.ops.aten.max_pool2d_with_indices, torch.ops.aten.max_pool2d_with_indices_backward),
               3: (torch.ops.aten.max_pool3d_with_indices, torch.ops.aten.max_pool3d_with_indices_backward)}


def _windowed_axes(window: Sequence[int], strides: Sequence[int]) -> list[int]:
    return [a for a in range(len(window)) if window[a] != 1 or strides[a] != 1]


def _pool_grad_applies(attrs: dict[str, Any], types: Sequence[Any]) -> bool:
    """Whether ``select_and_scatter_add`` with these attrs and input types runs on the pooling kernels."""
    operand = types[1]
    window, strides = attrs["window_dimensions"], attrs["window_strides"]
    undilated = all(d == 1 for d in (attrs.get("base_dilation") or ())) and all(
        d == 1 for d in (attrs.get("window_dilation") or ()))
    axes = _windowed_axes(window, strides)
    padded = [int(operand.shape[a]) + sum(attrs["padding"][a]) if isinstance(operand.shape[a], int) else -1
              for a in axes]
    return (undilated and operand.dtype.name in ("float32", "float64") and 1 <= len(axes) <= 3
            and all(lo >= 0 and hi >= 0 for lo, hi in attrs["padding"])
            and all(n >= window[a] for n, a in zip(padded, axes)))


def select_and_scatter_add(source: torch.Tensor, operand: torch.Tensor, *, computation: str,
                           window_dimensions: Sequence[int], window_strides: Sequence[int],
                           padding: Sequence[Sequence[int]], base_dilation: Sequence[int] | None = None,
                           window_dilation: Sequence[int] | None = None) -> torch.Tensor:
    x = operand if computation == "max" else -operand
    x = torch.where(torch.isnan(x), torch.inf, x)  # the kernels keep the last NaN; +inf: the first
    x = _padded(x, "max", padding, (1,) * x.ndim)
    axes = _windowed_axes(window_dimensions, window_strides)
    rest = [a for a in range(x.ndim) if a not in axes]
    batch = [x.shape[a] for a in rest]
    lead = [1] if len(axes) == 1 else []  # 1-d windows run as 2-d ones of height 1
    k = max(len(axes), 2)
    flat = x.permute(*rest, *axes).reshape((prod(batch), 1, *lead, *(x.shape[a] for a in axes)))
    g = source.permute(*rest, *axes).reshape((prod(batch), 1, *lead, *(source.shape[a] for a in axes)))
    kernel = [1] * len(lead) + [window_dimensions[a] for a in axes]
    stride = [1] * len(lead) + [window_strides[a] for a in axes]
    pool, pool_backward = _POOL_GRADS[k]
    _, indices = pool(flat, kernel, stride, [0] * k, [1] * k, False)
    grad = pool_backward(g.contiguous(), flat, kernel, stride, [0] * k, [1] * k, False, indices)
    grad = grad.reshape((*batch, *(x.shape[a] for a in axes)))
    inverse = [0] * x.ndim
    for position, a in enumerate((*rest, *axes)):
        inverse[a] = position
    grad = grad.permute(*inverse)
    crop = tuple(slice(lo, n - hi) for (lo, hi), n in zip(padding, x.shape))
    return grad[crop].contiguous()


select_and_scatter_add.applies = _pool_grad_applies  # type: ignore[attr-defined]

RULES: dict[str, Callable[..., Any]] = {"reduce_window": reduce_window,
                                        "select_and_scatter_add": select_and_scatter_add}
