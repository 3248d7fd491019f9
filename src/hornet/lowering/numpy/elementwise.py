"""NumPy reference rules: elementwise prims.

Every rule returns an ndarray of exactly the dtype the IR promises. 16-bit floats are computed in float32 and
rounded back; erf/lgamma use Python's ``math`` (float64); digamma and erfinv are implemented here.

>>> RULES["div"](np.array([-7, 7]), np.array([2, -2]))   # integers truncate toward zero
array([-3, -3])
"""
from __future__ import annotations

import math
from functools import wraps
from typing import Any, Callable

import ml_dtypes
import numpy as np

from hornet.ir.dtypes import DType

_HALF = (np.dtype(np.float16), np.dtype(ml_dtypes.bfloat16))


def wide(x: np.ndarray) -> np.ndarray:
    """``x`` as float32 when it is a 16-bit float (NumPy's own half math is slow or missing), else unchanged."""
    return x.astype(np.float32) if x.dtype in _HALF else x


def _typed(out_dtype: Callable[..., Any]) -> Callable[[Callable[..., Any]], Callable[..., np.ndarray]]:
    """Wrap a rule: ignore floating point warnings and return an ndarray of ``out_dtype(*xs, **attrs)``."""

    def wrap(fn: Callable[..., Any]) -> Callable[..., np.ndarray]:
        @wraps(fn)
        def rule(*xs: np.ndarray, **attrs: Any) -> np.ndarray:
            with np.errstate(all="ignore"):
                return np.asarray(fn(*xs, **attrs)).astype(out_dtype(*xs, **attrs), copy=False)

        return rule

    return wrap


same_dtype = _typed(lambda x, *_, **__: x.dtype)
bool_out = _typed(lambda *_, **__: np.bool_)


def _vectorize(fn: Callable[[float], float]) -> Callable[[np.ndarray], np.ndarray]:
    ufunc = np.frompyfunc(fn, 1, 1)
    return lambda x: np.asarray(ufunc(np.asarray(x, np.float64)), dtype=np.float64)


def _lgamma_scalar(v: float) -> float:
    try:
        return math.lgamma(v)
    except ValueError:  # the poles 0, -1, -2, ...
        return math.inf


_ERF = _vectorize(math.erf)
_ERFC = _vectorize(math.erfc)
_LGAMMA = _vectorize(_lgamma_scalar)

# -B_{2k} / (2k) for k = 1..7: psi(z) ~ log z - 1/(2z) + sum_k c_k z^(-2k) for large z.
_DIGAMMA_SERIES = (-1 / 12, 1 / 120, -1 / 252, 1 / 240, -1 / 132, 691 / 32760, -1 / 12)


def digamma(x: np.ndarray) -> np.ndarray:
    """psi(x) in float64: reflection below 1/2, recurrence up to 10, then the asymptotic series.

    >>> round(float(digamma(np.array(1.0))), 12)   # minus Euler's constant
    -0.577215664902
    """
    x = np.asarray(x, np.float64)
    reflect = x < 0.5
    z = np.where(reflect, 1.0 - x, x)
    out = np.where(reflect, -np.pi / np.tan(np.pi * x), 0.0)  # psi(x) = psi(1-x) - pi cot(pi x)
    for _ in range(10):  # z >= 0.5 here, so ten steps bring every finite z to >= 10
        small = z < 10.0
        out = out - np.where(small, 1.0 / z, 0.0)
        z = np.where(small, z + 1.0, z)
    inv2 = 1.0 / (z * z)
    series = np.zeros_like(z)
    for c in reversed(_DIGAMMA_SERIES):
        series = (series + c) * inv2
    out = out + np.log(z) - 0.5 / z + series
    pole = (x <= 0) & (x == np.floor(x))
    return np.where(pole | np.isneginf(x), np.nan, out)


def erfinv(x: np.ndarray) -> np.ndarray:
    """The inverse error function in float64: a closed-form first guess, then Halley steps on erf (erfc in
    the tails, where 1 - |x| is exact and erfc keeps full relative precision).

    >>> round(float(erfinv(np.array(0.5))), 12)
    0.476936276204
    """
    x = np.asarray(x, np.float64)
    a = np.abs(x)
    with np.errstate(all="ignore"):
        # Winitzki's approximation (relative error < 2e-3 on (0, 1)).
        log_term = np.log((1.0 - a) * (1.0 + a))
        c = 2.0 / (np.pi * 0.147) + 0.5 * log_term
        y = np.sqrt(np.sqrt(c * c - log_term / 0.147) - c)
        tail = a > 0.5
        for _ in range(3):
            residual = np.where(tail, (1.0 - a) - _ERFC(y), _ERF(y) - a)
            u = residual / (2.0 / math.sqrt(math.pi) * np.exp(-y * y))
            y = y - u / (1.0 + y * u)
        y = np.where(a == 1.0, np.inf, np.where(a > 1.0, np.nan, y))
    return np.copysign(y, x)


def _logistic(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


# Float-only unary math, computed on wide(x).
_FLOAT_UNARY: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "floor": np.floor, "ceil": np.ceil, "round": np.rint,  # rint rounds half to even
    "exp": np.exp, "expm1": np.expm1, "log": np.log, "log1p": np.log1p,
    "sqrt": np.sqrt, "rsqrt": lambda x: 1.0 / np.sqrt(x), "cbrt": np.cbrt,
    "sin": np.sin, "cos": np.cos, "tan": np.tan, "asin": np.arcsin, "acos": np.arccos, "atan": np.arctan,
    "sinh": np.sinh, "cosh": np.cosh, "tanh": np.tanh,
    "asinh": np.arcsinh, "acosh": np.arccosh, "atanh": np.arctanh,
    "logistic": _logistic, "erf": _ERF, "erfinv": erfinv, "lgamma": _LGAMMA, "digamma": digamma,
}
_NUMERIC_UNARY: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "neg": np.negative, "abs": np.abs, "sign": np.sign,
}


def _not(x: np.ndarray) -> np.ndarray:
    return np.logical_not(x) if x.dtype == np.bool_ else np.invert(x)


def _div(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    if x.dtype.kind == "f" or x.dtype in _HALF:
        return wide(x) / wide(y)
    q = np.floor_divide(x, y)
    if x.dtype.kind == "i":  # floor -> trunc: step back toward zero when inexact and of mixed signs
        q = q + ((x - q * y != 0) & ((x < 0) != (y < 0))).astype(x.dtype)
    return q


def _shift_parts(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(amount is below the bit width, the amount clipped into range). Amounts are read as unsigned."""
    amount = np.asarray(y).view(np.dtype(f"u{x.dtype.itemsize}"))
    valid = amount < 8 * x.dtype.itemsize
    return valid, np.where(valid, amount, 0)


def _shift_left(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    valid, s = _shift_parts(x, y)
    return np.where(valid, np.left_shift(x, s.astype(x.dtype)), 0)


def _shift_right_arithmetic(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    valid, s = _shift_parts(x, y)
    signed = np.asarray(x).view(np.dtype(f"i{x.dtype.itemsize}"))  # unsigned inputs shift their bit pattern
    out = np.where(valid, np.right_shift(signed, s.astype(signed.dtype)), np.where(signed < 0, -1, 0))
    return out.astype(signed.dtype).view(x.dtype)


def _shift_right_logical(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    valid, s = _shift_parts(x, y)
    bits = np.asarray(x).view(np.dtype(f"u{x.dtype.itemsize}"))
    out = np.where(valid, np.right_shift(bits, s.astype(bits.dtype)), 0)
    return out.astype(bits.dtype).view(x.dtype)


def _widened(fn: Callable[..., np.ndarray]) -> Callable[..., np.ndarray]:
    return lambda *xs: fn(*(wide(x) for x in xs))


_BINARY: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "add": _widened(np.add), "sub": _widened(np.subtract), "mul": _widened(np.multiply), "div": _div,
    "rem": _widened(np.fmod), "max": _widened(np.maximum), "min": _widened(np.minimum),
    "pow": _widened(np.power), "atan2": _widened(np.arctan2),
    "nextafter": np.nextafter,  # native: rounding a wider result back would undo the step
    "and": np.bitwise_and, "or": np.bitwise_or, "xor": np.bitwise_xor,
    "shift_left": _shift_left, "shift_right_arithmetic": _shift_right_arithmetic,
    "shift_right_logical": _shift_right_logical,
}
_COMPARISONS: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "eq": np.equal, "ne": np.not_equal, "lt": np.less, "le": np.less_equal, "gt": np.greater,
    "ge": np.greater_equal,
}


def _convert(x: np.ndarray, *, new_dtype: DType) -> np.ndarray:
    if new_dtype is DType.bool:
        return wide(x) != 0
    if x.dtype.kind == "f" or x.dtype in _HALF:
        w = wide(x)
        return np.trunc(w) if new_dtype.is_integer else w
    return x


def _integer_pow(x: np.ndarray, *, y: int) -> np.ndarray:
    if x.dtype.kind in "iu":  # wraps like repeated multiplication: mod 2**64, then mod 2**bits by the cast
        wide_int = np.uint64 if x.dtype.kind == "u" else np.int64
        return np.power(x.astype(wide_int), wide_int(y))
    return np.power(wide(x), float(y))


RULES: dict[str, Callable[..., Any]] = {
    **{name: same_dtype(_widened(fn)) for name, fn in {**_FLOAT_UNARY, **_NUMERIC_UNARY}.items()},
    "not": same_dtype(_not),
    "is_finite": bool_out(_widened(np.isfinite)),
    **{name: same_dtype(fn) for name, fn in _BINARY.items()},
    **{name: bool_out(_widened(fn)) for name, fn in _COMPARISONS.items()},
    "select": _typed(lambda p, t, f: t.dtype)(np.where),
    "clamp": _typed(lambda lo, x, hi: x.dtype)(lambda lo, x, hi: np.minimum(np.maximum(wide(x), wide(lo)), wide(hi))),
    "convert": _typed(lambda x, *, new_dtype: new_dtype.np)(_convert),
    "bitcast_convert": lambda x, *, new_dtype: np.asarray(x, order="C").view(new_dtype.np),
    "integer_pow": same_dtype(_integer_pow),
    "stop_gradient": same_dtype(lambda x: x),
    "sharding_constraint": same_dtype(lambda x, *, spec: x),
    "optimization_barrier": lambda *xs: tuple(np.asarray(x) for x in xs),
}
