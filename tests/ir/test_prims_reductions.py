"""The reductions prims: shape/dtype rules (symbolic dims, errors) and both lowerings against NumPy, with
jax.lax called directly as the independent oracle for reduce_window."""
import numpy as np
import pytest

from helpers import LOWERINGS, TOLERANCE, assert_close, prim_graph, random_array, run_graph, run_prim
from hornet.ir.dtypes import dtype as to_dtype
from hornet.ir.errors import DTypeError, HornetError, ShapeError
from hornet.ir.types import TensorType

FLOATS = ("float16", "bfloat16", "float32", "float64")
NUMERIC = FLOATS + ("int32", "uint8")


def check(got, want, scale=None):
    """Equal dtypes and shapes; floats within the dtype's tolerance, with an absolute slack of rtol * the
    largest |term| (``scale``) so that sums which cancel are not judged by relative error."""
    got, want = np.asarray(got), np.asarray(want)
    assert got.dtype == want.dtype, f"dtype {got.dtype} != {want.dtype}"
    d = to_dtype(want.dtype)
    atol = None
    if d.is_floating and scale is not None:
        atol = TOLERANCE[d][0] * max(float(np.max(np.abs(scale), initial=0.0)), 1.0)
    assert_close(got, want, d, atol=atol)


def wide(x):
    return x.astype(np.float64) if to_dtype(x.dtype).is_floating else x


# --- reduce_* ----------------------------------------------------------------------------------------------------

REDUCE_ORACLES = {
    "reduce_sum": lambda x, axes: np.sum(wide(x), axis=axes, dtype=wide(x).dtype),
    "reduce_prod": lambda x, axes: np.prod(wide(x), axis=axes, dtype=wide(x).dtype),
    "reduce_max": lambda x, axes: np.max(x.astype(np.float32) if x.dtype.itemsize == 2 else x, axis=axes),
    "reduce_min": lambda x, axes: np.min(x.astype(np.float32) if x.dtype.itemsize == 2 else x, axis=axes),
}


@pytest.mark.parametrize("axes", [(1,), (0, 2), ()])
@pytest.mark.parametrize("dtype", NUMERIC)
@pytest.mark.parametrize("prim", sorted(REDUCE_ORACLES))
@pytest.mark.parametrize("lowering", LOWERINGS)
def test_reduce(lowering, prim, dtype, axes):
    x = random_array((3, 4, 5), dtype, np.random.default_rng(1), low=-2.0, high=2.0)
    (got,) = run_prim(lowering, prim, x, axes=axes)
    want = np.asarray(REDUCE_ORACLES[prim](x, axes)).astype(x.dtype)
    scale = np.sum(np.abs(wide(x)), axis=axes) if prim == "reduce_sum" else None
    check(got, want, scale)


@pytest.mark.parametrize("axes", [(0,), (1,), (0, 1)])
@pytest.mark.parametrize("prim,oracle", [("reduce_and", np.all), ("reduce_or", np.any)])
@pytest.mark.parametrize("lowering", LOWERINGS)
def test_reduce_bool(lowering, prim, oracle, axes):
    x = np.array([[True, True, True], [False, True, False], [False, False, False], [True, False, True]])
    (got,) = run_prim(lowering, prim, x, axes=axes)
    check(got, oracle(x, axis=axes))


EMPTY_IDENTITY = {"reduce_max": ("min", -np.inf), "reduce_min": ("max", np.inf)}


@pytest.mark.parametrize("dtype", NUMERIC)
@pytest.mark.parametrize("prim", sorted(EMPTY_IDENTITY))
@pytest.mark.parametrize("lowering", LOWERINGS)
def test_reduce_extreme_of_empty_axis_is_identity(lowering, prim, dtype):
    x = np.zeros((2, 0, 3), dtype=to_dtype(dtype).np)
    (got,) = run_prim(lowering, prim, x, axes=(1,))
    end, inf = EMPTY_IDENTITY[prim]
    value = inf if to_dtype(dtype).is_floating else getattr(np.iinfo(x.dtype), end)
    check(got, np.full((2, 3), value, dtype=x.dtype))


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("prim", ["reduce_max", "reduce_min", "reduce_sum"])
@pytest.mark.parametrize("lowering", LOWERINGS)
def test_reduce_propagates_nan(lowering, prim, dtype):
    x = np.array([[1.0, np.nan, -5.0], [2.0, -1.0, 7.0]], dtype=to_dtype(dtype).np)
    (got,) = run_prim(lowering, prim, x, axes=(1,))
    want = {"reduce_max": [np.nan, 7.0], "reduce_min": [np.nan, -1.0], "reduce_sum": [np.nan, 8.0]}[prim]
    check(got, np.array(want, dtype=x.dtype))


# --- argmax / argmin ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("axis", [0, 1])
@pytest.mark.parametrize("dtype", NUMERIC + ("bool",))
@pytest.mark.parametrize("prim,oracle", [("argmax", np.argmax), ("argmin", np.argmin)])
@pytest.mark.parametrize("lowering", LOWERINGS)
def test_arg_reduce(lowering, prim, oracle, dtype, axis):
    x = random_array((5, 6), dtype, np.random.default_rng(2), low=-1.0, high=1.0)
    if to_dtype(dtype).is_floating:
        x = np.round(x.astype(np.float32) * 2).astype(x.dtype)  # few distinct values: ties must pick the first
    (got,) = run_prim(lowering, prim, x, axis=axis)
    check(got, oracle(wide(x), axis=axis).astype(np.int32))


@pytest.mark.parametrize("index_dtype", ["int32", "int64", "uint8"])
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("prim", ["argmax", "argmin"])
@pytest.mark.parametrize("lowering", LOWERINGS)
def test_arg_reduce_first_nan_wins(lowering, prim, dtype, index_dtype):
    x = np.array([[1.0, np.nan, 9.0, np.nan], [-np.inf, 3.0, np.inf, 3.0], [2.0, 2.0, -2.0, -2.0]],
                 dtype=to_dtype(dtype).np)
    (got,) = run_prim(lowering, prim, x, axis=1, index_dtype=index_dtype)
    want = [1, 2, 0] if prim == "argmax" else [1, 0, 2]
    check(got, np.array(want, dtype=to_dtype(index_dtype).np))


# --- cumulative --------------------------------------------------------------------------------------------------

SCAN_ORACLES = {
    "cumsum": lambda x, axis: np.cumsum(wide(x), axis=axis, dtype=wide(x).dtype),
    "cumprod": lambda x, axis: np.cumprod(wide(x), axis=axis, dtype=wide(x).dtype),
    "cummax": lambda x, axis: np.maximum.accumulate(wide(x), axis=axis),
    "cummin": lambda x, axis: np.minimum.accumulate(wide(x), axis=axis),
}


@pytest.mark.parametrize("axis,reverse", [(0, False), (1, False), (1, True), (0, True)])
@pytest.mark.parametrize("dtype", NUMERIC)
@pytest.mark.parametrize("prim", sorted(SCAN_ORACLES))
@pytest.mark.parametrize("lowering", LOWERINGS)
def test_cumulative(lowering, prim, dtype, axis, reverse):
    x = random_array((4, 5), dtype, np.random.default_rng(3), low=-2.0, high=2.0)
    (got,) = run_prim(lowering, prim, x, axis=axis, reverse=reverse)
    flip = (lambda a: np.flip(a, axis)) if reverse else (lambda a: a)
    want = flip(SCAN_ORACLES[prim](flip(x), axis)).astype(x.dtype)
    scale = flip(np.cumsum(np.abs(wide(flip(x))), axis=axis)) if prim == "cumsum" else None
    check(got, want, scale)


@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("prim", ["cummax", "cummin", "cumsum"])
@pytest.mark.parametrize("lowering", LOWERINGS)
def test_cumulative_propagates_nan(lowering, prim, reverse):
    x = np.array([1.0, 4.0, np.nan, 0.5, 9.0], dtype=np.float32)
    (got,) = run_prim(lowering, prim, x, axis=0, reverse=reverse)
    nan_from = {False: slice(2, None), True: slice(None, 3)}[reverse]
    assert np.isnan(got[nan_from]).all() and not np.isnan(np.delete(got, np.arange(5)[nan_from])).any()


# --- reduce_window, against jax.lax.reduce_window called directly --------------------------------------------------

def lax_reduce_window(x, computation, window_dimensions, window_strides, padding, base_dilation=None,
                      window_dilation=None):
    """The oracle: jax.lax in float64 (floats) or int64 (ints, wrapped back), identity as the init value."""
    import jax
    from jax import lax

    jax.config.update("jax_enable_x64", True)
    d = to_dtype(x.dtype)
    work = x.astype(np.float64) if d.is_floating else x
    if d.is_floating:
        init = {"sum": 0.0, "max": -np.inf, "min": np.inf}[computation]
    else:
        info = np.iinfo(x.dtype)
        init = {"sum": 0, "max": info.min, "min": info.max}[computation]
    ones = (1,) * x.ndim
    out = lax.reduce_window(work, np.asarray(init, work.dtype), {"sum": lax.add, "max": lax.max, "min": lax.min}[
        computation], window_dimensions, window_strides, padding, base_dilation or ones, window_dilation or ones)
    return np.asarray(out).astype(x.dtype)


WINDOW_CASES = {  # name -> (shape, attrs)
    "max_pool_2x2_s2": ((2, 3, 6, 6), dict(computation="max", window_dimensions=(1, 1, 2, 2),
                                          window_strides=(1, 1, 2, 2), padding=((0, 0),) * 4)),
    "sum_pool_3x3_same": ((2, 2, 5, 5), dict(computation="sum", window_dimensions=(1, 1, 3, 3),
                                             window_strides=(1, 1, 1, 1), padding=((0, 0), (0, 0), (1, 1), (1, 1)))),
    "min_pool_stride_pad": ((1, 2, 7, 6), dict(computation="min", window_dimensions=(1, 1, 3, 2),
                                               window_strides=(1, 1, 2, 3), padding=((0, 0), (0, 0), (1, 0), (2, 1)))),
    "max_window_dilation": ((2, 9), dict(computation="max", window_dimensions=(1, 3), window_strides=(1, 2),
                                         padding=((0, 0), (1, 1)), window_dilation=(1, 2))),
    "sum_base_dilation": ((3, 5), dict(computation="sum", window_dimensions=(2, 3), window_strides=(1, 2),
                                       padding=((1, 0), (1, 2)), base_dilation=(1, 2))),
    "min_both_dilations": ((8,), dict(computation="min", window_dimensions=(3,), window_strides=(2,),
                                      padding=((2, 1),), base_dilation=(2,), window_dilation=(3,))),
    "sum_negative_padding": ((2, 8), dict(computation="sum", window_dimensions=(2, 2), window_strides=(1, 1),
                                          padding=((0, 0), (-2, -1)))),
    "max_3d_pool": ((1, 1, 4, 4, 4), dict(computation="max", window_dimensions=(1, 1, 2, 2, 2),
                                          window_strides=(1, 1, 2, 1, 2), padding=((0, 0),) * 5)),
    "window_larger_than_input": ((2, 3), dict(computation="max", window_dimensions=(1, 5), window_strides=(1, 1),
                                              padding=((0, 0), (0, 0)))),
}


def _check_window(lowering, x, attrs):
    (got,) = run_prim(lowering, "reduce_window", x, **attrs)
    want = lax_reduce_window(x, **attrs)
    scale = lax_reduce_window(np.abs(wide(x)), **attrs) if attrs["computation"] == "sum" else None
    check(got, want, scale)


@pytest.mark.parametrize("case", sorted(WINDOW_CASES))
@pytest.mark.parametrize("lowering", LOWERINGS)
def test_reduce_window_cases(lowering, case):
    shape, attrs = WINDOW_CASES[case]
    _check_window(lowering, random_array(shape, "float32", np.random.default_rng(4)), attrs)


@pytest.mark.parametrize("computation", ["sum", "max", "min"])
@pytest.mark.parametrize("dtype", NUMERIC)
@pytest.mark.parametrize("lowering", LOWERINGS)
def test_reduce_window_dtypes(lowering, dtype, computation):
    x = random_array((2, 7), dtype, np.random.default_rng(5))
    attrs = dict(computation=computation, window_dimensions=(1, 3), window_strides=(1, 2),
                 padding=((0, 0), (1, 2)), base_dilation=(1, 2))
    _check_window(lowering, x, attrs)


# --- select_and_scatter_add (the max/min reduce_window VJP) --------------------------------------------------------

EXTREME_CASES = sorted(name for name, (_, attrs) in WINDOW_CASES.items() if attrs["computation"] != "sum")
SCATTER_EXTRA = {  # the torch table's kernels: 1-d windows, overlapping windows, padding; then cases that decompose
    "max_1d_overlapping": ((3, 8, 4), dict(computation="max", window_dimensions=(1, 3, 1), window_strides=(1, 1, 1),
                                           padding=((0, 0), (1, 1), (0, 0)))),
    "min_nhwc_3x3_s2_same": ((2, 7, 7, 3), dict(computation="min", window_dimensions=(1, 3, 3, 1),
                                                window_strides=(1, 2, 2, 1), padding=((0, 0), (1, 1), (1, 1), (0, 0)))),
    "max_base_dilation": ((3, 5), dict(computation="max", window_dimensions=(2, 3), window_strides=(1, 2),
                                       padding=((1, 0), (1, 2)), base_dilation=(1, 2))),
}


def _scatter_case(name):
    return WINDOW_CASES[name] if name in WINDOW_CASES else SCATTER_EXTRA[name]


def _scatter(lowering, x, attrs, seed=6):
    window = prim_graph("reduce_window", [TensorType(str(x.dtype), x.shape)], **attrs).outputs[0].type
    source = random_array(window.shape, x.dtype, np.random.default_rng(seed))
    graph = prim_graph("select_and_scatter_add", [window, TensorType(str(x.dtype), x.shape)], **attrs)
    return source, run_graph(lowering, graph, source, x)[0]


def brute_select_and_scatter_add(source, x, computation, window_dimensions, window_strides, padding,
                                 base_dilation=None, window_dilation=None):
    """The oracle, one window at a time: the window's first extreme (row-major; a NaN first of all) gets the
    window's source value, unless it is padding or a base-dilation hole."""
    ones = (1,) * x.ndim
    base, wdil = base_dilation or ones, window_dilation or ones
    out = np.zeros(x.shape, np.float64)
    for o in np.ndindex(*source.shape):
        best, best_at = None, None
        for w in np.ndindex(*window_dimensions):
            p = [oi * s + wi * d - lo for oi, wi, s, d, (lo, _) in zip(o, w, window_strides, wdil, padding)]
            if any(pi % b or not 0 <= pi // b < n for pi, b, n in zip(p, base, x.shape)):
                continue  # the identity (padding or a hole) is never picked over a real element
            at = tuple(pi // b for pi, b in zip(p, base))
            v = x[at]
            better = best is None or (not np.isnan(best) and (
                np.isnan(v) or (v > best if computation == "max" else v < best)))
            if better:
                best, best_at = v, at
        if best_at is not None:
            out[best_at] += source[o]
    return out.astype(x.dtype)


@pytest.mark.parametrize("case", EXTREME_CASES + sorted(SCATTER_EXTRA))
@pytest.mark.parametrize("lowering", LOWERINGS)
def test_select_and_scatter_add_matches_one_window_at_a_time(lowering, case):
    shape, attrs = _scatter_case(case)
    x = np.random.default_rng(4).permutation(np.prod(shape)).reshape(shape).astype("float32")  # no ties
    source, got = _scatter(lowering, x, attrs)
    np.testing.assert_allclose(got, brute_select_and_scatter_add(source, x, **attrs), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("case", ["max_pool_2x2_s2", "max_3d_pool", "max_1d_overlapping", "min_nhwc_3x3_s2_same"])
@pytest.mark.parametrize("lowering", LOWERINGS)
def test_select_and_scatter_add_takes_the_first_extreme_and_the_first_nan(lowering, case, dtype):
    shape, attrs = _scatter_case(case)
    x = np.random.default_rng(8).integers(-1, 2, size=shape).astype(dtype)  # ties everywhere
    x.flat[::5] = np.nan
    x.flat[::7] = np.nan  # windows with several NaNs
    source, got = _scatter(lowering, x, attrs)
    np.testing.assert_allclose(got, brute_select_and_scatter_add(source, x, **attrs), rtol=1e-6, atol=1e-6)


# --- shape rules with symbolic dims --------------------------------------------------------------------------------

def infer(prim, *types, **attrs):
    return prim_graph(prim, list(types), **attrs).outputs[0].type


@pytest.mark.parametrize("prim,attrs,in_shape,out_shape", [
    ("reduce_sum", dict(axes=(1,)), ("batch", 3), ("batch",)),
    ("reduce_max", dict(axes=(0,)), ("batch", 3), (3,)),
    ("reduce_prod", dict(axes=(0, 2)), ("batch", "n", 4), ("n",)),
    ("argmax", dict(axis=1), ("batch", 3), ("batch",)),
    ("argmin", dict(axis=0), ("batch", 3), (3,)),
    ("cumsum", dict(axis=1, reverse=True), ("batch", 3), ("batch", 3)),
    ("cummax", dict(axis=0), ("batch", 3), ("batch", 3)),
    ("reduce_window", dict(computation="max", window_dimensions=(1, 2), window_strides=(1, 2),
                           padding=((0, 0), (0, 0))), ("batch", 8), ("batch", 4)),
    ("reduce_window", dict(computation="sum", window_dimensions=(3, 1), window_strides=(1, 1),
                           padding=((1, 0), (0, 0))), ("batch", 8), ("batch-1", 8)),
])
def test_shape_rule_symbolic(prim, attrs, in_shape, out_shape):
    out = infer(prim, TensorType("float32", in_shape), **attrs)
    want_dtype = "int32" if prim.startswith("arg") else "float32"
    assert out == TensorType(want_dtype, out_shape)


@pytest.mark.parametrize("lowering", LOWERINGS)
def test_symbolic_graph_runs_at_any_batch(lowering):
    graph = prim_graph("reduce_sum", [TensorType("float32", ("batch", 3))], axes=(1,))
    for batch in (1, 4):
        x = random_array((batch, 3), "float32")
        (got,) = run_graph(lowering, graph, x)
        check(got, np.sum(x.astype(np.float64), axis=1).astype(np.float32), np.sum(np.abs(x), axis=1))


@pytest.mark.parametrize("prim,in_type,attrs,error,match", [
    ("reduce_sum", ("bool", (3,)), dict(axes=(0,)), DTypeError, "numeric"),
    ("reduce_and", ("float32", (3,)), dict(axes=(0,)), DTypeError, "must be bool"),
    ("reduce_max", ("float32", (3, 4)), dict(axes=(2,)), ShapeError, r"axes \(2,\) are invalid for rank 2"),
    ("reduce_min", ("float32", (3, 4)), dict(axes=(1, 1)), ShapeError, "unique"),
    ("argmax", ("float32", (3, 0)), dict(axis=1), ShapeError, "axis 1 .* is empty"),
    ("argmin", ("float32", (3,)), dict(axis=0, index_dtype="float32"), DTypeError, "index_dtype"),
    ("argmax", ("float32", (3,)), dict(axis=1), ShapeError, "axis"),
    ("cumsum", ("bool", (3,)), dict(axis=0), DTypeError, "numeric"),
    ("cumprod", ("int32", (3,)), dict(axis=-1), ShapeError, "axis"),
    ("reduce_window", ("float32", (3, 4)), dict(computation="sum", window_dimensions=(2,), window_strides=(1, 1),
                                                padding=((0, 0), (0, 0))), ShapeError, "window_dimensions .* 2 entries"),
    ("reduce_window", ("float32", (4,)), dict(computation="max", window_dimensions=(2,), window_strides=(0,),
                                              padding=((0, 0),)), ShapeError, "window_strides .* >= 1"),
    ("reduce_window", ("float32", ("batch",)), dict(computation="max", window_dimensions=(2,), window_strides=(2,),
                                                    padding=((0, 0),)), ShapeError, "symbolic size batch"),
    ("reduce_window", ("float32", (4,)), dict(computation="sum", window_dimensions=(1,), window_strides=(1,),
                                              padding=((-3, -2),)), ShapeError, "crops more"),
    ("reduce_window", ("bool", (4,)), dict(computation="max", window_dimensions=(2,), window_strides=(1,),
                                           padding=((0, 0),)), DTypeError, "numeric"),
])
def test_shape_rule_errors(prim, in_type, attrs, error, match):
    with pytest.raises(error, match=match) as info:
        infer(prim, TensorType(*in_type), **attrs)
    assert prim in str(info.value)  # the registry names the prim and the input types


def test_reduce_window_rejects_unknown_computation():
    with pytest.raises(HornetError, match="computation"):
        infer("reduce_window", TensorType("float32", (4,)), computation="mean", window_dimensions=(2,),
              window_strides=(1,), padding=((0, 0),))
