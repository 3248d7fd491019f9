"""Comparisons, float predicates, logical and bitwise ops, with ``keras.ops`` names and Keras 3 / JAX dtype
rules (operands promote together, Python scalars are weak; comparisons and predicates return bool).

>>> from hornet import ops
>>> ops.less([1, 5], 3), ops.isnan([0.0, float("nan")])      # doctest: +SKIP
(Array([ True, False]), Array([False,  True]))
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from hornet.api.ops import _lax as L
from hornet.api.ops.core import as_tensor, binary, bind, convert, finish, named, operands, promoted, type_of
from hornet.ir.dtypes import DEFAULT_INT, DType
from hornet.ir.errors import DTypeError

__all__ = [
    "equal", "not_equal", "greater", "greater_equal", "less", "less_equal", "isclose", "allclose", "isfinite",
    "isinf", "isnan", "isneginf", "isposinf", "isreal", "signbit", "logical_and", "logical_or", "logical_xor",
    "logical_not", "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not", "bitwise_invert",
    "bitwise_left_shift", "left_shift", "bitwise_right_shift", "right_shift",
]


def _named(name: str, doc: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    return named(name, doc, fn, __name__)


def _binary(name: str, prim: str, doc: str) -> Callable[[Any, Any], Any]:
    return _named(name, doc, lambda x1, x2: binary(prim, x1, x2, op=name))


def _bitwise(name: str, prim: str, doc: str) -> Callable[[Any, Any], Any]:
    return _named(name, doc, lambda x, y: binary(prim, x, y, op=name))  # keras.ops names these x, y


equal = _binary("equal", "eq", "``x1 == x2`` elementwise (bool). ``equal([1, 2], 2) -> [False, True]``.")
not_equal = _binary("not_equal", "ne", "``x1 != x2`` elementwise (bool). ``not_equal([1, 2], 2) -> [True, False]``.")
greater = _binary("greater", "gt", "``x1 > x2`` elementwise (bool). ``greater([1, 3], 2) -> [False, True]``.")
greater_equal = _binary("greater_equal", "ge",
                        "``x1 >= x2`` elementwise (bool). ``greater_equal([1, 2], 2) -> [False, True]``.")
less = _binary("less", "lt", "``x1 < x2`` elementwise (bool). ``less([1, 3], 2) -> [True, False]``.")
less_equal = _binary("less_equal", "le", "``x1 <= x2`` elementwise (bool). ``less_equal([2, 3], 2) -> [True, False]``.")

bitwise_and = _bitwise("bitwise_and", "and",
                       "Bitwise and of integers (logical for bools). ``bitwise_and(12, 10) -> 8``.")
bitwise_or = _bitwise("bitwise_or", "or", "Bitwise or of integers (logical for bools). ``bitwise_or(12, 10) -> 14``.")
bitwise_xor = _bitwise("bitwise_xor", "xor",
                       "Bitwise xor of integers (logical for bools). ``bitwise_xor(12, 10) -> 6``.")


def isclose(x1: Any, x2: Any, rtol: float = 1e-5, atol: float = 1e-8, equal_nan: bool = False) -> Any:
    """``|x1 - x2| <= atol + rtol * |x2|`` elementwise; equal infinities are close, NaN is close to NaN only
    with ``equal_nan``. Integers compare exactly. ``isclose([1.0, 2.0], [1.0 + 1e-7, 2.1]) -> [True, False]``."""
    op = "isclose"
    x, y = operands(x1, x2, dtype=promoted(x1, x2), op=op)
    if not type_of(x).dtype.is_floating:
        return bind("eq", x, y, op=op)
    diff = bind("abs", bind("sub", x, y, op=op), op=op)
    bound = binary("add", binary("mul", bind("abs", y, op=op), rtol, op=op), atol, op=op)
    finite = binary("and", bind("is_finite", x, op=op), bind("is_finite", y, op=op), op=op)
    out = binary("or", binary("and", bind("le", diff, bound, op=op), finite, op=op),
                   bind("eq", x, y, op=op), op=op)
    if equal_nan:
        both_nan = binary("and", bind("ne", x, x, op=op), bind("ne", y, y, op=op), op=op)
        out = binary("or", out, both_nan, op=op)
    return out


def allclose(x1: Any, x2: Any, rtol: float = 1e-5, atol: float = 1e-8, equal_nan: bool = False) -> Any:
    """Whether every pair is ``isclose``: a 0-d bool tensor. ``allclose([1.0], [1.0 + 1e-7]) -> True``."""
    close = isclose(x1, x2, rtol, atol, equal_nan)
    n = type_of(close).ndim
    return bind("reduce_and", close, axes=tuple(range(n)), op="allclose") if n else close


def _float_predicate(name: str, doc: str, test: Callable[[Any, str], Any], other: bool) -> Callable[[Any], Any]:
    """A predicate computed by ``test`` on floats; integers and bools give ``other`` everywhere."""

    def fn(x: Any) -> Any:
        x = as_tensor(x)
        if type_of(x).dtype.is_floating:
            return test(x, name)
        return finish(L.full_like(x, other, name, DType.bool))

    return _named(name, doc, fn)


isfinite = _float_predicate("isfinite", "Neither inf nor NaN. ``isfinite([1., inf, nan]) -> [True, False, False]``.",
                            lambda x, op: bind("is_finite", x, op=op), True)
isnan = _float_predicate("isnan", "NaN test. ``isnan([1., nan]) -> [False, True]``.",
                         lambda x, op: bind("ne", x, x, op=op), False)
isinf = _float_predicate("isinf", "+-inf test. ``isinf([1., -inf]) -> [False, True]``.",
                         lambda x, op: binary("eq", bind("abs", x, op=op), np.inf, op=op), False)
isposinf = _float_predicate("isposinf", "+inf test. ``isposinf([inf, -inf]) -> [True, False]``.",
                            lambda x, op: binary("eq", x, np.inf, op=op), False)
isneginf = _float_predicate("isneginf", "-inf test. ``isneginf([inf, -inf]) -> [False, True]``.",
                            lambda x, op: binary("eq", x, -np.inf, op=op), False)


def isreal(x: Any) -> Any:
    """Whether each element is real: always True (hornet has no complex dtypes)."""
    return finish(L.full_like(as_tensor(x), True, "isreal", DType.bool))


_SAME_WIDTH_INT = {DType.float16: DType.int16, DType.bfloat16: DType.int16, DType.float32: DType.int32,
                   DType.float64: DType.int64}


def signbit(x: Any) -> Any:
    """Whether the sign bit is set (True for -0.0 and negative NaNs). ``signbit([-0., 1., -2.]) -> [True, False,
    True]``."""
    op = "signbit"
    x = as_tensor(x)
    d = type_of(x).dtype
    if d.is_floating:
        return binary("lt", bind("bitcast_convert", x, new_dtype=_SAME_WIDTH_INT[d], op=op), 0, op=op)
    if d.is_signed:
        return binary("lt", x, 0, op=op)
    return finish(L.full_like(x, False, op, DType.bool))


# --- logical ------------------------------------------------------------------------------------------------------

def _truth(x: Any, op: str) -> Any:
    return convert(as_tensor(x), DType.bool, op)


def _logical(name: str, prim: str, doc: str) -> Callable[[Any, Any], Any]:
    return _named(name, doc, lambda x1, x2: binary(prim, _truth(x1, name), _truth(x2, name), op=name))


logical_and = _logical("logical_and", "and", "Truth-value and (nonzero is True). ``logical_and([1, 0], True) "
                                              "-> [True, False]``.")
logical_or = _logical("logical_or", "or", "Truth-value or (nonzero is True). ``logical_or([1, 0], False) "
                                          "-> [True, False]``.")
logical_xor = _logical("logical_xor", "xor", "Truth-value xor (nonzero is True). ``logical_xor([1, 0], True) "
                                             "-> [False, True]``.")


def logical_not(x: Any) -> Any:
    """Truth-value negation (nonzero is True). ``logical_not([0, 2]) -> [True, False]``."""
    return bind("not", _truth(x, "logical_not"), op="logical_not")


# --- bitwise ------------------------------------------------------------------------------------------------------

def bitwise_invert(x: Any) -> Any:
    """``~x``: bitwise not of integers, logical not of bools. ``bitwise_invert([0, 5]) -> [-1, -6]``."""
    return bind("not", as_tensor(x), op="bitwise_invert")


def bitwise_not(x: Any) -> Any:
    """Alias of ``bitwise_invert``."""
    return bind("not", as_tensor(x), op="bitwise_not")


def _shift_dtype(x: Any, y: Any, op: str) -> DType:
    d = promoted(x, y)
    if d.is_bool:
        return DEFAULT_INT  # shifting bools shifts their 0/1 values, as JAX does
    if not d.is_integer:
        raise DTypeError(f"{op}: operands must be integers, got {d.value}")
    return d


def _left(x: Any, y: Any, op: str) -> Any:
    return binary("shift_left", x, y, op=op, dtype=_shift_dtype(x, y, op))


def _right(x: Any, y: Any, op: str) -> Any:
    d = _shift_dtype(x, y, op)
    prim = "shift_right_logical" if d.is_unsigned else "shift_right_arithmetic"
    return binary(prim, x, y, op=op, dtype=d)


bitwise_left_shift = _named("bitwise_left_shift", "``x << y``. ``bitwise_left_shift(1, [1, 3]) -> [2, 8]``.",
                            lambda x, y: _left(x, y, "bitwise_left_shift"))
left_shift = _named("left_shift", "Alias of ``bitwise_left_shift``.", lambda x, y: _left(x, y, "left_shift"))
bitwise_right_shift = _named("bitwise_right_shift",
                             "``x >> y`` (arithmetic for signed integers). ``bitwise_right_shift(-8, 1) -> -4``.",
                             lambda x, y: _right(x, y, "bitwise_right_shift"))
right_shift = _named("right_shift", "Alias of ``bitwise_right_shift``.", lambda x, y: _right(x, y, "right_shift"))
