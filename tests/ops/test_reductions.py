"""Reductions, sorting, order statistics and NaN-ignoring reductions (hornet.api.ops.reductions and the modules it
re-exports): eager vs NumPy/SciPy with Keras result dtypes, traced on each lowering vs eager, traced types vs
eager types, per op x dtype x axis/keepdims; symbolic batch dims; errors."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.special as sp

from helpers import LOWERINGS, check_op, rng
import hornet
from hornet import ops
from hornet.ir.errors import DTypeError, ShapeError
from hornet.ir.types import TensorType

SHAPE = (2, 3, 4)
DTYPES = ("float32", "float64", "int32", "bool")
AXES = ((None, False), (None, True), (1, False), ((0, -1), True))


def inputs(dtype: str, *key: object, shape=SHAPE) -> np.ndarray:
    """Floats in [-3, 3), integers in [-9, 9] (ties likely), random bools."""
    r = rng(dtype, *key)
    if dtype == "bool":
        return r.random(shape) < 0.5
    if dtype.startswith("int"):
        return r.integers(-9, 10, size=shape).astype(dtype)
    return r.uniform(-3, 3, size=shape).astype(dtype)


def with_nans(dtype: str, *key: object) -> np.ndarray:
    """Floats with scattered NaNs and one all-NaN slice along axis 1 (x[0, :, 2])."""
    x = inputs(dtype, *key)
    x[rng("nan", *key).random(SHAPE) < 0.3] = np.nan
    x[0, :, 2] = np.nan
    return x


def same(d: str) -> str:
    return d


def accumulated(d: str) -> str:
    return "int32" if d == "bool" else d


def floating(d: str) -> str:
    return d if d.startswith("float") else "float32"


def boolean(d: str) -> str:
    return "bool"


def check(fn, *arrays: np.ndarray, expected: np.ndarray, **tol):
    """check_op, plus: the eager result has exactly the expected dtype."""
    out = check_op(fn, *arrays, expected=expected, **tol)
    outs, wants = (out, expected) if isinstance(expected, list) else ([out], [expected])
    for got, want in zip(outs, wants):
        assert np.asarray(got).dtype == np.asarray(want).dtype, f"dtype {np.asarray(got).dtype} != {want.dtype}"
    return out


def reference(fn, x: np.ndarray, result: str, *args, **kwargs) -> np.ndarray:
    """NumPy reference: float results compute on float64 input; others on the input itself."""
    src = x.astype(np.float64) if np.dtype(result).kind == "f" else x
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.asarray(fn(src, *args, **kwargs)).astype(result)


# name -> (numpy/scipy reference taking axis= and keepdims=, result dtype rule, dtypes)
REDUCTIONS = {
    "sum": (np.sum, accumulated, DTYPES), "prod": (np.prod, accumulated, DTYPES),
    "mean": (np.mean, floating, DTYPES), "var": (np.var, floating, DTYPES), "std": (np.std, floating, DTYPES),
    "max": (np.max, same, DTYPES), "amax": (np.amax, same, DTYPES), "min": (np.min, same, DTYPES),
    "amin": (np.amin, same, DTYPES), "any": (np.any, boolean, DTYPES), "all": (np.all, boolean, DTYPES),
    "ptp": (np.ptp, same, ("float32", "float64", "int32")),
    "logsumexp": (sp.logsumexp, floating, ("float32", "float64", "int32")),
    "median": (np.median, floating, ("float32", "float64", "int32")),
}
ALIASES = ("amax", "amin")  # share max/min's code: float32 only


def sweep(names, dtypes_of, axes=AXES, others=(AXES[3],)):
    """(name, dtype, *axis case): every axis case for float32, ``others`` for the other dtypes."""
    return [(n, d, *a) for n in names for d in dtypes_of(n)
            for a in (axes if d == "float32" else others)]


@pytest.mark.parametrize("name,dtype,axis,keepdims",
                         sweep(REDUCTIONS, lambda n: ("float32",) if n in ALIASES else REDUCTIONS[n][2]))
def test_reduction(name, dtype, axis, keepdims):
    ref, rule, _ = REDUCTIONS[name]
    x = inputs(dtype, name)
    expected = reference(ref, x, rule(dtype), axis=axis, keepdims=keepdims)
    check(lambda a: getattr(ops, name)(a, axis=axis, keepdims=keepdims), x, expected=expected)


@pytest.mark.parametrize("dtype", ("float32", "int32", "bool"))
def test_sum_and_mean_of_small_ints_accumulate_wide(dtype):
    x = inputs(dtype, "wide").astype("int8") if dtype == "int32" else inputs(dtype, "wide")
    want_sum = {"int8": "int32", "bool": "int32"}.get(str(x.dtype), str(x.dtype))
    check(lambda a: ops.sum(a, axis=1), x, expected=x.sum(axis=1).astype(want_sum))
    check(lambda a: ops.mean(a, axis=1), x, expected=x.astype(np.float64).mean(axis=1).astype("float32"))


def test_prod_dtype_argument_and_bool():
    x = inputs("int32", "prod")
    check(lambda a: ops.prod(a, axis=0, dtype="float64"), x, expected=x.astype(np.float64).prod(axis=0))
    b = inputs("bool", "prod")
    check(lambda a: ops.prod(a, axis=2, dtype="bool"), b, expected=b.all(axis=2))


@pytest.mark.parametrize("dtype", ("float32", "int32", "bool"))
def test_max_min_initial(dtype):
    x = inputs(dtype, "initial")
    init = True if dtype == "bool" else 1
    check(lambda a: ops.max(a, axis=1, initial=init), x, expected=np.max(x, axis=1, initial=init))
    check(lambda a: ops.min(a, axis=(0, 2), keepdims=True, initial=init), x,
          expected=np.min(x, axis=(0, 2), keepdims=True, initial=init))


@pytest.mark.parametrize("name,dtype,axis,keepdims", sweep(("argmax", "argmin"), lambda n: DTYPES,
                                                            ((None, False), (None, True), (0, False), (-1, True)),
                                                            ((-1, True),)))
def test_arg_reductions(name, dtype, axis, keepdims):
    x = inputs(dtype, name)
    expected = getattr(np, name)(x, axis=axis, keepdims=keepdims).astype("int32")
    check(lambda a: getattr(ops, name)(a, axis=axis, keepdims=keepdims), x, expected=expected)


def test_argmax_ties_and_nans():
    x = np.array([[1.0, 3.0, 3.0, 0.0], [2.0, np.nan, 5.0, np.nan]], "float32")
    check(lambda a: ops.argmax(a, axis=1), x, expected=np.array([1, 1], "int32"))
    check(lambda a: ops.argmin(a, axis=1), x, expected=np.array([3, 1], "int32"))


@pytest.mark.parametrize("name,dtype,axis", sweep(("cumsum", "cumprod"), lambda n: DTYPES, ((None,), (1,), (-1,)),
                                                  ((None,),)))
def test_cumulative(name, dtype, axis):
    x = inputs(dtype, name)
    expected = getattr(np, name)(x, axis=axis).astype(accumulated(dtype))
    check(lambda a: getattr(ops, name)(a, axis=axis), x, expected=expected)


def test_cumsum_dtype_argument():
    x = inputs("int32", "cumdtype")
    check(lambda a: ops.cumsum(a, axis=0, dtype="float32"), x, expected=np.cumsum(x, axis=0).astype("float32"))


@pytest.mark.parametrize("dtype,axis", [("float32", None), ("float32", 1), ("float64", (0, 2)), ("int32", 1),
                                        ("bool", (0, 2))])
def test_count_nonzero(dtype, axis):
    x = inputs(dtype, "nonzero")
    if dtype.startswith("float"):
        x[0, 0, :2] = (0.0, np.nan)  # NaN counts as non-zero
    check(lambda a: ops.count_nonzero(a, axis=axis), x, expected=np.asarray(np.count_nonzero(x, axis=axis), "int32"))


@pytest.mark.parametrize("dtype", ("float32", "float64", "int32"))
def test_average(dtype):
    x = inputs(dtype, "average")
    w = rng("weights").uniform(0.5, 2.0, size=SHAPE).astype(dtype if dtype != "int32" else "float32")
    result = floating(dtype)
    check(lambda a: ops.average(a), x, expected=np.asarray(np.average(x.astype(np.float64)), result))
    check(lambda a, b: ops.average(a, axis=1, weights=b), x, w,
          expected=np.average(x.astype(np.float64), axis=1, weights=w).astype(result))
    w1 = w[0, :, 0].copy()
    check(lambda a, b: ops.average(a, axis=1, weights=b), x, w1,
          expected=np.average(x.astype(np.float64), axis=1, weights=w1).astype(result))


def test_logsumexp_of_minus_inf_and_large_values():
    x = np.array([[-np.inf, -np.inf], [1000.0, 1000.0]], "float32")
    check(lambda a: ops.logsumexp(a, axis=1), x, expected=np.array([-np.inf, 1000.0 + np.log(2.0)], "float32"))


# ---- sorting -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype,axis", [("float32", None), ("float32", 0), ("float64", -1), ("int32", -1),
                                        ("bool", 1)])
def test_sort_and_argsort(dtype, axis):
    x = inputs(dtype, "sort")
    check(lambda a: ops.sort(a, axis=axis), x, expected=np.sort(x, axis=axis))
    check(lambda a: ops.argsort(a, axis=axis), x, expected=np.argsort(x, axis=axis, kind="stable").astype("int32"))


def test_sort_puts_nans_last():
    x = np.array([3.0, np.nan, -1.0, np.inf, 0.5], "float32")
    check(ops.sort, x, expected=np.sort(x))
    check(ops.argsort, x, expected=np.argsort(x, kind="stable").astype("int32"))


@pytest.mark.parametrize("dtype", ("float32", "int32"))
def test_top_k(dtype):
    x = inputs(dtype, "top_k", shape=(3, 6))
    order = np.argsort(-x.astype(np.float64), axis=-1, kind="stable")[:, :3]  # ties: lower index first
    values, indices = check(lambda a: ops.top_k(a, 3), x,
                            expected=[np.take_along_axis(x, order, -1), order.astype("int32")])
    assert values.shape == indices.shape == (3, 3)


def test_in_top_k():
    preds = np.array([[0.1, 0.5, 0.4], [0.3, 0.3, 0.2], [np.nan, 0.5, 0.2], [0.7, 0.2, 0.1]], "float32")
    targets = np.array([2, 1, 0, 0], "int32")
    # rank = 1 + count of strictly larger scores; NaN scores never count as in the top k
    check(lambda t, p: ops.in_top_k(t, p, 1), targets, preds, expected=np.array([False, True, False, True]))
    check(lambda t, p: ops.in_top_k(t, p, 2), targets, preds, expected=np.array([True, True, False, True]))


# ---- order statistics ----------------------------------------------------------------------------------------

QUANTILE_METHODS = ("linear", "lower", "higher", "midpoint", "nearest")


@pytest.mark.parametrize("q,axis,keepdims", ((0.3, None, False), ([0.0, 0.5, 1.0], 1, True), (0.75, (0, 2), False)))
@pytest.mark.parametrize("method", QUANTILE_METHODS)
def test_quantile(method, q, axis, keepdims):
    x = inputs("float32", "quantile", method)
    expected = reference(np.quantile, x, "float32", q, axis=axis, method=method, keepdims=keepdims)
    check(lambda a: ops.quantile(a, q, axis=axis, method=method, keepdims=keepdims), x, expected=expected)


@pytest.mark.parametrize("dtype", ("float64", "int32"))
def test_percentile_and_tensor_q(dtype):
    x = inputs(dtype, "percentile")
    q = np.array([10.0, 30.0, 95.0], "float32")
    result = floating(dtype)
    # a tensor q is scaled in the position dtype (float64 here), so the reference gets q in float64 too
    check(lambda a, b: ops.percentile(a, b, axis=1), x, q,
          expected=reference(np.percentile, x, result, q.astype(np.float64), axis=1))
    check(lambda a: ops.percentile(a, 40, method="nearest"), x,
          expected=reference(np.percentile, x, result, 40, method="nearest"))


def test_quantile_and_median_propagate_nan():
    x = with_nans("float32", "qnan")
    check(lambda a: ops.median(a, axis=1), x, expected=reference(np.median, x, "float32", axis=1))
    check(lambda a: ops.quantile(a, 0.25, axis=2), x, expected=reference(np.quantile, x, "float32", 0.25, axis=2))


# ---- NaN-ignoring reductions ---------------------------------------------------------------------------------

NAN_REDUCTIONS = {
    "nansum": (np.nansum, same), "nanprod": (np.nanprod, same), "nanmean": (np.nanmean, same),
    "nanvar": (np.nanvar, same), "nanstd": (np.nanstd, same), "nanmax": (np.nanmax, same),
    "nanmin": (np.nanmin, same), "nanmedian": (np.nanmedian, same),
}


@pytest.mark.parametrize("name,dtype,axis,keepdims", sweep(NAN_REDUCTIONS, lambda n: ("float32", "float64"),
                                                            ((None, False), ((0, 1), True)), ((1, False),)))
def test_nan_reduction(name, dtype, axis, keepdims):
    ref, rule = NAN_REDUCTIONS[name]
    x = with_nans(dtype, name)
    expected = reference(ref, x, rule(dtype), axis=axis, keepdims=keepdims)
    check(lambda a: getattr(ops, name)(a, axis=axis, keepdims=keepdims), x, expected=expected)


@pytest.mark.parametrize("name", ("nansum", "nanprod", "nanmean", "nanvar", "nanmax", "nanargmax", "nancumsum"))
def test_nan_reductions_of_ints_are_plain(name):
    x = inputs("int32", name)
    plain = getattr(ops, name[3:])
    check(lambda a: getattr(ops, name)(a, axis=1), x, expected=np.asarray(plain(x, axis=1)))


@pytest.mark.parametrize("name,axis,keepdims", (("nanargmax", None, False), ("nanargmax", 1, False),
                                                 ("nanargmin", 2, True), ("nanargmin", 1, False)))
def test_nan_arg_reductions(name, axis, keepdims):
    x = with_nans("float32", name)
    filled = np.where(np.isnan(x), -np.inf if name == "nanargmax" else np.inf, x)
    want = getattr(np, name[3:])(filled, axis=axis, keepdims=keepdims)
    all_nan = np.isnan(x).all(axis=axis, keepdims=keepdims)
    check(lambda a: getattr(ops, name)(a, axis=axis, keepdims=keepdims), x,
          expected=np.where(all_nan, -1, want).astype("int32"))  # an all-NaN slice gives -1 (as JAX)


@pytest.mark.parametrize("name,axis", (("nancumsum", None), ("nancumprod", 1)))
def test_nan_cumulative(name, axis):
    x = with_nans("float64", name)
    check(lambda a: getattr(ops, name)(a, axis=axis), x, expected=getattr(np, name)(x, axis=axis))


@pytest.mark.parametrize("method", ("linear", "nearest"))
def test_nanquantile_and_nanpercentile(method):
    x = with_nans("float64", "nanq")
    check(lambda a: ops.nanquantile(a, [0.2, 0.9], axis=1, method=method), x,
          expected=reference(np.nanquantile, x, "float64", [0.2, 0.9], axis=1, method=method))
    check(lambda a: ops.nanpercentile(a, 75, axis=(0, 1), method=method), x,
          expected=reference(np.nanpercentile, x, "float64", 75, axis=(0, 1), method=method))


# ---- symbolic batch dims -------------------------------------------------------------------------------------

SYMBOLIC = {
    "mean0": (lambda x: ops.mean(x, axis=0), TensorType("float32", (8,))),
    "mean1": (lambda x: ops.mean(x, axis=1), TensorType("float32", ("batch",))),
    "var_all": (lambda x: ops.var(x, keepdims=True), TensorType("float32", (1, 1))),
    "std0": (lambda x: ops.std(x, axis=0), TensorType("float32", (8,))),
    "median0": (lambda x: ops.median(x, axis=0), TensorType("float32", (8,))),
    "quantile0": (lambda x: ops.quantile(x, [0.1, 0.9], axis=0), TensorType("float32", (2, 8))),
    "argmax_all": (lambda x: ops.argmax(x), TensorType("int32", ())),
    "argsort0": (lambda x: ops.argsort(x, axis=0), TensorType("int32", ("batch", 8))),
    "cumsum_flat": (lambda x: ops.cumsum(x), TensorType("float32", ("8*batch",))),
    "nanmean0": (lambda x: ops.nanmean(x, axis=0), TensorType("float32", (8,))),
    "average0": (lambda x: ops.average(x, axis=0), TensorType("float32", (8,))),
    "logsumexp1": (lambda x: ops.logsumexp(x, axis=1, keepdims=True), TensorType("float32", ("batch", 1))),
    "top_k": (lambda x: ops.top_k(x, 3)[0], TensorType("float32", ("batch", 3))),
    "in_top_k": (lambda x: ops.in_top_k(ops.argmin(x, axis=1), x, 2), TensorType("bool", ("batch",))),
}


@pytest.mark.parametrize("name", SYMBOLIC)
def test_symbolic_batch(name):
    from helpers import run_graph

    fn, want = SYMBOLIC[name]
    graph = hornet.trace(fn, hornet.TensorSpec((None, 8)))
    assert graph.output_types == [want]
    for batch, lowerings in ((5, LOWERINGS), (7, ("numpy",))):  # one graph serves every batch size
        x = inputs("float32", "symbolic", shape=(batch, 8))
        eager = np.asarray(fn(x))
        for lowering in lowerings:
            np.testing.assert_allclose(run_graph(lowering, graph, x)[0], eager, rtol=2e-5, atol=1e-6)


# ---- errors --------------------------------------------------------------------------------------------------

def test_errors():
    x = inputs("float32", "errors")
    with pytest.raises(ShapeError, match="axis 3 is out of bounds"):
        ops.sum(x, axis=3)
    with pytest.raises(ShapeError, match="repeated axis"):
        ops.mean(x, axis=(1, -2))
    with pytest.raises(ShapeError, match="zero-size"):
        ops.max(np.zeros((0, 3), "float32"), axis=0)
    with pytest.raises(DTypeError, match="ptp"):
        ops.ptp(inputs("bool", "errors"))
    with pytest.raises(ValueError, match=r"q must be in \[0, 1\]"):
        ops.quantile(x, 1.5)
    with pytest.raises(ValueError, match=r"q must be in \[0, 100\]"):
        ops.percentile(x, -1)
    with pytest.raises(ValueError, match="method must be one of"):
        ops.quantile(x, 0.5, method="cubic")
    with pytest.raises(ShapeError, match="weights of shape"):
        ops.average(x, axis=1, weights=np.ones(4, "float32"))
    with pytest.raises(ShapeError, match="exceeds the last dim"):
        ops.top_k(x, 5)
