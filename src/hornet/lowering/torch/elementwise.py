"""torch rules: elementwise prims, one ATen op each where torch already has the catalogue's semantics.

Where it does not, the rule says so:

- uint32: eager torch has almost no arithmetic for it, so arithmetic and comparisons run on int64 and mask
  back (``dtypes.via_int64``); bitwise ops and shifts act on bit patterns and run on the int32 view instead.
- 16-bit floats: math functions are computed in float32 and rounded back, as the NumPy reference does.
- integer ``div``/``rem``: torch raises on a zero divisor and traps on ``MIN / -1``, so those divisors are
  replaced (x / 0 is undefined by the catalogue; x / -1 is -x, so ``MIN / -1`` wraps to ``MIN``).
- shifts: torch leaves amounts outside [0, bit width) unspecified, so they are masked explicitly.
- ``sign`` of NaN is 0 in torch; ``digamma`` of 0 is -inf in torch: both are NaN here.

>>> RULES["round"](torch.tensor([0.5, 1.5, 2.5])).tolist()   # half to even
[0.0, 2.0, 2.0]
>>> RULES["div"](torch.tensor([-7, 7]), torch.tensor([2, -2])).tolist()   # integers truncate toward zero
[-3, -3]
"""
from __future__ import annotations

from typing import Any, Callable

import torch

from hornet.ir.dtypes import DType
from hornet.lowering.torch.dtypes import in_float32, narrow_u32, torch_dtype, via_int64, widen

Tensor = torch.Tensor

# Unsigned dtypes whose bitwise ops and shifts run on the signed dtype of the same width (same bit pattern).
_SIGNED_VIEW = {torch.uint8: torch.int8, torch.uint32: torch.int32}


# The wrappers below keep their own names: FX's generated code calls a target by its module and name, so a
# wrapper named like the torch function it wraps (``functools.wraps``) would be replaced by that function.


def _on_bit_patterns(fn: Callable[..., Tensor]) -> Callable[..., Tensor]:
    """``fn`` on signed integers (or bools); unsigned operands are reinterpreted as the signed dtype of their
    width and the result reinterpreted back, so ``fn`` sees the same bits."""

    def rule(*xs: Tensor) -> Tensor:
        signed = _SIGNED_VIEW.get(xs[0].dtype)
        if signed is None:
            return fn(*xs)
        return fn(*(x.view(signed) for x in xs)).view(xs[0].dtype)

    return rule


# ---------------------------------------------------------------------------------------------- unary
def _abs(x: Tensor) -> Tensor:
    return x if not x.dtype.is_signed else torch.abs(x)


def _sign(x: Tensor) -> Tensor:
    if x.dtype.is_floating_point:
        return torch.where(torch.isnan(x), x, torch.sign(x))
    return torch.sign(x)


def _cbrt(x: Tensor) -> Tensor:
    return torch.copysign(torch.pow(torch.abs(x), 1.0 / 3.0), x)  # torch has no cbrt; copysign keeps -0, NaN


def _digamma(x: Tensor) -> Tensor:
    return torch.where(x == 0, float("nan"), torch.special.digamma(x))  # a pole, like the negative integers


_FLOAT_UNARY: dict[str, Callable[[Tensor], Tensor]] = {
    "floor": torch.floor, "ceil": torch.ceil, "round": torch.round,  # torch.round rounds half to even
    "exp": torch.exp, "expm1": torch.expm1, "log": torch.log, "log1p": torch.log1p,
    "sqrt": torch.sqrt, "rsqrt": torch.rsqrt, "cbrt": _cbrt,
    "sin": torch.sin, "cos": torch.cos, "tan": torch.tan, "asin": torch.asin, "acos": torch.acos,
    "atan": torch.atan, "sinh": torch.sinh, "cosh": torch.cosh, "tanh": torch.tanh, "asinh": torch.asinh,
    "acosh": torch.acosh, "atanh": torch.atanh, "logistic": torch.sigmoid, "erf": torch.erf,
    "erfinv": torch.special.erfinv, "lgamma": torch.lgamma, "digamma": _digamma,
}


# ---------------------------------------------------------------------------------------------- binary
def _safe_divisor(y: Tensor) -> Tensor:
    """``y`` with 0 and -1 replaced by 1: torch raises on a zero divisor and traps on ``MIN / -1``."""
    unsafe = (y == 0) | (y == -1) if y.dtype.is_signed else y == 0
    return torch.where(unsafe, 1, y)


def _div(x: Tensor, y: Tensor) -> Tensor:
    if x.dtype.is_floating_point:
        return torch.div(x, y)
    q = torch.div(x, _safe_divisor(y), rounding_mode="trunc")
    return torch.where(y == -1, torch.neg(x), q) if y.dtype.is_signed else q


def _rem(x: Tensor, y: Tensor) -> Tensor:
    if x.dtype.is_floating_point:
        return torch.fmod(x, y)
    return torch.fmod(x, _safe_divisor(y))  # fmod(x, +-1) is 0, as x rem -1 must be


def _shift_amount(x: Tensor, y: Tensor) -> tuple[Tensor, Tensor]:
    """(amount is below the bit width, amount with the others replaced by 0). Amounts are read as unsigned,
    so a negative signed amount is out of range."""
    valid = (y >= 0) & (y < torch.iinfo(x.dtype).bits)
    return valid, torch.where(valid, y, 0)


def _shift_left(x: Tensor, y: Tensor) -> Tensor:
    valid, s = _shift_amount(x, y)
    return torch.where(valid, torch.bitwise_left_shift(x, s), 0)


def _shift_right_arithmetic(x: Tensor, y: Tensor) -> Tensor:
    valid, _ = _shift_amount(x, y)
    s = torch.where(valid, y, torch.iinfo(x.dtype).bits - 1)  # shifting by bits - 1 leaves only the sign
    return torch.bitwise_right_shift(x, s)


def _shift_right_logical(x: Tensor, y: Tensor) -> Tensor:
    """On a signed dtype: one logical step (shift, then clear the sign bit), then arithmetic shifts, which
    now bring in zeros."""
    valid, s = _shift_amount(x, y)
    cleared = torch.bitwise_and(torch.bitwise_right_shift(x, 1), torch.iinfo(x.dtype).max)
    shifted = torch.bitwise_right_shift(cleared, torch.clamp(s - 1, min=0))
    return torch.where(valid, torch.where(s == 0, x, shifted), 0)


_ARITHMETIC: dict[str, Callable[[Tensor, Tensor], Tensor]] = {
    "add": torch.add, "sub": torch.sub, "mul": torch.mul, "div": _div, "rem": in_float32(_rem),
    "max": torch.maximum, "min": torch.minimum,  # both propagate NaN
}

_FLOAT_BINARY: dict[str, Callable[[Tensor, Tensor], Tensor]] = {
    "pow": in_float32(torch.pow), "atan2": in_float32(torch.atan2),
    "nextafter": torch.nextafter,  # native: rounding a wider result back would undo the step
}

_BITWISE: dict[str, Callable[..., Tensor]] = {
    "and": torch.bitwise_and, "or": torch.bitwise_or, "xor": torch.bitwise_xor, "not": torch.bitwise_not,
    "shift_left": _shift_left, "shift_right_arithmetic": _shift_right_arithmetic,
    "shift_right_logical": _shift_right_logical,
}

_COMPARISONS: dict[str, Callable[[Tensor, Tensor], Tensor]] = {
    "eq": torch.eq, "ne": torch.ne, "lt": torch.lt, "le": torch.le, "gt": torch.gt, "ge": torch.ge,
}


# ---------------------------------------------------------------------------------------------- others
def _clamp(lo: Tensor, x: Tensor, hi: Tensor) -> Tensor:
    return torch.minimum(torch.maximum(x, lo), hi)  # torch.clamp's tensor bounds differ on NaN and lo > hi


def _convert(x: Tensor, *, new_dtype: DType) -> Tensor:
    target = torch_dtype(new_dtype)
    if target == torch.bool:
        return x != 0
    if target == torch.uint32:  # through int64 (float -> int truncates), then modulo 2**32
        return narrow_u32(widen(x).to(torch.int64))
    return widen(x).to(target)


def _bitcast_convert(x: Tensor, *, new_dtype: DType) -> Tensor:
    return x.view(torch_dtype(new_dtype))


def _integer_pow(x: Tensor, *, y: int) -> Tensor:
    return torch.pow(x, y)  # integers wrap like repeated multiplication


RULES: dict[str, Callable[..., Any]] = {
    "neg": via_int64(torch.neg), "abs": _abs, "sign": via_int64(_sign),
    **{name: in_float32(fn) for name, fn in _FLOAT_UNARY.items()},
    "is_finite": torch.isfinite,
    **{name: via_int64(fn) for name, fn in _ARITHMETIC.items()},
    **_FLOAT_BINARY,
    **{name: _on_bit_patterns(fn) for name, fn in _BITWISE.items()},
    **{name: via_int64(fn) for name, fn in _COMPARISONS.items()},
    "select": torch.where,
    "clamp": via_int64(_clamp),
    "convert": _convert,
    "bitcast_convert": _bitcast_convert,
    "integer_pow": via_int64(in_float32(_integer_pow)),
    "stop_gradient": lambda x: x,
    "sharding_constraint": lambda x, *, spec: x,
    "optimization_barrier": lambda *xs: tuple(xs),
}
