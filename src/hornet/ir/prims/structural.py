"""The structural prims (tag "shape"): iota, broadcast_in_dim, reshape, transpose, rev, slice, dynamic_slice,
dynamic_update_slice, concatenate, pad. See CATALOGUE.md.

Shapes may hold symbolic dims; the rules keep them exact with ``hornet.ir.symbolic`` arithmetic:

>>> from hornet.ir.prims import PRIMITIVES, infer_types
>>> infer_types(PRIMITIVES["reshape"], [TensorType("float32", ("batch", 4, 4))], {"new_sizes": ("batch", 16)})
(float32[batch,16],)
"""
from __future__ import annotations

from typing import Sequence

from hornet.ir.errors import DTypeError
from hornet.ir.prims.registry import Attr, check, define
from hornet.ir.prims.shape_rules import check_axes, check_permutation, require_integer, same_dtype
from hornet.ir.symbolic import Dim, dim_add, dim_mul, dim_sign, dim_sub, dims_equal, format_shape, is_symbolic, shape_size
from hornet.ir.types import TensorType

SHAPE = ("shape",)


def _require_le(a: Dim, b: Dim, message: str) -> None:
    """ShapeError when ``a <= b`` is certainly false (undecidable symbolic comparisons are accepted)."""
    check(dim_sign(dim_sub(b, a)) != -1, message)


def _fmt(shape: Sequence[Dim]) -> str:
    return format_shape(shape)


# --- iota, broadcast_in_dim, reshape, transpose, rev -------------------------------------------------------------

def _iota(*, dtype, shape, dimension) -> TensorType:
    check(not dtype.is_bool, "iota needs a numeric dtype, got bool", DTypeError)
    check(0 <= dimension < len(shape), f"dimension {dimension} is out of range for shape {_fmt(shape)}")
    for d in shape:
        check(dim_sign(d) != -1, f"shape {_fmt(shape)} has a negative dim")
    return TensorType(dtype, shape)


def _broadcast_in_dim(x: TensorType, *, shape, broadcast_dimensions) -> TensorType:
    bd = broadcast_dimensions
    check(len(bd) == x.ndim, f"broadcast_dimensions {bd} must have one entry per operand dim ({x.ndim})")
    check(all(0 <= b < len(shape) for b in bd), f"broadcast_dimensions {bd} out of range for {_fmt(shape)}")
    check(all(a < b for a, b in zip(bd, bd[1:])), f"broadcast_dimensions {bd} must be strictly increasing")
    for i, (d, b) in enumerate(zip(x.shape, bd)):
        check(dims_equal(d, 1) or dims_equal(d, shape[b]),
              f"operand dim {i} (size {d}) cannot broadcast to output dim {b} (size {shape[b]}) of {_fmt(shape)}")
    return TensorType(x.dtype, shape)


def _reshape(x: TensorType, *, new_sizes) -> TensorType:
    for d in new_sizes:
        check(dim_sign(d) != -1, f"new_sizes {_fmt(new_sizes)} has a negative dim")
    check(dims_equal(shape_size(x.shape), shape_size(new_sizes)),
          f"cannot reshape {_fmt(x.shape)} ({x.size} elements) to {_fmt(new_sizes)} "
          f"({shape_size(new_sizes)} elements)")
    return TensorType(x.dtype, new_sizes)


def _transpose(x: TensorType, *, permutation) -> TensorType:
    check_permutation(permutation, x.ndim)
    return TensorType(x.dtype, tuple(x.shape[p] for p in permutation))


def _rev(x: TensorType, *, dimensions) -> TensorType:
    check_axes(dimensions, x.ndim, "dimensions")
    return x


# --- slices -------------------------------------------------------------------------------------------------------

def _slice(x: TensorType, *, start_indices, limit_indices, strides) -> TensorType:
    n = x.ndim
    strides = strides if strides is not None else (1,) * n
    check(len(start_indices) == len(limit_indices) == len(strides) == n,
          f"start_indices {start_indices}, limit_indices {limit_indices} and strides {strides} "
          f"need one entry per dim ({n})")
    out = []
    for i, (s, l, st, d) in enumerate(zip(start_indices, limit_indices, strides, x.shape)):
        check(st >= 1, f"stride {st} on dim {i} must be >= 1")
        check(st == 1 or not (is_symbolic(s) or is_symbolic(l)),
              f"dim {i}: a symbolic start/limit ({s}:{l}) needs stride 1, got {st}")
        where = f"slice {s}:{l} of dim {i} (size {d})"
        _require_le(0, s, f"{where}: start is negative")
        _require_le(s, l, f"{where}: start is past limit")
        _require_le(l, d, f"{where}: limit is past the end")
        size = dim_sub(l, s)
        out.append(size if st == 1 else -(-size // st))
    return TensorType(x.dtype, out)


def _check_starts(x: TensorType, starts: Sequence[TensorType]) -> None:
    check(len(starts) == x.ndim, f"need one start index per operand dim ({x.ndim}), got {len(starts)}")
    for i, s in enumerate(starts):
        check(s.ndim == 0, f"start index {i} must be a scalar, got {s}")
        require_integer(s, f"start index {i}")
    if starts:
        same_dtype(*starts)


def _dynamic_slice(x: TensorType, *starts: TensorType, slice_sizes) -> TensorType:
    _check_starts(x, starts)
    check(len(slice_sizes) == x.ndim, f"slice_sizes {slice_sizes} need one entry per operand dim ({x.ndim})")
    for i, (size, d) in enumerate(zip(slice_sizes, x.shape)):
        check(size >= 0, f"slice size {size} on dim {i} is negative")
        _require_le(size, d, f"slice size {size} on dim {i} exceeds its size {d}")
    return TensorType(x.dtype, slice_sizes)


def _dynamic_update_slice(x: TensorType, *rest: TensorType) -> TensorType:
    check(len(rest) >= 1, "dynamic_update_slice needs an operand, an update and start indices")
    update, starts = rest[0], rest[1:]
    same_dtype(x, update)
    check(update.ndim == x.ndim, f"update {update} must have the operand's rank {x.ndim}")
    for i, (u, d) in enumerate(zip(update.shape, x.shape)):
        _require_le(u, d, f"update dim {i} (size {u}) exceeds operand dim {i} (size {d})")
    _check_starts(x, starts)
    return x


# --- concatenate, pad --------------------------------------------------------------------------------------------

def _concatenate(*xs: TensorType, dimension) -> TensorType:
    check(len(xs) >= 1, "concatenate needs at least one operand")
    same_dtype(*xs)
    first = xs[0]
    check(all(t.ndim == first.ndim for t in xs), "operand ranks differ: " + ", ".join(map(str, xs)))
    check(0 <= dimension < first.ndim, f"dimension {dimension} is out of range for rank {first.ndim}")
    for t in xs[1:]:
        for i, (a, b) in enumerate(zip(first.shape, t.shape)):
            check(i == dimension or dims_equal(a, b),
                  f"operand shapes {_fmt(first.shape)} and {_fmt(t.shape)} differ on dim {i} "
                  f"(only dim {dimension} may differ)")
    total: Dim = 0
    for t in xs:
        total = dim_add(total, t.shape[dimension])
    shape = list(first.shape)
    shape[dimension] = total
    return TensorType(first.dtype, shape)


def _pad(x: TensorType, value: TensorType, *, padding_config) -> TensorType:
    check(value.ndim == 0, f"padding_value must be a scalar, got {value}")
    if value.dtype != x.dtype:
        raise DTypeError(f"padding_value dtype {value.dtype.value} differs from the operand's {x.dtype.value}")
    check(len(padding_config) == x.ndim, f"padding_config needs one (low, high, interior) per dim ({x.ndim})")
    out = []
    for i, (cfg, d) in enumerate(zip(padding_config, x.shape)):
        check(len(cfg) == 3, f"padding_config entry {cfg} for dim {i} must be (low, high, interior)")
        low, high, interior = cfg
        check(interior >= 0, f"interior padding {interior} on dim {i} is negative")
        # symbolic dims are >= 1, so max(d - 1, 0) is d - 1 for them
        gaps = dim_sub(d, 1) if is_symbolic(d) else max(d - 1, 0)
        size = dim_add(dim_add(dim_add(low, high), d), dim_mul(gaps, interior))
        check(dim_sign(size) != -1, f"padding {cfg} makes dim {i} (size {d}) negative ({size})")
        out.append(size)
    return TensorType(x.dtype, out)


_SHAPE_ATTR = Attr("shape")
define("iota", _iota, num_inputs=0, tags=SHAPE + ("nondiff",),
       attrs={"dtype": Attr("dtype"), "shape": _SHAPE_ATTR, "dimension": Attr("int")},
       doc="Values 0..shape[dimension]-1 along `dimension`, broadcast over the other dims.")
define("broadcast_in_dim", _broadcast_in_dim, num_inputs=1, tags=SHAPE,
       attrs={"shape": _SHAPE_ATTR, "broadcast_dimensions": Attr("ints")},
       doc="Operand dim i becomes output dim broadcast_dimensions[i]; size-1 dims broadcast.")
define("reshape", _reshape, num_inputs=1, tags=SHAPE, attrs={"new_sizes": _SHAPE_ATTR},
       doc="Row-major reshape to the same element count.")
define("transpose", _transpose, num_inputs=1, tags=SHAPE, attrs={"permutation": Attr("ints")},
       doc="Output dim i is operand dim permutation[i].")
define("rev", _rev, num_inputs=1, tags=SHAPE, attrs={"dimensions": Attr("ints")},
       doc="Reverse the element order along the given dims.")
define("slice", _slice, num_inputs=1, tags=SHAPE,
       attrs={"start_indices": _SHAPE_ATTR, "limit_indices": _SHAPE_ATTR,
              "strides": Attr("ints", default=None, optional=True)},
       doc="Static strided slice; output dim ceil((limit - start) / stride).")
define("dynamic_slice", _dynamic_slice, tags=SHAPE, attrs={"slice_sizes": Attr("ints")},
       doc="Slice of static size at runtime start indices (one scalar per dim), clamped to fit.")
define("dynamic_update_slice", _dynamic_update_slice, tags=SHAPE,
       doc="The operand with `update` written at runtime start indices (clamped to fit).")
define("concatenate", _concatenate, tags=SHAPE, attrs={"dimension": Attr("int")},
       doc="Join operands of one dtype along `dimension`.")
define("pad", _pad, num_inputs=2, tags=SHAPE, attrs={"padding_config": Attr("triples")},
       doc="Pad (or crop, with negative low/high) and interleave `interior` padding values per dim.")

