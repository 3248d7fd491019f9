"""The closed set of hornet dtypes and the one promotion table.

hornet follows the JAX/Keras 3 type-promotion lattice. Python scalars are *weak*: they take the dtype of the
tensor they meet (``float32 tensor * 2`` stays float32). With no tensor to follow, a Python ``int`` becomes
``int32`` and a Python ``float`` becomes ``float32`` ("x64 off", as in Keras 3 on JAX). NumPy arrays keep their
dtype: an ``int64`` or ``float64`` array stays 64-bit, on every backend.

>>> result_type("int8", "float16")
<DType.float16: 'float16'>
"""
from __future__ import annotations

import enum
from functools import lru_cache
from typing import Any

import ml_dtypes
import numpy as np


class DType(str, enum.Enum):
    """A hornet element type. Compares equal to its name: ``DType.float32 == "float32"``."""

    bool = "bool"
    int8 = "int8"
    int16 = "int16"
    int32 = "int32"
    int64 = "int64"
    uint8 = "uint8"
    uint32 = "uint32"
    float16 = "float16"
    bfloat16 = "bfloat16"
    float32 = "float32"
    float64 = "float64"

    def __str__(self) -> str:
        return self.value

    __format__ = str.__format__

    @property
    def np(self) -> np.dtype:
        """The NumPy dtype (bfloat16 comes from ml_dtypes)."""
        return _NUMPY[self]

    @property
    def is_floating(self) -> bool:
        return self in _FLOATS

    @property
    def is_integer(self) -> bool:
        return self in _SIGNED or self in _UNSIGNED

    @property
    def is_signed(self) -> bool:
        return self in _SIGNED or self in _FLOATS

    @property
    def is_unsigned(self) -> bool:
        return self in _UNSIGNED

    @property
    def is_bool(self) -> bool:
        return self is DType.bool

    @property
    def itemsize(self) -> int:
        return _NUMPY[self].itemsize

    @property
    def bits(self) -> int:
        return 8 * self.itemsize


_FLOATS = frozenset({DType.float16, DType.bfloat16, DType.float32, DType.float64})
_SIGNED = frozenset({DType.int8, DType.int16, DType.int32, DType.int64})
_UNSIGNED = frozenset({DType.uint8, DType.uint32})
_NUMPY = {d: (np.dtype(ml_dtypes.bfloat16) if d is DType.bfloat16 else np.dtype(d.value)) for d in DType}
_BY_NUMPY = {v: k for k, v in _NUMPY.items()}

DEFAULT_INT = DType.int32
DEFAULT_FLOAT = DType.float32

ALL_DTYPES: tuple[DType, ...] = tuple(DType)
FLOAT_DTYPES: tuple[DType, ...] = (DType.float16, DType.bfloat16, DType.float32, DType.float64)
INT_DTYPES: tuple[DType, ...] = (DType.int8, DType.int16, DType.int32, DType.int64, DType.uint8, DType.uint32)


def dtype(x: Any) -> DType:
    """Normalize a dtype-like (name, NumPy/JAX/torch dtype, Python type, DType) to a DType.

    >>> dtype("float32"), dtype(np.int64), dtype(float)
    (<DType.float32: 'float32'>, <DType.int64: 'int64'>, <DType.float32: 'float32'>)
    """
    if isinstance(x, DType):
        return x
    try:
        return _CACHE[x]
    except (KeyError, TypeError):  # unhashable, or not seen yet
        pass
    out = _dtype_uncached(x)
    try:
        _CACHE[x] = out
    except TypeError:
        pass
    return out


_CACHE: dict[Any, DType] = {}


def _dtype_uncached(x: Any) -> DType:
    if x is bool:
        return DType.bool
    if x is int:
        return DEFAULT_INT
    if x is float:
        return DEFAULT_FLOAT
    if isinstance(x, str):
        name = x.rsplit(".", 1)[-1]  # "torch.float32", "tf.int64"
        if name in DType.__members__:
            return DType[name]
        raise TypeError(f"unknown dtype {x!r}; hornet dtypes are {', '.join(d.value for d in DType)}")
    x = getattr(x, "as_numpy_dtype", x)  # a framework dtype object naming its NumPy twin (TensorFlow's)
    try:
        nd = np.dtype(x)
    except TypeError:
        return _dtype_uncached(str(x))
    if nd in _BY_NUMPY:
        return _BY_NUMPY[nd]
    raise TypeError(f"dtype {x!r} is not supported by hornet; supported: {', '.join(d.value for d in DType)}")


# The lattice: each dtype's direct successors. "float*" is JAX's weak float node, reached from the 64-bit ints.
_EDGES: dict[str, tuple[str, ...]] = {
    "bool": ("uint8", "int8"),
    "uint8": ("uint32", "int16"),
    "uint32": ("int64",),
    "int8": ("int16",),
    "int16": ("int32",),
    "int32": ("int64",),
    "int64": ("float*",),
    "float*": ("float16", "bfloat16"),
    "float16": ("float32",),
    "bfloat16": ("float32",),
    "float32": ("float64",),
    "float64": (),
}


@lru_cache(maxsize=None)
def _upper(node: str) -> frozenset[str]:
    out = {node}
    for nxt in _EDGES[node]:
        out |= _upper(nxt)
    return frozenset(out)


@lru_cache(maxsize=None)
def _join(a: DType, b: DType) -> DType:
    common = _upper(a.value) & _upper(b.value)
    for cand in common:
        if _upper(cand) == common:
            return DType(cand)
    raise AssertionError(f"promotion lattice has no join for {a}, {b}")  # unreachable: float64 tops the lattice


def promote_types(a: Any, b: Any) -> DType:
    """The smallest dtype both promote to (``int8, uint8 -> int16``; ``float16, bfloat16 -> float32``)."""
    return _join(dtype(a), dtype(b))


def is_python_scalar(x: Any) -> bool:
    return isinstance(x, (bool, int, float)) and not isinstance(x, np.generic)


def _weak_kind(x: Any) -> DType:
    if isinstance(x, bool):
        return DType.bool
    if isinstance(x, int):
        return DEFAULT_INT
    return DEFAULT_FLOAT


def result_type(*args: Any) -> DType:
    """Promote dtypes and values as binary ops do. Python scalars are weak (they follow the tensors).

    Arguments may be dtypes, arrays (anything with ``.dtype``) or Python scalars.

    >>> result_type("float16", 2.0), result_type("int8", 2.5), result_type(1, 2.0)
    (<DType.float16: 'float16'>, <DType.float32: 'float32'>, <DType.float32: 'float32'>)
    """
    strong: DType | None = None
    weak: DType | None = None
    for a in args:
        if is_python_scalar(a):
            k = _weak_kind(a)
            weak = k if weak is None else _join(weak, k)
        else:
            d = dtype(a.dtype if hasattr(a, "dtype") else a)
            strong = d if strong is None else _join(strong, d)
    if strong is None:
        if weak is None:
            raise TypeError("result_type() needs at least one argument")
        return weak
    if weak is None or weak is DType.bool:
        return strong
    if weak.is_floating and not strong.is_floating:
        return DEFAULT_FLOAT
    if weak.is_integer and strong.is_bool:
        return DEFAULT_INT
    return strong


def finfo(d: Any):
    """Machine limits of a float dtype (ml_dtypes-aware ``np.finfo``)."""
    return ml_dtypes.finfo(dtype(d).np)


def iinfo(d: Any):
    """Machine limits of an integer dtype."""
    return np.iinfo(dtype(d).np)
