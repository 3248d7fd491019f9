"""ONNX rules: structural prims. Sizes in "shape" attributes may be symbolic: ``ctx.shape`` computes them at run
time from the inputs' shapes, so one exported model serves every batch size.

``pad`` with interior padding (and conv_general's lhs dilation, which reuses it) interleaves the padding value
by reshaping each dim ``d`` to ``[d, 1]``, padding the new axis to ``interior + 1`` and flattening back.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

from hornet.ir.symbolic import Dim, dim_add, dim_mul, dim_sub
from hornet.lowering.onnx.builder import Ctx

INT64_MIN = -(2 ** 63)


def _iota(ctx: Ctx, *, dtype: Any, shape: Sequence[Dim], dimension: int) -> str:
    n = ctx.op("Squeeze", [ctx.dim(shape[dimension])])
    line = ctx.op("Range", [ctx.const(0, "int64"), n, ctx.const(1, "int64")])
    view = [1] * len(shape)
    view[dimension] = -1
    line = ctx.op("Reshape", [line, ctx.const(view, "int64")])
    return ctx.cast(ctx.op("Expand", [line, ctx.shape(shape)]), "int64", dtype)


def broadcast(ctx: Ctx, x: str, in_shape: Sequence[Dim], shape: Sequence[Dim], dims: Sequence[int]) -> str:
    """broadcast_in_dim: Reshape to the operand's dims at ``dims`` (1 elsewhere), then Expand to ``shape``.

    >>> broadcast(ctx, "b", (8,), ("batch", 8), (1,))                  # doctest: +SKIP
    """
    view: list[Dim] = [1] * len(shape)
    for d, b in zip(in_shape, dims):
        view[b] = d
    if list(view) != list(in_shape):
        x = ctx.op("Reshape", [x, ctx.shape(view)])
    if list(view) == list(shape):
        return x if list(view) != list(in_shape) else ctx.op("Identity", [x])
    return ctx.op("Expand", [x, ctx.shape(shape)])


def _broadcast_in_dim(ctx: Ctx, x: str, *, shape: Sequence[Dim], broadcast_dimensions: Sequence[int]) -> str:
    return broadcast(ctx, x, ctx.in_types[0].shape, shape, broadcast_dimensions)


def _reshape(ctx: Ctx, x: str, *, new_sizes: Sequence[Dim]) -> str:
    return ctx.op("Reshape", [x, ctx.shape(new_sizes)], allowzero=1)


def _transpose(ctx: Ctx, x: str, *, permutation: Sequence[int]) -> str:
    return ctx.op("Transpose", [x], perm=list(permutation))


def _rev(ctx: Ctx, x: str, *, dimensions: Sequence[int]) -> str:
    if not dimensions:
        return ctx.op("Identity", [x])
    k = len(dimensions)
    return ctx.op("Slice", [x, ctx.const([-1] * k, "int64"), ctx.const([INT64_MIN] * k, "int64"),
                            ctx.const(list(dimensions), "int64"), ctx.const([-1] * k, "int64")])


def slice_(ctx: Ctx, x: str, starts: Sequence[Dim], limits: Sequence[Dim], strides: Sequence[int] | None = None,
           axes: Sequence[int] | None = None) -> str:
    """A Slice whose starts and limits may be symbolic.

    >>> slice_(ctx, "x", [0], ["batch-1"], axes=[0])                   # doctest: +SKIP
    """
    axes = list(range(len(starts))) if axes is None else list(axes)
    strides = list(strides or [1] * len(axes))
    return ctx.op("Slice", [x, ctx.shape(starts), ctx.shape(limits), ctx.const(axes, "int64"),
                            ctx.const(strides, "int64")])


def _slice(ctx: Ctx, x: str, *, start_indices: Sequence[Dim], limit_indices: Sequence[Dim],
           strides: Sequence[int] | None) -> str:
    return slice_(ctx, x, start_indices, limit_indices, strides)


def _clamped_starts(ctx: Ctx, starts: Sequence[str], shape: Sequence[Dim], sizes: Sequence[Dim]) -> list[str]:
    """lax semantics: start j clamped into [0, dim_j - size_j]; each an int64 [1]."""
    out = []
    for s, t, d, n in zip(starts, ctx.in_types[len(ctx.in_types) - len(starts):], shape, sizes):
        s = ctx.op("Reshape", [ctx.cast(s, t.dtype, "int64"), ctx.const([1], "int64")])
        hi = ctx.dim(dim_sub(d, n))
        out.append(ctx.op("Min", [ctx.op("Max", [s, ctx.const([0], "int64")]), hi]))
    return out


def _dynamic_slice(ctx: Ctx, x: str, *starts: str, slice_sizes: Sequence[int]) -> str:
    begin = _clamped_starts(ctx, starts, ctx.in_types[0].shape, slice_sizes)
    b = begin[0] if len(begin) == 1 else ctx.op("Concat", begin, axis=0)
    e = ctx.op("Add", [b, ctx.const(list(slice_sizes), "int64")])
    return ctx.op("Slice", [x, b, e, ctx.const(list(range(len(begin))), "int64")])


def _dynamic_update_slice(ctx: Ctx, x: str, update: str, *starts: str) -> str:
    """ScatterND of the update at the grid of indices starts + (0..size-1) per dim."""
    ushape = ctx.in_types[1].shape
    begin = _clamped_starts(ctx, starts, ctx.in_types[0].shape, ushape)
    full = ctx.shape(ushape)
    rank = len(ushape)
    if rank == 0:
        return ctx.op("Identity", [update])
    grids = []
    for j, (b, n) in enumerate(zip(begin, ushape)):
        r = ctx.op("Range", [ctx.op("Squeeze", [b]), ctx.op("Squeeze", [ctx.op("Add", [b, ctx.dim(n)])]),
                             ctx.const(1, "int64")])
        view = [1] * rank
        view[j] = -1
        grid = ctx.op("Expand", [ctx.op("Reshape", [r, ctx.const(view, "int64")]), full])
        grids.append(ctx.op("Unsqueeze", [grid, ctx.const([-1], "int64")]))
    index = grids[0] if rank == 1 else ctx.op("Concat", grids, axis=-1)
    return ctx.op("ScatterND", [x, index, update])


def _concatenate(ctx: Ctx, *xs: str, dimension: int) -> str:
    return ctx.op("Concat", list(xs), axis=dimension)


def interleave(ctx: Ctx, x: str, shape: Sequence[Dim], axis: int, interior: int, value: str) -> tuple[str, list[Dim]]:
    """``interior`` copies of ``value`` between neighbours along ``axis``; returns (name, new shape).

    >>> interleave(ctx, "x", (3,), 0, 1, "zero")                       # [a, 0, b, 0, c]   # doctest: +SKIP
    """
    d = shape[axis]
    if interior == 0 or d in (0, 1):
        return x, list(shape)
    rank = len(shape)
    spread = list(shape[:axis + 1]) + [1] + list(shape[axis + 1:])
    x = ctx.op("Reshape", [x, ctx.shape(spread)])
    pads = [0] * (2 * (rank + 1))
    pads[rank + 1 + axis + 1] = interior
    x = ctx.op("Pad", [x, ctx.const(pads, "int64"), value])
    flat = list(shape)
    flat[axis] = dim_mul(d, interior + 1)
    x = ctx.op("Reshape", [x, ctx.shape(flat)])
    size = dim_add(d, dim_mul(dim_sub(d, 1), interior))
    x = slice_(ctx, x, [0], [size], axes=[axis])
    out = list(shape)
    out[axis] = size
    return x, out


def pad_general(ctx: Ctx, x: str, shape: Sequence[Dim], config: Sequence[Sequence[int]], value: str) -> str:
    """lax.pad: interior padding first, then low/high (negative amounts crop, as ONNX Pad does).

    >>> pad_general(ctx, "x", (4,), [(1, -1, 1)], "zero")              # doctest: +SKIP
    """
    shape = list(shape)
    for axis, (_, _, interior) in enumerate(config):
        x, shape = interleave(ctx, x, shape, axis, interior, value)
    edges = [lo for lo, _, _ in config] + [hi for _, hi, _ in config]
    if any(edges):
        x = ctx.op("Pad", [x, ctx.const(edges, "int64"), value], mode="constant")
    return x


def _pad(ctx: Ctx, x: str, value: str, *, padding_config: Sequence[Sequence[int]]) -> str:
    out = pad_general(ctx, x, ctx.in_types[0].shape, padding_config, value)
    return ctx.op("Identity", [out]) if out == x else out


RULES: dict[str, Callable[..., Any]] = {
    "iota": _iota,
    "broadcast_in_dim": _broadcast_in_dim,
    "reshape": _reshape,
    "transpose": _transpose,
    "rev": _rev,
    "slice": _slice,
    "dynamic_slice": _dynamic_slice,
    "dynamic_update_slice": _dynamic_update_slice,
    "concatenate": _concatenate,
    "pad": _pad,
}
