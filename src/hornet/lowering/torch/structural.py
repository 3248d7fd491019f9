"""torch rules: structural prims (iota, broadcast_in_dim, reshape, transpose, rev, slice, dynamic_slice,
dynamic_update_slice, concatenate, pad), each a few ATen ops.

Sizes in "shape" attributes are ints here (the interpreter resolves symbolic dims from the inputs, and under
``make_fx`` they are SymInts), so rules pass them straight to torch.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import torch

from hornet.lowering.torch.dtypes import device, torch_dtype


def iota(*, dtype: Any, shape: Sequence[Any], dimension: int) -> torch.Tensor:
    shape = tuple(shape)
    line = torch.arange(shape[dimension], dtype=torch.int64, device=device()).to(torch_dtype(dtype))
    view = [1] * len(shape)
    view[dimension] = shape[dimension]
    return line.reshape(view).expand(shape).contiguous()


def broadcast_in_dim(x: torch.Tensor, *, shape: Sequence[Any], broadcast_dimensions: Sequence[int]) -> torch.Tensor:
    view = [1] * len(shape)
    for d, b in zip(x.shape, broadcast_dimensions):
        view[b] = d
    return x.reshape(view).expand(tuple(shape))


def reshape(x: torch.Tensor, *, new_sizes: Sequence[Any]) -> torch.Tensor:
    return x.reshape(tuple(new_sizes))


def transpose(x: torch.Tensor, *, permutation: Sequence[int]) -> torch.Tensor:
    return x.permute(tuple(permutation)).contiguous()


def rev(x: torch.Tensor, *, dimensions: Sequence[int]) -> torch.Tensor:
    return torch.flip(x, tuple(dimensions)) if dimensions else x


def slice_(x: torch.Tensor, *, start_indices: Sequence[Any], limit_indices: Sequence[Any],
           strides: Sequence[int] | None) -> torch.Tensor:
    strides = strides or (1,) * x.ndim
    out = x
    for axis, (start, limit, step) in enumerate(zip(start_indices, limit_indices, strides)):
        if start != 0 or limit != x.shape[axis] or step != 1:
            out = torch.ops.aten.slice.Tensor(out, axis, start, limit, step)
    return out


def _clamped(starts: Sequence[torch.Tensor], shape: Sequence[Any], sizes: Sequence[Any]) -> list[torch.Tensor]:
    """lax semantics: each start is clamped into [0, dim - size] (as tensors, so no host sync)."""
    return [torch.clamp(s.to(torch.int64), 0, d - n) for s, d, n in zip(starts, shape, sizes)]


def _window_index(starts: list[torch.Tensor], sizes: Sequence[Any]) -> tuple[torch.Tensor, ...]:
    """Open-mesh index tensors selecting the window of ``sizes`` at ``starts``."""
    rank = len(sizes)
    out = []
    for axis, (s, n) in enumerate(zip(starts, sizes)):
        view = [1] * rank
        view[axis] = n
        out.append((torch.arange(n, device=s.device) + s).reshape(view))
    return tuple(out)


def dynamic_slice(x: torch.Tensor, *starts: torch.Tensor, slice_sizes: Sequence[int]) -> torch.Tensor:
    begin = _clamped(starts, x.shape, slice_sizes)
    return x[_window_index(begin, slice_sizes)]


def dynamic_update_slice(x: torch.Tensor, update: torch.Tensor, *starts: torch.Tensor) -> torch.Tensor:
    begin = _clamped(starts, x.shape, update.shape)
    return torch.ops.aten.index_put.default(x, list(_window_index(begin, update.shape)), update)


def concatenate(*xs: torch.Tensor, dimension: int) -> torch.Tensor:
    return torch.cat(xs, dim=dimension)


def pad(x: torch.Tensor, value: torch.Tensor, *, padding_config: Sequence[Sequence[int]]) -> torch.Tensor:
    """Interior padding by scattering x into a value-filled buffer, then low/high as (possibly negative) edges."""
    out = x
    for axis, (low, high, interior) in enumerate(padding_config):
        if interior:
            d = out.shape[axis]
            size = d + max(d - 1, 0) * interior
            shape = list(out.shape)
            shape[axis] = size
            buf = value.to(x.dtype).reshape(()).expand(shape).clone()  # (no add: uint32 has none)
            index = [slice(None)] * out.ndim
            index[axis] = slice(0, size, interior + 1)
            buf[tuple(index)] = out
            out = buf
        if low or high:
            out = _edges(out, value, axis, low, high)
    return out


def _edges(x: torch.Tensor, value: torch.Tensor, axis: int, low: int, high: int) -> torch.Tensor:
    if low < 0:
        x = torch.ops.aten.slice.Tensor(x, axis, -low, x.shape[axis])
    if high < 0:
        x = torch.ops.aten.slice.Tensor(x, axis, 0, x.shape[axis] + high)
    parts = []
    for n in (max(low, 0), None, max(high, 0)):
        if n is None:
            parts.append(x)
        elif n:
            shape = list(x.shape)
            shape[axis] = n
            parts.append(value.to(x.dtype).reshape(()).expand(shape))
    return torch.cat(parts, dim=axis) if len(parts) > 1 else x


RULES: dict[str, Callable[..., Any]] = {
    "iota": iota,
    "broadcast_in_dim": broadcast_in_dim,
    "reshape": reshape,
    "transpose": transpose,
    "rev": rev,
    "slice": slice_,
    "dynamic_slice": dynamic_slice,
    "dynamic_update_slice": dynamic_update_slice,
    "concatenate": concatenate,
    "pad": pad,
}
