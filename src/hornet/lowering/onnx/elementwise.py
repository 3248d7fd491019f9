"""ONNX rules: elementwise prims. 16-bit floats and narrow integers compute in float32 / int32 (int64 for
uint32) and cast back (``builder.widened``), which is exactly the IR's result and runs on onnxruntime's CPU
kernels.

>>> RULES["add"]                                                     # doctest: +SKIP
"""
from __future__ import annotations

import math
from typing import Any, Callable

from hornet.ir.dtypes import DType
from hornet.lowering.onnx.builder import Ctx, compute_dtype, widened


def _dt(ctx: Ctx) -> DType:
    return ctx.in_types[0].dtype


def _simple(op_type: str) -> Callable[..., str]:
    def rule(ctx: Ctx, *xs: str) -> str:
        return widened(ctx, xs, _dt(ctx), lambda *ws: ctx.op(op_type, list(ws)))

    return rule


def _math(fn: Callable[..., str]) -> Callable[..., str]:
    """A rule written on the compute dtype: ``fn(ctx, wide_dtype, *names)``."""

    def rule(ctx: Ctx, *xs: str) -> str:
        return widened(ctx, xs, _dt(ctx), lambda *ws: fn(ctx, compute_dtype(_dt(ctx)), *ws))

    return rule


def _scalar(ctx: Ctx, value: float, d: Any) -> str:
    return ctx.const(value, d)


def _sign(ctx: Ctx, d: DType, x: str) -> str:
    s = ctx.op("Sign", [x])
    return ctx.op("Where", [ctx.op("IsNaN", [x]), x, s]) if d.is_floating else s  # NaN stays NaN


def _expm1(ctx: Ctx, d: DType, x: str) -> str:
    """Kahan's expm1: (u - 1) * x / log(u) with u = exp(x), exact near 0 where exp(x) - 1 would cancel."""
    u = ctx.op("Exp", [x])
    one = _scalar(ctx, 1.0, d)
    um1 = ctx.op("Sub", [u, one])
    log_u = ctx.op("Log", [u])
    ratio = ctx.op("Div", [ctx.op("Mul", [um1, x]), log_u])
    near = ctx.op("Equal", [u, one])
    far = ctx.op("Or", [ctx.op("IsInf", [u]), ctx.op("Equal", [um1, _scalar(ctx, -1.0, d)])])
    return ctx.op("Where", [near, x, ctx.op("Where", [far, um1, ratio])])


def _log1p(ctx: Ctx, d: DType, x: str) -> str:
    """Kahan's log1p: log(u) * x / (u - 1) with u = 1 + x."""
    one = _scalar(ctx, 1.0, d)
    u = ctx.op("Add", [x, one])
    um1 = ctx.op("Sub", [u, one])
    log_u = ctx.op("Log", [u])
    ratio = ctx.op("Div", [ctx.op("Mul", [log_u, x]), um1])
    plain = ctx.op("Or", [ctx.op("IsInf", [u]), ctx.op("LessOrEqual", [u, _scalar(ctx, 0.0, d)])])
    return ctx.op("Where", [ctx.op("Equal", [u, one]), x, ctx.op("Where", [plain, log_u, ratio])])


def _rsqrt(ctx: Ctx, d: DType, x: str) -> str:
    return ctx.op("Reciprocal", [ctx.op("Sqrt", [x])])


def _cbrt(ctx: Ctx, d: DType, x: str) -> str:
    mag = ctx.op("Pow", [ctx.op("Abs", [x]), _scalar(ctx, 1.0 / 3.0, d)])
    return ctx.op("Mul", [ctx.op("Sign", [x]), mag])


def _atan2(ctx: Ctx, d: DType, y: str, x: str) -> str:
    """atan(y / x) moved into the right quadrant; x == 0 gives +-pi/2 (0 when y == 0 too)."""
    zero = _scalar(ctx, 0.0, d)
    base = ctx.op("Atan", [ctx.op("Div", [y, x])])
    pi = _scalar(ctx, math.pi, d)
    y_neg = ctx.op("Less", [y, zero])
    shifted = ctx.op("Where", [y_neg, ctx.op("Sub", [base, pi]), ctx.op("Add", [base, pi])])
    out = ctx.op("Where", [ctx.op("Less", [x, zero]), shifted, base])
    on_axis = ctx.op("Mul", [ctx.op("Sign", [y]), _scalar(ctx, math.pi / 2, d)])
    return ctx.op("Where", [ctx.op("Equal", [x, zero]), on_axis, out])


def _is_finite(ctx: Ctx, x: str) -> str:
    wide = ctx.cast(x, _dt(ctx), compute_dtype(_dt(ctx)))
    return ctx.op("Not", [ctx.op("Or", [ctx.op("IsInf", [wide]), ctx.op("IsNaN", [wide])])])


def _logical(bool_op: str, int_op: str) -> Callable[..., str]:
    def rule(ctx: Ctx, *xs: str) -> str:
        if _dt(ctx).is_bool:
            return ctx.op(bool_op, list(xs))
        return widened(ctx, xs, _dt(ctx), lambda *ws: ctx.op(int_op, list(ws)))

    return rule


def _compare(op_type: str, negate: bool = False) -> Callable[..., str]:
    def rule(ctx: Ctx, x: str, y: str) -> str:
        d = _dt(ctx)
        if d.is_bool:
            x, y = ctx.cast(x, d, DType.int32), ctx.cast(y, d, DType.int32)
        else:
            wide = compute_dtype(d)
            x, y = ctx.cast(x, d, wide), ctx.cast(y, d, wide)
        out = ctx.op(op_type, [x, y])
        return ctx.op("Not", [out]) if negate else out

    return rule


_UNSIGNED = {8: "uint8", 32: "uint32"}


def _shift(direction: str, arithmetic: bool = False) -> Callable[..., str]:
    """ONNX BitShift is unsigned-only: shift the bit pattern as the unsigned type of the same width. Amounts
    are read as unsigned; those >= the bit width give 0 (or -1 for an arithmetic right shift of a negative).
    8- and 32-bit types only: onnxruntime has no ``Where`` for uint16 / uint64."""

    def rule(ctx: Ctx, x: str, y: str) -> str:
        d = _dt(ctx)
        if d.bits not in _UNSIGNED:
            raise ctx.fail(f"shifts of {d} have no ONNX rule (8- and 32-bit integers only: onnxruntime lacks "
                           f"the unsigned {d.bits}-bit kernels the lowering needs)")
        u = DType(_UNSIGNED[d.bits])
        ux, amount = ctx.cast(x, d, u), ctx.cast(y, d, u)  # same width: the bit pattern is kept
        valid = ctx.op("Less", [amount, ctx.const(d.bits, u)])
        zero = ctx.const(0, u)
        safe = ctx.op("Where", [valid, amount, zero])

        def logical(v: str) -> str:
            return ctx.op("Where", [valid, ctx.op("BitShift", [v, safe], direction=direction), zero])

        if not arithmetic:
            out = logical(ux)
        else:  # x >> s for x >= 0, ~(~x >> s) for x < 0, on the bit pattern
            negative = ctx.op("Less", [ctx.cast(ux, u, _signed(d)), ctx.const(0, _signed(d))])
            flipped = ctx.op("BitwiseNot", [logical(ctx.op("BitwiseNot", [ux]))])
            out = ctx.op("Where", [negative, flipped, logical(ux)])
        return ctx.cast(out, u, d)

    return rule


def _signed(d: DType) -> DType:
    return DType(f"int{d.bits}")


def _select(ctx: Ctx, pred: str, on_true: str, on_false: str) -> str:
    d = ctx.in_types[1].dtype
    return widened(ctx, [on_true, on_false], d, lambda t, f: ctx.op("Where", [pred, t, f]))


def _clamp(ctx: Ctx, lo: str, x: str, hi: str) -> str:
    return widened(ctx, [lo, x, hi], _dt(ctx), lambda a, b, c: ctx.op("Min", [ctx.op("Max", [b, a]), c]))


def _convert(ctx: Ctx, x: str, *, new_dtype: Any) -> str:
    src = _dt(ctx)
    if new_dtype is DType.bool:  # x != 0 (NaN is true)
        wide = compute_dtype(src) if not src.is_bool else DType.int32
        w = ctx.cast(x, src, wide)
        return ctx.op("Not", [ctx.op("Equal", [w, ctx.const(0, wide)])])
    return ctx.cast(x, src, new_dtype)  # ONNX casts float -> int truncating toward zero, bool -> 0/1


def _integer_pow(ctx: Ctx, x: str, *, y: int) -> str:
    def power(w: str) -> str:
        d = compute_dtype(_dt(ctx))
        n = abs(y)
        result = None
        base = w
        while n:
            if n & 1:
                result = base if result is None else ctx.op("Mul", [result, base])
            n >>= 1
            if n:
                base = ctx.op("Mul", [base, base])
        if result is None:  # x ** 0 == 1
            one = ctx.const(1, d)
            result = ctx.op("Expand", [one, ctx.op("Shape", [w])])
        return ctx.op("Reciprocal", [result]) if y < 0 else result

    return widened(ctx, [x], _dt(ctx), power)


def _identity(ctx: Ctx, x: str, **_: Any) -> str:
    return ctx.op("Identity", [x])


def _barrier(ctx: Ctx, *xs: str) -> tuple[str, ...]:
    return tuple(ctx.op("Identity", [x]) for x in xs)


_NATIVE_UNARY = {
    "neg": "Neg", "abs": "Abs", "floor": "Floor", "ceil": "Ceil", "round": "Round", "exp": "Exp", "log": "Log",
    "sqrt": "Sqrt", "sin": "Sin", "cos": "Cos", "tan": "Tan", "asin": "Asin", "acos": "Acos", "atan": "Atan",
    "sinh": "Sinh", "cosh": "Cosh", "tanh": "Tanh", "asinh": "Asinh", "acosh": "Acosh", "atanh": "Atanh",
    "logistic": "Sigmoid", "erf": "Erf",
}
_NATIVE_BINARY = {"add": "Add", "sub": "Sub", "mul": "Mul", "div": "Div", "max": "Max", "min": "Min", "pow": "Pow"}

RULES: dict[str, Callable[..., Any]] = {
    **{name: _simple(op) for name, op in {**_NATIVE_UNARY, **_NATIVE_BINARY}.items()},
    "sign": _math(_sign),
    "expm1": _math(_expm1),
    "log1p": _math(_log1p),
    "rsqrt": _math(_rsqrt),
    "cbrt": _math(_cbrt),
    "atan2": _math(_atan2),
    "rem": _math(lambda ctx, d, x, y: ctx.op("Mod", [x, y], fmod=1)),
    "is_finite": _is_finite,
    "not": _logical("Not", "BitwiseNot"),
    "and": _logical("And", "BitwiseAnd"),
    "or": _logical("Or", "BitwiseOr"),
    "xor": _logical("Xor", "BitwiseXor"),
    "eq": _compare("Equal"),
    "ne": _compare("Equal", negate=True),
    "lt": _compare("Less"),
    "le": _compare("LessOrEqual"),
    "gt": _compare("Greater"),
    "ge": _compare("GreaterOrEqual"),
    "shift_left": _shift("LEFT"),
    "shift_right_logical": _shift("RIGHT"),
    "shift_right_arithmetic": _shift("RIGHT", arithmetic=True),
    "select": _select,
    "clamp": _clamp,
    "convert": _convert,
    "integer_pow": _integer_pow,
    "stop_gradient": _identity,
    "sharding_constraint": _identity,
    "optimization_barrier": _barrier,
}
