"""Samplers built from many uniform/normal draws, without loops: Gamma (Marsaglia-Tsang with a fixed number
of proposals), Beta (from two Gammas) and Binomial (a sum of Bernoulli trials).

JAX's samplers run a rejection loop per element; here every element draws ``TRIALS`` proposals at once and
keeps the first accepted one. Each proposal is accepted with probability >= 0.95, so all eight fail with
probability < 1e-10 (the element then takes the proposal's mode). The samples follow the same
distribution as ``jax.random.gamma`` / ``beta`` but are not the same numbers. 16-bit dtypes compute in float32.
Binomial counts must be concrete (the number of trials sizes the program).

>>> gamma(threefry.key(0), 2.0, (3,))                     # doctest: +SKIP
"""
from __future__ import annotations

from typing import Any

import numpy as np

from hornet.api.ops import core
from hornet.api.random.samplers import _normal, _operand, _uniform, finfo, float_dtype
from hornet.api.random.staging import staged
from hornet.api.random.threefry import check_key, normalize_shape, split_keys
from hornet.ir.dtypes import DType
from hornet.ir.errors import ShapeError
from hornet.ir.symbolic import Dim, is_symbolic, shape_size
from hornet.ir.tracer import SymbolicTensor
from hornet.runtime.bind import bind

TRIALS = 8


def _trial(x: Any, t: int, shape: tuple[Dim, ...], op: str) -> Any:
    part = bind("slice", x, start_indices=(t,) + (0,) * len(shape), limit_indices=(t + 1, *shape), strides=None,
                op=op)
    return bind("reshape", part, new_sizes=shape, op=op)


def log_gamma_sample(key: Any, alpha: Any, shape: tuple[Dim, ...], d: DType, op: str) -> Any:
    """log of Gamma(alpha, 1) samples of ``shape`` in float dtype ``d`` (alpha broadcast to ``shape``).

    Log space keeps tiny samples (alpha << 1) representable, as the Beta sampler needs."""
    def f(prim: str, x: Any, y: Any) -> Any:
        return core.binary(prim, x, y, op, dtype=d)

    def u1(name: str, x: Any) -> Any:
        return bind(name, x, op=op)

    alpha = core.broadcast_to(core.convert(alpha, d, op), shape, op)
    boost = f("lt", alpha, 1.0)  # alpha < 1: sample Gamma(alpha + 1) and scale by U ** (1 / alpha)
    a = bind("select", boost, f("add", alpha, 1.0), alpha, op=op)
    dd = f("sub", a, 1.0 / 3.0)
    c = u1("rsqrt", f("mul", dd, 9.0))
    k_norm, k_unif, k_boost = split_keys(key, 3, op)
    many = (TRIALS, *shape)
    xs = _normal(k_norm, shape=many, dtype=d)
    us = _uniform(k_unif, np.asarray(finfo(d).tiny, d.np), np.asarray(1.0, d.np), shape=many, dtype=d)
    log_d = u1("log", dd)
    out = log_d  # the mode, if every proposal is rejected
    for t in reversed(range(TRIALS)):
        x, u = _trial(xs, t, shape, op), _trial(us, t, shape, op)
        v = f("add", f("mul", c, x), 1.0)
        v = f("mul", f("mul", v, v), v)
        log_v = u1("log", v)
        # accept if log u < x^2/2 + d - d v + d log v (and v > 0)
        bound = f("add", f("mul", f("mul", x, x), 0.5), f("mul", dd, f("add", f("sub", 1.0, v), log_v)))
        ok = bind("and", f("gt", v, 0.0), f("lt", u1("log", u), bound), op=op)
        out = bind("select", ok, f("add", log_d, log_v), out, op=op)
    ub = _uniform(k_boost, np.asarray(finfo(d).tiny, d.np), np.asarray(1.0, d.np), shape=shape, dtype=d)
    boosted = f("add", out, f("div", u1("log", ub), alpha))
    return bind("select", boost, boosted, out, op=op)


def _compute_dtype(d: DType) -> DType:
    return DType.float32 if d.bits < 32 else d


def _gamma(key: Any, alpha: Any, *, shape: tuple[Dim, ...], dtype: DType) -> Any:
    cd = _compute_dtype(dtype)
    out = bind("exp", log_gamma_sample(key, alpha, shape, cd, "gamma"), op="gamma")
    return core.convert(out, dtype, "gamma")


def gamma(key: Any, alpha: Any, shape: Any = None, dtype: Any = None) -> Any:
    """Gamma(alpha, scale 1) samples; ``shape`` defaults to alpha's shape.

    >>> gamma(threefry.key(0), np.float32([0.5, 3.0]))     # doctest: +SKIP
    """
    d = float_dtype(dtype, "gamma")
    alpha = _operand(alpha, _compute_dtype(d), "gamma")
    shape = core.shape(alpha) if shape is None else normalize_shape(shape, "gamma")
    core.broadcast_shapes(core.shape(alpha), shape, op="gamma")
    return staged(_gamma, check_key(key, "gamma"), alpha, shape=tuple(shape), dtype=d)


def _beta(key: Any, a: Any, b: Any, *, shape: tuple[Dim, ...], dtype: DType) -> Any:
    op = "beta"
    cd = _compute_dtype(dtype)
    ka, kb = split_keys(key, 2, op)
    la, lb = log_gamma_sample(ka, a, shape, cd, op), log_gamma_sample(kb, b, shape, cd, op)
    # X / (X + Y) = exp(la - logaddexp(la, lb))
    hi = bind("max", la, lb, op=op)
    gap = bind("neg", bind("abs", bind("sub", la, lb, op=op), op=op), op=op)
    lse = bind("add", hi, bind("log1p", bind("exp", gap, op=op), op=op), op=op)
    return core.convert(bind("exp", bind("sub", la, lse, op=op), op=op), dtype, op)


def beta(key: Any, a: Any, b: Any, shape: Any = None, dtype: Any = None) -> Any:
    """Beta(a, b) samples as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b) (in log space).

    >>> beta(threefry.key(0), 2.0, 5.0, (4,))                # doctest: +SKIP
    """
    d = float_dtype(dtype, "beta")
    a, b = _operand(a, _compute_dtype(d), "beta"), _operand(b, _compute_dtype(d), "beta")
    if shape is None:
        shape = core.broadcast_shapes(core.shape(a), core.shape(b), op="beta")
    shape = normalize_shape(shape, "beta")
    core.broadcast_shapes(core.shape(a), core.shape(b), shape, op="beta")
    return staged(_beta, check_key(key, "beta"), a, b, shape=shape, dtype=d)


MAX_TRIAL_ELEMENTS = 2 ** 26


def _binomial(key: Any, counts: Any, probs: Any, *, shape: tuple[Dim, ...], trials: int, dtype: DType) -> Any:
    op = "binomial"
    cd = _compute_dtype(dtype)
    many = (trials, *shape)
    u = _uniform(key, np.asarray(0.0, cd.np), np.asarray(1.0, cd.np), shape=many, dtype=cd)
    success = bind("lt", *core.operands(u, core.convert(probs, cd, op), dtype=cd, op=op), op=op)
    index = bind("iota", dtype=DType.int32, shape=many, dimension=0, op=op)
    taken = bind("lt", *core.operands(index, core.convert(counts, DType.int32, op), dtype=DType.int32, op=op),
                 op=op)
    hits = core.convert(bind("and", success, taken, op=op), cd, op)
    return core.convert(bind("reduce_sum", hits, axes=(0,), op=op), dtype, op)


def binomial(key: Any, counts: Any, probs: Any, shape: Any = None, dtype: Any = None) -> Any:
    """Binomial(counts, probs) samples as float ``dtype``: the number of successes among ``counts`` Bernoulli
    trials. ``counts`` must be concrete (Python numbers or arrays, not traced tensors).

    >>> binomial(threefry.key(0), 10, 0.3, (4,))               # doctest: +SKIP
    """
    op = "binomial"
    d = float_dtype(dtype, op)
    if isinstance(counts, SymbolicTensor):
        raise ShapeError(f"{op}: counts must be concrete values (they set the number of trials), got a traced "
                         f"tensor {counts.type}")
    counts = np.asarray(core.convert_to_numpy(counts))
    if counts.size and (counts.min() < 0 or not np.all(counts == np.floor(counts))):
        raise ValueError(f"{op}: counts must be non-negative integers, got {counts}")
    counts = counts.astype(np.int32)
    probs = _operand(probs, _compute_dtype(d), op)
    base = core.broadcast_shapes(counts.shape, core.shape(probs), op=op)
    shape = base if shape is None else normalize_shape(shape, op)
    core.broadcast_shapes(base, shape, op=op)
    trials = max(int(counts.max()) if counts.size else 0, 1)
    size = shape_size(shape)
    if not is_symbolic(size) and trials * int(size) > MAX_TRIAL_ELEMENTS:
        raise ValueError(f"{op}: {trials} trials for {size} values is too large ({trials * int(size)} draws)")
    return staged(_binomial, check_key(key, op), counts, probs, shape=tuple(shape), trials=trials, dtype=d)

