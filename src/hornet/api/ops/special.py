"""Special functions written as prim compositions (so they trace and differentiate): ``i0`` (``keras.ops.i0``) and
``gammainc`` (the regularized lower incomplete gamma function, as ``jax.scipy.special.gammainc``).

``i0`` sums its power series below a switch-over point and its asymptotic expansion above it, each branch fed a
clamped argument so that the branch not taken never overflows (and never turns a zero cotangent into NaN).
``gammainc`` runs the power series (``x < a + 1``) or the continued fraction of the upper function (Lentz's method)
for a fixed number of steps in one ``scan``.

>>> from hornet import ops
>>> ops.i0(np.array([0.0, 1.0], "float32"))           # doctest: +SKIP
Array([1.       , 1.2660658], dtype=float32)
"""
from __future__ import annotations

import math
from typing import Any

from hornet.api.ops._eager import compiled_when_eager
from hornet.api.ops import _lax as L
from hornet.api.ops.control_flow import fori_loop
from hornet.api.ops.core import as_tensor, bind, convert, operands, promoted, type_of, unary
from hornet.ir.dtypes import DEFAULT_FLOAT, DType

__all__ = ["i0", "gammainc"]

# (switch-over point, series terms, asymptotic terms): enough for each dtype's precision on either side
_I0_PLAN = {DType.float32: (15.0, 24, 9), DType.float64: (30.0, 80, 24)}
_GAMMAINC_STEPS = {DType.float32: 200, DType.float64: 400}
_TINY = 1e-30
_STIRLING_FROM = 10.0  # r(a) by Stirling's series from here on: the first omitted term is 2e-14 there
_STIRLING = (1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188)  # coefficients of a^-1, a^-3, ..., a^-9


def _i0_dtypes(d: DType) -> tuple[DType, DType]:
    """(compute dtype, result dtype): int64/float64 give float64, half floats keep theirs (computed in float32),
    everything else float32 (Keras's rule for ``i0``)."""
    if d in (DType.int64, DType.float64):
        return DType.float64, DType.float64
    if d in L.HALF_FLOATS:
        return DType.float32, d
    return DEFAULT_FLOAT, DEFAULT_FLOAT


@compiled_when_eager("x")
def i0(x: Any) -> Any:
    """The modified Bessel function of the first kind, order 0, elementwise.

    >>> i0(np.array([0.0, 2.0], "float32"))     # doctest: +SKIP
    Array([1.       , 2.2795851], dtype=float32)
    """
    op = "i0"
    x = as_tensor(x)
    compute, out = _i0_dtypes(type_of(x).dtype)
    switch, n_series, n_asym = _I0_PLAN[compute]
    ax = unary("abs", convert(x, compute, op), op)
    # sum_k (x^2/4)^k / (k!)^2, nested as 1 + t/1 (1 + t/4 (1 + t/9 (...))): no tiny coefficients to underflow
    small = L.minimum(ax, switch, op)
    t = L.mul(L.mul(small, small, op), 0.25, op)
    series = L.full(1.0, type_of(t).shape, compute, op)
    for k in range(n_series, 0, -1):
        series = L.add(L.mul(L.mul(series, t, op), 1.0 / (k * k), op), 1.0, op)
    # e^x / sqrt(2 pi x) * sum_k c_k / x^k with c_k = ((2k-1)!!)^2 / (k! 8^k)
    large = L.maximum(ax, switch, op)
    inv = L.true_divide(1.0, large, op)
    coefs = [1.0]
    for k in range(1, n_asym):
        coefs.append(coefs[-1] * (2 * k - 1) ** 2 / (8.0 * k))
    tail = L.full(coefs[-1], type_of(inv).shape, compute, op)
    for c in reversed(coefs[:-1]):
        tail = L.add(L.mul(tail, inv, op), c, op)
    log_scale = L.sub(large, L.mul(unary("log", L.mul(large, 2 * math.pi, op), op), 0.5, op), op)
    asym = L.mul(unary("exp", log_scale, op), tail, op)
    return convert(L.where(bind("le", ax, L.full(switch, type_of(ax).shape, compute, op), op=op), series, asym, op),
                   out, op)


def gammainc(a: Any, x: Any) -> Any:
    """The regularized lower incomplete gamma function ``P(a, x) = gamma(a, x) / Gamma(a)``, elementwise with
    broadcasting (float inputs keep their dtype, others compute in float32). ``P(0, x > 0) = 1``, ``P(a, 0) = 0``,
    ``P(a, inf) = 1``; negative ``a`` or ``x`` give NaN (as JAX).

    >>> gammainc(1.0, np.array([1.0], "float32"))   # exactly 1 - e^-1   # doctest: +SKIP
    Array([0.6321206], dtype=float32)
    """
    op = "gammainc"
    d = promoted(a, x)
    d = d if d.is_floating else DEFAULT_FLOAT
    compute = DType.float64 if d == DType.float64 else DType.float32
    a, x = operands(a, x, dtype=compute, op=op)
    from hornet.api.random.staging import staged  # (imported here: the random package imports the ops)

    # eagerly one compiled program (two loops of a few hundred steps), not one dispatch per prim
    return convert(staged(_gammainc, as_tensor(a), as_tensor(x)), d, op)


def _gammainc(a: Any, x: Any) -> Any:
    op = "gammainc"
    compute = type_of(a).dtype
    shape = type_of(a).shape
    use_series = bind("lt", x, L.add(a, 1.0, op), op=op)
    # each method sees safe arguments where it is not used, so neither produces inf/NaN there
    one = L.full(1.0, shape, compute, op)
    a_safe = L.where(bind("gt", a, L.full(0.0, shape, compute, op), op=op), a, one, op)
    x_pos = L.where(bind("gt", x, L.full(0.0, shape, compute, op), op=op), x, one, op)
    x_finite = L.where(bind("is_finite", x_pos, op=op), x_pos, one, op)
    xs = L.where(use_series, x_finite, L.mul(a_safe, 0.5, op), op)
    xc = L.where(use_series, L.add(a_safe, 2.0, op), x_finite, op)
    p_series = L.mul(_lower_series(a_safe, xs, compute, op), unary("exp", _log_front(a_safe, xs, op), op), op)
    # Gamma(a) = Gamma(a + 1) / a
    log_front_c = L.add(_log_front(a_safe, xc, op), unary("log", a_safe, op), op)
    q_fraction = L.mul(_upper_fraction(a_safe, xc, compute, op), unary("exp", log_front_c, op), op)
    p = L.where(use_series, p_series, L.sub(1.0, q_fraction, op), op)
    p = L.clip(p, 0.0, 1.0, op)
    nan = L.full(math.nan, shape, compute, op)
    zero = L.full(0.0, shape, compute, op)
    p = L.where(bind("eq", x, zero, op=op), zero, p, op)
    p = L.where(bind("eq", x, L.full(math.inf, shape, compute, op), op=op), one, p, op)
    p = L.where(_and(bind("eq", a, zero, op=op), bind("gt", x, zero, op=op), op), one, p, op)
    bad = _or(_or(bind("lt", a, zero, op=op), bind("lt", x, zero, op=op), op),
              _or(L.isnan(a, op), L.isnan(x, op), op), op)
    return L.where(bad, nan, p, op)


def _log_front(a: Any, x: Any, op: str) -> Any:
    """``log(x^a e^-x / Gamma(a + 1))`` (positive ``a``, ``x``) as ``a log(x / a) + (a - x) - r(a)`` with
    ``r(a) = lgamma(a + 1) - a log a + a`` from Stirling's series for large ``a``: the direct form subtracts
    numbers of size ``a log a`` and loses the low bits of float32 already at ``a ~ 100``."""
    log_a = unary("log", a, op)
    big = L.maximum(a, _STIRLING_FROM, op)
    inv = L.true_divide(1.0, big, op)
    inv2 = L.mul(inv, inv, op)
    series = L.full(_STIRLING[-1], type_of(a).shape, type_of(a).dtype, op)
    for c in reversed(_STIRLING[:-1]):
        series = L.add(L.mul(series, inv2, op), c, op)
    series = L.mul(series, inv, op)
    stirling = L.add(L.mul(unary("log", L.mul(big, 2 * math.pi, op), op), 0.5, op), series, op)
    small = L.minimum(a, _STIRLING_FROM, op)
    direct = L.add(L.sub(unary("lgamma", L.add(small, 1.0, op), op), L.mul(small, unary("log", small, op), op), op),
                   small, op)
    rest = L.where(bind("ge", a, L.full(_STIRLING_FROM, type_of(a).shape, type_of(a).dtype, op), op=op), stirling,
                   direct, op)
    return L.sub(L.add(L.mul(a, L.sub(unary("log", x, op), log_a, op), op), L.sub(a, x, op), op), rest, op)


def _and(p: Any, q: Any, op: str) -> Any:
    return bind("and", p, q, op=op)


def _or(p: Any, q: Any, op: str) -> Any:
    return bind("or", p, q, op=op)


def _lower_series(a: Any, x: Any, compute: DType, op: str) -> Any:
    """``sum_n x^n / ((a+1)(a+2)...(a+n))`` for n >= 0 (converges for x < a + 1)."""
    shape = type_of(a).shape

    def step(n: Any, carry: tuple[Any, Any]) -> tuple[Any, Any]:
        term, total = carry
        k = L.add(a, convert(L.add(n, 1, op), compute, op), op)
        term = L.mul(term, L.true_divide(x, k, op), op)
        return term, L.add(total, term, op)

    start = L.full(1.0, shape, compute, op)
    return fori_loop(0, _GAMMAINC_STEPS[compute], step, (start, start))[1]


def _upper_fraction(a: Any, x: Any, compute: DType, op: str) -> Any:
    """The continued fraction ``1 / (x + 1 - a - 1 (1 - a) / (x + 3 - a - ...))`` of ``Q(a, x) e^x x^-a Gamma(a)``
    by the modified Lentz method (converges for x > a + 1)."""
    shape = type_of(a).shape
    tiny = L.full(_TINY, shape, compute, op)

    def nonzero(v: Any) -> Any:
        return L.where(bind("lt", unary("abs", v, op), tiny, op=op), tiny, v, op)

    def step(i: Any, carry: tuple[Any, Any, Any, Any]) -> tuple[Any, Any, Any, Any]:
        b, c, d, h = carry
        n = convert(L.add(i, 1, op), compute, op)
        an = L.mul(unary("neg", n, op), L.sub(n, a, op), op)
        b = L.add(b, 2.0, op)
        d = L.true_divide(1.0, nonzero(L.add(L.mul(an, d, op), b, op)), op)
        c = nonzero(L.add(b, L.true_divide(an, c, op), op))
        return b, c, d, L.mul(h, L.mul(d, c, op), op)

    b0 = L.sub(L.add(x, 1.0, op), a, op)
    d0 = L.true_divide(1.0, nonzero(b0), op)
    c0 = L.full(1.0 / _TINY, shape, compute, op)
    return fori_loop(0, _GAMMAINC_STEPS[compute], step, (b0, c0, d0, d0))[3]
