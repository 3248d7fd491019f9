"""``view`` (``keras.ops.view``): the same bits read as another dtype, as NumPy's ``ndarray.view``.

Equal widths are one ``bitcast_convert``. Between widths, each element is split into (or assembled from) the
narrower elements with shifts and masks on integer carriers, little-endian (the low bits first), so a narrower
dtype multiplies the last dimension and a wider one divides it.

>>> from hornet import ops
>>> ops.view(np.array([1, 2], "int32"), "int16")            # doctest: +SKIP
Array([1, 0, 2, 0], dtype=int16)
"""
from __future__ import annotations

from typing import Any

from hornet.api.ops import _lax as L
from hornet.api.ops.core import as_tensor, bind, convert, finish, fmt_shape, type_of
from hornet.ir.dtypes import DType, dtype as to_dtype
from hornet.ir.errors import ShapeError

__all__ = ["view"]

# the integer type whose bits carry each width (all shifts and masks happen on these)
_CARRIER = {8: DType.uint8, 16: DType.int16, 32: DType.int32, 64: DType.int64}


def _bits(d: DType) -> int:
    return 8 if d.is_bool else d.np.itemsize * 8


def _to_carrier(x: Any, op: str) -> Any:
    d = type_of(x).dtype
    if d.is_bool:
        return convert(x, DType.uint8, op)
    c = _CARRIER[_bits(d)]
    return x if d == c else bind("bitcast_convert", x, new_dtype=c, op=op)


def _from_carrier(x: Any, d: DType, op: str) -> Any:
    if d.is_bool:
        return bind("ne", x, L.full(0, type_of(x).shape, DType.uint8, op), op=op)
    return x if type_of(x).dtype == d else bind("bitcast_convert", x, new_dtype=d, op=op)


def view(x: Any, dtype: Any = None) -> Any:
    """``x``'s bits as ``dtype`` (None: ``x`` itself). With a different item size the last dimension scales by
    the size ratio (it must divide evenly); a scalar can only be viewed as a dtype of the same size.

    >>> view(np.array([1.0], "float32"), "int32")   # doctest: +SKIP
    Array([1065353216], dtype=int32)
    """
    op = "view"
    x = as_tensor(x)
    if dtype is None:
        return finish(x)
    t = type_of(x)
    new = to_dtype(dtype)
    old_bits, new_bits = _bits(t.dtype), _bits(new)
    if old_bits == new_bits:
        if t.dtype == new:
            return finish(x)
        return _from_carrier(_to_carrier(x, op), new, op)
    if t.ndim == 0:
        raise ShapeError(f"{op}: cannot view a scalar of dtype {t.dtype.value} as {new.value} (item sizes differ)")
    last = t.shape[-1]
    if not isinstance(last, int):
        raise ShapeError(f"{op}: the last dimension must be static to change the item size, got "
                         f"{fmt_shape(t.shape)}")
    c = _to_carrier(x, op)
    if old_bits > new_bits:
        out = _split(c, old_bits, new_bits, op)
    else:
        ratio = new_bits // old_bits
        if last % ratio:
            raise ShapeError(f"{op}: cannot view shape {fmt_shape(t.shape)} of {t.dtype.value} as {new.value}: the "
                             f"last dimension ({last}) must be a multiple of {ratio}")
        out = _join(c, old_bits, new_bits, op)
    return _from_carrier(out, new, op)


def _split(c: Any, wide: int, narrow: int, op: str) -> Any:
    """Each ``wide``-bit carrier element as ``wide // narrow`` narrow carrier elements along the last axis."""
    shape = type_of(c).shape
    wd, nd = _CARRIER[wide], _CARRIER[narrow]
    mask = L.full((1 << narrow) - 1, shape, wd, op)
    parts = []
    for i in range(wide // narrow):
        part = c if i == 0 else bind("shift_right_logical", c, L.full(narrow * i, shape, wd, op), op=op)
        part = bind("and", part, mask, op=op)  # in [0, 2^narrow): fits the narrow carrier once made signed
        if nd.is_signed:
            high = bind("ge", part, L.full(1 << (narrow - 1), shape, wd, op), op=op)
            part = L.where(high, L.sub(part, 1 << narrow, op), part, op)
        parts.append(L.reshape(convert(part, nd, op), shape + (1,), op))
    out = bind("concatenate", *parts, dimension=len(shape), op=op)
    return L.reshape(out, shape[:-1] + (shape[-1] * len(parts),), op)


def _join(c: Any, narrow: int, wide: int, op: str) -> Any:
    """Groups of ``wide // narrow`` narrow carrier elements along the last axis as one wide carrier element."""
    shape = type_of(c).shape
    ratio = wide // narrow
    wd = _CARRIER[wide]
    grouped = L.reshape(c, shape[:-1] + (shape[-1] // ratio, ratio), op)
    out_shape = shape[:-1] + (shape[-1] // ratio,)
    mask = L.full((1 << narrow) - 1, out_shape, wd, op)
    out = None
    for i in range(ratio):
        part = L.reshape(L.slice_axis(grouped, len(shape), i, i + 1, op), out_shape, op)
        part = bind("and", convert(part, wd, op), mask, op=op)
        if i:
            part = bind("shift_left", part, L.full(narrow * i, out_shape, wd, op), op=op)
        out = part if out is None else bind("or", out, part, op=op)
    return out
