"""Indexing ops: ``x[key]`` (get_item), take, take_along_axis, where, select, slice, slice_update, scatter.

Integer indices address elements as in NumPy (negative ones count from the end); indices that stay out of
range after that are clamped by gathers and dropped by scatters (the prims' rules). The search/count ops and
the diagonal ops live in ``searching.py`` and ``diagonals.py`` and are exported from here too.

>>> from hornet import ops
>>> ops.take(np.array([10, 20, 30]), [-1, 0])   # doctest: +SKIP
Array([30, 10], dtype=int32)
"""
from __future__ import annotations

import builtins
import operator
from typing import Any, Sequence

import numpy as np

from hornet.api.ops import _lax as L
from hornet.api.ops import core
from hornet.api.ops.core import (as_tensor, bind, broadcast_shapes, broadcast_to, constant, convert, finish, fmt_shape,
                                 normalize_axis, promoted, type_of)
from hornet.api.ops.diagonals import __all__ as _diagonal_ops
from hornet.api.ops.diagonals import diag, diagflat, diagonal, extract_sequences, trace  # noqa: F401
from hornet.api.ops.searching import __all__ as _search_ops
from hornet.api.ops.searching import (bincount, digitize, isin, nonzero, searchsorted, segment_max,  # noqa: F401
                                      segment_min, segment_prod, segment_sum, unique, unravel_index)
from hornet.api.ops.shape_ops import static_ints
from hornet.ir.dtypes import result_type
from hornet.ir.errors import ShapeError, TracerError
from hornet.ir.symbolic import Dim, dim_add, dim_sub, is_symbolic
from hornet.ir.tracer import SymbolicTensor

__all__ = ["get_item", "take", "take_along_axis", "where", "select", "slice", "slice_update", "scatter",
           "scatter_update"] + list(_search_ops) + list(_diagonal_ops)


# --- get_item -----------------------------------------------------------------------------------------------------

class _Adv:
    """An advanced (array) index for one axis: NumPy ints on the host, or an integer tensor. ``size`` is the
    axis size a boolean mask expects there (None for integer indices)."""

    def __init__(self, value: Any, size: int | None = None):
        self.value = value
        self.size = size


def _classify(k: Any, op: str) -> list[Any]:
    """One key entry as a list of entries: None, Ellipsis, a slice, an int, or _Adv (a boolean mask becomes one
    _Adv per axis it covers, from its nonzero positions)."""
    if k is None or k is Ellipsis or isinstance(k, builtins.slice):
        return [k]
    if isinstance(k, (bool, np.bool_)):
        raise IndexError(f"{op}: boolean scalar indices are not supported")
    if isinstance(k, (int, np.integer)):
        return [int(k)]
    if isinstance(k, SymbolicTensor):
        if k.dtype.is_bool:
            raise TracerError(f"{op}: a boolean mask index needs concrete values (its result size depends on "
                              f"them), got a symbolic tensor {k.type}; use ops.where instead")
        if not k.dtype.is_integer:
            raise IndexError(f"{op}: indices must be integers or booleans, got {k.dtype.value}")
        return [_Adv(k)]
    if core.is_tensor(k):  # a concrete backend array
        if not type_of(k).dtype.is_bool:
            if not type_of(k).dtype.is_integer:
                raise IndexError(f"{op}: indices must be integers or booleans, got {type_of(k).dtype.value}")
            return [_Adv(k)]
        k = core.convert_to_numpy(k)
    arr = np.asarray(k)
    if arr.dtype == np.bool_:
        if arr.ndim == 0:
            raise IndexError(f"{op}: boolean scalar indices are not supported")
        return [_Adv(i.astype(L.INDEX_DTYPE.np), n) for i, n in zip(np.nonzero(arr), arr.shape)]
    if arr.size == 0 and arr.dtype == np.float64:
        arr = arr.astype(L.INDEX_DTYPE.np)
    if not np.issubdtype(arr.dtype, np.integer):
        raise IndexError(f"{op}: indices must be integers, slices, None, Ellipsis or integer/bool arrays, "
                         f"got {k!r}")
    return [_Adv(arr)]


def _expand_key(key: Any, nd: int, op: str) -> list[Any]:
    """The key with bool masks expanded, ints kept, and Ellipsis replaced by full slices."""
    raw = key if isinstance(key, tuple) else (key,)
    entries: list[Any] = [part for k in raw for part in _classify(k, op)]
    consumed = sum(1 for e in entries if e is not None and e is not Ellipsis)
    ellipses = [i for i, e in enumerate(entries) if e is Ellipsis]
    if len(ellipses) > 1:
        raise IndexError(f"{op}: an index can only have a single ellipsis ('...')")
    if consumed > nd:
        raise IndexError(f"{op}: too many indices for a tensor of rank {nd}: {consumed} were given")
    fill = [builtins.slice(None)] * (nd - consumed)
    if ellipses:
        entries[ellipses[0]:ellipses[0] + 1] = fill
    else:
        entries.extend(fill)
    return entries


def _basic_range(d: Dim, s: builtins.slice, axis: int, op: str) -> tuple[Dim, Dim, int, bool]:
    """(start, limit, stride, reverse) selecting ``s`` on an axis of size ``d`` with a positive stride."""
    parts = [None if v is None else operator.index(v) for v in (s.start, s.stop, s.step)]
    start, stop, step = parts
    step = 1 if step is None else step
    if step == 0:
        raise ValueError(f"{op}: slice step cannot be zero")
    if not is_symbolic(d):
        a, b, st = builtins.slice(start, stop, step).indices(d)
        n = len(range(a, b, st))
        if n == 0:
            return 0, 0, 1, False
        if st > 0:
            return a, a + (n - 1) * st + 1, st, False
        low = a + (n - 1) * st
        return low, a + 1, -st, True

    def at(v: int | None, default: Dim) -> Dim:
        return default if v is None else (dim_add(d, v) if v < 0 else v)
    if step == -1 and start is None and stop is None:
        return 0, d, 1, True
    if step < 0:
        raise ShapeError(f"{op}: a negative-step slice {s} of axis {axis} needs a static size, it is {d}")
    return at(start, 0), at(stop, d), step, False


def _check_int(i: int, d: Dim, axis: int, op: str) -> None:
    if not is_symbolic(d) and not -d <= i < d:
        raise IndexError(f"{op}: index {i} is out of bounds for axis {axis} with size {d}")


def _host_indices(arr: np.ndarray, d: Dim, axis: int, op: str) -> Any:
    """Concrete indices checked against a static size and wrapped on the host (at run time for a symbolic size)."""
    if is_symbolic(d):
        return L.wrap_negative(arr.astype(L.INDEX_DTYPE.np), d, op) if (arr < 0).any() else arr
    if arr.size and (arr.min() < -d or arr.max() >= d):
        bad = arr[(arr < -d) | (arr >= d)].reshape(-1)[0]
        raise IndexError(f"{op}: index {bad} is out of bounds for axis {axis} with size {d}")
    return np.where(arr < 0, arr + d, arr).astype(L.INDEX_DTYPE.np)


def get_item(x: Any, key: Any) -> Any:
    """``x[key]`` with NumPy semantics: ints, slices (any step), None, Ellipsis, integer arrays or tensors
    (gathered) and concrete boolean masks.

    >>> get_item(np.arange(12).reshape(3, 4), (slice(None, None, -1), [0, 2])).shape   # doctest: +SKIP
    (3, 2)
    """
    op = "get_item"
    x = as_tensor(x)
    shape = type_of(x).shape
    entries = _expand_key(key, len(shape), op)
    advanced = any(isinstance(e, _Adv) for e in entries)
    # 1. one static slice (and one rev) for the slices and, without advanced indices, the ints
    starts, limits, strides, rev = [], [], [], []
    axis = 0
    for e in entries:
        if e is None:
            continue
        d = shape[axis]
        if isinstance(e, builtins.slice):
            a, b, st, r = _basic_range(d, e, axis, op)
        elif isinstance(e, int) and not advanced:
            _check_int(e, d, axis, op)
            a = dim_add(d, e) if e < 0 else e
            b, st, r = dim_add(a, 1), 1, False
        else:
            a, b, st, r = 0, d, 1, False
        starts.append(a)
        limits.append(b)
        strides.append(st)
        if r:
            rev.append(axis)
        axis += 1
    y = x
    if any(a != 0 for a in starts) or any(b != d for b, d in zip(limits, shape)) or any(s != 1 for s in strides):
        y = bind("slice", x, start_indices=tuple(starts), limit_indices=tuple(limits),
                 strides=None if all(s == 1 for s in strides) else tuple(strides), op=op)
    if rev:
        y = bind("rev", y, dimensions=tuple(rev), op=op)
    ys = type_of(y).shape
    if not advanced:
        out: list[Dim] = []
        axis = 0
        for e in entries:
            if e is None:
                out.append(1)
                continue
            if isinstance(e, builtins.slice):
                out.append(ys[axis])
            axis += 1
        return finish(L.reshape(y, out, op))
    return finish(_advanced(y, entries, op))


def _advanced(y: Any, entries: list[Any], op: str) -> Any:
    """Gather for the advanced entries (ints count as 0-d arrays) and lay out the result as NumPy does."""
    ys = type_of(y).shape
    adv_axes, adv_idx, slots = [], [], []  # slots: per entry, "new", ("dim", axis) or "adv"
    axis = 0
    for e in entries:
        if e is None:
            slots.append("new")
            continue
        if isinstance(e, (int, _Adv)):
            v = np.asarray(e, dtype=L.INDEX_DTYPE.np) if isinstance(e, int) else e.value
            d = ys[axis]
            if isinstance(e, _Adv) and e.size is not None and not is_symbolic(d) and e.size != d:
                raise IndexError(f"{op}: a boolean mask of size {e.size} does not match axis {axis} of size {d}")
            if isinstance(v, np.ndarray):
                v = _host_indices(v, d, axis, op)
            else:
                v = L.wrap_negative(L.index_tensor(v, op), d, op)
            adv_axes.append(axis)
            adv_idx.append(v)
            slots.append("adv")
        else:
            slots.append(("dim", axis))
        axis += 1
    b_shape = broadcast_shapes(*[type_of(v).shape for v in adv_idx], op=op)
    if all(isinstance(v, np.ndarray) for v in adv_idx):
        vec: Any = np.stack(np.broadcast_arrays(*adv_idx), axis=-1).astype(L.INDEX_DTYPE.np)
    else:
        dt = result_type(*[type_of(v).dtype for v in adv_idx])
        parts = [L.expand_dims(broadcast_to(as_tensor(v, dt), b_shape, op), [len(b_shape)], op) for v in adv_idx]
        vec = parts[0] if len(parts) == 1 else bind("concatenate", *parts, dimension=len(b_shape), op=op)
    rest = [a for a in range(len(ys)) if a not in adv_axes]
    g = bind("gather", L.transpose(y, adv_axes + rest, op), vec, op=op)  # b_shape + rest dims
    nb = len(b_shape)
    positions = [i for i, s in enumerate(slots) if s == "adv"]
    contiguous = positions == list(range(positions[0], positions[-1] + 1))
    layout: list[Any] = []  # entries: g-dim index or "new"
    rest_pos = {a: nb + i for i, a in enumerate(rest)}
    if not contiguous:
        layout.extend(range(nb))
    for i, s in enumerate(slots):
        if s == "new":
            layout.append("new")
        elif s == "adv":
            if contiguous and i == positions[0]:
                layout.extend(range(nb))
        else:
            layout.append(rest_pos[s[1]])
    g = L.transpose(g, [v for v in layout if v != "new"], op)
    return L.expand_dims(g, [i for i, v in enumerate(layout) if v == "new"], op)


# --- take ---------------------------------------------------------------------------------------------------------

def take(x: Any, indices: Any, axis: int | None = None) -> Any:
    """Elements of ``x`` at ``indices`` along ``axis`` (of the flattened tensor when None).

    >>> take(np.array([[1, 2], [3, 4]]), [1], axis=1)   # doctest: +SKIP
    Array([[2], [4]], dtype=int32)
    """
    op = "take"
    x = as_tensor(x)
    if axis is None:
        x = L.reshape(x, (type_of(x).size,), op)
        axis = 0
    shape = type_of(x).shape
    ax = normalize_axis(axis, len(shape), op)
    idx = L.wrap_negative(L.index_tensor(indices, op), shape[ax], op)
    return finish(L.gather_axis(x, idx, ax, op))


def take_along_axis(x: Any, indices: Any, axis: int | None = None) -> Any:
    """Pick ``x`` values along ``axis`` at ``indices`` (same rank as ``x``; other dims broadcast).

    >>> take_along_axis(np.array([[4, 1], [2, 3]]), np.array([[1], [0]]), axis=1)   # doctest: +SKIP
    Array([[1], [2]], dtype=int32)
    """
    op = "take_along_axis"
    x = as_tensor(x)
    idx = L.index_tensor(indices, op)
    if axis is None:
        x = L.reshape(x, (type_of(x).size,), op)
        idx = L.reshape(idx, (type_of(idx).size,), op)
        axis = 0
    xs, is_ = type_of(x).shape, type_of(idx).shape
    nd = len(xs)
    if len(is_) != nd:
        raise ShapeError(f"{op}: indices of shape {fmt_shape(is_)} need the rank of x {fmt_shape(xs)}")
    ax = normalize_axis(axis, nd, op)
    idx = L.wrap_negative(idx, xs[ax], op)
    common = list(broadcast_shapes(xs[:ax] + xs[ax + 1:], is_[:ax] + is_[ax + 1:], op=op))
    x = broadcast_to(x, common[:ax] + [xs[ax]] + common[ax:], op)
    out_shape = tuple(common[:ax] + [is_[ax]] + common[ax:])
    idx = broadcast_to(idx, out_shape, op)
    dt = type_of(idx).dtype
    parts = [idx if j == ax else L.iota(dt, out_shape, j, op) for j in range(nd)]
    parts = [L.expand_dims(p, [nd], op) for p in parts]
    vec = parts[0] if nd == 1 else bind("concatenate", *parts, dimension=nd, op=op)
    return finish(bind("gather", x, vec, op=op))


# --- where, select ------------------------------------------------------------------------------------------------

def where(condition: Any, x1: Any = None, x2: Any = None) -> Any:
    """``x1`` where ``condition`` holds, else ``x2`` (broadcast, promoted). With only ``condition``: ``nonzero``.

    >>> where(np.array([True, False]), 1.0, np.array([5.0, 6.0], "float32"))   # doctest: +SKIP
    Array([1., 6.], dtype=float32)
    """
    if x1 is None and x2 is None:
        return nonzero(condition)
    if x1 is None or x2 is None:
        raise ValueError("where: give both x1 and x2, or neither")
    return finish(L.where(condition, x1, x2, "where"))


def select(condlist: Sequence[Any], choicelist: Sequence[Any], default: Any = 0) -> Any:
    """Per element, the choice of the first true condition, else ``default``.

    >>> select([np.array([True, False]), np.array([True, True])], [1, 2], 0)   # doctest: +SKIP
    Array([1, 2], dtype=int32)
    """
    if len(condlist) != len(choicelist):
        raise ValueError(f"select: {len(condlist)} conditions but {len(choicelist)} choices")
    if not condlist:
        raise ValueError("select: condlist must not be empty")
    d = promoted(*choicelist, default)
    out = as_tensor(default, d, "select")
    for cond, choice in reversed(list(zip(condlist, choicelist))):
        out = L.where(cond, choice, out, "select", dtype=d)
    return finish(out)


# --- slice, slice_update ------------------------------------------------------------------------------------------

def _start_scalars(start_indices: Any, nd: int, op: str) -> list[Any]:
    """Runtime start indices as int32 scalar tensors, one per dim."""
    if isinstance(start_indices, SymbolicTensor) or core.is_tensor(start_indices):
        s = as_tensor(start_indices)
        if type_of(s).shape != (nd,):
            raise ShapeError(f"{op}: start_indices of shape {fmt_shape(type_of(s).shape)} need one entry per "
                             f"dim ({nd})")
        s = convert(s, L.INDEX_DTYPE, op)
        return [L.reshape(bind("slice", s, start_indices=(i,), limit_indices=(i + 1,), op=op), (), op)
                for i in range(nd)]
    items = list(start_indices)
    if len(items) != nd:
        raise ShapeError(f"{op}: {len(items)} start indices for a tensor of rank {nd}")
    return [convert(v, L.INDEX_DTYPE, op) for v in items]


def _is_static(start_indices: Any) -> bool:
    if isinstance(start_indices, SymbolicTensor):
        return False
    if isinstance(start_indices, (list, tuple)):
        return not any(isinstance(v, SymbolicTensor) for v in start_indices)
    return True


def slice(inputs: Any, start_indices: Any, shape: Sequence[int]) -> Any:
    """The block of ``shape`` starting at ``start_indices`` (static or tensor); starts are clamped so the block
    fits, and a size of -1 (static starts only) means "to the end".

    >>> slice(np.arange(6).reshape(2, 3), (0, 1), (2, 2)).shape   # doctest: +SKIP
    (2, 2)
    """
    op = "slice"
    x = as_tensor(inputs)
    xs = type_of(x).shape
    sizes = static_ints(shape, "shape", op)
    sizes = (sizes,) if isinstance(sizes, int) else sizes
    if len(sizes) != len(xs):
        raise ShapeError(f"{op}: shape {tuple(sizes)} needs one entry per dim of {fmt_shape(xs)}")
    if _is_static(start_indices):
        starts = static_ints(start_indices, "start_indices", op)
        starts = (starts,) if isinstance(starts, int) else starts
        if len(starts) != len(xs):
            raise ShapeError(f"{op}: {len(starts)} start indices for a tensor of rank {len(xs)}")
        lo, hi = [], []
        for d, s, n in zip(xs, starts, sizes):
            size: Dim = dim_sub(d, s) if n == -1 else n
            if not is_symbolic(d) and not is_symbolic(size):
                if size > d:
                    raise ShapeError(f"{op}: slice shape {tuple(sizes)} exceeds the input shape {fmt_shape(xs)}")
                s = min(max(s, 0), d - size)
            lo.append(s)
            hi.append(dim_add(s, size))
        return finish(bind("slice", x, start_indices=tuple(lo), limit_indices=tuple(hi), op=op))
    if any(n == -1 for n in sizes):
        raise ShapeError(f"{op}: a size of -1 needs static start indices")
    return finish(bind("dynamic_slice", x, *_start_scalars(start_indices, len(xs), op), slice_sizes=sizes, op=op))


def slice_update(inputs: Any, start_indices: Any, updates: Any) -> Any:
    """``inputs`` with the block ``updates`` written at ``start_indices`` (clamped so it fits)."""
    op = "slice_update"
    x = as_tensor(inputs)
    u = as_tensor(updates, type_of(x).dtype)
    starts = _start_scalars(start_indices, type_of(x).ndim, op)
    return finish(bind("dynamic_update_slice", x, u, *starts, op=op))


# --- scatter ------------------------------------------------------------------------------------------------------

def _index_vectors(indices: Any, shape: Sequence[Dim], op: str) -> Any:
    """Indices ``[..., k]`` with negative components counted from the end of their dims."""
    idx = L.index_tensor(indices, op)
    it = type_of(idx)
    if it.ndim < 1 or is_symbolic(it.shape[-1]) or not 1 <= it.shape[-1] <= len(shape):
        raise ShapeError(f"{op}: indices of shape {fmt_shape(it.shape)} need a last dim k with 1 <= k <= "
                         f"{len(shape)} (the target rank)")
    k = it.shape[-1]
    dims = shape[:k]
    if isinstance(idx, np.ndarray) and not any(is_symbolic(d) for d in dims):
        return np.where(idx < 0, idx + np.asarray(dims, idx.dtype), idx).astype(idx.dtype)
    if any(is_symbolic(d) for d in dims):
        cols = [L.wrap_negative(L.reshape(bind("slice", idx, start_indices=(0,) * (it.ndim - 1) + (j,),
                                              limit_indices=it.shape[:-1] + (j + 1,), op=op),
                                         it.shape[:-1], op), d, op) for j, d in enumerate(dims)]
        return bind("concatenate", *[L.expand_dims(c, [it.ndim - 1], op) for c in cols], dimension=it.ndim - 1,
                    op=op) if k > 1 else L.expand_dims(cols[0], [it.ndim - 1], op)
    sizes = broadcast_to(constant(dims, it.dtype), it.shape, op)
    zero = broadcast_to(constant(0, it.dtype), it.shape, op)
    return bind("select", bind("lt", idx, zero, op=op), bind("add", idx, sizes, op=op), idx, op=op)


_REDUCTIONS = {None: "set", "add": "add", "mul": "mul", "max": "max", "min": "min"}


def _scatter(operand: Any, indices: Any, updates: Any, mode: str, op: str) -> Any:
    shape = type_of(operand).shape
    idx = _index_vectors(indices, shape, op)
    it = type_of(idx)
    want = it.shape[:-1] + shape[it.shape[-1]:]
    u = broadcast_to(as_tensor(updates, type_of(operand).dtype), want, op)
    return finish(bind("scatter", operand, idx, u, mode=mode, op=op))


def scatter(indices: Any, values: Any, shape: Sequence[int]) -> Any:
    """A zero tensor of ``shape`` with ``values`` added at ``indices`` (``[..., k]``; duplicates add up).

    >>> scatter(np.array([[0], [0], [2]]), np.array([1.0, 2.0, 3.0], "float32"), (3,))   # doctest: +SKIP
    Array([3., 0., 3.], dtype=float32)
    """
    op = "scatter"
    v = as_tensor(values)
    shape = (shape,) if isinstance(shape, int) else tuple(static_ints(shape, "shape", op))
    return _scatter(L.full(0, shape, type_of(v).dtype, op), indices, v, "add", op)


def scatter_update(inputs: Any, indices: Any, updates: Any, reduction: str | None = None) -> Any:
    """``inputs`` with ``updates`` written at ``indices`` (``[..., k]``), or combined with ``reduction``
    ("add", "mul", "max", "min").

    >>> scatter_update(np.zeros((2, 2), "float32"), [[1, 0]], np.array([5.0], "float32"))   # doctest: +SKIP
    Array([[0., 0.], [5., 0.]], dtype=float32)
    """
    if reduction not in _REDUCTIONS:
        raise ValueError(f"scatter_update: unsupported reduction {reduction!r}; use one of "
                         f"{', '.join(str(r) for r in _REDUCTIONS)}")
    return _scatter(as_tensor(inputs), indices, updates, _REDUCTIONS[reduction], "scatter_update")
