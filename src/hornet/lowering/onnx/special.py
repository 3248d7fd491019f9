"""ONNX rules: special functions with no ONNX op (``lgamma``, ``digamma``, ``erfinv``), as elementwise formulas.

- lgamma: the Lanczos approximation (g = 7, 9 terms) for x >= 1/2, reflection below.
- digamma: reflection below 1/2, ten recurrence steps up to 10, then the asymptotic series (the reference
  interpreter's algorithm).
- erfinv: Giles' single-precision approximation ("Approximating the erfinv function", 2010); float64 is refused
  (it would need float64 ``Erf`` for a refinement step, which onnxruntime lacks).
"""
from __future__ import annotations

import math
from typing import Any, Callable

from hornet.ir.dtypes import DType
from hornet.lowering.onnx.builder import Ctx, compute_dtype, widened

_LANCZOS = (0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
            -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
            1.5056327351493116e-7)
_DIGAMMA_SERIES = (-1 / 12, 1 / 120, -1 / 252, 1 / 240, -1 / 132, 691 / 32760, -1 / 12)
_ERFINV_CENTRAL = (2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087,
                   -0.00125372503, -0.00417768164, 0.246640727, 1.50140941)
_ERFINV_TAIL = (-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773,
                -0.0076224613, 0.00943887047, 1.00167406, 2.83297682)


class _Math:
    """Arithmetic on ONNX values of one float dtype, to write formulas compactly."""

    def __init__(self, ctx: Ctx, d: DType):
        self.ctx, self.d = ctx, d

    def c(self, v: float) -> str:
        return self.ctx.const(v, self.d)

    def __call__(self, op: str, *xs: Any) -> str:
        return self.ctx.op(op, [self.c(x) if isinstance(x, (int, float)) else x for x in xs])

    def where(self, cond: str, a: Any, b: Any) -> str:
        return self("Where", cond, a, b)

    def horner(self, coeffs: tuple[float, ...], w: str) -> str:
        p = self.c(coeffs[0])
        for k in coeffs[1:]:
            p = self("Add", self("Mul", p, w), k)
        return p


def _lgamma_right(m: _Math, z: str) -> str:
    """lgamma(z) for z >= 1/2."""
    zm1 = m("Sub", z, 1.0)
    a = m.c(_LANCZOS[0])
    for i, p in enumerate(_LANCZOS[1:], start=1):
        a = m("Add", a, m("Div", p, m("Add", zm1, float(i))))
    t = m("Add", zm1, 7.5)
    out = m("Add", m("Mul", m("Add", zm1, 0.5), m("Log", t)), 0.5 * math.log(2 * math.pi))
    return m("Add", m("Sub", out, t), m("Log", a))


def _lgamma(ctx: Ctx, d: DType, x: str) -> str:
    m = _Math(ctx, d)
    left = m("Less", x, 0.5)
    z = m.where(left, m("Sub", 1.0, x), x)
    right = _lgamma_right(m, z)
    reflected = m("Sub", m("Log", m("Div", math.pi, m("Abs", m("Sin", m("Mul", x, math.pi))))), right)
    out = m.where(left, reflected, right)
    pole = m("And", m("LessOrEqual", x, 0.0), m("Equal", x, m("Floor", x)))  # sin(pi x) is not exactly 0 there
    return m.where(m("Or", pole, m("IsInf", x)), math.inf, out)


def _digamma(ctx: Ctx, d: DType, x: str) -> str:
    m = _Math(ctx, d)
    reflect = m("Less", x, 0.5)
    z = m.where(reflect, m("Sub", 1.0, x), x)
    out = m.where(reflect, m("Neg", m("Div", math.pi, m("Tan", m("Mul", x, math.pi)))), 0.0)
    for _ in range(10):
        small = m("Less", z, 10.0)
        out = m("Sub", out, m.where(small, m("Reciprocal", z), 0.0))
        z = m.where(small, m("Add", z, 1.0), z)
    inv2 = m("Reciprocal", m("Mul", z, z))
    series = m.c(0.0)
    for c in reversed(_DIGAMMA_SERIES):
        series = m("Mul", m("Add", series, c), inv2)
    out = m("Add", m("Sub", m("Add", out, m("Log", z)), m("Div", 0.5, z)), series)
    pole = m("And", m("LessOrEqual", x, 0.0), m("Equal", x, m("Floor", x)))
    bad = m("Or", pole, m("And", m("IsInf", x), m("Less", x, 0.0)))
    return m.where(bad, math.nan, out)


def _erfinv(ctx: Ctx, d: DType, x: str) -> str:
    m = _Math(ctx, d)
    w = m("Neg", m("Log", m("Mul", m("Sub", 1.0, x), m("Add", 1.0, x))))
    central = m.horner(_ERFINV_CENTRAL, m("Sub", w, 2.5))
    tail = m.horner(_ERFINV_TAIL, m("Sub", m("Sqrt", w), 3.0))
    out = m("Mul", m.where(m("Less", w, 5.0), central, tail), x)
    a = m("Abs", x)
    out = m.where(m("Equal", a, 1.0), m("Mul", m("Sign", x), math.inf), out)
    return m.where(m("Greater", a, 1.0), math.nan, out)


def _float_rule(fn: Callable[..., str], float64: bool = True) -> Callable[..., str]:
    def rule(ctx: Ctx, x: str) -> str:
        d = ctx.in_types[0].dtype
        if d is DType.float64 and not float64:
            raise ctx.fail("float64 has no ONNX rule (the approximation is single precision); convert to "
                           "float32 first")
        return widened(ctx, [x], d, lambda w: fn(ctx, compute_dtype(d), w))

    return rule


RULES: dict[str, Callable[..., Any]] = {
    "lgamma": _float_rule(_lgamma),
    "digamma": _float_rule(_digamma),
    "erfinv": _float_rule(_erfinv, float64=False),
}
