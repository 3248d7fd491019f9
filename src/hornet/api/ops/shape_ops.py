"""Shape manipulation ops: reshape, transpose, expand/squeeze, joining, splitting, tiling, flips, roll, pad.

Every op is a composition of structural prims, so it runs eagerly and traces alike, and symbolic dims flow
through (``reshape(x, (-1, 16))`` on a ``[batch, 4, 4]`` tensor gives ``[batch, 16]``).

>>> from hornet import ops
>>> ops.reshape(np.zeros((2, 3)), (3, -1)).shape    # doctest: +SKIP
(3, 2)
"""
from __future__ import annotations

import operator
from typing import Any, Sequence

import numpy as np

from hornet.api.ops import _lax as L
from hornet.api.ops import core
from hornet.api.ops.core import (as_tensor, binary, bind, convert, finish, fmt_shape, normalize_axes, normalize_axis,
                                 type_of)
from hornet.ir.dtypes import result_type
from hornet.ir.errors import ShapeError, TracerError
from hornet.ir.symbolic import (Dim, canonical_dim, dim_add, dim_div, dim_mul, dim_sub, dims_equal, is_symbolic,
                                shape_size)
from hornet.ir.tracer import SymbolicTensor

__all__ = ["reshape", "transpose", "expand_dims", "squeeze", "ravel", "broadcast_to", "concatenate", "append",
           "stack", "hstack", "vstack", "dstack", "column_stack", "split", "array_split", "hsplit", "vsplit",
           "dsplit", "unstack", "tile", "repeat", "flip", "fliplr", "flipud", "rot90", "roll", "moveaxis",
           "swapaxes", "pad", "diff", "size"]


# --- static arguments ---------------------------------------------------------------------------------------------

def static_ints(value: Any, what: str, op: str) -> tuple[int, ...] | int:
    """An int or a tuple of ints from Python values, NumPy or concrete backend arrays (not symbolic tensors)."""
    if isinstance(value, SymbolicTensor):
        raise TracerError(f"{op}: {what} must be known while tracing (Python ints), got a symbolic tensor "
                          f"{value.type}")
    if core.is_tensor(value):
        value = core.convert_to_numpy(value)
    if np.ndim(value) == 0:
        return operator.index(value)
    return tuple(operator.index(v) for v in np.asarray(value).reshape(-1).tolist())


def _int_list(v: Any) -> list[int]:
    """An int or a sequence of ints (axes) as a list of Python ints."""
    return [operator.index(v)] if np.ndim(v) == 0 else [operator.index(a) for a in v]


def _shape_arg(newshape: Any, op: str) -> tuple[Dim, ...]:
    """A target shape: ints (-1 allowed), symbolic dim names, or a concrete 1-D integer tensor."""
    if isinstance(newshape, (int, np.integer, str)):
        newshape = (newshape,)
    elif core.is_tensor(newshape) or isinstance(newshape, np.ndarray):
        got = static_ints(newshape, "the new shape", op)
        newshape = (got,) if isinstance(got, int) else got
    return tuple(d if d == -1 else canonical_dim(d) for d in newshape)


# --- reshape and axes ---------------------------------------------------------------------------------------------

def reshape(x: Any, newshape: Any) -> Any:
    """Reshape, with one ``-1`` inferred (also with symbolic dims).

    >>> reshape(np.arange(6), (2, -1)).shape   # doctest: +SKIP
    (2, 3)
    """
    x = as_tensor(x)
    shape = type_of(x).shape
    target = list(_shape_arg(newshape, "reshape"))
    total = shape_size(shape)
    bad = f"reshape: cannot reshape a tensor of shape {fmt_shape(shape)} into shape {fmt_shape(target)}"
    unknown = [i for i, d in enumerate(target) if d == -1]
    if len(unknown) > 1 or any(isinstance(d, int) and d < -1 for d in target):
        raise ShapeError(bad + " (at most one -1 and no other negative sizes)")
    if unknown:
        known = shape_size([d for d in target if d != -1])
        if dims_equal(known, 0):
            raise ShapeError(bad + " (-1 is ambiguous with a zero-sized dim)")
        try:
            target[unknown[0]] = dim_div(total, known)
        except ShapeError:
            raise ShapeError(f"{bad} ({total} elements)") from None
    if not dims_equal(shape_size(target), total):
        raise ShapeError(f"{bad} ({total} elements vs {shape_size(target)})")
    return finish(L.reshape(x, target, "reshape"))


def ravel(x: Any) -> Any:
    """Flatten to 1-D (row-major)."""
    x = as_tensor(x)
    return finish(L.reshape(x, (type_of(x).size,), "ravel"))


def transpose(x: Any, axes: Sequence[int] | None = None) -> Any:
    """Permute axes (reverse them when ``axes`` is None).

    >>> transpose(np.zeros((2, 3, 4)), (1, 0, 2)).shape   # doctest: +SKIP
    (3, 2, 4)
    """
    x = as_tensor(x)
    nd = type_of(x).ndim
    if axes is None:
        perm = list(range(nd))[::-1]
    else:
        perm = [normalize_axis(int(a), nd, "transpose") for a in axes]
        if sorted(perm) != list(range(nd)):
            raise ShapeError(f"transpose: axes {tuple(axes)} are not a permutation of the {nd} axes of "
                             f"{fmt_shape(type_of(x).shape)}")
    return finish(L.transpose(x, perm, "transpose"))


def moveaxis(x: Any, source: int | Sequence[int], destination: int | Sequence[int]) -> Any:
    """Move axes to new positions, keeping the others in order."""
    x = as_tensor(x)
    nd = type_of(x).ndim
    src, dst = _int_list(source), _int_list(destination)
    if len(src) != len(dst):
        raise ShapeError(f"moveaxis: source {source} and destination {destination} differ in length")
    src = [normalize_axis(a, nd, "moveaxis") for a in src]
    dst = [normalize_axis(a, nd, "moveaxis") for a in dst]
    if len(set(src)) != len(src) or len(set(dst)) != len(dst):
        raise ShapeError(f"moveaxis: repeated axis in source {source} or destination {destination}")
    rest = iter(a for a in range(nd) if a not in src)
    placed = dict(zip(dst, src))
    perm = [placed[i] if i in placed else next(rest) for i in range(nd)]
    return finish(L.transpose(x, perm, "moveaxis"))


def swapaxes(x: Any, axis1: int, axis2: int) -> Any:
    """Exchange two axes."""
    x = as_tensor(x)
    nd = type_of(x).ndim
    a, b = normalize_axis(axis1, nd, "swapaxes"), normalize_axis(axis2, nd, "swapaxes")
    perm = list(range(nd))
    perm[a], perm[b] = b, a
    return finish(L.transpose(x, perm, "swapaxes"))


def expand_dims(x: Any, axis: int | Sequence[int]) -> Any:
    """Insert size-1 axes at ``axis`` (positions in the result).

    >>> expand_dims(np.zeros((3,)), (0, -1)).shape   # doctest: +SKIP
    (1, 3, 1)
    """
    x = as_tensor(x)
    axes = _int_list(axis)
    out_rank = type_of(x).ndim + len(axes)
    pos = sorted(normalize_axis(a, out_rank, "expand_dims") for a in axes)
    if len(set(pos)) != len(pos):
        raise ShapeError(f"expand_dims: repeated axis in {axis}")
    return finish(L.expand_dims(x, pos, "expand_dims"))


def squeeze(x: Any, axis: int | Sequence[int] | None = None) -> Any:
    """Remove size-1 axes (all static ones when ``axis`` is None)."""
    x = as_tensor(x)
    shape = type_of(x).shape
    if axis is None:
        drop = {i for i, d in enumerate(shape) if d == 1}
    else:
        drop = set(normalize_axes(axis, len(shape), "squeeze"))
        for i in drop:
            if shape[i] != 1:
                raise ShapeError(f"squeeze: axis {i} of shape {fmt_shape(shape)} has size {shape[i]}, not 1")
    return finish(L.reshape(x, [d for i, d in enumerate(shape) if i not in drop], "squeeze"))


def broadcast_to(x: Any, shape: Sequence[Dim]) -> Any:
    """Broadcast to ``shape`` with NumPy rules."""
    shape = (shape,) if isinstance(shape, (int, str)) else tuple(shape)
    return finish(core.broadcast_to(x, shape, "broadcast_to"))


def size(x: Any) -> Any:
    """The number of elements: an int, or an int32 scalar tensor when a dim is symbolic."""
    n = type_of(x).size
    if is_symbolic(n):
        return L.count((n,), (0,), L.INDEX_DTYPE, "size")
    return n


# --- joining ------------------------------------------------------------------------------------------------------

def _common(xs: Sequence[Any], op: str) -> list[Any]:
    xs = [as_tensor(x) for x in xs]
    if not xs:
        raise ShapeError(f"{op}: needs at least one tensor")
    d = result_type(*[type_of(x).dtype for x in xs])
    return [convert(x, d, op) for x in xs]


def _concat(xs: list[Any], axis: int, op: str) -> Any:
    if len(xs) == 1:
        return finish(xs[0])
    nd = type_of(xs[0]).ndim
    for x in xs[1:]:
        if type_of(x).ndim != nd:
            raise ShapeError(f"{op}: all inputs need the same rank, got shapes "
                             + ", ".join(fmt_shape(type_of(t).shape) for t in xs))
    return bind("concatenate", *xs, dimension=axis, op=op)


def concatenate(xs: Sequence[Any], axis: int | None = 0) -> Any:
    """Join tensors along an existing axis (flattened first when ``axis`` is None).

    >>> concatenate([np.zeros((2, 3)), np.ones((1, 3))]).shape   # doctest: +SKIP
    (3, 3)
    """
    xs = _common(xs, "concatenate")
    if axis is None:
        xs = [L.reshape(x, (type_of(x).size,), "concatenate") for x in xs]
        axis = 0
    nd = type_of(xs[0]).ndim
    if nd == 0:
        raise ShapeError("concatenate: zero-dimensional tensors cannot be concatenated")
    return finish(_concat(xs, normalize_axis(axis, nd, "concatenate"), "concatenate"))


def append(x1: Any, x2: Any, axis: int | None = None) -> Any:
    """``x2`` appended to ``x1`` (both flattened when ``axis`` is None)."""
    xs = _common([x1, x2], "append")
    if axis is None:
        xs = [L.reshape(x, (type_of(x).size,), "append") for x in xs]
        axis = 0
    return finish(_concat(xs, normalize_axis(axis, type_of(xs[0]).ndim, "append"), "append"))


def stack(x: Sequence[Any], axis: int = 0) -> Any:
    """Join same-shaped tensors along a new axis."""
    xs = _common(x, "stack")
    first = type_of(xs[0]).shape
    for t in xs[1:]:
        s = type_of(t).shape
        if len(s) != len(first) or not all(dims_equal(a, b) for a, b in zip(s, first)):
            raise ShapeError(f"stack: all inputs need the same shape, got {fmt_shape(first)} and {fmt_shape(s)}")
    ax = normalize_axis(axis, len(first) + 1, "stack")
    return finish(_concat([L.expand_dims(t, [ax], "stack") for t in xs], ax, "stack"))


def _at_least(x: Any, rank: int, where: Sequence[int], op: str) -> Any:
    """Raise ``x`` to ``rank`` by inserting unit dims at ``where`` (chosen by the caller's current rank)."""
    nd = type_of(x).ndim
    return L.expand_dims(x, list(where), op) if nd < rank else x


def hstack(xs: Sequence[Any]) -> Any:
    """Concatenate along axis 1 (axis 0 for 1-D inputs)."""
    xs = [_at_least(x, 1, [0], "hstack") for x in _common(xs, "hstack")]
    axis = 0 if type_of(xs[0]).ndim == 1 else 1
    return finish(_concat(xs, axis, "hstack"))


def vstack(xs: Sequence[Any]) -> Any:
    """Concatenate along axis 0, 1-D inputs becoming rows."""
    xs = _common(xs, "vstack")
    xs = [_at_least(x, 2, [0] if type_of(x).ndim == 1 else [0, 1], "vstack") for x in xs]
    return finish(_concat(xs, 0, "vstack"))


def dstack(xs: Sequence[Any]) -> Any:
    """Concatenate along axis 2: ``(n,)`` becomes ``(1, n, 1)`` and ``(m, n)`` becomes ``(m, n, 1)``."""
    where = {0: [0, 1, 2], 1: [0, 2], 2: [2]}
    xs = _common(xs, "dstack")
    xs = [_at_least(x, 3, where.get(type_of(x).ndim, []), "dstack") for x in xs]
    return finish(_concat(xs, 2, "dstack"))


def column_stack(xs: Sequence[Any]) -> Any:
    """Stack 1-D tensors as columns (2-D inputs are kept) along axis 1."""
    xs = _common(xs, "column_stack")
    xs = [_at_least(x, 2, [1] if type_of(x).ndim == 1 else [0, 1], "column_stack") for x in xs]
    return finish(_concat(xs, 1, "column_stack"))


# --- splitting ----------------------------------------------------------------------------------------------------

def _bounds(d: Dim, indices_or_sections: Any, axis: int, op: str, equal: bool) -> list[tuple[Dim, Dim]]:
    """The (start, limit) of each piece along an axis of size ``d``."""
    ios = static_ints(indices_or_sections, "indices_or_sections", op)
    if isinstance(ios, int):
        n = ios
        if n <= 0:
            raise ShapeError(f"{op}: the number of sections must be positive, got {n}")
        if equal or is_symbolic(d):
            try:
                step = dim_div(d, n)
            except ShapeError:
                raise ShapeError(f"{op}: axis {axis} of size {d} cannot be split into {n} equal parts") from None
            return [(dim_mul(step, i), dim_mul(step, i + 1)) for i in range(n)]
        q, r = divmod(d, n)
        sizes = [q + 1] * r + [q] * (n - r)
        starts = np.concatenate([[0], np.cumsum(sizes)]).tolist()
        return list(zip(starts[:-1], starts[1:]))
    points: list[Dim] = []
    for p in ios:
        if is_symbolic(d):
            points.append(dim_add(d, p) if p < 0 else p)
        else:
            points.append(min(max(p + d if p < 0 else p, 0), d))
    edges = [0] + points + [d]
    out = []
    for a, b in zip(edges[:-1], edges[1:]):
        if not (is_symbolic(a) or is_symbolic(b)):
            b = max(a, b)
        out.append((a, b))
    return out


def _split(x: Any, indices_or_sections: Any, axis: int, op: str, equal: bool) -> list[Any]:
    x = as_tensor(x)
    shape = type_of(x).shape
    ax = normalize_axis(axis, len(shape), op)
    return [finish(L.slice_axis(x, ax, a, b, op=op))
            for a, b in _bounds(shape[ax], indices_or_sections, ax, op, equal)]


def split(x: Any, indices_or_sections: Any, axis: int = 0) -> list[Any]:
    """Split into equal sections (an int, which must divide the axis) or at the given indices.

    >>> [p.shape for p in split(np.zeros((6, 2)), [1, 4])]   # doctest: +SKIP
    [(1, 2), (3, 2), (2, 2)]
    """
    return _split(x, indices_or_sections, axis, "split", equal=True)


def array_split(x: Any, indices_or_sections: Any, axis: int = 0) -> list[Any]:
    """As ``split``, but an int need not divide the axis: the first parts are one longer."""
    return _split(x, indices_or_sections, axis, "array_split", equal=False)


def hsplit(x: Any, indices_or_sections: Any) -> list[Any]:
    """Split along axis 1 (axis 0 for 1-D tensors)."""
    return _split(x, indices_or_sections, 1 if type_of(x).ndim > 1 else 0, "hsplit", equal=True)


def vsplit(x: Any, indices_or_sections: Any) -> list[Any]:
    """Split along axis 0 (needs rank >= 2)."""
    if type_of(x).ndim < 2:
        raise ShapeError(f"vsplit: needs a tensor of rank >= 2, got shape {fmt_shape(type_of(x).shape)}")
    return _split(x, indices_or_sections, 0, "vsplit", equal=True)


def dsplit(x: Any, indices_or_sections: Any) -> list[Any]:
    """Split along axis 2 (needs rank >= 3)."""
    if type_of(x).ndim < 3:
        raise ShapeError(f"dsplit: needs a tensor of rank >= 3, got shape {fmt_shape(type_of(x).shape)}")
    return _split(x, indices_or_sections, 2, "dsplit", equal=True)


def unstack(x: Any, num: int | None = None, axis: int = 0) -> list[Any]:
    """The slices of ``x`` along ``axis`` (which must have a static size), that axis removed."""
    x = as_tensor(x)
    shape = type_of(x).shape
    ax = normalize_axis(axis, len(shape), "unstack")
    d = shape[ax]
    if is_symbolic(d):
        raise ShapeError(f"unstack: axis {ax} of shape {fmt_shape(shape)} is symbolic; its size must be static")
    if num is not None and num != d:
        raise ShapeError(f"unstack: num={num} differs from the size {d} of axis {ax}")
    rest = shape[:ax] + shape[ax + 1:]
    return [finish(L.reshape(L.slice_axis(x, ax, i, i + 1, op="unstack"), rest, "unstack")) for i in range(d)]


# --- repetition ---------------------------------------------------------------------------------------------------

def tile(x: Any, repeats: Any) -> Any:
    """Repeat the whole tensor ``repeats[i]`` times along each axis (NumPy rank alignment).

    >>> tile(np.array([1, 2]), 2)   # doctest: +SKIP
    Array([1, 2, 1, 2], dtype=int32)
    """
    x = as_tensor(x)
    reps = static_ints(repeats, "repeats", "tile")
    reps = (reps,) if isinstance(reps, int) else reps
    if any(r < 0 for r in reps):
        raise ShapeError(f"tile: repeats {reps} must be non-negative")
    nd = type_of(x).ndim
    if len(reps) > nd:
        x = L.expand_dims(x, list(range(len(reps) - nd)), "tile")
    reps = (1,) * (type_of(x).ndim - len(reps)) + tuple(reps)
    if all(r == 1 for r in reps):
        return finish(x)
    shape = type_of(x).shape
    wide = [v for r, d in zip(reps, shape) for v in (r, d)]
    b = bind("broadcast_in_dim", x, shape=tuple(wide), broadcast_dimensions=tuple(range(1, 2 * len(shape), 2)),
             op="tile")
    return finish(L.reshape(b, [dim_mul(r, d) for r, d in zip(reps, shape)], "tile"))


def repeat(x: Any, repeats: Any, axis: int | None = None) -> Any:
    """Repeat each element ``repeats`` times (an int, or one static count per element along ``axis``).

    >>> repeat(np.array([1, 2]), [1, 2])   # doctest: +SKIP
    Array([1, 2, 2], dtype=int32)
    """
    x = as_tensor(x)
    if axis is None:
        x = L.reshape(x, (type_of(x).size,), "repeat")
        axis = 0
    shape = type_of(x).shape
    ax = normalize_axis(axis, len(shape), "repeat")
    reps = static_ints(repeats, "repeats", "repeat")
    if not isinstance(reps, int) and len(reps) == 1:
        reps = reps[0]
    if isinstance(reps, int):
        if reps < 0:
            raise ShapeError(f"repeat: repeats {reps} must be non-negative")
        wide = shape[:ax + 1] + (reps,) + shape[ax + 1:]
        dims = tuple(i for i in range(len(wide)) if i != ax + 1)
        b = bind("broadcast_in_dim", x, shape=wide, broadcast_dimensions=dims, op="repeat")
        return finish(L.reshape(b, shape[:ax] + (dim_mul(shape[ax], reps),) + shape[ax + 1:], "repeat"))
    d = shape[ax]
    if is_symbolic(d) or len(reps) != d:
        raise ShapeError(f"repeat: {len(reps)} repeat counts for axis {ax} of size {d}")
    if any(r < 0 for r in reps):
        raise ShapeError(f"repeat: repeats {reps} must be non-negative")
    idx = np.repeat(np.arange(d), reps).astype(L.INDEX_DTYPE.np)
    return finish(L.gather_axis(x, idx, ax, "repeat"))


# --- flips and rotations ------------------------------------------------------------------------------------------

def _rev(x: Any, axes: Sequence[int], op: str) -> Any:
    return bind("rev", x, dimensions=tuple(sorted(axes)), op=op) if axes else x


def flip(x: Any, axis: int | Sequence[int] | None = None) -> Any:
    """Reverse the order of elements along ``axis`` (all axes when None)."""
    x = as_tensor(x)
    return finish(_rev(x, normalize_axes(axis, type_of(x).ndim, "flip"), "flip"))


def fliplr(x: Any) -> Any:
    """Reverse axis 1 (needs rank >= 2)."""
    x = as_tensor(x)
    if type_of(x).ndim < 2:
        raise ShapeError(f"fliplr: needs a tensor of rank >= 2, got shape {fmt_shape(type_of(x).shape)}")
    return finish(_rev(x, [1], "fliplr"))


def flipud(x: Any) -> Any:
    """Reverse axis 0 (needs rank >= 1)."""
    x = as_tensor(x)
    if type_of(x).ndim < 1:
        raise ShapeError("flipud: needs a tensor of rank >= 1, got a scalar")
    return finish(_rev(x, [0], "flipud"))


def rot90(array: Any, k: int = 1, axes: Sequence[int] = (0, 1)) -> Any:
    """Rotate by 90 degrees ``k`` times in the plane of ``axes`` (from the first axis towards the second)."""
    x = as_tensor(array)
    nd = type_of(x).ndim
    if nd < 2:
        raise ShapeError(f"rot90: needs a tensor of rank >= 2, got shape {fmt_shape(type_of(x).shape)}")
    if len(axes) != 2:
        raise ShapeError(f"rot90: axes must be two axes, got {axes}")
    a, b = normalize_axis(axes[0], nd, "rot90"), normalize_axis(axes[1], nd, "rot90")
    if a == b:
        raise ShapeError(f"rot90: axes must differ, got {axes}")
    k %= 4
    if k == 0:
        return finish(x)
    if k == 2:
        return finish(_rev(x, [a, b], "rot90"))
    perm = list(range(nd))
    perm[a], perm[b] = b, a
    if k == 1:
        return finish(L.transpose(_rev(x, [b], "rot90"), perm, "rot90"))
    return finish(_rev(L.transpose(x, perm, "rot90"), [b], "rot90"))


def _roll_axis(x: Any, shift: Any, axis: int) -> Any:
    d = type_of(x).shape[axis]
    if not is_symbolic(d) and isinstance(shift, int):
        if d == 0 or shift % d == 0:
            return x
        s = shift % d
        tail, head = L.slice_axis(x, axis, d - s, d, "roll"), L.slice_axis(x, axis, 0, d - s, "roll")
        return bind("concatenate", tail, head, dimension=axis, op="roll")
    # runtime shift or symbolic size: gather at (i - shift) mod d
    size = L.count((d,), (0,), L.INDEX_DTYPE, "roll")
    s = convert(shift, L.INDEX_DTYPE, "roll")
    i = L.iota(L.INDEX_DTYPE, (d,), 0, "roll")
    m = binary("rem", binary("sub", i, bind("rem", s, size, op="roll"), "roll"), size, "roll")
    m = binary("rem", binary("add", m, size, "roll"), size, "roll")
    return L.gather_axis(x, m, axis, "roll")


def roll(x: Any, shift: Any, axis: int | Sequence[int] | None = None) -> Any:
    """Shift elements cyclically along ``axis`` (the flattened tensor when None); ``shift`` may be a tensor."""
    x = as_tensor(x)
    shape = type_of(x).shape
    if axis is None:
        flat = L.reshape(x, (type_of(x).size,), "roll")
        return finish(L.reshape(_roll_axis(flat, _shift_value(shift), 0), shape, "roll"))
    axes = _int_list(axis)
    if isinstance(shift, SymbolicTensor) or np.ndim(shift) == 0:
        shifts = [shift] * len(axes)
    else:
        shifts = list(static_ints(shift, "shift", "roll"))
    if len(shifts) == 1:
        shifts = shifts * len(axes)
    if len(shifts) != len(axes):
        raise ShapeError(f"roll: {len(shifts)} shifts for {len(axes)} axes")
    for ax, s in zip(axes, shifts):
        x = _roll_axis(x, _shift_value(s), normalize_axis(ax, len(shape), "roll"))
    return finish(x)


def _shift_value(shift: Any) -> Any:
    if isinstance(shift, SymbolicTensor):
        if shift.ndim:
            raise ShapeError(f"roll: a symbolic shift must be a scalar, got {shift.type}")
        return shift
    return int(static_ints(shift, "shift", "roll"))


# --- pad, diff ----------------------------------------------------------------------------------------------------

def _pad_widths(pad_width: Any, nd: int) -> list[tuple[int, int]]:
    arr = np.asarray(static_ints(pad_width, "pad_width", "pad")).reshape(-1)
    if arr.size not in (1, 2, 2 * nd):
        raise ShapeError(f"pad: pad_width {pad_width} does not fit a tensor of rank {nd}")
    widths = np.broadcast_to(arr.reshape(-1, 2) if arr.size > 1 else arr.reshape(1, 1), (nd, 2))
    if (widths < 0).any():
        raise ShapeError(f"pad: pad_width {pad_width} has negative entries")
    return [(int(a), int(b)) for a, b in widths]


def _edge_parts(x: Any, axis: int, before: Dim, after: Dim, mode: str) -> list[Any]:
    """The tensors to place before and after ``x`` along ``axis`` for one of the non-constant modes; each pad
    fits within what the mode can read from ``x`` (see ``_pad_axis``)."""
    d = type_of(x).shape[axis]
    shape = type_of(x).shape
    if mode == "edge" or (mode == "reflect" and d == 1):
        def edge(start: Dim, n: Dim) -> Any:
            s = L.slice_axis(x, axis, start, dim_add(start, 1), op="pad")
            target = shape[:axis] + (n,) + shape[axis + 1:]
            return bind("broadcast_in_dim", s, shape=target, broadcast_dimensions=tuple(range(len(shape))), op="pad")

        return [edge(0, before), edge(dim_sub(d, 1), after)]
    if mode == "reflect":
        left = L.slice_axis(x, axis, 1, dim_add(before, 1), op="pad")
        right = L.slice_axis(x, axis, dim_sub(d, after + 1), dim_sub(d, 1), op="pad")
        return [_rev(left, [axis], "pad"), _rev(right, [axis], "pad")]
    if mode == "symmetric":
        left = L.slice_axis(x, axis, 0, before, op="pad")
        right = L.slice_axis(x, axis, dim_sub(d, after), d, op="pad")
        return [_rev(left, [axis], "pad"), _rev(right, [axis], "pad")]
    return [L.slice_axis(x, axis, dim_sub(d, before), d, op="pad"), L.slice_axis(x, axis, 0, after, op="pad")]


def _pad_axis(x: Any, axis: int, before: int, after: int, mode: str) -> Any:
    """Pad one axis. Pads wider than the axis extend the reflection (or wrap) periodically, as NumPy does:
    the result is a window of a tiled period (``x`` then ``x`` reversed, trimmed per mode)."""
    if not (before or after):
        return x
    d = type_of(x).shape[axis]
    fits = mode == "edge" or is_symbolic(d) or (mode == "reflect" and d == 1)
    if not fits and d == 0:
        raise ShapeError(f"pad: mode {mode!r} cannot pad the empty axis {axis}")
    if fits or max(before, after) <= (d - 1 if mode == "reflect" else d):
        left, right = _edge_parts(x, axis, before, after, mode)
        return bind("concatenate", left, x, right, dimension=axis, op="pad")
    if mode == "wrap":
        period = x
    else:
        back = _rev(x, [axis], "pad")
        if mode == "reflect":
            back = L.slice_axis(back, axis, 1, d - 1, op="pad")
        period = bind("concatenate", x, back, dimension=axis, op="pad")
    p = type_of(period).shape[axis]
    lead = -(-before // p)  # whole periods needed before x
    count = lead + -(-(d + after) // p)
    tiled = tile(period, [count if i == axis else 1 for i in range(type_of(x).ndim)])
    start = lead * p - before
    return L.slice_axis(tiled, axis, start, start + before + d + after, op="pad")


_PAD_MODES = ("constant", "reflect", "symmetric", "edge", "wrap")


def pad(x: Any, pad_width: Any, mode: str = "constant", constant_values: Any = None) -> Any:
    """Pad with NumPy's ``pad_width`` forms; modes constant, reflect, symmetric, edge and wrap.

    >>> pad(np.array([1, 2, 3]), (1, 2), mode="reflect")   # doctest: +SKIP
    Array([2, 1, 2, 3, 2, 1], dtype=int32)
    """
    x = as_tensor(x)
    t = type_of(x)
    widths = _pad_widths(pad_width, t.ndim)
    if mode not in _PAD_MODES:
        raise ValueError(f"pad: mode {mode!r} is not supported; supported modes: {', '.join(_PAD_MODES)}")
    if mode == "constant":
        value = as_tensor(0 if constant_values is None else constant_values, t.dtype)
        if type_of(value).ndim:
            raise ShapeError(f"pad: constant_values must be a scalar, got shape {fmt_shape(type_of(value).shape)}")
        if not any(b or a for b, a in widths):
            return finish(x)
        return finish(bind("pad", x, value, padding_config=tuple((b, a, 0) for b, a in widths), op="pad"))
    if constant_values is not None:
        raise ValueError(f"pad: constant_values can only be given with mode='constant', got mode={mode!r}")
    for axis, (before, after) in enumerate(widths):
        x = _pad_axis(x, axis, before, after, mode)
    return finish(x)


def diff(a: Any, n: int = 1, axis: int = -1) -> Any:
    """The n-th discrete difference ``a[i + 1] - a[i]`` along ``axis`` (``!=`` for bool)."""
    x = as_tensor(a)
    if n < 0:
        raise ValueError(f"diff: n must be non-negative, got {n}")
    ax = normalize_axis(axis, type_of(x).ndim, "diff")
    prim = "ne" if type_of(x).dtype.is_bool else "sub"
    for _ in range(n):
        d = type_of(x).shape[ax]
        if d == 0:
            break
        hi = L.slice_axis(x, ax, 1, d, op="diff")
        lo = L.slice_axis(x, ax, 0, dim_sub(d, 1), op="diff")
        x = bind(prim, hi, lo, op="diff")
    return finish(x)
