"""Small checks shared by the prims' shape/dtype rules. Each raises ShapeError or DTypeError with a message;
``infer_types`` adds the op, the prim and the input types to it."""
from __future__ import annotations

from typing import Iterable, Sequence

from hornet.ir.dtypes import DType
from hornet.ir.errors import DTypeError, ShapeError
from hornet.ir.symbolic import Dim, dims_equal, format_shape
from hornet.ir.types import TensorType


def same_shape(*types: TensorType) -> None:
    first = types[0].shape
    for t in types[1:]:
        if len(t.shape) != len(first) or not all(dims_equal(a, b) for a, b in zip(first, t.shape)):
            raise ShapeError("operand shapes differ: " + " vs ".join(format_shape(x.shape) for x in types))


def same_dtype(*types: TensorType) -> DType:
    d = types[0].dtype
    if any(t.dtype != d for t in types[1:]):
        raise DTypeError("operand dtypes differ: " + " vs ".join(t.dtype.value for t in types))
    return d


def require_float(t: TensorType, what: str = "operand") -> None:
    if not t.dtype.is_floating:
        raise DTypeError(f"{what} must be floating point, got {t.dtype.value}")


def require_integer(t: TensorType, what: str = "operand", allow_bool: bool = False) -> None:
    if not (t.dtype.is_integer or (allow_bool and t.dtype.is_bool)):
        kind = "integer or bool" if allow_bool else "integer"
        raise DTypeError(f"{what} must be {kind}, got {t.dtype.value}")


def require_numeric(t: TensorType, what: str = "operand") -> None:
    if t.dtype.is_bool:
        raise DTypeError(f"{what} must be numeric, got bool")


def require_rank(t: TensorType, rank: int | Iterable[int], what: str = "operand") -> None:
    ranks = (rank,) if isinstance(rank, int) else tuple(rank)
    if t.ndim not in ranks:
        raise ShapeError(f"{what} must have rank {' or '.join(map(str, ranks))}, got {t}")


def check_axes(axes: Sequence[int], ndim: int, what: str = "axes") -> None:
    if any(not 0 <= a < ndim for a in axes) or len(set(axes)) != len(axes):
        raise ShapeError(f"{what} {tuple(axes)} are invalid for rank {ndim} (need unique values in [0, {ndim}))")


def check_permutation(perm: Sequence[int], ndim: int) -> None:
    if sorted(perm) != list(range(ndim)):
        raise ShapeError(f"permutation {tuple(perm)} is not a permutation of range({ndim})")


def drop_axes(shape: Sequence[Dim], axes: Iterable[int]) -> tuple[Dim, ...]:
    axes = set(axes)
    return tuple(d for i, d in enumerate(shape) if i not in axes)
