"""VJP rules: elementwise prims (see the prim catalogue).

Unary and binary math are tables, ``prim -> formula`` on the output cotangent ``g``, the inputs and the output
(``y``); the formulas follow ``jax.lax``'s so float32 gradients agree with ``jax.grad`` to rounding, including
its conventions at kinks: ``abs`` has gradient +1 at 0, ``max``/``min`` split a tie half and half, ``pow`` gives
no ``y`` gradient where ``x == 0``, ``clamp`` gives none at its bounds. Two deliberate departures, both where
JAX's formula degenerates: ``pow``'s ``x`` gradient is 0 (not NaN) where ``y == 0``, and ``clamp`` with lo > hi gives
hi's gradient to hi.
Piecewise-constant prims (``sign``, ``floor``, ``ceil``, ``round``, ``nextafter``) and ``stop_gradient`` return no
cotangent. Integer operands never get one (the engine would drop it anyway).

``digamma``'s derivative is trigamma (``polygamma(1, x)``), which no prim computes: differentiating it raises
HornetError (so ``lgamma`` has a first but not a second derivative).

>>> import numpy as np
>>> from hornet import ops
>>> from hornet.api.autodiff import grad
>>> float(grad(lambda x: ops.maximum(x, 1.0))(np.float32(1.0)))   # a tie: half each
0.5
"""
from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from hornet.api.ops.core import type_of
from hornet.ir.errors import HornetError
from hornet.ir.prims import set_rule
from hornet.runtime.bind import bind

Tensor = Any


def _b(prim: str, *xs: Any, **attrs: Any) -> Tensor:
    return bind(prim, *xs, op="grad", **attrs)


def _full(value: float, like: Tensor) -> Tensor:
    """``value`` broadcast to ``like``'s type."""
    t = type_of(like)
    return _b("broadcast_in_dim", np.asarray(value, t.dtype.np), shape=tuple(t.shape), broadcast_dimensions=())


def _lift(a: Any, like: Tensor) -> Tensor:
    return _full(a, like) if isinstance(a, (int, float)) else a


def _op(prim: str) -> Callable[[Any, Any], Tensor]:
    """A binary prim on tensors where either side may be a Python number (taking the other's type)."""
    def apply(a: Any, c: Any) -> Tensor:
        return _b(prim, _lift(a, c), _lift(c, a))

    return apply


add, sub, mul, div = _op("add"), _op("sub"), _op("mul"), _op("div")
eq, lt, gt = _op("eq"), _op("lt"), _op("gt")


def neg(x: Tensor) -> Tensor:
    return _b("neg", x)


def sq(x: Tensor) -> Tensor:
    return _b("integer_pow", x, y=2)


def f(prim: str, x: Tensor) -> Tensor:
    """A unary prim."""
    return _b(prim, x)


def select(pred: Tensor, a: Any, c: Any) -> Tensor:
    return _b("select", pred, _lift(a, c), _lift(c, a))


def _is_float(x: Tensor) -> bool:
    return type_of(x).dtype.is_floating


def _digamma_vjp(g: Tensor, x: Tensor, y: Tensor) -> Tensor:
    raise HornetError("digamma: its derivative is polygamma(1, x) (trigamma), and hornet has no prim for it, so "
                      "digamma (and a second derivative of lgamma) cannot be differentiated")


# prim -> the input cotangent from (g, x, y): g the output cotangent, x the input, y the output
UNARY: dict[str, Callable[[Tensor, Tensor, Tensor], Tensor]] = {
    "neg": lambda g, x, y: neg(g),
    "abs": lambda g, x, y: select(_b("ge", x, _full(0, x)), g, neg(g)),
    "exp": lambda g, x, y: mul(g, y),
    "expm1": lambda g, x, y: mul(g, add(y, 1)),
    "log": lambda g, x, y: div(g, x),
    "log1p": lambda g, x, y: div(g, add(x, 1)),
    "sqrt": lambda g, x, y: mul(g, div(0.5, y)),
    "rsqrt": lambda g, x, y: mul(g, mul(div(y, x), -0.5)),
    "cbrt": lambda g, x, y: mul(g, mul(_b("integer_pow", y, y=-2), 1 / 3)),
    "sin": lambda g, x, y: mul(g, f("cos", x)),
    "cos": lambda g, x, y: neg(mul(g, f("sin", x))),
    "tan": lambda g, x, y: mul(g, add(sq(y), 1)),
    "asin": lambda g, x, y: mul(g, f("rsqrt", sub(1, sq(x)))),
    "acos": lambda g, x, y: neg(mul(g, f("rsqrt", sub(1, sq(x))))),
    "atan": lambda g, x, y: div(g, add(sq(x), 1)),
    "sinh": lambda g, x, y: mul(g, f("cosh", x)),
    "cosh": lambda g, x, y: mul(g, f("sinh", x)),
    "tanh": lambda g, x, y: mul(g, sub(1, sq(y))),
    "asinh": lambda g, x, y: mul(g, f("rsqrt", add(sq(x), 1))),
    "acosh": lambda g, x, y: mul(g, f("rsqrt", mul(sub(x, 1), add(x, 1)))),
    "atanh": lambda g, x, y: div(div(g, sub(1, x)), add(x, 1)),  # 1/((1-x)(1+x)) stays accurate near +-1
    "logistic": lambda g, x, y: mul(g, mul(y, sub(1, y))),
    "erf": lambda g, x, y: mul(g, mul(f("exp", neg(sq(x))), 2 / math.sqrt(math.pi))),
    "erfinv": lambda g, x, y: mul(g, mul(f("exp", sq(y)), math.sqrt(math.pi) / 2)),
    "lgamma": lambda g, x, y: mul(g, f("digamma", x)),
    "digamma": _digamma_vjp,
}

# piecewise constant: zero gradient almost everywhere (returned as "no cotangent")
ZERO_GRADIENT: tuple[str, ...] = ("sign", "floor", "ceil", "round", "nextafter", "stop_gradient")


def _balanced_eq(x: Tensor, out: Tensor, other: Tensor) -> Tensor:
    """1 where ``x`` is the extreme ``out`` alone, 0.5 where ``other`` ties with it, else 0 (as JAX)."""
    share = select(eq(other, out), _full(0.5, x), 1.0)
    return select(eq(x, out), share, 0.0)


def _nonzero(x: Tensor) -> Tensor:
    """``x`` with zeros replaced by ones."""
    return select(eq(x, 0), 1.0, x)


def _pow(g: Tensor, x: Tensor, y: Tensor, out: Tensor) -> tuple[Tensor, Tensor]:
    dx = select(eq(y, 0), 0.0, mul(y, _b("pow", x, sub(y, 1))))
    dy = mul(f("log", _nonzero(x)), out)
    return mul(g, dx), mul(g, dy)


def _rem(g: Tensor, x: Tensor, y: Tensor, out: Tensor) -> tuple[Tensor, Tensor]:
    q = div(x, y)
    return g, mul(neg(g), mul(f("sign", q), f("floor", f("abs", q))))  # x - trunc(x/y) * y


def _atan2(g: Tensor, x: Tensor, y: Tensor, out: Tensor) -> tuple[Tensor, Tensor]:
    r2 = add(sq(x), sq(y))
    return mul(g, div(y, r2)), div(mul(g, neg(x)), r2)


# prim -> (x cotangent, y cotangent) from (g, x, y, out)
BINARY: dict[str, Callable[[Tensor, Tensor, Tensor, Tensor], tuple[Tensor, Tensor]]] = {
    "add": lambda g, x, y, out: (g, g),
    "sub": lambda g, x, y, out: (g, neg(g)),
    "mul": lambda g, x, y, out: (mul(g, y), mul(x, g)),
    "div": lambda g, x, y, out: (div(g, y), mul(mul(neg(g), x), _b("integer_pow", y, y=-2))),
    "rem": _rem,
    "pow": _pow,
    "max": lambda g, x, y, out: (mul(g, _balanced_eq(x, out, y)), mul(g, _balanced_eq(y, out, x))),
    "min": lambda g, x, y, out: (mul(g, _balanced_eq(x, out, y)), mul(g, _balanced_eq(y, out, x))),
    "atan2": _atan2,
}


def _unary_vjp(formula: Callable[[Tensor, Tensor, Tensor], Tensor]) -> Callable[..., tuple[Any]]:
    def vjp(ct: Tensor, x: Tensor, *, outputs: tuple[Tensor, ...]) -> tuple[Any]:
        return (formula(ct, x, outputs[0]) if _is_float(x) else None,)

    return vjp


def _binary_vjp(formula: Callable[[Tensor, Tensor, Tensor, Tensor], tuple[Tensor, Tensor]]
                ) -> Callable[..., tuple[Any, Any]]:
    def vjp(ct: Tensor, x: Tensor, y: Tensor, *, outputs: tuple[Tensor, ...]) -> tuple[Any, Any]:
        return formula(ct, x, y, outputs[0]) if _is_float(x) else (None, None)

    return vjp


def _no_gradient(ct: Any, *xs: Tensor, outputs: Any, **_: Any) -> tuple[None, ...]:
    return (None,) * len(xs)


def select_vjp(ct: Tensor, pred: Tensor, on_true: Tensor, on_false: Tensor, *, outputs: Any
               ) -> tuple[None, Any, Any]:
    # select, not a multiply by a 0/1 mask: the branch not taken gets an exact 0 even where its values are NaN
    if not _is_float(on_true):
        return None, None, None
    return None, select(pred, ct, 0.0), select(pred, 0.0, ct)


def clamp_vjp(ct: Tensor, lo: Tensor, x: Tensor, hi: Tensor, *, outputs: Any) -> tuple[Any, Any, Any]:
    """As JAX: ``x`` gets the cotangent strictly inside (lo, hi); ``lo`` where it is above ``x`` (and below
    ``hi``); ``hi`` where it is below ``max(x, lo)`` (JAX: below ``x``; the same unless lo > hi); nobody at a tie."""
    if not _is_float(x):
        return None, None, None
    lo_ct = select(_b("and", gt(lo, x), lt(lo, hi)), ct, 0.0)
    x_ct = select(_b("and", gt(x, lo), lt(x, hi)), ct, 0.0)
    hi_ct = select(lt(hi, _b("max", x, lo)), ct, 0.0)
    return lo_ct, x_ct, hi_ct


def convert_vjp(ct: Tensor, x: Tensor, *, outputs: Any, new_dtype: Any) -> tuple[Any]:
    d = type_of(x).dtype
    if not d.is_floating or not type_of(ct).dtype.is_floating:
        return (None,)
    return (ct if type_of(ct).dtype == d else _b("convert", ct, new_dtype=d),)


def integer_pow_vjp(ct: Tensor, x: Tensor, *, outputs: Any, y: int) -> tuple[Any]:
    if not _is_float(x) or y == 0:
        return (None,)
    if y == 1:
        return (ct,)
    return (mul(ct, mul(_b("integer_pow", x, y=y - 1), float(y))),)


def sharding_constraint_vjp(ct: Tensor, x: Tensor, *, outputs: Any, spec: Any) -> tuple[Any]:
    """Identity; the cotangent is laid out as the value was."""
    return (_b("sharding_constraint", ct, spec=spec),)


def optimization_barrier_vjp(ct: tuple[Tensor, ...], *xs: Tensor, outputs: Any) -> tuple[Any, ...]:
    return tuple(ct)


for _name, _formula in UNARY.items():
    set_rule(_name, vjp=_unary_vjp(_formula))
for _name, _pair in BINARY.items():
    set_rule(_name, vjp=_binary_vjp(_pair))
for _name in ZERO_GRADIENT:
    set_rule(_name, vjp=_no_gradient)
set_rule("select", vjp=select_vjp)
set_rule("clamp", vjp=clamp_vjp)
set_rule("convert", vjp=convert_vjp)
set_rule("integer_pow", vjp=integer_pow_vjp)
set_rule("sharding_constraint", vjp=sharding_constraint_vjp)
set_rule("optimization_barrier", vjp=optimization_barrier_vjp)
