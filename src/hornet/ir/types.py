"""Tensor types: a dtype and a shape whose dims are ints or symbolic names."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from hornet.ir.dtypes import DType, dtype as to_dtype
from hornet.ir.symbolic import Dim, canonical_dim, format_shape, shape_size


@dataclass(frozen=True)
class TensorType:
    """``TensorType("float32", ("batch", 3))`` prints as ``float32[batch,3]``."""

    dtype: DType
    shape: tuple[Dim, ...]

    def __init__(self, dtype: Any, shape: Sequence[Any] = ()):
        object.__setattr__(self, "dtype", to_dtype(dtype))
        object.__setattr__(self, "shape", tuple(d if type(d) is int else canonical_dim(d) for d in shape))

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> Dim:
        return shape_size(self.shape)

    @property
    def is_static(self) -> bool:
        return all(isinstance(d, int) for d in self.shape)

    def with_shape(self, shape: Sequence[Any]) -> "TensorType":
        return TensorType(self.dtype, shape)

    def with_dtype(self, d: Any) -> "TensorType":
        return TensorType(d, self.shape)

    def __str__(self) -> str:
        return f"{self.dtype.value}{format_shape(self.shape)}"

    __repr__ = __str__


def type_of_array(x: Any) -> TensorType:
    """The TensorType of anything array-like with ``.shape`` and ``.dtype`` (NumPy, JAX, torch...)."""
    return TensorType(to_dtype(x.dtype), tuple(int(d) for d in x.shape))
