"""Python operators and array methods on symbolic tensors. Importing this module installs them on
``SymbolicTensor``; each delegates to the public op of the same meaning, so dtypes and broadcasting match.

>>> import hornet
>>> g = hornet.trace(lambda x: (2 * x + 1)[0] @ x.T, hornet.TensorSpec((3, 3)))   # doctest: +SKIP
"""
from __future__ import annotations

from typing import Any, Callable

from hornet.api.ops import logic, math
from hornet.api.ops.core import bind, cast
from hornet.ir.errors import TracerError
from hornet.ir.tracer import SymbolicTensor
from hornet.runtime.variables import Variable

__all__: list[str] = []  # installs methods; exports no ops


def _matmul(x: Any, y: Any) -> Any:
    from hornet.api.ops.linalg import matmul  # another file, loaded on first use

    return matmul(x, y)


def _get_item(x: Any, key: Any) -> Any:
    from hornet.api.ops.indexing import get_item

    return get_item(x, key)


def _reshape(x: SymbolicTensor, *shape: Any) -> Any:
    """``x.reshape(2, 3)`` or ``x.reshape((2, 3))``."""
    from hornet.api.ops.shape_ops import reshape

    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    return reshape(x, shape)


def _transpose_all(x: SymbolicTensor) -> Any:
    """``x.T``: all axes reversed (a 0-d or 1-d tensor is returned as is)."""
    if x.ndim < 2:
        return x
    if isinstance(x, Variable):
        x = x.value
    return bind("transpose", x, permutation=tuple(reversed(range(x.ndim))), op="transpose")


def _numpy(x: SymbolicTensor) -> Any:
    raise TracerError(f"a symbolic tensor ({x.type}) has no values while tracing, so .numpy() is not available; "
                      "return it from the traced function instead")


def _tensor_like(other: Any) -> bool:
    """Operands an operator accepts; anything else returns NotImplemented so Python tries the other side."""
    return isinstance(other, (SymbolicTensor, bool, int, float, list, tuple)) or (
        hasattr(other, "shape") and hasattr(other, "dtype"))


def _binary(fn: Callable[[Any, Any], Any], reflected: bool = False) -> Callable[[Any, Any], Any]:
    def method(self: SymbolicTensor, other: Any) -> Any:
        if not _tensor_like(other):
            return NotImplemented
        return fn(other, self) if reflected else fn(self, other)

    method.__name__ = fn.__name__
    return method


# dunder name -> the op (the reflected form "__r<name>__" is derived where Python has one)
BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "add": math.add, "sub": math.subtract, "mul": math.multiply, "truediv": math.divide,
    "floordiv": math.floor_divide, "mod": math.mod, "pow": math.power, "matmul": _matmul,
    "and": logic.bitwise_and, "or": logic.bitwise_or, "xor": logic.bitwise_xor,
    "lshift": logic.left_shift, "rshift": logic.right_shift,
}
COMPARISONS: dict[str, Callable[[Any, Any], Any]] = {
    "lt": logic.less, "le": logic.less_equal, "gt": logic.greater, "ge": logic.greater_equal,
    "eq": logic.equal, "ne": logic.not_equal,
}
UNARY: dict[str, Callable[[Any], Any]] = {
    "neg": math.negative, "pos": lambda x: x, "abs": math.abs, "invert": logic.bitwise_invert,
}


def install(cls: type = SymbolicTensor) -> None:
    """Attach the operators and methods to ``cls`` (SymbolicTensor, Variable; idempotent)."""
    for name, fn in BINARY.items():
        setattr(cls, f"__{name}__", _binary(fn))
        setattr(cls, f"__r{name}__", _binary(fn, reflected=True))
    for name, fn in COMPARISONS.items():
        if cls is SymbolicTensor or name not in ("eq", "ne"):  # a Variable keeps identity equality and hashing
            setattr(cls, f"__{name}__", _binary(fn))
    for name, fn in UNARY.items():
        setattr(cls, f"__{name}__", fn)
    cls.__array_ufunc__ = None  # `ndarray + tensor` defers to our reflected operators
    cls.__hash__ = lambda self: id(self)  # __eq__ builds a tensor, so hashing stays by identity
    cls.__getitem__ = _get_item
    cls.T = property(_transpose_all)
    cls.astype = lambda self, dtype: cast(self, dtype)
    cls.reshape = _reshape
    if cls is SymbolicTensor:
        cls.numpy = _numpy


install(SymbolicTensor)
install(Variable)
