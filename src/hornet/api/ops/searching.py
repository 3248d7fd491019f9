"""Searching and counting ops: searchsorted, digitize, isin, bincount, unravel_index, segment reductions, and
the data-dependent nonzero and unique (computed on the host, so only on concrete tensors).

>>> from hornet import ops
>>> ops.searchsorted(np.array([1, 3, 5]), np.array([3, 4]))   # doctest: +SKIP
Array([1, 2], dtype=int32)
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from hornet.api.ops import _lax as L
from hornet.api.ops import core
from hornet.api.ops.core import as_tensor, binary, bind, broadcast_to, constant, convert, finish, fmt_shape, type_of
from hornet.api.ops.shape_ops import static_ints
from hornet.ir.tracer import SymbolicTensor
from hornet.ir.dtypes import DType, iinfo, result_type
from hornet.ir.errors import DTypeError, ShapeError, TracerError

__all__ = ["searchsorted", "digitize", "isin", "bincount", "unravel_index", "segment_sum", "segment_max",
           "segment_min", "segment_prod", "nonzero", "unique"]


def _pairwise(values: Any, seq: Any, op: str) -> tuple[Any, Any]:
    """``values[..., None]`` and ``seq`` (1-D) both broadcast to ``values.shape + (n,)``."""
    vs, n = type_of(values).shape, type_of(seq).shape[0]
    shape = vs + (n,)
    return L.broadcast_in_dim(values, shape, range(len(vs)), op), L.broadcast_in_dim(seq, shape, (len(vs),), op)


def _count(mask: Any, op: str) -> Any:
    nd = type_of(mask).ndim
    return bind("reduce_sum", convert(mask, L.INDEX_DTYPE, op), axes=(nd - 1,), op=op)


def _search(seq: Any, values: Any, right: bool, op: str) -> Any:
    seq, values = as_tensor(seq), as_tensor(values)
    if type_of(seq).ndim != 1:
        raise ShapeError(f"{op}: the sorted sequence must be 1-D, got shape {fmt_shape(type_of(seq).shape)}")
    d = result_type(type_of(seq).dtype, type_of(values).dtype)
    v, s = _pairwise(as_tensor(values, d), as_tensor(seq, d), op)
    # left: how many s < v; right: how many s <= v. NaNs sort last, as in NumPy.
    below = bind("le" if right else "lt", s, v, op=op)
    if d.is_floating:
        v_nan = bind("ne", v, v, op=op)
        s_num = bind("eq", s, s, op=op)
        below = bind("or", below, v_nan if right else bind("and", v_nan, s_num, op=op), op=op)
    return _count(below, op)


def searchsorted(sorted_sequence: Any, values: Any, side: str = "left") -> Any:
    """Where ``values`` would be inserted into the 1-D ascending ``sorted_sequence`` to keep it sorted (int32).

    >>> searchsorted(np.array([1, 2, 2, 3]), np.array([2]), side="right")   # doctest: +SKIP
    Array([3], dtype=int32)
    """
    if side not in ("left", "right"):
        raise ValueError(f"searchsorted: side must be 'left' or 'right', got {side!r}")
    return finish(_search(sorted_sequence, values, side == "right", "searchsorted"))


def digitize(x: Any, bins: Any) -> Any:
    """The index of the bin of each value: ``i`` with ``bins[i-1] <= x < bins[i]`` (ascending bins; int32)."""
    return finish(_search(bins, x, True, "digitize"))


def isin(x1: Any, x2: Any, assume_unique: bool = False, invert: bool = False) -> Any:
    """Whether each element of ``x1`` occurs in ``x2`` (bool, shape of ``x1``)."""
    op = "isin"
    a, b = as_tensor(x1), as_tensor(x2)
    d = result_type(type_of(a).dtype, type_of(b).dtype)
    b = L.reshape(as_tensor(b, d), (type_of(b).size,), op)
    v, s = _pairwise(as_tensor(a, d), b, op)
    found = bind("reduce_or", bind("eq", v, s, op=op), axes=(type_of(v).ndim - 1,), op=op)
    return finish(bind("not", found, op=op) if invert else found)


def bincount(x: Any, weights: Any = None, minlength: int = 0, sparse: bool = False) -> Any:
    """Count each non-negative integer of a 1-D (or, row by row, 2-D) ``x``, optionally summing ``weights``.

    The length is ``max(max(x) + 1, minlength)`` on concrete tensors; while tracing it is ``minlength``
    (which must be given) and larger values are dropped.

    >>> bincount(np.array([1, 1, 3]))   # doctest: +SKIP
    Array([0, 2, 0, 1], dtype=int32)
    """
    op = "bincount"
    if sparse:
        raise ValueError("bincount: sparse outputs are not supported")
    x = as_tensor(x)
    x_dtype = type_of(x).dtype
    x = L.index_tensor(x, op)
    xt = type_of(x)
    if xt.ndim not in (1, 2):
        raise ShapeError(f"{op}: x must be 1-D or 2-D, got shape {fmt_shape(xt.shape)}")
    if isinstance(x, SymbolicTensor):
        if minlength <= 0:
            raise TracerError(f"{op}: the output length depends on the values of x ({xt}); pass a positive "
                              "minlength to fix it while tracing")
        length = int(minlength)
    else:
        values = core.convert_to_numpy(x)
        length = max(int(values.max()) + 1 if values.size else 0, int(minlength))
    if weights is None:
        dt, upd = L.INDEX_DTYPE, L.full(1, xt.shape, L.INDEX_DTYPE, op)
    else:
        w = as_tensor(weights)
        dt = result_type(x_dtype, type_of(w).dtype)
        upd = broadcast_to(as_tensor(w, dt), xt.shape, op)
    if xt.ndim == 1:
        out_shape, vec = (length,), L.expand_dims(x, [1], op)
    else:
        rows = L.iota(xt.dtype, xt.shape, 0, op)
        vec = bind("concatenate", L.expand_dims(rows, [2], op), L.expand_dims(x, [2], op), dimension=2, op=op)
        out_shape = (xt.shape[0], length)
    zeros = L.full(0, out_shape, dt, op)
    return finish(bind("scatter", zeros, vec, upd, mode="add", op=op))


def unravel_index(indices: Any, shape: Sequence[int]) -> tuple[Any, ...]:
    """The coordinates in ``shape`` of flat (row-major) ``indices``: one tensor per dim.

    >>> unravel_index(np.array([5]), (3, 3))   # doctest: +SKIP
    (Array([1], dtype=int32), Array([2], dtype=int32))
    """
    op = "unravel_index"
    idx = as_tensor(indices)
    if not type_of(idx).dtype.is_integer:
        raise DTypeError(f"{op}: indices must be integers, got {type_of(idx).dtype.value}")
    dims = static_ints(shape, "shape", op)
    dims = (dims,) if isinstance(dims, int) else dims
    dt = type_of(idx).dtype
    out = []
    stride = int(np.prod(dims, dtype=np.int64))
    for d in dims:
        stride //= max(d, 1)
        q = binary("div", idx, constant(max(stride, 1), dt), op)
        out.append(finish(binary("rem", q, constant(max(d, 1), dt), op)))
    return tuple(out)


# --- segment reductions -------------------------------------------------------------------------------------------

def _identity(mode: str, d: DType) -> Any:
    if mode in ("add", "mul"):
        return 0 if mode == "add" else 1
    if d.is_bool:
        return mode == "min"
    if d.is_floating:
        return float("-inf") if mode == "max" else float("inf")
    info = iinfo(d)
    return int(info.min) if mode == "max" else int(info.max)


def _segment(data: Any, segment_ids: Any, num_segments: int | None, mode: str, op: str) -> Any:
    data = as_tensor(data)
    ids = L.index_tensor(segment_ids, op)
    ds, it = type_of(data).shape, type_of(ids)
    r = it.ndim
    if r < 1 or tuple(ds[:r]) != tuple(it.shape):
        raise ShapeError(f"{op}: segment_ids of shape {fmt_shape(it.shape)} must match the leading dims of data "
                         f"{fmt_shape(ds)}")
    if num_segments is None:
        if isinstance(ids, SymbolicTensor):
            raise TracerError(f"{op}: pass num_segments while tracing (the count depends on segment_ids' values)")
        values = core.convert_to_numpy(ids)
        num_segments = int(values.max()) + 1 if values.size else 0
    d = type_of(data).dtype
    out_shape = (int(num_segments),) + tuple(ds[r:])
    init = L.full(_identity(mode, d), out_shape, d, op)
    return finish(bind("scatter", init, L.expand_dims(ids, [r], op), data, mode=mode, op=op))


def segment_sum(data: Any, segment_ids: Any, num_segments: int | None = None, sorted: bool = False) -> Any:
    """Sum of the rows of ``data`` per segment id (ids outside ``[0, num_segments)`` are dropped).

    >>> segment_sum(np.array([1, 2, 3]), np.array([0, 0, 1]), 2)   # doctest: +SKIP
    Array([3, 3], dtype=int32)
    """
    return _segment(data, segment_ids, num_segments, "add", "segment_sum")


def segment_prod(data: Any, segment_ids: Any, num_segments: int | None = None, sorted: bool = False) -> Any:
    """Product of the rows of ``data`` per segment id (1 for empty segments)."""
    return _segment(data, segment_ids, num_segments, "mul", "segment_prod")


def segment_max(data: Any, segment_ids: Any, num_segments: int | None = None, sorted: bool = False) -> Any:
    """Maximum of the rows of ``data`` per segment id (-inf, or the dtype's minimum, for empty segments)."""
    return _segment(data, segment_ids, num_segments, "max", "segment_max")


def segment_min(data: Any, segment_ids: Any, num_segments: int | None = None, sorted: bool = False) -> Any:
    """Minimum of the rows of ``data`` per segment id (+inf, or the dtype's maximum, for empty segments)."""
    return _segment(data, segment_ids, num_segments, "min", "segment_min")


# --- data-dependent shapes: computed on the host ------------------------------------------------------------------

def _host(x: Any, op: str) -> np.ndarray:
    if isinstance(x, SymbolicTensor):
        raise TracerError(f"{op}: the output shape depends on the values of the input ({x.type}), so it cannot "
                          "be traced; call it on concrete tensors")
    return core.convert_to_numpy(as_tensor(x))


def nonzero(x: Any) -> tuple[Any, ...]:
    """The indices of the non-zero elements, one int32 tensor per dim (eager only).

    >>> nonzero(np.array([0, 3, 0, 4]))   # doctest: +SKIP
    (Array([1, 3], dtype=int32),)
    """
    arr = _host(x, "nonzero")
    if arr.ndim == 0:
        raise ShapeError("nonzero: needs a tensor of rank >= 1, got a scalar")
    return tuple(core.convert_to_tensor(i.astype(L.INDEX_DTYPE.np)) for i in np.nonzero(arr))


def unique(x: Any, sorted: bool = True, return_index: bool = False, return_inverse: bool = False,
           return_counts: bool = False, axis: int | None = None, size: int | None = None,
           fill_value: Any = None) -> Any:
    """The sorted unique elements (or sub-tensors along ``axis``), optionally with first indices, inverse
    indices and counts (int32). ``size`` pads (with ``fill_value``, default the smallest unique value) or
    truncates the outputs to a fixed length. Eager only.

    >>> unique(np.array([3, 1, 3]))   # doctest: +SKIP
    Array([1, 3], dtype=int32)
    """
    arr = _host(x, "unique")
    values, index, inverse, counts = np.unique(arr, return_index=True, return_inverse=True, return_counts=True,
                                               axis=axis)
    if size is not None:
        n = values.shape[0 if axis is None else axis]
        take = min(n, size)
        ax = 0 if axis is None else axis
        values = np.take(values, np.arange(take), axis=ax)
        index, counts = index[:take], counts[:take]
        if take < size:
            pad_shape = list(values.shape)
            pad_shape[ax] = size - take
            fill = np.take(values, [0], axis=ax) if fill_value is None and take else np.asarray(fill_value or 0)
            values = np.concatenate([values, np.broadcast_to(fill, pad_shape).astype(arr.dtype)], axis=ax)
            index = np.concatenate([index, np.full(size - take, index[0] if take else 0)])
            counts = np.concatenate([counts, np.zeros(size - take, counts.dtype)])
    outs = [values.astype(arr.dtype)]
    for want, extra in ((return_index, index), (return_inverse, inverse), (return_counts, counts)):
        if want:
            outs.append(np.asarray(extra).astype(L.INDEX_DTYPE.np))
    outs = [core.convert_to_tensor(o) for o in outs]
    return outs[0] if len(outs) == 1 else tuple(outs)
