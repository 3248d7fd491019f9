"""fabs, i0, gammainc, trapezoid, corrcoef, argpartition, histogram and view: eager against Keras 3 on JAX (or
jax.scipy / NumPy), traced on each lowering against eager; plus their dtype rules and errors."""
import os

os.environ.setdefault("KERAS_BACKEND", "jax")

import jax.scipy.special as jsp  # noqa: E402
import keras  # noqa: E402
import ml_dtypes  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from helpers import check_op, rng  # noqa: E402
import hornet  # noqa: E402
from hornet import ops  # noqa: E402
from hornet.ir.errors import ShapeError  # noqa: E402

K = keras.ops


@pytest.mark.parametrize("dtype", ["int32", "float16"])
def test_fabs(dtype):
    x = (rng("fabs", dtype).uniform(-5, 5, (2, 3))).astype(dtype)
    want = np.asarray(K.fabs(x))
    got = check_op(ops.fabs, x, expected=want)
    assert got.dtype == want.dtype


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_i0_against_numpy_over_both_branches(dtype):
    x = np.concatenate([np.linspace(-40, 40, 41), [0.0, 14.9, 15.0, 15.1, 29.9, 30.1]]).astype(dtype)
    tol = 2e-6 if dtype == "float32" else 1e-13
    check_op(ops.i0, x, expected=np.i0(x.astype("float64")).astype(dtype), rtol=tol, atol=0)


@pytest.mark.parametrize("dtype,want", [("int32", "float32"), ("int64", "float64"), ("bfloat16", "bfloat16")])
def test_i0_dtypes_follow_keras(dtype, want):
    x = np.array([0, 1, 3], ml_dtypes.bfloat16 if dtype == "bfloat16" else dtype)
    got = np.asarray(ops.convert_to_numpy(ops.i0(x)))
    ref = np.asarray(K.i0(x))
    assert got.dtype == np.dtype(ml_dtypes.bfloat16 if want == "bfloat16" else want) == ref.dtype
    np.testing.assert_allclose(got.astype("float64"), ref.astype("float64"), rtol=1e-2)


def test_i0_gradient_is_i1():
    x = np.array([0.5, 3.0, 20.0], "float32")
    g = ops.convert_to_numpy(ops.grad(lambda v: ops.sum(ops.i0(v)))(x))
    i1 = np.asarray(jsp.i1(x.astype("float64")))
    np.testing.assert_allclose(g, i1, rtol=2e-5)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_gammainc_against_jax(dtype):
    r = rng("gammainc", dtype)
    a = np.concatenate([r.uniform(0.05, 40, 30), [0.5, 3.0, 200.0]]).astype(dtype)
    x = np.concatenate([r.uniform(0, 60, 30), [0.1, 4.0, 190.0]]).astype(dtype)
    want = np.asarray(jsp.gammainc(a.astype("float64"), x.astype("float64"))).astype(dtype)
    check_op(ops.gammainc, a, x, expected=want, rtol=0, atol=5e-6 if dtype == "float32" else 1e-12)  # JAX float32: 4e-6


def test_gammainc_edges_and_gradient():
    a = np.array([0.0, -1.0, 1.0, 1.0, 1.0, 2.0], "float32")
    x = np.array([1.0, 1.0, 0.0, -1.0, np.inf, np.nan], "float32")
    got = ops.convert_to_numpy(ops.gammainc(a, x))
    np.testing.assert_array_equal(got, np.asarray(jsp.gammainc(a, x)))
    dx = ops.convert_to_numpy(ops.grad(lambda v: ops.sum(ops.gammainc(2.5, v)))(np.array([1.0, 4.0], "float32")))
    pdf = np.array([1.0, 4.0]) ** 1.5 * np.exp(-np.array([1.0, 4.0])) / np.exp(jsp.gammaln(2.5))
    np.testing.assert_allclose(dx, pdf, rtol=1e-4)


@pytest.mark.parametrize("case", ["dx_axis0", "x_1d", "x_full", "int"])
def test_trapezoid(case):
    r = rng("trapezoid", case)
    y = r.normal(size=(3, 5)).astype("float32")
    if case == "dx_axis0":
        check_op(lambda v: ops.trapezoid(v, dx=0.5, axis=0), y, expected=np.asarray(K.trapezoid(y, dx=0.5, axis=0)))
    elif case == "x_1d":
        xs = np.sort(r.uniform(0, 4, 5)).astype("float32")
        check_op(lambda v, w: ops.trapezoid(v, x=w), y, xs, expected=np.asarray(K.trapezoid(y, x=xs)))
    elif case == "x_full":
        xs = np.sort(r.uniform(0, 4, (3, 5)), axis=1).astype("float32")
        check_op(lambda v, w: ops.trapezoid(v, x=w), y, xs, expected=np.asarray(K.trapezoid(y, x=xs)))
    else:
        yi = np.array([[1, 2, 3], [4, 5, 6]], "int32")
        got = check_op(lambda v: ops.trapezoid(v, axis=1), yi, expected=np.array([4.0, 10.0], "float32"))
        assert got.dtype == np.float32


def test_trapezoid_errors_name_the_op():
    with pytest.raises(ShapeError, match="trapezoid: x has 4 sample points"):
        ops.trapezoid(np.ones((2, 5), "float32"), x=np.ones(4, "float32"))


@pytest.mark.parametrize("dtype", ["float32", "int32"])
def test_corrcoef(dtype):
    x = (rng("corrcoef", dtype).normal(size=(4, 7)) * 5).astype(dtype)
    got = check_op(ops.corrcoef, x, expected=np.asarray(K.corrcoef(x)), rtol=1e-5, atol=1e-6)
    assert got.dtype == np.float32
    one = ops.convert_to_numpy(ops.corrcoef(x[0].astype("float32")))
    assert one.shape == () and float(one) == 1.0


@pytest.mark.parametrize("kth,axis", [(0, -1), (-2, 1), (1, 0), (5, None)])
def test_argpartition_matches_jax_order(kth, axis):
    x = rng("argpartition", kth, axis).permutation(21).reshape(3, 7).astype("float32")
    want = np.asarray(K.argpartition(x, kth, axis=axis))
    got = check_op(lambda v: ops.argpartition(v, kth, axis=axis), x, expected=want)
    assert got.dtype == np.int32


def test_argpartition_errors():
    with pytest.raises(TypeError, match="argpartition: kth must be an integer"):
        ops.argpartition(np.ones(3), 1.5)
    with pytest.raises(ShapeError, match="kth=3 is out of bounds"):
        ops.argpartition(np.ones(3), 3)


@pytest.mark.parametrize("kwargs", [{}, {"bins": 4}, {"bins": 3, "range": (0.2, 0.6)}])
def test_histogram(kwargs):
    x = rng("histogram", len(kwargs)).random(25).astype("float32")
    counts, edges = K.histogram(x, **kwargs)
    check_op(lambda v: ops.histogram(v, **kwargs), x, expected=(np.asarray(counts), np.asarray(edges)),
             rtol=1e-6, atol=1e-7)


def test_histogram_ints_constant_input_and_errors():
    counts, edges = ops.histogram(np.array([1, 2, 3, 3, 5], "int32"), bins=3)
    np.testing.assert_array_equal(ops.convert_to_numpy(counts), [2.0, 2.0, 1.0])
    assert ops.convert_to_numpy(edges).dtype == np.float32
    np.testing.assert_allclose(ops.convert_to_numpy(ops.histogram(np.ones(3, "float32"), bins=2)[1]), [0.5, 1, 1.5])
    with pytest.raises(ShapeError, match="histogram: x must be 1-dimensional"):
        ops.histogram(np.ones((2, 2)))
    with pytest.raises(ValueError, match="bins must be a non-negative integer"):
        ops.histogram(np.ones(3), bins=-1)
    with pytest.raises(ValueError, match="range must be a tuple"):
        ops.histogram(np.ones(3), range=[0, 1])


VIEWS = [("int32", "float32"), ("uint8", "float32"), ("float16", "int64"), ("bool", "int8"), ("bfloat16", "float16")]


@pytest.mark.parametrize("src,dst", VIEWS)
def test_view_reinterprets_bits_as_numpy(src, dst):
    r = rng("view", src, dst)
    if src == "bool":
        x = r.random((2, 8)) < 0.5
    else:
        x = r.integers(-100, 100, (2, 8)).astype("float32").astype(ml_dtypes.bfloat16 if src == "bfloat16" else src)
    want = x.view(np.dtype(dst))
    got = check_op(lambda v: ops.view(v, dst), x)
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_array_equal(got.view(np.uint8), want.view(np.uint8))


def test_view_errors():
    with pytest.raises(ShapeError, match="view: cannot view a scalar"):
        ops.view(np.float32(1.0), "int16")
    with pytest.raises(ShapeError, match="must be a multiple of 2"):
        ops.view(np.ones(3, "int16"), "int32")
    x = ops.convert_to_tensor(np.ones(3, "float32"))
    assert ops.view(x) is x


def test_numpy_namespace_lists_them():
    for name in ("fabs", "i0", "trapezoid", "corrcoef", "argpartition", "histogram", "view", "vectorize", "ndim"):
        assert name in hornet.ops.numpy.__all__ and callable(getattr(hornet.ops.numpy, name))
    assert hornet.ops.numpy.ndim(np.zeros((2, 3))) == keras.ops.numpy.ndim(np.zeros((2, 3))) == 2
