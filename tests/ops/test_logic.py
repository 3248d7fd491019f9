"""Comparisons, predicates, logical and bitwise ops (hornet.api.ops.logic): eager vs NumPy, traced on each
lowering vs eager, traced types vs eager types, per op x dtype; NaN/inf cases; broadcasting errors."""
from __future__ import annotations

import ml_dtypes
import numpy as np
import pytest

from helpers import check_op
import hornet
from hornet import ops
from hornet.ir.errors import DTypeError, ShapeError

SHAPE = (2, 4)
SPECIAL = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1.5, -2.0, 1e-3], np.float32)


def values(dtype: str, seed: int, shape=SHAPE) -> np.ndarray:
    """Small values with repeats (so comparisons see ties); floats include NaN, +-inf and -0.0."""
    r = np.random.default_rng(seed)
    if dtype == "bool":
        return r.random(shape) < 0.5
    if dtype.startswith(("int", "uint")):
        low = 0 if dtype.startswith("u") else -3
        return r.integers(low, 4, size=shape).astype(dtype)
    base = SPECIAL if seed == 0 else r.choice(SPECIAL, size=SPECIAL.size)
    x = np.resize(base, shape)
    return x.astype(ml_dtypes.bfloat16 if dtype == "bfloat16" else dtype)


COMPARISONS = {"equal": np.equal, "not_equal": np.not_equal, "greater": np.greater,
               "greater_equal": np.greater_equal, "less": np.less, "less_equal": np.less_equal}
CMP_DTYPES = ("float32", "float16", "bfloat16", "int32", "uint8", "bool")


@pytest.mark.parametrize("dtype", CMP_DTYPES)
@pytest.mark.parametrize("name", sorted(COMPARISONS))
def test_comparisons(name: str, dtype: str) -> None:
    x, y = values(dtype, 0), values(dtype, 1)[0]  # y broadcasts along the rows
    want = COMPARISONS[name](x.astype(np.float64), y.astype(np.float64))
    assert check_op(getattr(ops, name), x, y, expected=want).dtype == np.bool_


PREDICATES = {"isfinite": np.isfinite, "isnan": np.isnan, "isinf": np.isinf, "isposinf": np.isposinf,
              "isneginf": np.isneginf, "signbit": np.signbit, "isreal": np.isreal}


@pytest.mark.parametrize("dtype", ("float32", "float16", "bfloat16", "int32", "uint8", "bool"))
@pytest.mark.parametrize("name", sorted(PREDICATES))
def test_predicates(name: str, dtype: str) -> None:
    x = values(dtype, 0)
    want = PREDICATES[name](x.astype(np.float64) if dtype != "bool" else x)
    if name == "signbit":  # -0.0 and NaN's sign need the dtype's own bits
        want = np.signbit(x.astype(np.float32)) if dtype != "bool" else np.zeros(SHAPE, bool)
    assert check_op(getattr(ops, name), x, expected=want).dtype == np.bool_


def test_signbit_of_negative_nan() -> None:
    x = np.array([-np.nan, np.nan, -0.0], np.float64)
    check_op(ops.signbit, x, expected=np.signbit(x))


LOGICAL = {"logical_and": np.logical_and, "logical_or": np.logical_or, "logical_xor": np.logical_xor}


@pytest.mark.parametrize("dtype", ("bool", "int32", "float32"))
@pytest.mark.parametrize("name", sorted(LOGICAL))
def test_logical(name: str, dtype: str) -> None:
    x, y = values(dtype, 0), values(dtype, 2)
    assert check_op(getattr(ops, name), x, y, expected=LOGICAL[name](x, y)).dtype == np.bool_


@pytest.mark.parametrize("dtype", ("bool", "int32", "float32"))
def test_logical_not(dtype: str) -> None:
    x = values(dtype, 0)
    check_op(ops.logical_not, x, expected=np.logical_not(x))


BITWISE = {"bitwise_and": np.bitwise_and, "bitwise_or": np.bitwise_or, "bitwise_xor": np.bitwise_xor}


@pytest.mark.parametrize("dtype", ("int32", "uint8", "int8", "bool"))
@pytest.mark.parametrize("name", sorted(BITWISE))
def test_bitwise(name: str, dtype: str) -> None:
    x, y = values(dtype, 0), values(dtype, 3)
    assert check_op(getattr(ops, name), x, y, expected=BITWISE[name](x, y)).dtype == x.dtype


@pytest.mark.parametrize("name", ["bitwise_not", "bitwise_invert"])
@pytest.mark.parametrize("dtype", ("int32", "uint8", "bool"))
def test_bitwise_invert(name: str, dtype: str) -> None:
    x = values(dtype, 0)
    check_op(getattr(ops, name), x, expected=np.invert(x))


SHIFTS = {"left_shift": np.left_shift, "bitwise_left_shift": np.left_shift, "right_shift": np.right_shift,
          "bitwise_right_shift": np.right_shift}


@pytest.mark.parametrize("dtype", ("int32", "uint8", "int16"))
@pytest.mark.parametrize("name", sorted(SHIFTS))
def test_shifts(name: str, dtype: str) -> None:
    x = values(dtype, 0) * 3
    s = np.array([0, 1, 2, 3], dtype)
    check_op(getattr(ops, name), x, s, expected=SHIFTS[name](x, s))


def test_shifts_of_bools_and_scalars() -> None:
    t = np.array([True, False])
    assert check_op(ops.left_shift, t, t, expected=np.array([2, 0], np.int32)).dtype == np.int32
    check_op(lambda x: ops.right_shift(x, 1), np.array([-8, 7], np.int8), expected=np.array([-4, 3], np.int8))
    with pytest.raises(DTypeError, match="left_shift"):
        ops.left_shift(np.ones(2, np.float32), 1)


@pytest.mark.parametrize("equal_nan", [False, True])
@pytest.mark.parametrize("dtype", ("float32", "float16", "int32"))
def test_isclose(dtype: str, equal_nan: bool) -> None:
    x = values(dtype, 0)
    y = x + (np.asarray(1e-7, x.dtype) if dtype != "int32" else 0)
    y[0, 5:] = y[0, 5:] + 1
    want = np.isclose(x, y, equal_nan=equal_nan)
    check_op(lambda a, b: ops.isclose(a, b, equal_nan=equal_nan), x, y, expected=want)
    check_op(lambda a, b: ops.isclose(a, b, rtol=0.5, atol=0.5), x, y, expected=np.isclose(x, y, 0.5, 0.5))


def test_allclose_is_a_scalar() -> None:
    x = np.array([[1.0, 2.0], [np.inf, 4.0]], np.float32)
    got = check_op(ops.allclose, x, x + 1e-7, expected=np.array(True))
    assert got.shape == () and got.dtype == np.bool_
    check_op(ops.allclose, x, x + 1, expected=np.array(False))
    check_op(lambda a: ops.allclose(a, 1.0), np.float32(1.0), expected=np.array(True))


def test_comparisons_with_scalars_keep_tensor_dtype() -> None:
    x = np.array([1, 2, 3], np.int8)
    g = hornet.trace(lambda a: ops.less(a, 2), x)
    assert {str(v.type) for n in g.nodes for v in n.inputs if n.prim == "lt"} == {"int8[3]"}
    check_op(lambda a: ops.greater(a, 1.5), x, expected=x > 1.5)


def test_bitwise_rejects_floats() -> None:
    with pytest.raises(DTypeError, match="bitwise_and"):
        ops.bitwise_and(np.ones(2, np.float32), np.ones(2, np.float32))


def test_broadcast_error_names_both_shapes() -> None:
    with pytest.raises(ShapeError, match=r"\(2, 3\).*\(2,\)"):
        ops.equal(np.ones((2, 3)), np.ones((2,)))
