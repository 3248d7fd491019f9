"""The indexing prims (tag "indexing"): gather, scatter, sort, top_k. See CATALOGUE.md.

Indices use one form: an integer tensor ``[..., k]`` whose last axis addresses the first ``k`` operand dims.

>>> from hornet.ir.prims import PRIMITIVES, infer_types
>>> infer_types(PRIMITIVES["gather"], [TensorType("float32", (10, 4)), TensorType("int32", ("batch", 1))], {})
(float32[batch,4],)
"""
from __future__ import annotations

from hornet.ir.dtypes import DType
from hornet.ir.errors import DTypeError
from hornet.ir.prims.registry import Attr, check, define
from hornet.ir.prims.shape_rules import require_integer, require_numeric, same_shape
from hornet.ir.symbolic import dim_sign, dim_sub, dims_equal, format_shape, is_symbolic
from hornet.ir.types import TensorType

INDEXING = ("indexing",)
SCATTER_MODES = ("set", "add", "mul", "min", "max")


def _index_depth(operand: TensorType, indices: TensorType) -> int:
    """k, the length of the index vectors (indices' last dim), checked against the operand's rank."""
    require_integer(indices, "indices")
    check(indices.ndim >= 1, f"indices must have rank >= 1 (shape [..., k]), got {indices}")
    k = indices.shape[-1]
    check(not is_symbolic(k), f"the index vector length (last dim of indices {indices}) must be static")
    check(1 <= k <= operand.ndim, f"index vectors of length {k} need 1 <= k <= operand rank {operand.ndim}")
    return k


def _gather(operand: TensorType, indices: TensorType) -> TensorType:
    k = _index_depth(operand, indices)
    return TensorType(operand.dtype, indices.shape[:-1] + operand.shape[k:])


def _scatter(operand: TensorType, indices: TensorType, updates: TensorType, *, mode) -> TensorType:
    k = _index_depth(operand, indices)
    if updates.dtype != operand.dtype:
        raise DTypeError(f"updates dtype {updates.dtype.value} differs from the operand's {operand.dtype.value}")
    if mode in ("add", "mul"):
        require_numeric(operand, f"operand of scatter mode {mode!r}")
    want = indices.shape[:-1] + operand.shape[k:]
    check(updates.ndim == len(want) and all(dims_equal(a, b) for a, b in zip(updates.shape, want)),
          f"updates shape {format_shape(updates.shape)} must be indices.shape[:-1] + operand.shape[{k}:] "
          f"= {format_shape(want)}")
    return operand


def _sort(*operands: TensorType, dimension, num_keys, descending) -> tuple[TensorType, ...]:
    check(len(operands) >= 1, "sort needs at least one operand")
    same_shape(*operands)
    ndim = operands[0].ndim
    check(ndim >= 1, "sort needs operands of rank >= 1")
    check(0 <= dimension < ndim, f"dimension {dimension} is out of range for rank {ndim}")
    check(1 <= num_keys <= len(operands), f"num_keys {num_keys} must be in [1, {len(operands)}] (the operand count)")
    return operands


def _top_k(x: TensorType, *, k) -> tuple[TensorType, TensorType]:
    require_numeric(x)
    check(x.ndim >= 1, f"top_k needs an operand of rank >= 1, got {x}")
    check(k >= 0, f"k={k} must be non-negative")
    check(dim_sign(dim_sub(x.shape[-1], k)) != -1, f"k={k} exceeds the last dim ({x.shape[-1]}) of {x}")
    shape = x.shape[:-1] + (k,)
    return TensorType(x.dtype, shape), TensorType(DType.int32, shape)


define("gather", _gather, num_inputs=2, tags=INDEXING,
       doc="out[i...] = operand[indices[i..., 0], ..., indices[i..., k-1]], indices clamped into range.")
define("scatter", _scatter, num_inputs=3, tags=INDEXING, attrs={"mode": Attr("str", choices=SCATTER_MODES)},
       doc="Combine `updates` into rows of `operand` addressed by `indices`; out-of-bounds rows are dropped.")
define("sort", _sort, multiple_results=True, tags=INDEXING,
       attrs={"dimension": Attr("int"), "num_keys": Attr("int", default=1), "descending": Attr("bool", default=False)},
       doc="Stable sort of all operands together by the first num_keys (lexicographic); NaNs last ascending.")
define("top_k", _top_k, num_inputs=1, multiple_results=True, tags=INDEXING, attrs={"k": Attr("int")},
       doc="The k largest values along the last axis (descending, ties by lower index) and their int32 indices.")
