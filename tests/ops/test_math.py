"""Elementwise math ops (hornet.api.ops.math): eager vs NumPy/SciPy, traced on each lowering vs eager, traced
types vs eager types, per op x dtype; plus the semantics that need care (floor division and remainders of
negatives, integer powers, rounding, NaN and inf handling) and broadcasting of mismatched shapes."""
from __future__ import annotations

import ml_dtypes
import numpy as np
import pytest
import scipy.special as sp

from helpers import LOWERINGS, assert_close, check_op, random_array, rng
import hornet
from hornet import ops
from hornet.ir.errors import DTypeError, ShapeError

SHAPE = (2, 3)


def inputs(dtype: str, low: float, high: float, *key: object, shape=SHAPE) -> np.ndarray:
    """Random values in [low, high): floats uniform, integers rounded into the range, bools random."""
    r = rng(dtype, low, high, *key)
    if dtype == "bool":
        return r.random(shape) < 0.5
    values = r.uniform(low, high, size=shape)
    if dtype.startswith("int"):
        values = np.clip(np.round(values), np.ceil(low), np.floor(high - 1e-9))
    return values.astype(ml_dtypes.bfloat16 if dtype == "bfloat16" else dtype)


def float_result(dtype: str) -> np.dtype:
    """What a float-only op returns for an input dtype (bool and integers compute in float32)."""
    return np.dtype(ml_dtypes.bfloat16) if dtype == "bfloat16" else np.dtype(
        dtype if dtype.startswith("float") else "float32")


def reference(fn, *arrays: np.ndarray, dtype) -> np.ndarray:
    with np.errstate(all="ignore"):
        return np.asarray(fn(*(np.asarray(a, np.float64) for a in arrays))).astype(dtype)


# name -> (numpy/scipy float64 reference, low, high): float-only unary ops
FLOAT_UNARY = {
    "sqrt": (np.sqrt, 0.1, 4.0), "rsqrt": (lambda x: 1 / np.sqrt(x), 0.2, 4.0), "cbrt": (np.cbrt, -4.0, 4.0),
    "exp": (np.exp, -3.0, 3.0), "exp2": (np.exp2, -3.0, 3.0), "expm1": (np.expm1, -2.0, 2.0),
    "log": (np.log, 0.1, 5.0), "log2": (np.log2, 0.1, 5.0), "log10": (np.log10, 0.1, 5.0),
    "log1p": (np.log1p, -0.5, 3.0), "sin": (np.sin, -3.0, 3.0), "cos": (np.cos, -3.0, 3.0),
    "tan": (np.tan, -1.2, 1.2), "arcsin": (np.arcsin, -0.9, 0.9), "arccos": (np.arccos, -0.9, 0.9),
    "arctan": (np.arctan, -3.0, 3.0), "sinh": (np.sinh, -2.0, 2.0), "cosh": (np.cosh, -2.0, 2.0),
    "tanh": (np.tanh, -2.0, 2.0), "arcsinh": (np.arcsinh, -3.0, 3.0), "arccosh": (np.arccosh, 1.1, 4.0),
    "arctanh": (np.arctanh, -0.9, 0.9), "erf": (sp.erf, -2.0, 2.0), "erfc": (sp.erfc, -2.0, 2.0),
    "erfinv": (sp.erfinv, -0.9, 0.9), "floor": (np.floor, -3.0, 3.0), "ceil": (np.ceil, -3.0, 3.0),
    "reciprocal": (lambda x: 1 / x, 0.5, 4.0), "sinc": (np.sinc, -2.0, 2.0),
    "deg2rad": (np.deg2rad, -180.0, 180.0), "rad2deg": (np.rad2deg, -3.0, 3.0),
}
# compositions of several rounded steps get a looser bound in bfloat16
LOOSE_BF16 = {"log2", "log10", "sinc", "erfc", "exp2", "rsqrt", "cbrt", "deg2rad", "rad2deg"}


# every op on float32, bfloat16 and int32; float16 and bool on a representative subset (keeps the file fast)
HALF_AND_BOOL = ("sqrt", "exp", "log", "sin", "tanh", "erf", "floor", "reciprocal", "log2", "sinc")
UNARY_CASES = [(n, d) for n in sorted(FLOAT_UNARY) for d in ("float32", "bfloat16", "int32")] + [
    (n, d) for n in HALF_AND_BOOL for d in ("float16", "bool")]


@pytest.mark.parametrize("name,dtype", UNARY_CASES)
def test_float_unary(name: str, dtype: str) -> None:
    ref, low, high = FLOAT_UNARY[name]
    x = inputs(dtype, low, high, name)
    want = reference(ref, x, dtype=float_result(dtype))
    rtol = 4e-2 if dtype == "bfloat16" and name in LOOSE_BF16 else None
    got = check_op(getattr(ops, name), x, expected=want, rtol=rtol, atol=rtol)
    assert got.dtype == float_result(dtype)


# name -> (numpy reference on the input dtype, dtypes it accepts)
SAME_DTYPE_UNARY = {
    "negative": (np.negative, ("float32", "float16", "bfloat16", "int32", "int8")),
    "abs": (np.abs, ("float32", "float16", "bfloat16", "int32", "uint8", "bool")),
    "absolute": (np.abs, ("float32", "int32")),
    "sign": (np.sign, ("float32", "float16", "bfloat16", "int32", "uint8")),
    "trunc": (np.trunc, ("float32", "float16", "bfloat16", "int32", "bool")),
    "round": (np.round, ("float32", "float16", "bfloat16", "int32")),
    "square": (np.square, ("float32", "float16", "bfloat16", "int32")),
    "real": (np.real, ("float32", "int32", "bool")),
    "conj": (np.conj, ("float32", "int32")),
    "conjugate": (np.conjugate, ("float32",)),
    "copy": (np.copy, ("float32", "int32", "bool")),
    "imag": (np.zeros_like, ("float32", "int32", "bool")),
    "stop_gradient": (lambda x: x, ("float32", "int32")),
    "nan_to_num": (np.nan_to_num, ("float32", "int32", "bool")),
}


@pytest.mark.parametrize("name,dtype", [(n, d) for n, (_, ds) in sorted(SAME_DTYPE_UNARY.items()) for d in ds])
def test_same_dtype_unary(name: str, dtype: str) -> None:
    x = inputs(dtype, -4.0, 4.0, name)
    if dtype == "uint8":
        x = inputs(dtype, 0.0, 9.0, name)
    want = SAME_DTYPE_UNARY[name][0](x).astype(x.dtype)
    got = check_op(getattr(ops, name), x, expected=want)
    assert got.dtype == x.dtype


def test_square_of_bool_is_int32() -> None:
    got = check_op(ops.square, np.array([True, False]), expected=np.array([1, 0], np.int32))
    assert got.dtype == np.int32


@pytest.mark.parametrize("name", ["negative", "sign", "round"])
def test_bool_rejected(name: str) -> None:
    with pytest.raises(DTypeError, match=name):
        getattr(ops, name)(np.array([True, False]))


# name -> (numpy reference, accepted dtypes, (low, high) of both operands, float result?)
BINARY = {
    "add": (np.add, ("float32", "float16", "bfloat16", "int32", "uint8"), (-4, 4), False),
    "subtract": (np.subtract, ("float32", "float16", "bfloat16", "int32"), (-4, 4), False),
    "multiply": (np.multiply, ("float32", "float16", "bfloat16", "int32", "uint8"), (-4, 4), False),
    "divide": (np.divide, ("float32", "float16", "bfloat16", "int32"), (0.5, 4), True),
    "true_divide": (np.true_divide, ("float32", "int32"), (0.5, 4), True),
    "floor_divide": (np.floor_divide, ("float32", "float16", "int32", "uint8"), (1, 9), False),
    "mod": (np.mod, ("float32", "float16", "int32", "uint8"), (1, 9), False),
    "fmod": (np.fmod, ("float32", "float16", "int32", "uint8"), (1, 9), False),
    "power": (np.power, ("float32", "float16", "int32"), (0.5, 3), False),
    "maximum": (np.maximum, ("float32", "float16", "bfloat16", "int32", "uint8"), (-4, 4), False),
    "minimum": (np.minimum, ("float32", "float16", "bfloat16", "int32", "uint8"), (-4, 4), False),
    "fmax": (np.fmax, ("float32", "float16", "int32"), (-4, 4), False),
    "fmin": (np.fmin, ("float32", "float16", "int32"), (-4, 4), False),
    "arctan2": (np.arctan2, ("float32", "float16", "int32"), (-4, 4), True),
    "hypot": (np.hypot, ("float32", "float16", "bfloat16", "int32"), (-4, 4), True),
    "logaddexp": (np.logaddexp, ("float32", "float16", "int32"), (-4, 4), True),
    "logaddexp2": (np.logaddexp2, ("float32", "float16", "int32"), (-4, 4), True),
    "heaviside": (np.heaviside, ("float32", "int32"), (-2, 2), True),
    "nextafter": (np.nextafter, ("float32", "float16"), (-4, 4), True),
    "divide_no_nan": (lambda a, b: np.where(b == 0, 0, a / np.where(b == 0, 1, b)), ("float32", "int32"), (-2, 2),
                      True),
}


@pytest.mark.parametrize("name,dtype", [(n, d) for n, (_, ds, _, _) in sorted(BINARY.items()) for d in ds])
def test_binary(name: str, dtype: str) -> None:
    ref, _, (low, high), float_out = BINARY[name]
    x = inputs(dtype, low, high, name, "x")
    y = inputs(dtype, low, high, name, "y", shape=SHAPE[1:])  # broadcasts against x
    out_dtype = float_result(dtype) if float_out else x.dtype
    if name == "nextafter":  # exact bit-level result: compute in the dtype itself
        want = np.nextafter(x, y)
    else:
        want = reference(ref, x, y, dtype=out_dtype)
        if not float_out and dtype.startswith(("int", "uint")):
            want = ref(x.astype(np.int64), y.astype(np.int64)).astype(out_dtype)
    got = check_op(getattr(ops, name), x, y, expected=want, rtol=4e-2 if dtype == "bfloat16" else None)
    assert got.dtype == out_dtype


@pytest.mark.parametrize("dtype", ["int32", "int8", "float32"])
def test_floor_divide_mod_fmod_signs(dtype: str) -> None:
    x = np.array([7, -7, 7, -7, 0, 6, -6, 5], dtype)
    y = np.array([2, 2, -2, -2, 3, -3, 4, 1], dtype)
    for name, ref in (("floor_divide", np.floor_divide), ("mod", np.mod), ("fmod", np.fmod)):
        check_op(getattr(ops, name), x, y, expected=ref(x, y))


def test_float_divmod_edge_cases() -> None:
    x = np.array([1.0, 5.0, -1.0, 1.0, np.inf, 5.5], np.float32)
    y = np.array([0.1, 0.0, np.inf, -np.inf, 3.0, -2.0], np.float32)
    with np.errstate(all="ignore"):
        check_op(ops.floor_divide, x, y, expected=np.floor_divide(x, y))
        check_op(ops.mod, x, y, expected=np.mod(x, y))


def test_integer_division_by_zero_is_zero() -> None:
    x, y = np.array([5, -5], np.int32), np.array([0, 0], np.int32)
    for name in ("floor_divide", "mod", "fmod"):
        check_op(getattr(ops, name), x, y, expected=np.zeros(2, np.int32))


def test_integer_power() -> None:
    x = np.array([2, 3, -2, 0, 1, -1, -1, 0, 2, 5], np.int32)
    y = np.array([10, 3, 3, 0, 100, 65, 64, 70, -1, -2], np.int32)
    want = np.array([1024, 27, -8, 1, 1, -1, 1, 0, 0, 0], np.int32)
    check_op(ops.power, x, y, expected=want)
    check_op(lambda a: ops.power(a, 3), x[:3], expected=np.array([8, 27, -8], np.int32))
    check_op(ops.power, x[:4].astype(np.uint8), y[:4].astype(np.uint8), expected=np.array([0, 27, 248, 1], np.uint8))


def test_power_scalars() -> None:
    x = np.array([1.5, -2.0, 0.0], np.float16)
    check_op(lambda a: ops.power(a, 2), x, expected=x * x)
    check_op(lambda a: ops.power(a, -1), x[:2], expected=1 / x[:2])
    got = check_op(lambda a: ops.power(2, a), np.array([1, 3], np.int32), expected=np.array([2, 8], np.int32))
    assert got.dtype == np.int32
    check_op(lambda a: ops.power(a, 0.5), np.array([4, 9], np.int32), expected=np.array([2.0, 3.0], np.float32))


@pytest.mark.parametrize("decimals", [0, 2, -1])
@pytest.mark.parametrize("dtype", ["float32", "float16", "int32", "int16"])
def test_round_decimals(dtype: str, decimals: int) -> None:
    if dtype.startswith("int"):
        x = np.array([125, 135, -125, -135, 150, 249, 251, 7, -3, 0], dtype)
    else:
        x = np.array([0.5, 1.5, 2.5, -0.5, 1.234, -7.891, 12.5, 0.0], dtype)
    got = check_op(lambda a: ops.round(a, decimals), x, expected=np.round(x, decimals))
    assert got.dtype == x.dtype


def test_round_int_beyond_range_is_zero() -> None:
    check_op(lambda a: ops.round(a, -3), np.array([127, -128, 3], np.int8), expected=np.zeros(3, np.int8))


def test_clip() -> None:
    x = np.array([[1, 5, 9], [-3, 4, 12]], np.int32)
    got = check_op(lambda a: ops.clip(a, 2, 6), x, expected=np.clip(x, 2, 6))
    assert got.dtype == np.int32
    got = check_op(lambda a: ops.clip(a, 2.5, 6), x, expected=np.clip(x, 2.5, 6).astype(np.float32))
    assert got.dtype == np.float32
    got = check_op(lambda a: ops.clip(a, 0, 1), np.array([True, False]), expected=np.array([1, 0], np.int32))
    f = np.array([np.nan, -1.0, 3.0], np.float32)
    check_op(lambda a, lo, hi: ops.clip(a, lo, hi), f, np.float32(0.0), np.float32(2.0), expected=np.clip(f, 0, 2))


def test_nan_and_inf_handling() -> None:
    a = np.array([np.nan, 1.0, np.nan, np.inf, -np.inf, np.inf], np.float32)
    b = np.array([2.0, np.nan, np.nan, np.inf, -np.inf, -np.inf], np.float32)
    with np.errstate(all="ignore"):
        for name in ("fmax", "fmin", "maximum", "minimum", "logaddexp", "logaddexp2", "hypot"):
            check_op(getattr(ops, name), a, b, expected=getattr(np, name)(a, b))
    check_op(ops.hypot, np.array([np.inf, 3e30], np.float32), np.array([np.nan, 4e30], np.float32),
             expected=np.array([np.inf, 5e30], np.float32))


def test_nan_to_num_arguments() -> None:
    x = np.array([np.nan, np.inf, -np.inf, 1.5], np.float16)
    check_op(ops.nan_to_num, x, expected=np.nan_to_num(x))
    check_op(lambda a: ops.nan_to_num(a, nan=-1.0, posinf=9.0, neginf=-9.0), x,
             expected=np.array([-1.0, 9.0, -9.0, 1.5], np.float16))


def test_sign_and_angle_special_values() -> None:
    x = np.array([np.nan, -0.0, 0.0, -2.0, 3.0], np.float32)
    check_op(ops.sign, x, expected=np.sign(x))
    check_op(ops.angle, x, expected=np.angle(x).astype(np.float32))
    got = check_op(ops.angle, np.array([-2, 3], np.int32), expected=np.array([np.pi, 0.0], np.float32))
    assert got.dtype == np.float32


@pytest.mark.parametrize("dtype", ["int32", "int8", "uint8", "int16"])
def test_gcd_lcm(dtype: str) -> None:
    signed = not dtype.startswith("u")
    x = np.array([0, 12, 7, 89, 0, 100, 55, 1, 96], dtype)
    y = np.array([0, 18, 21, 55, 5, 75, 34, 1, 64], dtype)
    if signed:
        x = x * np.array([1, -1, 1, 1, 1, -1, 1, -1, 1], dtype)
    check_op(ops.gcd, x, y, expected=np.gcd(x, y))
    small = slice(0, 4) if dtype in ("int8", "uint8") else slice(None)  # the lcm must not overflow
    check_op(ops.lcm, x[small], y[small], expected=np.lcm(x[small], y[small]))


def test_gcd_rejects_floats() -> None:
    with pytest.raises(DTypeError, match="gcd"):
        ops.gcd(np.array([1.0]), np.array([2.0]))


@pytest.mark.parametrize("dtype", ["float32", "float16", "int32"])
def test_ldexp(dtype: str) -> None:
    x = np.array([1.0, 3.0, -0.5, 2.0], dtype)
    e = np.array([2, -3, 10, -20], np.int32)
    out = float_result(dtype)
    check_op(ops.ldexp, x, e, expected=np.ldexp(x.astype(np.float64), e).astype(out))
    with pytest.raises(DTypeError, match="ldexp"):
        ops.ldexp(x, x.astype(np.float32))


def test_saturate_cast() -> None:
    x = np.array([-1.5, 0.4, 254.6, 300.0, np.inf, -np.inf], np.float32)
    check_op(lambda a: ops.saturate_cast(a, "uint8"), x, expected=np.array([0, 0, 254, 255, 255, 0], np.uint8))
    i = np.array([-70000, 5, 70000], np.int32)
    check_op(lambda a: ops.saturate_cast(a, "int16"), i, expected=np.array([-32768, 5, 32767], np.int16))
    big = np.array([3e9, -3e9], np.float32)
    got = check_op(lambda a: ops.saturate_cast(a, "int32"), big)
    assert got.tolist() == [2**31 - 128, -(2**31)]  # the largest float32 below 2**31
    check_op(lambda a: ops.saturate_cast(a, "float32"), np.array([True, False]), expected=np.array([1.0, 0.0],
                                                                                                   np.float32))


def test_divide_no_nan_zero_divisor() -> None:
    x, y = np.array([1.0, -2.0, 3.0], np.float32), np.array([0.0, 4.0, 0.0], np.float32)
    check_op(ops.divide_no_nan, x, y, expected=np.array([0.0, -0.5, 0.0], np.float32))


def test_heaviside_and_sinc_at_zero() -> None:
    check_op(ops.heaviside, np.array([-1.0, 0.0, 2.0], np.float32), np.array([0.5, 0.5, 0.5], np.float32),
             expected=np.array([0.0, 0.5, 1.0], np.float32))
    x = np.array([0.0, 1.0, 0.5], np.float32)
    check_op(ops.sinc, x, expected=np.sinc(x.astype(np.float64)).astype(np.float32))


def test_bool_arithmetic() -> None:
    t, f = np.array([True, True, False]), np.array([True, False, False])
    assert check_op(ops.add, t, f, expected=t | f).dtype == np.bool_
    assert check_op(ops.multiply, t, f, expected=t & f).dtype == np.bool_
    assert check_op(ops.maximum, t, f, expected=t | f).dtype == np.bool_
    assert check_op(ops.floor_divide, t, f).dtype == np.int32
    with pytest.raises(DTypeError, match="subtract"):
        ops.subtract(t, f)


def test_symbolic_batch_with_python_scalars() -> None:
    """Scalars next to a [batch, 3] tensor broadcast inside the graph; one graph serves every batch size."""
    fn = lambda x: ops.add(ops.multiply(x, 2), ops.clip(ops.floor_divide(x, 3.0), -1, 1))  # noqa: E731
    graph = hornet.trace(fn, hornet.TensorSpec((None, 3)))
    assert str(graph.output_types[0]) == "float32[batch,3]"
    from helpers import run_graph

    for batch in (1, 4):
        x = random_array((batch, 3), "float32")
        for lowering in LOWERINGS:
            assert_close(run_graph(lowering, graph, x)[0], np.asarray(fn(x)))


@pytest.mark.parametrize("name", ["add", "maximum", "power", "arctan2", "floor_divide"])
def test_shape_mismatch_error_names_both_shapes(name: str) -> None:
    with pytest.raises(ShapeError, match=r"\(2, 3\).*\(4,\)"):
        getattr(ops, name)(np.ones((2, 3), np.float32), np.ones((4,), np.float32))
    with pytest.raises(ShapeError, match=r"\(batch, 3\).*\(4,\)"):
        hornet.trace(lambda x: getattr(ops, name)(x, np.ones((4,), np.float32)), hornet.TensorSpec((None, 3)))


def test_broadcasting_both_sides() -> None:
    x = random_array((3, 1), "float32")
    y = random_array((1, 4), "float32", np.random.default_rng(1))
    check_op(ops.subtract, x, y, expected=x - y)
    check_op(ops.hypot, x, y, expected=np.hypot(x, y))


def test_errors_name_the_user_op() -> None:
    with pytest.raises(DTypeError, match="negative"):
        ops.negative(np.array([True]))
    g = hornet.trace(lambda x: ops.sqrt(x), hornet.TensorSpec((2,), "int32"))
    assert {n.op for n in g.nodes} == {"sqrt"}
