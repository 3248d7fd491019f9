"""Elementwise math: arithmetic, powers, exponentials and logarithms, trigonometry, rounding, extrema and a few
special functions, with ``keras.ops`` names and Keras 3 / JAX dtype rules (Python scalars are weak).

Ops that only make sense in floating point (``sqrt``, ``sin``, ``divide``...) compute bool and integer inputs
in float32; float16/bfloat16 stay in their dtype.

>>> from hornet import ops
>>> ops.add([1, 2], 3).dtype, ops.sqrt([4, 9]).dtype      # doctest: +SKIP
(dtype('int32'), dtype('float32'))
"""
from __future__ import annotations

import builtins
import math as pymath
from typing import Any, Callable

import numpy as np

from hornet.api.ops import _lax as L
from hornet.api.ops.core import (as_tensor, binary, bind, convert, finish, float_dtype, named, operands, promoted,
                                 to_float, type_of)
from hornet.ir.dtypes import DEFAULT_INT, DType, dtype as to_dtype, finfo, iinfo
from hornet.ir.errors import DTypeError

__all__ = [
    "abs", "absolute", "add", "subtract", "multiply", "divide", "true_divide", "divide_no_nan", "floor_divide",
    "mod", "fmod", "power", "negative", "reciprocal", "square", "sqrt", "rsqrt", "cbrt", "exp", "exp2", "expm1",
    "log", "log2", "log10", "log1p", "logaddexp", "logaddexp2", "sin", "cos", "tan", "arcsin", "arccos",
    "arctan", "arctan2", "sinh", "cosh", "tanh", "arcsinh", "arccosh", "arctanh", "sign", "floor", "ceil",
    "round", "trunc", "clip", "maximum", "minimum", "fmax", "fmin", "hypot", "heaviside", "sinc", "deg2rad",
    "rad2deg", "erf", "erfc", "erfinv", "ldexp", "nextafter", "gcd", "lcm", "real", "imag", "conj", "conjugate",
    "copy", "angle", "stop_gradient", "saturate_cast", "nan_to_num",
]


# --- small building blocks (operands already promoted; scalars are weak and follow the tensor) ------------------

def _b(prim: str, x: Any, y: Any, op: str) -> Any:
    return binary(prim, x, y, op=op)


def _u(prim: str, x: Any, op: str) -> Any:
    return bind(prim, x, op=op)


def _float_operands(x1: Any, x2: Any, op: str) -> list[Any]:
    return operands(x1, x2, dtype=float_dtype(promoted(x1, x2)), op=op)


def _float_unary(name: str, prim: str, doc: str) -> Callable[[Any], Any]:
    """A public op applying a float-only unary prim (bool and integer inputs computed in float32)."""
    return named(name, doc, lambda x: _u(prim, to_float(x, name), name), __name__)


# --- arithmetic ---------------------------------------------------------------------------------------------------

def add(x1: Any, x2: Any) -> Any:
    """``x1 + x2`` with broadcasting (bool + bool is logical or). ``add([1, 2], 3) -> [4, 5]``."""
    d = promoted(x1, x2)
    return binary("or" if d.is_bool else "add", x1, x2, op="add", dtype=d)


def subtract(x1: Any, x2: Any) -> Any:
    """``x1 - x2`` with broadcasting (not for two bools). ``subtract(5, [1, 2]) -> [4, 3]``."""
    return binary("sub", x1, x2, op="subtract")


def multiply(x1: Any, x2: Any) -> Any:
    """``x1 * x2`` with broadcasting (bool * bool is logical and). ``multiply([1, 2], 2.5) -> [2.5, 5.]``."""
    d = promoted(x1, x2)
    return binary("and" if d.is_bool else "mul", x1, x2, op="multiply", dtype=d)


def divide(x1: Any, x2: Any) -> Any:
    """True division; integers and bools divide in float32. ``divide([1, 2], 4) -> [0.25, 0.5]``."""
    return _divide(x1, x2, "divide")


def true_divide(x1: Any, x2: Any) -> Any:
    """Alias of ``divide``."""
    return _divide(x1, x2, "true_divide")


def _divide(x1: Any, x2: Any, op: str) -> Any:
    return bind("div", *_float_operands(x1, x2, op), op=op)


def divide_no_nan(x1: Any, x2: Any) -> Any:
    """``x1 / x2``, but 0 wherever ``x2 == 0``. ``divide_no_nan([1., 2.], [0., 4.]) -> [0., 0.5]``."""
    op = "divide_no_nan"
    x, y = _float_operands(x1, x2, op)
    zero = _b("eq", y, 0, op)
    return L.where(zero, 0, bind("div", x, L.where(zero, 1, y, op), op=op), op)


def _int_dtype_for(x1: Any, x2: Any) -> DType:
    """The promoted dtype, with bool computed as int32 (as JAX does for //, %, fmod and **)."""
    d = promoted(x1, x2)
    return DEFAULT_INT if d.is_bool else d


def _int_divmod(x: Any, y: Any, op: str) -> tuple[Any, Any]:
    """Floor division and its remainder for integers; a zero divisor gives 0 for both (as NumPy)."""
    zero = _b("eq", y, 0, op)
    safe = L.where(zero, 1, y, op)
    q, r = bind("div", x, safe, op=op), bind("rem", x, safe, op=op)
    fix = _b("and", _b("ne", r, 0, op), _b("ne", _b("lt", r, 0, op), _b("lt", safe, 0, op), op), op)
    q = L.where(fix, _b("sub", q, 1, op), q, op)
    r = L.where(fix, bind("add", r, safe, op=op), r, op)
    return L.where(zero, 0, q, op), L.where(zero, 0, r, op)


def _float_rem(x: Any, y: Any, op: str) -> tuple[Any, Any]:
    """(C remainder, where it has the wrong sign for a floor remainder and must be shifted by one divisor)."""
    r = bind("rem", x, y, op=op)
    return r, _b("and", _b("ne", r, 0, op), _b("ne", _b("lt", r, 0, op), _b("lt", y, 0, op), op), op)


def floor_divide(x1: Any, x2: Any) -> Any:
    """``x1 // x2`` rounding toward -inf (NumPy semantics). ``floor_divide([7, -7], 2) -> [3, -4]``."""
    op = "floor_divide"
    d = _int_dtype_for(x1, x2)
    x, y = operands(x1, x2, dtype=d, op=op)
    if not d.is_floating:
        return _int_divmod(x, y, op)[0]
    r, fix = _float_rem(x, y, op)
    q = bind("div", bind("sub", x, r, op=op), y, op=op)  # x - r is a multiple of y: q is near-integral
    q = L.where(fix, _b("sub", q, 1, op), q, op)
    fq = _u("floor", q, op)
    fq = L.where(_b("gt", bind("sub", q, fq, op=op), 0.5, op), _b("add", fq, 1, op), fq, op)
    return L.where(_b("eq", y, 0, op), bind("div", x, y, op=op), fq, op)


def mod(x1: Any, x2: Any) -> Any:
    """Remainder with the sign of the divisor (Python ``%``). ``mod([7, -7], 3) -> [1, 2]``."""
    op = "mod"
    d = _int_dtype_for(x1, x2)
    x, y = operands(x1, x2, dtype=d, op=op)
    if not d.is_floating:
        return _int_divmod(x, y, op)[1]
    r, fix = _float_rem(x, y, op)
    return L.where(fix, bind("add", r, y, op=op), r, op)


def fmod(x1: Any, x2: Any) -> Any:
    """Remainder with the sign of the dividend (C ``fmod``). ``fmod([7, -7], 3) -> [1, -1]``."""
    op = "fmod"
    d = _int_dtype_for(x1, x2)
    x, y = operands(x1, x2, dtype=d, op=op)
    if d.is_floating:
        return bind("rem", x, y, op=op)
    zero = _b("eq", y, 0, op)
    return L.where(zero, 0, bind("rem", x, L.where(zero, 1, y, op), op=op), op)


def power(x1: Any, x2: Any) -> Any:
    """``x1 ** x2``. Integer powers stay integers (a negative integer exponent gives the truncated result:
    0, or +-1 for a base of +-1). ``power([2, 3], 2) -> [4, 9]``."""
    op = "power"
    d = _int_dtype_for(x1, x2)
    if isinstance(x2, int) and not isinstance(x2, bool) and (d.is_floating or x2 >= 0):
        return bind("integer_pow", convert(x1, d, op), y=x2, op=op)
    x, y = operands(x1, x2, dtype=d, op=op)
    return bind("pow", x, y, op=op) if d.is_floating else _int_pow(x, y, d, op)


def _int_pow(x: Any, y: Any, d: DType, op: str) -> Any:
    # Binary exponentiation over 6 exponent bits: any larger exponent overflows unless |x| <= 1, and for
    # those the low bits give the right answer (parity for -1; 0 ** y is fixed up front).
    acc = L.where(_b("and", _b("eq", x, 0, op), _b("ne", y, 0, op), op), 0, 1, op, dtype=d)
    base, e = x, y
    for _ in range(6):
        odd = _b("ne", _b("and", e, 1, op), 0, op)
        acc = L.where(odd, bind("mul", acc, base, op=op), acc, op)
        base = bind("mul", base, base, op=op)
        e = _b("shift_right_logical", e, 1, op)
    if d.is_unsigned:
        return acc
    odd = _b("ne", _b("and", y, 1, op), 0, op)
    minus_one = L.where(odd, -1, 1, op, dtype=d)
    inverse = L.where(_b("eq", x, 1, op), 1, L.where(_b("eq", x, -1, op), minus_one, 0, op), op, dtype=d)
    return L.where(_b("lt", y, 0, op), inverse, acc, op)


def negative(x: Any) -> Any:
    """``-x`` (not for bool). ``negative([1, -2]) -> [-1, 2]``."""
    return _u("neg", as_tensor(x), "negative")


def abs(x: Any) -> Any:  # noqa: A001  (keras.ops name)
    """``|x|``; bool and unsigned inputs are returned as they are. ``abs([-1.5, 2]) -> [1.5, 2.]``."""
    return _abs(x, "abs")


def absolute(x: Any) -> Any:
    """Alias of ``abs``."""
    return _abs(x, "absolute")


def _abs(x: Any, op: str) -> Any:
    x = as_tensor(x)
    d = type_of(x).dtype
    return finish(x) if d.is_bool or d.is_unsigned else _u("abs", x, op)


def reciprocal(x: Any) -> Any:
    """``1 / x`` in floating point. ``reciprocal([2, 4]) -> [0.5, 0.25]``."""
    x = to_float(x, "reciprocal")
    return _b("div", 1, x, "reciprocal")


def square(x: Any) -> Any:
    """``x * x`` (bool becomes int32). ``square([2, -3]) -> [4, 9]``."""
    x = as_tensor(x)
    if type_of(x).dtype.is_bool:
        x = convert(x, DEFAULT_INT, "square")
    return bind("integer_pow", x, y=2, op="square")


sqrt = _float_unary("sqrt", "sqrt", "Square root. ``sqrt([4, 9]) -> [2., 3.]``.")
rsqrt = _float_unary("rsqrt", "rsqrt", "``1 / sqrt(x)``. ``rsqrt([4.]) -> [0.5]``.")
cbrt = _float_unary("cbrt", "cbrt", "Cube root. ``cbrt([-8.]) -> [-2.]``.")
exp = _float_unary("exp", "exp", "``e ** x``. ``exp([0.]) -> [1.]``.")
expm1 = _float_unary("expm1", "expm1", "``exp(x) - 1``, accurate near 0. ``expm1([0.]) -> [0.]``.")
log = _float_unary("log", "log", "Natural logarithm. ``log([1.]) -> [0.]``.")
log1p = _float_unary("log1p", "log1p", "``log(1 + x)``, accurate near 0. ``log1p([0.]) -> [0.]``.")
sin = _float_unary("sin", "sin", "Sine. ``sin([0.]) -> [0.]``.")
cos = _float_unary("cos", "cos", "Cosine. ``cos([0.]) -> [1.]``.")
tan = _float_unary("tan", "tan", "Tangent. ``tan([0.]) -> [0.]``.")
arcsin = _float_unary("arcsin", "asin", "Inverse sine. ``arcsin([1.]) -> [1.5707964]``.")
arccos = _float_unary("arccos", "acos", "Inverse cosine. ``arccos([1.]) -> [0.]``.")
arctan = _float_unary("arctan", "atan", "Inverse tangent. ``arctan([1.]) -> [0.7853982]``.")
sinh = _float_unary("sinh", "sinh", "Hyperbolic sine. ``sinh([0.]) -> [0.]``.")
cosh = _float_unary("cosh", "cosh", "Hyperbolic cosine. ``cosh([0.]) -> [1.]``.")
tanh = _float_unary("tanh", "tanh", "Hyperbolic tangent. ``tanh([0.]) -> [0.]``.")
arcsinh = _float_unary("arcsinh", "asinh", "Inverse hyperbolic sine. ``arcsinh([0.]) -> [0.]``.")
arccosh = _float_unary("arccosh", "acosh", "Inverse hyperbolic cosine. ``arccosh([1.]) -> [0.]``.")
arctanh = _float_unary("arctanh", "atanh", "Inverse hyperbolic tangent. ``arctanh([0.]) -> [0.]``.")
erf = _float_unary("erf", "erf", "The error function. ``erf([0.]) -> [0.]``.")
erfinv = _float_unary("erfinv", "erfinv", "Inverse of ``erf`` on (-1, 1). ``erfinv([0.]) -> [0.]``.")
floor = _float_unary("floor", "floor", "Round toward -inf (integers become float32). ``floor([1.5]) -> [1.]``.")
ceil = _float_unary("ceil", "ceil", "Round toward +inf (integers become float32). ``ceil([1.5]) -> [2.]``.")


def erfc(x: Any) -> Any:
    """``1 - erf(x)`` (absolute, not relative, accuracy in the far right tail). ``erfc([0.]) -> [1.]``."""
    return _b("sub", 1, _u("erf", to_float(x, "erfc"), "erfc"), "erfc")


def exp2(x: Any) -> Any:
    """``2 ** x``. ``exp2([3.]) -> [8.]``."""
    return _b("pow", 2, to_float(x, "exp2"), "exp2")


def log2(x: Any) -> Any:
    """Base-2 logarithm. ``log2([8.]) -> [3.]``."""
    return _b("mul", _u("log", to_float(x, "log2"), "log2"), 1 / pymath.log(2), "log2")


def log10(x: Any) -> Any:
    """Base-10 logarithm. ``log10([100.]) -> [2.]``."""
    return _b("mul", _u("log", to_float(x, "log10"), "log10"), 1 / pymath.log(10), "log10")


def logaddexp(x1: Any, x2: Any) -> Any:
    """``log(exp(x1) + exp(x2))`` without overflow. ``logaddexp([0.], [0.]) -> [0.6931472]``."""
    return _logaddexp(x1, x2, "logaddexp", "exp", 1.0)


def logaddexp2(x1: Any, x2: Any) -> Any:
    """``log2(2 ** x1 + 2 ** x2)`` without overflow. ``logaddexp2([1.], [1.]) -> [2.]``."""
    return _logaddexp(x1, x2, "logaddexp2", "exp2", 1 / pymath.log(2))


def _logaddexp(x1: Any, x2: Any, op: str, base: str, scale: float) -> Any:
    x, y = _float_operands(x1, x2, op)
    top = bind("max", x, y, op=op)
    delta = bind("sub", x, y, op=op)
    neg = _u("neg", _u("abs", delta, op), op)
    small = _b("pow", 2, neg, op) if base == "exp2" else _u("exp", neg, op)
    soft = _u("log1p", small, op)
    out = bind("add", top, soft if scale == 1.0 else _b("mul", soft, scale, op), op=op)
    # equal infinities make delta NaN: the answer is then x + y (inf, -inf or NaN as it should be)
    return L.where(_b("ne", delta, delta, op), bind("add", x, y, op=op), out, op)


def arctan2(x1: Any, x2: Any) -> Any:
    """The angle of the point (x2, x1), in (-pi, pi]. ``arctan2([1.], [1.]) -> [0.7853982]``."""
    return bind("atan2", *_float_operands(x1, x2, "arctan2"), op="arctan2")


# --- rounding, sign, extrema --------------------------------------------------------------------------------------

def sign(x: Any) -> Any:
    """-1, 0 or +1 (NaN stays NaN; not for bool). ``sign([-2, 0, 3]) -> [-1, 0, 1]``."""
    return _u("sign", as_tensor(x), "sign")


def round(x: Any, decimals: int = 0) -> Any:  # noqa: A001  (keras.ops name)
    """Round half to even, to ``decimals`` places (negative: tens, hundreds...). Integers stay integers.
    ``round([0.5, 1.5, 2.675], 0) -> [0., 2., 3.]``; ``round([125, 135], -1) -> [120, 140]``."""
    op = "round"
    x = as_tensor(x)
    d = type_of(x).dtype
    if d.is_bool:
        raise DTypeError(f"{op}: bool input is not supported (round needs a number)")
    if not d.is_floating:
        return finish(x) if decimals >= 0 else _round_int(x, 10 ** -decimals, d, op)
    if decimals == 0:
        return _u("round", x, op)
    c = DType.float32 if d.itemsize < 4 else d  # scaling float16 by 10**k would overflow
    xc, f = convert(x, c, op), float(10 ** builtins.abs(decimals))
    if decimals > 0:
        out = _b("div", _u("round", _b("mul", xc, f, op), op), f, op)
    else:
        out = _b("mul", _u("round", _b("div", xc, f, op), op), f, op)
    return convert(out, d, op)


def _round_int(x: Any, f: int, d: DType, op: str) -> Any:
    """Integers rounded half to even to a multiple of ``f``, exactly (no float detour)."""
    if f > iinfo(d).max:  # then every |x| < f / 2
        return finish(L.full_like(x, 0, op))
    _, r = _int_divmod(*operands(x, f, dtype=d, op=op), op)  # 0 <= r < f
    q = bind("sub", x, r, op=op)  # x rounded down to a multiple of f
    rest = _b("sub", f, r, op)
    q_odd = _b("ne", _b("and", _b("div", q, f, op), 1, op), 0, op)
    up = _b("or", _b("gt", r, rest, op), _b("and", _b("eq", r, rest, op), q_odd, op), op)
    return L.where(up, _b("add", q, f, op), q, op)


def trunc(x: Any) -> Any:
    """Round toward zero; integers and bools are returned as they are. ``trunc([-1.7, 1.7]) -> [-1., 1.]``."""
    x = as_tensor(x)
    if not type_of(x).dtype.is_floating:
        return finish(x)
    op = "trunc"
    return L.where(_b("lt", x, 0, op), _u("ceil", x, op), _u("floor", x, op), op)


def maximum(x1: Any, x2: Any) -> Any:
    """Elementwise maximum, NaN-propagating. ``maximum([1, 5], 3) -> [3, 5]``."""
    return _extreme("max", x1, x2, "maximum")


def minimum(x1: Any, x2: Any) -> Any:
    """Elementwise minimum, NaN-propagating. ``minimum([1, 5], 3) -> [1, 3]``."""
    return _extreme("min", x1, x2, "minimum")


def _extreme(prim: str, x1: Any, x2: Any, op: str) -> Any:
    d = promoted(x1, x2)
    if d.is_bool:
        prim = "or" if prim == "max" else "and"
    return binary(prim, x1, x2, op=op, dtype=d)


def fmax(x1: Any, x2: Any) -> Any:
    """Elementwise maximum ignoring NaN (NaN only if both are). ``fmax([nan, 1.], [2., nan]) -> [2., 1.]``."""
    return _nan_ignoring("max", x1, x2, "fmax")


def fmin(x1: Any, x2: Any) -> Any:
    """Elementwise minimum ignoring NaN (NaN only if both are). ``fmin([nan, 1.], [2., nan]) -> [2., 1.]``."""
    return _nan_ignoring("min", x1, x2, "fmin")


def _nan_ignoring(prim: str, x1: Any, x2: Any, op: str) -> Any:
    d = promoted(x1, x2)
    if not d.is_floating:
        return _extreme(prim, x1, x2, op)
    x, y = operands(x1, x2, dtype=d, op=op)
    inner = L.where(_b("ne", y, y, op), x, bind(prim, x, y, op=op), op)
    return L.where(_b("ne", x, x, op), y, inner, op)


def clip(x: Any, x_min: Any, x_max: Any) -> Any:
    """Limit values to [x_min, x_max] (bool inputs become int32). ``clip([1, 5, 9], 2, 6) -> [2, 5, 6]``."""
    op = "clip"
    x = as_tensor(x)
    if type_of(x).dtype.is_bool:
        x = convert(x, DEFAULT_INT, op)
    if x_min is not None:
        x = _extreme("max", x, x_min, op)
    if x_max is not None:
        x = _extreme("min", x, x_max, op)
    return x


# --- special functions -------------------------------------------------------------------------------------------

def hypot(x1: Any, x2: Any) -> Any:
    """``sqrt(x1**2 + x2**2)`` without intermediate overflow. ``hypot([3.], [4.]) -> [5.]``."""
    op = "hypot"
    a, b = (_u("abs", v, op) for v in _float_operands(x1, x2, op))
    hi, lo = bind("max", a, b, op=op), bind("min", a, b, op=op)
    ratio = bind("div", lo, L.where(_b("eq", hi, 0, op), 1, hi, op), op=op)
    out = bind("mul", hi, _u("sqrt", _b("add", bind("integer_pow", ratio, y=2, op=op), 1, op), op), op=op)
    inf = _b("or", _b("eq", a, np.inf, op), _b("eq", b, np.inf, op), op)
    return L.where(inf, np.inf, out, op)


def heaviside(x1: Any, x2: Any) -> Any:
    """0 where ``x1 < 0``, 1 where ``x1 > 0``, ``x2`` where ``x1 == 0``. ``heaviside([-1, 0, 2], 0.5)
    -> [0., 0.5, 1.]``."""
    op = "heaviside"
    x, h = _float_operands(x1, x2, op)
    return L.where(_b("lt", x, 0, op), 0, L.where(_b("gt", x, 0, op), 1, h, op), op)


def sinc(x: Any) -> Any:
    """``sin(pi x) / (pi x)``, 1 at 0. ``sinc([0., 0.5]) -> [1., 0.63661975]``."""
    op = "sinc"
    x = to_float(x, op)
    zero = _b("eq", x, 0, op)
    px = L.where(zero, 1, _b("mul", x, np.pi, op), op)
    return L.where(zero, 1, bind("div", _u("sin", px, op), px, op=op), op)


def deg2rad(x: Any) -> Any:
    """Degrees to radians. ``deg2rad([180.]) -> [3.1415927]``."""
    return _b("mul", to_float(x, "deg2rad"), np.pi / 180, "deg2rad")


def rad2deg(x: Any) -> Any:
    """Radians to degrees. ``rad2deg([3.1415927]) -> [180.]``."""
    return _b("mul", to_float(x, "rad2deg"), 180 / np.pi, "rad2deg")


def ldexp(x1: Any, x2: Any) -> Any:
    """``x1 * 2 ** x2`` for an integer ``x2``. ``ldexp([1., 3.], [2, -1]) -> [4., 1.5]``."""
    op = "ldexp"
    e_dtype = promoted(x2)
    if not e_dtype.is_integer:
        raise DTypeError(f"{op}: the exponent x2 must be an integer tensor, got {e_dtype.value}")
    x = convert(x1, float_dtype(promoted(x1)), op)
    d = type_of(x).dtype
    e = as_tensor(x2)
    half = _b("shift_right_logical" if e_dtype.is_unsigned else "shift_right_arithmetic", e, 1, op)
    # two half-size scalings, so 2 ** e may overflow on its own while x * 2 ** e does not
    out = _b("mul", x, _b("pow", 2, convert(half, d, op), op), op)
    return _b("mul", out, _b("pow", 2, convert(bind("sub", e, half, op=op), d, op), op), op)


def nextafter(x1: Any, x2: Any) -> Any:
    """The next representable float after ``x1`` toward ``x2``. ``nextafter([1.], [2.]) -> [1.0000001]``."""
    return bind("nextafter", *_float_operands(x1, x2, "nextafter"), op="nextafter")


def _gcd_operands(x1: Any, x2: Any, op: str) -> list[Any]:
    d = promoted(x1, x2)
    if not d.is_integer:
        raise DTypeError(f"{op}: arguments must be integers, got {d.value}")
    return operands(x1, x2, dtype=d, op=op)


def _euclid_steps(d: DType) -> int:
    """Euclid needs at most this many remainder steps on magnitudes up to the dtype's limit (consecutive
    Fibonacci numbers are the worst case)."""
    limit, a, b, steps = int(iinfo(d).max) + 1, 1, 1, 0
    while b <= limit:
        a, b, steps = b, a + b, steps + 1
    return steps


def gcd(x1: Any, x2: Any) -> Any:
    """Greatest common divisor of integers (non-negative). ``gcd([12, 7], [18, 21]) -> [6, 7]``."""
    return _gcd(*_gcd_operands(x1, x2, "gcd"), op="gcd")


def _gcd(x: Any, y: Any, op: str) -> Any:
    d = type_of(x).dtype
    a, b = (x, y) if d.is_unsigned else (_u("abs", x, op), _u("abs", y, op))
    zeros, ones = L.full_like(a, 0, op), L.full_like(a, 1, op)
    for _ in range(_euclid_steps(d)):
        done = bind("eq", b, zeros, op=op)
        r = bind("rem", a, bind("select", done, ones, b, op=op), op=op)
        a, b = bind("select", done, a, b, op=op), bind("select", done, zeros, r, op=op)
    return a


def lcm(x1: Any, x2: Any) -> Any:
    """Least common multiple of integers (non-negative). ``lcm([4, 6], [6, 8]) -> [12, 24]``."""
    op = "lcm"
    x, y = _gcd_operands(x1, x2, op)
    g = _gcd(x, y, op)
    zero = _b("eq", g, 0, op)
    out = bind("mul", x, bind("div", y, L.where(zero, 1, g, op), op=op), op=op)
    out = out if type_of(out).dtype.is_unsigned else _u("abs", out, op)
    return L.where(zero, 0, out, op)


# --- complex-number helpers on real tensors, identities, casts -------------------------------------------------

def real(x: Any) -> Any:
    """The real part: ``x`` itself (hornet has no complex dtypes)."""
    return finish(as_tensor(x))


def imag(x: Any) -> Any:
    """The imaginary part: zeros like ``x`` (hornet has no complex dtypes)."""
    return finish(L.full_like(as_tensor(x), 0, "imag"))


def conj(x: Any) -> Any:
    """The complex conjugate: ``x`` itself (hornet has no complex dtypes)."""
    return finish(as_tensor(x))


def conjugate(x: Any) -> Any:
    """Alias of ``conj``."""
    return finish(as_tensor(x))


def copy(x: Any) -> Any:
    """A tensor with the values of ``x`` (tensors are immutable, so no data is copied)."""
    return finish(as_tensor(x))


def angle(x: Any) -> Any:
    """The complex argument of real numbers: pi for negatives (and -0.0), else 0. ``angle([-2., 3.])
    -> [3.1415927, 0.]``."""
    op = "angle"
    x = to_float(x, op)
    return bind("atan2", L.full_like(x, 0, op), x, op=op)


def stop_gradient(variable: Any) -> Any:
    """The same values, with no gradient flowing back. ``stop_gradient(x)``."""
    return _u("stop_gradient", as_tensor(variable), "stop_gradient")


def saturate_cast(x: Any, dtype: Any) -> Any:
    """Cast, clipping to the target dtype's range first. ``saturate_cast([-1., 300.], "uint8") -> [0, 255]``."""
    op = "saturate_cast"
    out_d = to_dtype(dtype)
    x = as_tensor(x)
    in_d = type_of(x).dtype
    if in_d.is_bool:
        return convert(x, out_d, op)
    lo_in, hi_in = _range(in_d)
    lo_out, hi_out = _range(out_d)
    # the limits in the input dtype, nudged inward where rounding pushed them past the target's range
    lo = np.asarray(builtins.max(lo_in, lo_out)).astype(in_d.np)
    hi = np.asarray(builtins.min(hi_in, hi_out)).astype(in_d.np)
    if float(lo) < lo_out:  # compared as Python numbers: exact, unlike NumPy's same-dtype comparison
        lo = np.nextafter(lo, np.zeros((), in_d.np))
    if float(hi) > hi_out:
        hi = np.nextafter(hi, np.zeros((), in_d.np))
    return convert(_extreme("min", _extreme("max", x, lo, op), hi, op), out_d, op)


def _range(d: DType) -> tuple[Any, Any]:
    if d.is_bool:
        return 0, 1
    info = iinfo(d) if d.is_integer else finfo(d)
    return (int(info.min), int(info.max)) if d.is_integer else (float(info.min), float(info.max))


def nan_to_num(x: Any, nan: float = 0.0, posinf: float | None = None, neginf: float | None = None) -> Any:
    """Replace NaN by ``nan`` and infinities by ``posinf``/``neginf`` (default: the dtype's largest finite
    values). ``nan_to_num([nan, inf]) -> [0., 3.4028235e+38]``."""
    op = "nan_to_num"
    x = as_tensor(x)
    d = type_of(x).dtype
    if not d.is_floating:
        return finish(x)
    info = finfo(d)
    posinf = float(info.max) if posinf is None else posinf
    neginf = float(info.min) if neginf is None else neginf
    out = L.where(_b("eq", x, np.inf, op), posinf, x, op, dtype=d)
    out = L.where(_b("eq", x, -np.inf, op), neginf, out, op, dtype=d)
    return L.where(_b("ne", x, x, op), nan, out, op, dtype=d)
