"""Elementwise prims: every prim x lowering x accepted dtype against NumPy/SciPy oracles (the JAX lowering also
against the NumPy reference), NaN/inf cases, and the shape/dtype errors of the shape rules."""
from __future__ import annotations

import itertools
import math
import numpy as np
import pytest
import scipy.special as sp

from helpers import LOWERINGS, assert_close, prim_graph, random_array, run_prim, rng
from hornet.ir.dtypes import ALL_DTYPES, FLOAT_DTYPES, INT_DTYPES, DType
from hornet.ir.errors import DTypeError, ShapeError
from hornet.ir.prims import PRIMITIVES
from hornet.ir.prims.elementwise import BINARY, COMPARISONS, ELEMENTWISE_PRIMS, UNARY
from hornet.ir.types import TensorType

NUMERIC = INT_DTYPES + FLOAT_DTYPES
SHAPE = (3, 5)
NAN_INF = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 2.5, -2.5, 1e-3])


def run(lowering: str, prim: str, *arrays: np.ndarray, rtol: float | None = None, atol: float | None = None,
        **attrs: object) -> list[np.ndarray]:
    """Run one prim on ``lowering``; the JAX result must also match the NumPy reference."""
    outs = run_prim(lowering, prim, *arrays, **attrs)
    if lowering != "numpy":  # every compiled backend must also match the NumPy reference
        for got, ref in zip(outs, run_prim("numpy", prim, *arrays, **attrs)):
            check(got, ref, rtol=rtol, atol=atol)
    return outs


def check(got: np.ndarray, want: np.ndarray, rtol: float | None = None, atol: float | None = None) -> None:
    """Same dtype, same shape, values within the dtype's tolerance (exact for ints and bools)."""
    assert got.dtype == want.dtype, f"dtype {got.dtype} != {want.dtype}"
    assert_close(got, want, want.dtype, rtol=rtol, atol=atol)


def in_float64(fn, *xs: np.ndarray, dtype: DType) -> np.ndarray:
    """The oracle: ``fn`` on the exact float64 values of the inputs, rounded to ``dtype``."""
    with np.errstate(all="ignore"):
        return np.asarray(fn(*(np.asarray(x).astype(np.float64) for x in xs))).astype(dtype.np)


# ---------------------------------------------------------------------------------------------- unary, float
# name -> (oracle on float64, input range kept away from poles and ill-conditioned edges)
FLOAT_UNARY = {
    "floor": (np.floor, -4, 4), "ceil": (np.ceil, -4, 4), "round": (np.rint, -4, 4),
    "exp": (np.exp, -4, 4), "expm1": (np.expm1, -2, 2), "log": (np.log, 0.1, 6), "log1p": (np.log1p, -0.5, 4),
    "sqrt": (np.sqrt, 0.0, 6), "rsqrt": (lambda x: 1 / np.sqrt(x), 0.1, 6), "cbrt": (np.cbrt, -6, 6),
    "sin": (np.sin, -3, 3), "cos": (np.cos, -3, 3), "tan": (np.tan, -1.2, 1.2),
    "asin": (np.arcsin, -0.95, 0.95), "acos": (np.arccos, -0.95, 0.95), "atan": (np.arctan, -5, 5),
    "sinh": (np.sinh, -3, 3), "cosh": (np.cosh, -3, 3), "tanh": (np.tanh, -3, 3),
    "asinh": (np.arcsinh, -5, 5), "acosh": (np.arccosh, 1.1, 6), "atanh": (np.arctanh, -0.9, 0.9),
    "logistic": (sp.expit, -8, 8), "erf": (sp.erf, -2.5, 2.5), "erfinv": (sp.erfinv, -0.95, 0.95),
    "lgamma": (sp.gammaln, 0.1, 6), "digamma": (sp.psi, 0.1, 6),
}
def test_unary_tables_cover_the_catalogue():
    assert set(FLOAT_UNARY) == {n for n, c in UNARY.items() if c == "float"}
    assert {n for n, c in UNARY.items() if c == "numeric"} == {"neg", "abs", "sign"}


@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=str)
@pytest.mark.parametrize("lowering", LOWERINGS)
@pytest.mark.parametrize("name", sorted(FLOAT_UNARY))
def test_float_unary(name, lowering, dtype):
    oracle, low, high = FLOAT_UNARY[name]
    x = random_array(SHAPE, dtype, rng(name, dtype), low=low, high=high)
    (out,) = run(lowering, name, x)
    check(out, in_float64(oracle, x, dtype=dtype))


@pytest.mark.parametrize("dtype", NUMERIC, ids=str)
@pytest.mark.parametrize("lowering", LOWERINGS)
@pytest.mark.parametrize("name,oracle", [("neg", np.negative), ("abs", np.abs), ("sign", np.sign)])
def test_numeric_unary(name, oracle, lowering, dtype):
    x = random_array(SHAPE, dtype, rng(name, dtype))
    (out,) = run(lowering, name, x)
    want = oracle(x) if dtype.is_integer else in_float64(oracle, x, dtype=dtype)
    check(out, want.astype(dtype.np))


@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=str)
@pytest.mark.parametrize("lowering", LOWERINGS)
@pytest.mark.parametrize("name,oracle", [("sign", np.sign), ("is_finite", np.isfinite), ("neg", np.negative),
                                         ("abs", np.abs)])
def test_nan_and_inf(name, oracle, lowering, dtype):
    x = NAN_INF.astype(dtype.np)
    (out,) = run(lowering, name, x)
    want = oracle(x.astype(np.float64))
    check(out, want.astype(out.dtype if name == "is_finite" else dtype.np))
    assert out.dtype == (np.bool_ if name == "is_finite" else dtype.np)


@pytest.mark.parametrize("lowering", LOWERINGS)
@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=str)
def test_round_half_to_even(lowering, dtype):
    x = np.array([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 3.5, 0.49], dtype.np)
    (out,) = run(lowering, "round", x)
    check(out, np.array([0, 2, 2, 0, -2, -2, 4, 0], dtype.np))


@pytest.mark.parametrize("lowering", LOWERINGS)
def test_special_functions_wide_range_float64(lowering):
    """float64 accuracy of the hand-written reference functions over wider ranges (and the JAX rules)."""
    t = np.linspace(-0.999999, 0.999999, 41)
    cases = {"erfinv": np.concatenate([t, [1 - 1e-12, -1 + 1e-15, 1e-300, 0.0]]),
             "digamma": np.array([1e-8, 0.3, 1.4616321449683622, 2.0, 9.99, 10.0, 37.5, 1e6, -0.5, -1.3, -7.8]),
             "lgamma": np.array([1e-6, 0.5, 1.0, 2.0, 3.7, 30.0, 170.5, -0.5, -2.3]),
             "erf": np.array([-6.0, -1.0, -1e-9, 0.0, 0.3, 2.0, 5.0])}
    oracles = {"erfinv": sp.erfinv, "digamma": sp.psi, "lgamma": sp.gammaln, "erf": sp.erf}
    for name, x in cases.items():
        (out,) = run(lowering, name, x, rtol=1e-11, atol=1e-13)
        if lowering == "numpy" or name != "erfinv":  # XLA's float64 erfinv is ~1e-10 near |x| = 1
            np.testing.assert_allclose(out, oracles[name](x), rtol=1e-12, atol=1e-13, err_msg=name)


@pytest.mark.parametrize("lowering", LOWERINGS)
def test_special_function_edges(lowering):
    (inv,) = run(lowering, "erfinv", np.array([1.0, -1.0, 1.5, np.nan]))
    np.testing.assert_array_equal(inv, [np.inf, -np.inf, np.nan, np.nan])
    (psi,) = run(lowering, "digamma", np.array([0.0, -1.0, -2.0, np.nan, np.inf]))
    np.testing.assert_array_equal(psi, [np.nan, np.nan, np.nan, np.nan, np.inf])
    (lg,) = run(lowering, "lgamma", np.array([0.0, -1.0, np.inf, np.nan]))
    np.testing.assert_array_equal(lg, [np.inf, np.inf, np.inf, np.nan])
    (s,) = run(lowering, "logistic", np.array([-800.0, 800.0, 0.0], np.float32))
    np.testing.assert_array_equal(s, np.array([0.0, 1.0, 0.5], np.float32))


@pytest.mark.parametrize("dtype", [DType.bool, *INT_DTYPES], ids=str)
@pytest.mark.parametrize("lowering", LOWERINGS)
def test_not(lowering, dtype):
    x = random_array(SHAPE, dtype, rng("not", dtype))
    (out,) = run(lowering, "not", x)
    check(out, np.logical_not(x) if dtype.is_bool else np.invert(x))


# ---------------------------------------------------------------------------------------------- binary
def _trunc_div(x, y):
    return np.trunc(x.astype(np.float64) / y.astype(np.float64))


def _nonzero(y: np.ndarray) -> np.ndarray:
    return np.where(y == 0, np.ones_like(y), y)


# name -> (oracle on float64 values, dtypes). Integer results are small, so float64 is exact for them.
NUMERIC_BINARY = {
    "add": np.add, "sub": np.subtract, "mul": np.multiply, "div": _trunc_div, "rem": np.fmod,
    "max": np.maximum, "min": np.minimum,
}


@pytest.mark.parametrize("dtype", NUMERIC, ids=str)
@pytest.mark.parametrize("lowering", LOWERINGS)
@pytest.mark.parametrize("name", sorted(NUMERIC_BINARY))
def test_numeric_binary(name, lowering, dtype):
    g = rng(name, dtype)
    x, y = random_array(SHAPE, dtype, g), random_array(SHAPE, dtype, g)
    if name in ("div", "rem"):
        y = _nonzero(y)
    if dtype.is_unsigned and name == "sub":
        x, y = np.maximum(x, y), np.minimum(x, y)
    oracle = NUMERIC_BINARY[name]
    if name == "div" and dtype.is_floating:
        oracle = np.divide
    (out,) = run(lowering, name, x, y)
    check(out, in_float64(oracle, x, y, dtype=dtype))


@pytest.mark.parametrize("dtype", INT_DTYPES, ids=str)
@pytest.mark.parametrize("lowering", LOWERINGS)
def test_integer_wraparound_and_signs(lowering, dtype):
    info = np.iinfo(dtype.np)
    x = np.array([info.max, info.min, 7, 7, info.max], dtype.np)
    y = np.array([1, info.max, 2, 3, 2], dtype.np)
    (added,) = run(lowering, "add", x, y)
    check(added, np.add(x, y))
    (product,) = run(lowering, "mul", x, y)
    check(product, np.multiply(x, y))
    if dtype.is_signed:
        a, b = np.array([-7, 7, -7, 7, -8], dtype.np), np.array([2, -2, -2, 2, 3], dtype.np)
        (q,) = run(lowering, "div", a, b)
        (r,) = run(lowering, "rem", a, b)
        check(q, np.array([-3, -3, 3, 3, -2], dtype.np))
        check(r, np.array([-1, 1, -1, 1, -2], dtype.np))  # sign of the dividend


@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=str)
@pytest.mark.parametrize("lowering", LOWERINGS)
@pytest.mark.parametrize("name,oracle", [("max", np.maximum), ("min", np.minimum)])
def test_max_min_propagate_nan(name, oracle, lowering, dtype):
    x = NAN_INF.astype(dtype.np)
    y = np.roll(x, 3)
    (out,) = run(lowering, name, x, y)
    want = oracle(x.astype(np.float64), y.astype(np.float64)).astype(dtype.np)
    check(out, want)
    assert np.array_equal(np.isnan(out), np.isnan(x) | np.isnan(y))


def _nextafter_oracle(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """One ulp from nonzero finite x toward y, by stepping the bit pattern (independent of np.nextafter)."""
    bits_type = {2: np.uint16, 4: np.uint32, 8: np.uint64}[x.dtype.itemsize]
    bits = x.view(bits_type).astype(np.int64)
    away_from_zero = (y.astype(np.float64) > x.astype(np.float64)) == (x.astype(np.float64) > 0)
    stepped = (bits + np.where(away_from_zero, 1, -1)).astype(bits_type).view(x.dtype)
    return np.where(x == y, y, stepped)


FLOAT_BINARY = {  # name -> (oracle, x range, y range)
    "pow": (np.power, (0.1, 3), (-2, 2)),
    "atan2": (np.arctan2, (-3, 3), (-3, 3)),
}


@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=str)
@pytest.mark.parametrize("lowering", LOWERINGS)
@pytest.mark.parametrize("name", ["pow", "atan2", "nextafter"])
def test_float_binary(name, lowering, dtype):
    g = rng(name, dtype)
    if name == "nextafter":
        x = random_array(SHAPE, dtype, g, low=0.5, high=3) * np.where(g.random(SHAPE) < 0.5, -1, 1).astype(dtype.np)
        y = random_array(SHAPE, dtype, g)
        y[0, :2] = x[0, :2]
        (out,) = run(lowering, name, x, y)
        np.testing.assert_array_equal(out.view(f"u{dtype.itemsize}"),
                                      _nextafter_oracle(x, y).view(f"u{dtype.itemsize}"))
        assert out.dtype == dtype.np
        return
    oracle, (xl, xh), (yl, yh) = FLOAT_BINARY[name]
    x, y = random_array(SHAPE, dtype, g, low=xl, high=xh), random_array(SHAPE, dtype, g, low=yl, high=yh)
    (out,) = run(lowering, name, x, y)
    check(out, in_float64(oracle, x, y, dtype=dtype))


@pytest.mark.parametrize("dtype", [DType.bool, *INT_DTYPES], ids=str)
@pytest.mark.parametrize("lowering", LOWERINGS)
@pytest.mark.parametrize("name,oracle", [("and", np.bitwise_and), ("or", np.bitwise_or), ("xor", np.bitwise_xor)])
def test_bitwise(name, oracle, lowering, dtype):
    g = rng(name, dtype)
    x, y = random_array(SHAPE, dtype, g), random_array(SHAPE, dtype, g)
    (out,) = run(lowering, name, x, y)
    check(out, oracle(x, y))


def _shift_oracle(name: str, x: np.ndarray, s: np.ndarray) -> np.ndarray:
    """Shifts on Python ints: the amount read as unsigned; >= bit width gives 0 (or the sign, arithmetic)."""
    bits = 8 * x.dtype.itemsize
    mod = 1 << bits
    out = []
    for v, amount in zip(x.ravel().tolist(), s.ravel().tolist()):
        pattern, amount = v % mod, amount % mod
        signed = pattern - mod if pattern >= mod // 2 else pattern
        if name == "shift_left":
            r = (pattern << amount) if amount < bits else 0
        elif name == "shift_right_logical":
            r = (pattern >> amount) if amount < bits else 0
        else:
            r = signed >> min(amount, bits - 1)
        out.append(r % mod)
    return np.array(out, np.uint64).astype(x.dtype).reshape(x.shape)


@pytest.mark.parametrize("dtype", INT_DTYPES, ids=str)
@pytest.mark.parametrize("lowering", LOWERINGS)
@pytest.mark.parametrize("name", ["shift_left", "shift_right_arithmetic", "shift_right_logical"])
def test_shifts(name, lowering, dtype):
    g = rng(name, dtype)
    bits = dtype.bits
    info = np.iinfo(dtype.np)
    x = g.integers(info.min, int(info.max) + 1, size=(4, 6), dtype=np.int64 if dtype != DType.uint32 else np.uint64)
    x = x.astype(dtype.np)
    x[0, 0], x[0, 1] = info.min, info.max
    amounts = [0, 1, bits - 1, bits, bits + 3, 2 * bits + 1] + ([-1, -bits] if dtype.is_signed else [])
    s = np.array([amounts[i % len(amounts)] for i in range(x.size)]).astype(dtype.np).reshape(x.shape)
    (out,) = run(lowering, name, x, s)
    check(out, _shift_oracle(name, x, s))


# ---------------------------------------------------------------------------------------------- comparisons
CMP = {"eq": np.equal, "ne": np.not_equal, "lt": np.less, "le": np.less_equal, "gt": np.greater,
       "ge": np.greater_equal}


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=str)
@pytest.mark.parametrize("lowering", LOWERINGS)
@pytest.mark.parametrize("name", COMPARISONS)
def test_comparisons(name, lowering, dtype):
    g = rng(name, dtype)
    x, y = random_array(SHAPE, dtype, g), random_array(SHAPE, dtype, g)
    y = np.where(g.random(SHAPE) < 0.3, x, y)  # some ties
    if dtype.is_floating:
        x, y = np.concatenate([x.ravel(), NAN_INF.astype(dtype.np)]), np.concatenate(
            [y.ravel(), np.roll(NAN_INF, 2).astype(dtype.np)])
    (out,) = run(lowering, name, x, y)
    check(out, CMP[name](x.astype(np.float64), y.astype(np.float64)) if dtype.is_floating else CMP[name](x, y))


# ---------------------------------------------------------------------------------------------- others
@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=str)
@pytest.mark.parametrize("lowering", LOWERINGS)
def test_select(lowering, dtype):
    g = rng("select", dtype)
    pred = random_array(SHAPE, "bool", g)
    a, b = random_array(SHAPE, dtype, g), random_array(SHAPE, dtype, g)
    (out,) = run(lowering, "select", pred, a, b)
    check(out, np.where(pred, a, b))


@pytest.mark.parametrize("dtype", NUMERIC, ids=str)
@pytest.mark.parametrize("lowering", LOWERINGS)
def test_clamp(lowering, dtype):
    g = rng("clamp", dtype)
    a, b, x = (random_array(SHAPE, dtype, g) for _ in range(3))
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    (out,) = run(lowering, "clamp", lo, x, hi)
    check(out, np.minimum(np.maximum(x, lo), hi))


def _convert_input(src: DType, dst: DType, g: np.random.Generator) -> np.ndarray:
    """Values every lowering converts identically: in range for dst, with zeros (for -> bool)."""
    if src.is_floating:
        low = 0.0 if dst.is_unsigned or dst.is_bool else -100.0
        x = random_array(SHAPE, src, g, low=low, high=100.0)
    else:
        x = random_array(SHAPE, src, g)
    x[0, :2] = 0
    return x


def _convert_oracle(x: np.ndarray, dst: DType) -> np.ndarray:
    if dst.is_bool:
        return x.astype(np.float64) != 0
    if x.dtype.kind == "f" or x.dtype == DType.bfloat16.np or x.dtype == np.float16:
        w = x.astype(np.float64)
        return (np.trunc(w) if dst.is_integer else w).astype(dst.np)
    return x.astype(dst.np)


@pytest.mark.parametrize("dst", ALL_DTYPES, ids=str)
@pytest.mark.parametrize("src", ALL_DTYPES, ids=str)
@pytest.mark.parametrize("lowering", LOWERINGS)
def test_convert(lowering, src, dst):
    x = _convert_input(src, dst, rng("convert", src, dst))
    (out,) = run(lowering, "convert", x, new_dtype=dst)
    check(out, _convert_oracle(x, dst))


@pytest.mark.parametrize("lowering", LOWERINGS)
def test_convert_truncates_toward_zero(lowering):
    x = np.array([-2.7, -0.5, 0.5, 2.7, -100.99, 99.99], np.float32)
    (out,) = run(lowering, "convert", x, new_dtype="int32")
    check(out, np.array([-2, 0, 0, 2, -100, 99], np.int32))


BITCAST_PAIRS = [(a, b) for a, b in itertools.product(ALL_DTYPES, repeat=2)
                 if not a.is_bool and not b.is_bool and a.bits == b.bits]


@pytest.mark.parametrize("lowering", LOWERINGS)
@pytest.mark.parametrize("src,dst", BITCAST_PAIRS, ids=lambda d: str(d))
def test_bitcast_convert(lowering, src, dst):
    x = random_array(SHAPE, src, rng("bitcast", src, dst))
    (out,) = run_prim(lowering, "bitcast_convert", x, new_dtype=dst)
    assert out.dtype == dst.np and out.shape == x.shape
    np.testing.assert_array_equal(out.view(f"u{dst.itemsize}"), x.view(f"u{src.itemsize}"))


def _wrapped_pow(x: np.ndarray, y: int) -> np.ndarray:
    mod = 1 << (8 * x.dtype.itemsize)
    return np.array([(int(v) ** y) % mod for v in x.ravel().tolist()], np.uint64).astype(x.dtype).reshape(x.shape)


@pytest.mark.parametrize("dtype", NUMERIC, ids=str)
@pytest.mark.parametrize("lowering", LOWERINGS)
def test_integer_pow(lowering, dtype):
    g = rng("integer_pow", dtype)
    if dtype.is_integer:
        x = random_array(SHAPE, dtype, g)
        for y in (0, 1, 2, 3, 7):
            (out,) = run(lowering, "integer_pow", x, y=y)
            check(out, _wrapped_pow(x, y))
        return
    x = (random_array(SHAPE, dtype, g, low=0.5, high=2.0) * np.where(g.random(SHAPE) < 0.5, -1, 1)).astype(dtype.np)
    for y in (-3, -1, 0, 1, 2, 5):
        (out,) = run(lowering, "integer_pow", x, y=y)
        check(out, in_float64(lambda v: v ** y, x, dtype=dtype))


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=str)
@pytest.mark.parametrize("lowering", LOWERINGS)
def test_identities(lowering, dtype):
    g = rng("identity", dtype)
    x, z = random_array(SHAPE, dtype, g), random_array((2,), "int32", g)
    check(run(lowering, "stop_gradient", x)[0], x)
    for spec in [(), ("data", None), (("data", "model"),)]:
        check(run(lowering, "sharding_constraint", x, spec=spec)[0], x)
    outs = run(lowering, "optimization_barrier", x, z)
    assert len(outs) == 2
    check(outs[0], x)
    check(outs[1], z)


def test_sharding_constraint_under_a_mesh():
    """With a mesh set, the JAX rule emits a sharding annotation (eagerly it places the array)."""
    import jax
    from jax.sharding import AxisType, PartitionSpec

    from hornet.lowering.jax.elementwise import sharding_constraint

    x = np.arange(12.0, dtype=np.float32).reshape(4, 3)
    for axis_type in (AxisType.Auto, AxisType.Explicit):
        mesh = jax.make_mesh((1,), ("data",), axis_types=(axis_type,))
        with jax.set_mesh(mesh):
            eager = sharding_constraint(jax.numpy.asarray(x), spec=("data", None))
            assert eager.sharding.spec == PartitionSpec("data", None)
            np.testing.assert_array_equal(np.asarray(eager), x)
            text = jax.jit(lambda a: sharding_constraint(a, spec=("data", None))).lower(x).as_text()
            assert "sharding" in text
    untouched = sharding_constraint(jax.numpy.asarray(x), spec=("model", None))  # no mesh: identity
    np.testing.assert_array_equal(np.asarray(untouched), x)


# ---------------------------------------------------------------------------------------------- registry, eager
def test_registry_entries():
    for name in ELEMENTWISE_PRIMS:
        prim = PRIMITIVES[name]
        assert "elementwise" in prim.tags, name
    for name in UNARY:
        assert "unary" in PRIMITIVES[name].tags
    for name in BINARY:
        assert "binary" in PRIMITIVES[name].tags
    for name in (*COMPARISONS, "is_finite", "not"):
        assert not PRIMITIVES[name].differentiable, name
    for name in ("add", "sin", "select", "convert", "stop_gradient", "integer_pow"):
        assert PRIMITIVES[name].differentiable, name
    assert PRIMITIVES["optimization_barrier"].multiple_results
    assert PRIMITIVES["convert"].attrs["new_dtype"].kind == "dtype"


def test_eager_bind():
    import jax

    from hornet.runtime.backend import using_backend
    from hornet.runtime.bind import bind

    out = bind("add", np.float32(1), np.float32(2))
    assert isinstance(out, jax.Array) and out.dtype == np.float32 and float(out) == 3.0
    assert bind("optimization_barrier", np.float32(1), np.int8(2))[1].dtype == np.int8
    with using_backend("numpy"):
        out = bind("div", np.array([-7], np.int32), np.array([2], np.int32))
        assert isinstance(out, np.ndarray) and out.tolist() == [-3] and out.dtype == np.int32
        assert bind("sin", np.float32(0.5)).dtype == np.float32
    with pytest.raises(DTypeError, match="floating point"):
        bind("sin", np.int32(1))


# ---------------------------------------------------------------------------------------------- errors
def infer(prim: str, *types: TensorType, **attrs: object):
    return prim_graph(prim, list(types), **attrs).output_types


F32 = TensorType("float32", (2, 3))
I32 = TensorType("int32", (2, 3))
BOOL = TensorType("bool", (2, 3))


@pytest.mark.parametrize("name", sorted(FLOAT_UNARY))
def test_float_unary_rejects_integers(name):
    with pytest.raises(DTypeError, match=rf"prim '{name}'.*floating point, got int32"):
        infer(name, I32)


@pytest.mark.parametrize("name", ["neg", "abs", "sign", "add", "max", "rem", "clamp", "integer_pow"])
def test_numeric_prims_reject_bool(name):
    n = PRIMITIVES[name].num_inputs
    attrs = {"y": 2} if name == "integer_pow" else {}
    with pytest.raises(DTypeError, match="numeric.*got bool"):
        infer(name, *[BOOL] * n, **attrs)


@pytest.mark.parametrize("name,dtype,phrase", [
    ("pow", "int32", "floating point"), ("atan2", "int8", "floating point"), ("nextafter", "int64", "floating"),
    ("and", "float32", "bool or integer"), ("not", "float16", "bool or integer"),
    ("shift_left", "bool", "integer, got bool"), ("shift_right_logical", "float32", "integer"),
    ("is_finite", "int32", "floating point"),
])
def test_dtype_classes(name, dtype, phrase):
    t = TensorType(dtype, (4,))
    with pytest.raises(DTypeError, match=phrase):
        infer(name, *[t] * PRIMITIVES[name].num_inputs)


@pytest.mark.parametrize("name", sorted(BINARY) + list(COMPARISONS))
def test_binary_shapes_and_dtypes_must_match(name):
    cls = BINARY.get(name, "numeric")
    dtype = {"float": "float32", "int": "int32", "bool_or_int": "int32"}.get(cls, "float32")
    a = TensorType(dtype, ("batch", 3))
    assert infer(name, a, a)[0] == (a.with_dtype("bool") if name in COMPARISONS else a)
    with pytest.raises(ShapeError, match=r"shapes differ: \[batch,3\] vs \[batch,4\]"):
        infer(name, a, TensorType(dtype, ("batch", 4)))
    with pytest.raises(ShapeError, match="shapes differ"):
        infer(name, a, TensorType(dtype, (3,)))
    other = "int64" if dtype != "int64" else "int32"
    with pytest.raises(DTypeError, match=rf"dtypes differ: {dtype} vs {other}"):
        infer(name, a, TensorType(other, ("batch", 3)))


def test_select_clamp_errors():
    with pytest.raises(DTypeError, match="predicate must be bool, got int32"):
        infer("select", I32, F32, F32)
    with pytest.raises(DTypeError, match="dtypes differ"):
        infer("select", BOOL, F32, I32)
    with pytest.raises(ShapeError, match="shapes differ"):
        infer("select", TensorType("bool", (3, 2)), F32, F32)
    with pytest.raises(DTypeError, match="dtypes differ"):
        infer("clamp", I32, F32, F32)
    with pytest.raises(ShapeError, match="shapes differ"):
        infer("clamp", TensorType("float32", ()), F32, F32)


def test_conversion_errors_and_types():
    assert infer("convert", F32, new_dtype="bfloat16")[0] == TensorType("bfloat16", (2, 3))
    assert infer("bitcast_convert", F32, new_dtype="uint32")[0] == TensorType("uint32", (2, 3))
    with pytest.raises(DTypeError, match=r"float32 \(32 bits\) to int16 \(16 bits\): bit widths differ"):
        infer("bitcast_convert", F32, new_dtype="int16")
    with pytest.raises(DTypeError, match="bool"):
        infer("bitcast_convert", BOOL, new_dtype="int8")
    with pytest.raises(DTypeError, match="negative exponent y=-1 needs a floating point operand, got int32"):
        infer("integer_pow", I32, y=-1)
    assert infer("integer_pow", F32, y=-2)[0] == F32


def test_sharding_constraint_spec_checks():
    assert infer("sharding_constraint", F32, spec=["data", None])[0] == F32
    with pytest.raises(ShapeError, match="at most 2 entries"):
        infer("sharding_constraint", F32, spec=("a", "b", "c"))
    with pytest.raises(ShapeError, match="entry 3"):
        infer("sharding_constraint", F32, spec=(3, None))


def test_optimization_barrier_types():
    assert infer("optimization_barrier", F32, I32, BOOL) == [F32, I32, BOOL]
    with pytest.raises(ShapeError, match="at least one"):
        infer("optimization_barrier")


def test_input_count_is_checked():
    with pytest.raises(ShapeError, match="expected 2 inputs, got 1"):
        infer("add", F32)


def test_every_rule_returns_an_ndarray_for_0d_inputs():
    """NumPy ufuncs turn 0-d arrays into scalars; the reference rules must still return ndarrays."""
    from hornet.lowering.numpy import RULES

    x = np.asarray(np.float32(0.25))
    for name in FLOAT_UNARY:
        out = RULES[name](x)
        assert isinstance(out, np.ndarray) and out.dtype == np.float32 and out.shape == (), name
    assert math.isclose(float(RULES["add"](x, x)), 0.5)
