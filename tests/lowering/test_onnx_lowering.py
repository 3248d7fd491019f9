"""The ONNX lowering: one-prim graphs against the NumPy reference (run with onnxruntime), the rule table against
the prim registry, built-in layer models end to end at two batch sizes, and the missing-rule error."""
from __future__ import annotations

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

from helpers import assert_close, prim_graph, random_array, rng, run_graph  # noqa: E402
from hornet.ir.prims import PRIMITIVES  # noqa: E402
from hornet.ir.tracer import SymbolicTensor, Trace  # noqa: E402
from hornet.ir.types import TensorType  # noqa: E402
from hornet.lowering.onnx import ONNX_RULES, REFUSED, OnnxLoweringError, to_onnx  # noqa: E402


def run_onnx(model, *arrays):
    sess = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    names = [i.name for i in sess.get_inputs()]
    return sess.run(None, {n: np.asarray(a) for n, a in zip(names, arrays)})


def check_graph(graph, arrays, dtype=None, rtol=None, atol=None):
    """Lower ``graph`` to ONNX, run it on onnxruntime and compare each output with the reference interpreter."""
    want = run_graph("numpy", graph, *arrays)
    model = to_onnx(graph, [f"x{i}" for i in range(len(arrays))], [f"y{i}" for i in range(len(want))])
    got = run_onnx(model, *arrays)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert g.dtype == w.dtype, (g.dtype, w.dtype)
        assert_close(g, w, dtype or w.dtype, rtol=rtol, atol=atol)
    return model


# --- elementwise ---------------------------------------------------------------------------------------------------

# unary prim -> input range (low, high) where it is defined
UNARY = {
    "neg": None, "abs": None, "sign": None, "floor": None, "ceil": None, "round": None, "exp": None,
    "expm1": (-2, 2), "log": (0.1, 3), "log1p": (-0.9, 3), "sqrt": (0, 3), "rsqrt": (0.1, 3), "cbrt": None,
    "sin": None, "cos": None, "tan": (-1.2, 1.2), "asin": (-0.99, 0.99), "acos": (-0.99, 0.99), "atan": None,
    "sinh": None, "cosh": None, "tanh": None, "asinh": None, "acosh": (1.01, 3), "atanh": (-0.99, 0.99),
    "logistic": None, "erf": None,
}


@pytest.mark.parametrize("dtype", ["float32", "float16"])
@pytest.mark.parametrize("prim", sorted(UNARY))
def test_unary_float(prim, dtype):
    low, high = UNARY[prim] or (-3, 3)
    x = random_array((2, 5), dtype, rng(prim, dtype), low=low, high=high)
    if prim == "round":
        x[0, :3] = np.array([0.5, 1.5, -2.5], dtype)  # half to even
    check_graph(prim_graph(prim, [TensorType(dtype, x.shape)]), [x])


@pytest.mark.parametrize("prim", ["neg", "abs", "sign", "exp", "tanh", "logistic", "sqrt"])
def test_unary_float64(prim):
    low, high = UNARY[prim] or (-3, 3)
    x = random_array((7,), "float64", rng(prim), low=low, high=high)
    check_graph(prim_graph(prim, [TensorType("float64", x.shape)]), [x])


@pytest.mark.parametrize("dtype", ["float32", "float16"])
def test_special_functions(dtype):
    x = np.array([-2.5, -0.7, 0.1, 0.5, 1.0, 1.7, 2.0, 3.3, 12.5, 40.0, -3.0, np.inf], dtype)
    for prim in ("lgamma", "digamma"):
        check_graph(prim_graph(prim, [TensorType(dtype, x.shape)]), [x], rtol=1e-4 if dtype == "float32" else None,
                    atol=1e-5 if dtype == "float32" else None)
    e = np.array([-0.999, -0.9, -0.3, 0.0, 0.2, 0.75, 0.99, 0.9999, 1.0, -1.0, 1.5], dtype)
    check_graph(prim_graph("erfinv", [TensorType(dtype, e.shape)]), [e], rtol=1e-4 if dtype == "float32" else None)


def test_expm1_log1p_are_accurate_near_zero():
    x = np.array([1e-7, -3e-6, 1e-3, 0.0], np.float32)
    for prim in ("expm1", "log1p"):
        check_graph(prim_graph(prim, [TensorType("float32", (4,))]), [x], rtol=1e-6, atol=0)


def test_sign_keeps_nan_and_is_finite():
    x = np.array([np.nan, -np.inf, -2.0, 0.0, 3.0, np.inf], np.float32)
    check_graph(prim_graph("sign", [TensorType("float32", (6,))]), [x])
    check_graph(prim_graph("is_finite", [TensorType("float32", (6,))]), [x])


BINARY_FLOAT = ["add", "sub", "mul", "div", "rem", "max", "min", "pow", "atan2"]


@pytest.mark.parametrize("dtype", ["float32", "float16"])
@pytest.mark.parametrize("prim", BINARY_FLOAT)
def test_binary_float(prim, dtype):
    r = rng(prim, dtype)
    x = random_array((3, 4), dtype, r, low=0.2 if prim == "pow" else -3)
    y = random_array((3, 4), dtype, r)
    if prim == "atan2":  # every quadrant and both axes
        x[0, :4], y[0, :4] = np.array([0, 1, -1, 0], dtype), np.array([0, 0, 0, -2], dtype)
    check_graph(prim_graph(prim, [TensorType(dtype, x.shape)] * 2), [x, y])


@pytest.mark.parametrize("dtype", ["int32", "int8", "int64", "uint8"])
@pytest.mark.parametrize("prim", ["add", "sub", "mul", "div", "rem", "max", "min", "and", "or", "xor"])
def test_binary_int(prim, dtype):
    r = rng(prim, dtype)
    x = random_array((3, 4), dtype, r, low=-40, high=40)
    y = random_array((3, 4), dtype, r)
    if prim in ("div", "rem"):
        y[y == 0] = 3
    check_graph(prim_graph(prim, [TensorType(dtype, x.shape)] * 2), [x, y])


@pytest.mark.parametrize("dtype", ["int32", "int8", "uint8", "uint32"])
@pytest.mark.parametrize("prim", ["shift_left", "shift_right_logical", "shift_right_arithmetic"])
def test_shifts(prim, dtype):
    x = random_array((12,), dtype, rng(prim, dtype), low=-40, high=40)
    bits = np.dtype(dtype).itemsize * 8
    y = np.array([0, 1, 3, bits - 1, bits, bits + 5, 2, 1, 0, 7, 4, 1], dtype)  # amounts >= width included
    check_graph(prim_graph(prim, [TensorType(dtype, x.shape)] * 2), [x, y])


@pytest.mark.parametrize("dtype", ["float32", "int32", "int8", "bool"])
@pytest.mark.parametrize("prim", ["eq", "ne", "lt", "le", "gt", "ge"])
def test_comparisons(prim, dtype):
    r = rng(prim, dtype)
    x = random_array((3, 4), dtype, r, low=-2, high=2)
    y = random_array((3, 4), dtype, r, low=-2, high=2)
    check_graph(prim_graph(prim, [TensorType(dtype, x.shape)] * 2), [x, y])


@pytest.mark.parametrize("dtype", ["bool", "int32"])
def test_not(dtype):
    x = random_array((5,), dtype, rng("not", dtype))
    check_graph(prim_graph("not", [TensorType(dtype, x.shape)]), [x])


@pytest.mark.parametrize("dtype", ["float32", "int32", "float16"])
def test_select_and_clamp(dtype):
    r = rng("select", dtype)
    p = random_array((6,), "bool", r)
    a, b = random_array((6,), dtype, r), random_array((6,), dtype, r)
    t = TensorType(dtype, (6,))
    check_graph(prim_graph("select", [TensorType("bool", (6,)), t, t]), [p, a, b])
    lo, hi = np.full(6, -1, dtype), np.full(6, 1, dtype)
    check_graph(prim_graph("clamp", [t, t, t]), [lo, a, hi])


@pytest.mark.parametrize("src, dst", [("float32", "int32"), ("float32", "bool"), ("bool", "float32"),
                                      ("int32", "float16"), ("float16", "float32"), ("float64", "int64"),
                                      ("int32", "uint8"), ("uint8", "int32")])
def test_convert(src, dst):
    x = random_array((8,), src, rng(src, dst), low=-4, high=4)
    if src == "float32":
        x[:3] = [-2.7, 2.7, 0.0]  # truncation toward zero, and 0 -> False
    check_graph(prim_graph("convert", [TensorType(src, (8,))], new_dtype=dst), [x])


@pytest.mark.parametrize("dtype, y", [("float32", 3), ("float32", -2), ("float32", 0), ("int32", 5)])
def test_integer_pow(dtype, y):
    x = random_array((5,), dtype, rng("ipow", dtype, y), low=0.5 if y < 0 else -3)
    check_graph(prim_graph("integer_pow", [TensorType(dtype, (5,))], y=y), [x])


def test_identities():
    x = random_array((2, 3), "float32")
    t = TensorType("float32", (2, 3))
    check_graph(prim_graph("stop_gradient", [t]), [x])
    check_graph(prim_graph("sharding_constraint", [t], spec=(None, None)), [x])
    check_graph(prim_graph("optimization_barrier", [t, TensorType("int32", (2,))]), [x, np.arange(2, dtype=np.int32)])


# --- structural ----------------------------------------------------------------------------------------------------

# (id, prim, input shapes, attrs): the data-carrying structural prims on float32 and int32/bool
STRUCTURAL = [
    ("bcast", "broadcast_in_dim", [(3, 1)], dict(shape=(2, 3, 4), broadcast_dimensions=(1, 2))),
    ("bcast_scalar", "broadcast_in_dim", [()], dict(shape=(2, 3), broadcast_dimensions=())),
    ("reshape", "reshape", [(2, 3, 4)], dict(new_sizes=(6, 4))),
    ("reshape_scalar", "reshape", [(1, 1)], dict(new_sizes=())),
    ("reshape_zero", "reshape", [(0, 4)], dict(new_sizes=(2, 0))),
    ("transpose", "transpose", [(2, 3, 4)], dict(permutation=(2, 0, 1))),
    ("rev", "rev", [(2, 3, 4)], dict(dimensions=(0, 2))),
    ("rev_none", "rev", [(2, 3)], dict(dimensions=())),
    ("slice", "slice", [(4, 5, 6)], dict(start_indices=(1, 0, 2), limit_indices=(3, 5, 6), strides=None)),
    ("slice_strided", "slice", [(4, 5, 6)], dict(start_indices=(0, 1, 1), limit_indices=(4, 5, 6),
                                                 strides=(2, 3, 1))),
    ("slice_empty", "slice", [(4, 5)], dict(start_indices=(2, 0), limit_indices=(2, 5), strides=None)),
    ("concat", "concatenate", [(2, 3), (2, 1), (2, 4)], dict(dimension=1)),
    ("concat_one", "concatenate", [(2, 3)], dict(dimension=0)),
]


@pytest.mark.parametrize("dtype", ["float32", "int32", "bool"])
@pytest.mark.parametrize("case", STRUCTURAL, ids=[c[0] for c in STRUCTURAL])
def test_structural(case, dtype):
    _, prim, shapes, attrs = case
    r = rng(case[0], dtype)
    xs = [random_array(s, dtype, r) for s in shapes]
    check_graph(prim_graph(prim, [TensorType(dtype, s) for s in shapes], **attrs), xs)


@pytest.mark.parametrize("dtype", ["float32", "int64", "float16"])
@pytest.mark.parametrize("shape, dimension", [((4,), 0), ((2, 3, 4), 1)])
def test_iota(dtype, shape, dimension):
    check_graph(prim_graph("iota", [], dtype=dtype, shape=shape, dimension=dimension), [])


@pytest.mark.parametrize("config", [((1, 2, 0), (0, 0, 0)), ((0, 0, 2), (1, 1, 1)), ((-1, 2, 1), (2, -1, 0)),
                                    ((0, 0, 0), (0, 0, 0))])
@pytest.mark.parametrize("dtype", ["float32", "int32"])
def test_pad(config, dtype):
    x = random_array((3, 4), dtype, rng("pad", config, dtype))
    value = np.asarray(7, dtype)
    check_graph(prim_graph("pad", [TensorType(dtype, (3, 4)), TensorType(dtype, ())], padding_config=config),
                [x, value])


@pytest.mark.parametrize("starts", [(1, 2), (-3, 9), (2, 0)])
def test_dynamic_slice_and_update(starts):
    x = random_array((4, 6), "float32", rng("dyn", starts))
    s = [np.int32(v) for v in starts]
    t = TensorType("int32", ())
    check_graph(prim_graph("dynamic_slice", [TensorType("float32", (4, 6)), t, t], slice_sizes=(2, 3)), [x, *s])
    u = random_array((2, 3), "float32", rng("upd", starts))
    check_graph(prim_graph("dynamic_update_slice", [TensorType("float32", (4, 6)), TensorType("float32", (2, 3)),
                                                    t, t]), [x, u, *s])


# --- indexing ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", ["float32", "int32", "int8"])
def test_gather_clamps(dtype):
    x = random_array((5, 3), dtype, rng("gather", dtype))
    idx = np.array([[0], [4], [-2], [9], [2]], np.int32)
    check_graph(prim_graph("gather", [TensorType(dtype, (5, 3)), TensorType("int32", (5, 1))]), [x, idx])
    idx2 = np.array([[1, 2], [7, -1]], np.int64)
    check_graph(prim_graph("gather", [TensorType(dtype, (5, 3)), TensorType("int64", (2, 2))]), [x, idx2])


@pytest.mark.parametrize("mode", ["set", "add", "mul", "min", "max"])
def test_scatter_drops_out_of_bounds_rows(mode):
    x = random_array((5, 3), "float32", rng("scatter", mode))
    idx = np.array([[0], [4], [-1], [7], [2]], np.int32)
    upd = random_array((5, 3), "float32", rng("upd", mode))
    graph = prim_graph("scatter", [TensorType("float32", (5, 3)), TensorType("int32", (5, 1)),
                                   TensorType("float32", (5, 3))], mode=mode)
    check_graph(graph, [x, idx, upd])


@pytest.mark.parametrize("descending", [False, True])
def test_sort_and_top_k(descending):
    x = np.array([[3, 1, 2, 1, 5], [0, 0, -1, 4, 4]], np.float32)
    pos = np.broadcast_to(np.arange(5, dtype=np.int32), (2, 5)).copy()
    graph = prim_graph("sort", [TensorType("float32", (2, 5)), TensorType("int32", (2, 5))], dimension=1,
                       descending=descending)
    check_graph(graph, [x, pos])  # equal keys keep their order (stable)
    check_graph(prim_graph("top_k", [TensorType("float32", (2, 5))], k=3), [x])


# --- reductions and windows ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", ["float32", "int32", "float16"])
@pytest.mark.parametrize("prim", ["reduce_sum", "reduce_prod", "reduce_max", "reduce_min"])
@pytest.mark.parametrize("axes", [(1,), (0, 2), ()])
def test_reduce(prim, dtype, axes):
    x = random_array((2, 3, 4), dtype, rng(prim, dtype, axes), low=-1.5, high=1.5)
    check_graph(prim_graph(prim, [TensorType(dtype, x.shape)], axes=axes), [x], rtol=1e-2 if dtype == "float16"
                else None)


@pytest.mark.parametrize("prim", ["reduce_and", "reduce_or"])
def test_reduce_bool(prim):
    x = random_array((3, 4), "bool", rng(prim))
    check_graph(prim_graph(prim, [TensorType("bool", (3, 4))], axes=(1,)), [x])


@pytest.mark.parametrize("prim", ["argmax", "argmin"])
@pytest.mark.parametrize("dtype", ["float32", "int32", "bool"])
def test_arg_reduce(prim, dtype):
    x = random_array((3, 5), dtype, rng(prim, dtype), low=-2, high=2)
    check_graph(prim_graph(prim, [TensorType(dtype, (3, 5))], axis=1, index_dtype="int32"), [x])


@pytest.mark.parametrize("prim", ["cumsum", "cumprod", "cummax", "cummin"])
@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("dtype", ["float32", "int32"])
def test_cumulative(prim, reverse, dtype):
    x = random_array((3, 7), dtype, rng(prim, reverse, dtype), low=-1.5, high=1.5)
    check_graph(prim_graph(prim, [TensorType(dtype, (3, 7))], axis=1, reverse=reverse), [x])


WINDOWS = [
    ("max_2d_nhwc", (2, 6, 6, 3), dict(computation="max", window_dimensions=(1, 2, 2, 1),
                                       window_strides=(1, 2, 2, 1), padding=((0, 0),) * 4)),
    ("max_same_pad", (2, 5, 5, 2), dict(computation="max", window_dimensions=(1, 3, 3, 1),
                                        window_strides=(1, 2, 2, 1), padding=((0, 0), (1, 1), (1, 1), (0, 0)))),
    ("sum_1d", (2, 7, 3), dict(computation="sum", window_dimensions=(1, 3, 1), window_strides=(1, 1, 1),
                               padding=((0, 0), (1, 1), (0, 0)))),
    ("min_dilated", (1, 9, 2), dict(computation="min", window_dimensions=(1, 3, 1), window_strides=(1, 2, 1),
                                    padding=((0, 0), (0, 0), (0, 0)), window_dilation=(1, 2, 1))),
    ("sum_3d", (1, 4, 4, 4, 2), dict(computation="sum", window_dimensions=(1, 2, 2, 2, 1),
                                     window_strides=(1, 2, 2, 2, 1), padding=((0, 0),) * 5)),
    ("max_crop", (1, 6, 2), dict(computation="max", window_dimensions=(1, 2, 1), window_strides=(1, 1, 1),
                                 padding=((0, 0), (-1, 2), (0, 0)))),
]


@pytest.mark.parametrize("dtype", ["float32", "float16"])
@pytest.mark.parametrize("case", WINDOWS, ids=[c[0] for c in WINDOWS])
def test_reduce_window(case, dtype):
    _, shape, attrs = case
    x = random_array(shape, dtype, rng(case[0], dtype))
    check_graph(prim_graph("reduce_window", [TensorType(dtype, shape)], **attrs), [x])


# --- contractions --------------------------------------------------------------------------------------------------

DOTS = [
    ("matmul", (3, 4), (4, 5), dict(lhs_contracting=(1,), rhs_contracting=(0,))),
    ("dense_3d", (2, 3, 4), (4, 5), dict(lhs_contracting=(2,), rhs_contracting=(0,))),
    ("batched", (2, 3, 4), (2, 5, 4), dict(lhs_contracting=(2,), rhs_contracting=(2,), lhs_batch=(0,),
                                           rhs_batch=(0,))),
    ("attention_like", (2, 3, 4, 5), (2, 6, 4, 5), dict(lhs_contracting=(3,), rhs_contracting=(3,),
                                                         lhs_batch=(0, 2), rhs_batch=(0, 2))),
    ("vector", (4,), (4,), dict(lhs_contracting=(0,), rhs_contracting=(0,))),
]


@pytest.mark.parametrize("dtype", ["float32", "int32", "float16"])
@pytest.mark.parametrize("case", DOTS, ids=[c[0] for c in DOTS])
def test_dot_general(case, dtype):
    _, ls, rs, attrs = case
    r = rng(case[0], dtype)
    a, b = random_array(ls, dtype, r), random_array(rs, dtype, r)
    check_graph(prim_graph("dot_general", [TensorType(dtype, ls), TensorType(dtype, rs)], **attrs), [a, b],
                rtol=1e-2 if dtype == "float16" else None, atol=1e-2 if dtype == "float16" else None)


def test_dot_general_preferred_and_bool():
    a, b = random_array((3, 4), "int8", rng("i8")), random_array((4, 2), "int8", rng("i8b"))
    attrs = dict(lhs_contracting=(1,), rhs_contracting=(0,))
    check_graph(prim_graph("dot_general", [TensorType("int8", (3, 4)), TensorType("int8", (4, 2))],
                           preferred_element_type="int32", **attrs), [a, b])
    p, q = random_array((3, 4), "bool", rng("b1")), random_array((4, 2), "bool", rng("b2"))
    check_graph(prim_graph("dot_general", [TensorType("bool", (3, 4)), TensorType("bool", (4, 2))], **attrs), [p, q])


CONVS = [
    ("conv1d", (2, 3, 9), (4, 3, 3), dict(window_strides=(1,), padding=((1, 1),), lhs_dilation=(1,),
                                          rhs_dilation=(1,))),
    ("conv2d_strided", (2, 3, 7, 6), (4, 3, 3, 2), dict(window_strides=(2, 1), padding=((1, 0), (0, 1)),
                                                       lhs_dilation=(1, 1), rhs_dilation=(1, 2))),
    ("depthwise", (1, 4, 6, 6), (8, 1, 3, 3), dict(window_strides=(1, 1), padding=((1, 1), (1, 1)),
                                                   lhs_dilation=(1, 1), rhs_dilation=(1, 1), feature_group_count=4)),
    ("transposed", (2, 3, 4, 5), (2, 3, 3, 3), dict(window_strides=(1, 1), padding=((2, 2), (1, 2)),
                                                    lhs_dilation=(2, 2), rhs_dilation=(1, 1))),
    ("negative_pad", (1, 2, 8), (3, 2, 2), dict(window_strides=(1,), padding=((-1, -2),), lhs_dilation=(1,),
                                                rhs_dilation=(1,))),
    ("conv3d", (1, 2, 4, 4, 4), (3, 2, 2, 2, 2), dict(window_strides=(1, 1, 1), padding=((0, 0),) * 3,
                                                      lhs_dilation=(1, 1, 1), rhs_dilation=(1, 1, 1))),
]


@pytest.mark.parametrize("dtype", ["float32", "float16"])
@pytest.mark.parametrize("case", CONVS, ids=[c[0] for c in CONVS])
def test_conv_general(case, dtype):
    _, ls, rs, attrs = case
    r = rng(case[0], dtype)
    a, b = random_array(ls, dtype, r), random_array(rs, dtype, r)
    check_graph(prim_graph("conv_general", [TensorType(dtype, ls), TensorType(dtype, rs)], **attrs), [a, b],
                rtol=1e-5 if dtype == "float32" else 2e-3, atol=1e-5 if dtype == "float32" else 2e-3)


# --- composites ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("prim, attrs", [("softmax", dict(axes=(1,))), ("softmax", dict(axes=(0, 1))),
                                         ("log_softmax", dict(axes=(1,))), ("logsumexp", dict(axes=(1,))),
                                         ("layer_norm", dict(axes=(1,), epsilon=1e-3)),
                                         ("layer_norm", dict(axes=(0,), epsilon=1e-5))])
@pytest.mark.parametrize("dtype", ["float32", "float16"])
def test_composites(prim, attrs, dtype):
    x = random_array((3, 5), dtype, rng(prim, attrs, dtype))
    check_graph(prim_graph(prim, [TensorType(dtype, (3, 5))], **attrs), [x])


@pytest.mark.parametrize("causal, mask", [(False, False), (True, True)])
def test_dot_product_attention(causal, mask):
    r = rng("dpa", causal, mask)
    q, k, v = (random_array(s, "float32", r) for s in [(2, 3, 4, 5), (2, 6, 2, 5), (2, 6, 2, 5)])
    types = [TensorType("float32", a.shape) for a in (q, k, v)]
    arrays = [q, k, v]
    if mask:
        m = random_array((2, 1, 3, 6), "bool", r)
        types.append(TensorType("bool", m.shape))
        arrays.append(m)
    graph = prim_graph("dot_product_attention", types, scale=None, is_causal=causal, has_bias=False,
                       has_mask=mask)
    check_graph(graph, arrays)


# --- control flow --------------------------------------------------------------------------------------------------

I32 = TensorType("int32", ())
F3 = TensorType("float32", (3,))


def _rec(tr, prim, *xs, regions=(), **attrs):
    from hornet.ir.prims import normalize_attrs

    p = PRIMITIVES[prim]
    return tr.record(p, xs, normalize_attrs(p, attrs), None, regions)


def _region(in_types, fn):
    tr = Trace("region")
    xs = [tr.new_input(t) for t in in_types]
    tr.graph.outputs = [o.value if isinstance(o, SymbolicTensor) else o for o in fn(tr, *xs)]
    return tr.graph


def test_cond():
    b0 = _region([F3, F3], lambda tr, x, y: [_rec(tr, "add", x, y)])
    b1 = _region([F3, F3], lambda tr, x, y: [x])  # returns an operand unchanged
    tr = Trace("main")
    i, x, y = tr.new_input(I32), tr.new_input(F3), tr.new_input(F3)
    (out,) = _rec(tr, "cond", i, x, y, regions=(b0, b1))
    tr.graph.outputs = [out.value]
    a, b = random_array((3,), "float32"), random_array((3,), "float32", rng("b"))
    for index in (-2, 0, 1, 5):
        check_graph(tr.graph, [np.int32(index), a, b])


def test_while_loop():
    cond = _region([I32, I32, F3], lambda tr, limit, i, x: [_rec(tr, "lt", i, limit)])

    def body(tr, scale, i, x):
        one = np.asarray(1, np.float32)
        ones = _rec(tr, "broadcast_in_dim", one, shape=(3,), broadcast_dimensions=())
        return [_rec(tr, "add", i, np.asarray(1, np.int32)), _rec(tr, "add", _rec(tr, "mul", x, scale), ones)]

    body_g = _region([F3, I32, F3], body)
    tr = Trace("main")
    limit, scale, i, x = tr.new_input(I32), tr.new_input(F3), tr.new_input(I32), tr.new_input(F3)
    outs = _rec(tr, "while_loop", limit, scale, i, x, regions=(cond, body_g), cond_nconsts=1, body_nconsts=1)
    tr.graph.outputs = [o.value for o in outs]
    s = np.array([0.5, -1.0, 2.0], np.float32)
    for start, stop in [(0, 4), (3, 3), (5, 2)]:
        check_graph(tr.graph, [np.int32(stop), s, np.int32(start), random_array((3,), "float32")])


@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("with_xs", [True, False])
def test_scan(reverse, with_xs):
    n = 4
    if with_xs:
        def body(tr, w, c, x):
            return [_rec(tr, "add", _rec(tr, "mul", c, w), x), c]
        body_g = _region([F3, F3, F3], body)
    else:
        def body(tr, w, c):
            return [_rec(tr, "mul", c, w), _rec(tr, "neg", c)]
        body_g = _region([F3, F3], body)
    tr = Trace("main")
    w, c = tr.new_input(F3), tr.new_input(F3)
    xs = [tr.new_input(TensorType("float32", (n, 3)))] if with_xs else []
    outs = _rec(tr, "scan", w, c, *xs, regions=(body_g,), num_consts=1, num_carry=1, length=(n,), reverse=reverse)
    tr.graph.outputs = [o.value for o in outs]
    r = rng("scan", reverse, with_xs)
    arrays = [random_array((3,), "float32", r), random_array((3,), "float32", r)]
    if with_xs:
        arrays.append(random_array((n, 3), "float32", r))
    check_graph(tr.graph, arrays)


def test_nested_regions_read_symbols_constants_and_consts_from_outer_scopes():
    """scan over a symbolic batch of rows whose body holds a cond, a region constant and a decomposed
    composite (a two-axis softmax), all inside Scan / If sub-graphs."""
    row = TensorType("float32", (2, 3))

    def branch_add(tr, w, c):
        return [_rec(tr, "add", c, w)]

    def branch_softmax(tr, w, c):
        return [_rec(tr, "softmax", _rec(tr, "mul", c, np.full((2, 3), 2.0, np.float32)), axes=(0, 1))]

    def body(tr, w, c, x):
        index = _rec(tr, "convert", _rec(tr, "gt", _rec(tr, "reduce_sum", x, axes=(0, 1)),
                                         np.asarray(0, np.float32)), new_dtype="int32")
        (nc,) = _rec(tr, "cond", index, w, _rec(tr, "add", c, x),
                     regions=(_region([row, row], branch_add), _region([row, row], branch_softmax)))
        return [nc, _rec(tr, "neg", nc)]

    tr = Trace("main")
    w, c = tr.new_input(row), tr.new_input(row)
    xs = tr.new_input(TensorType("float32", ("batch", 2, 3)))
    outs = _rec(tr, "scan", w, c, xs, regions=(_region([row, row, row], body),), num_consts=1, num_carry=1,
                length=("batch",))
    tr.graph.outputs = [o.value for o in outs]
    model = to_onnx(tr.graph, ["w", "c", "xs"], ["carry", "ys"])
    for n in (1, 4):
        r = rng("nested", n)
        arrays = [random_array((2, 3), "float32", r), random_array((2, 3), "float32", r),
                  random_array((n, 2, 3), "float32", r)]
        want = run_graph("numpy", tr.graph, *arrays)
        for g, e in zip(run_onnx(model, *arrays), want):
            assert_close(g, e, "float32")


# --- symbolic sizes ------------------------------------------------------------------------------------------------

def test_symbolic_batch_in_attrs_stays_dynamic():
    """reshape / broadcast_in_dim / iota / slice with "batch" in their attributes, run at two batch sizes."""
    def fn(tr, x):
        flat = _rec(tr, "reshape", x, new_sizes=("2*batch", 3))
        b = _rec(tr, "broadcast_in_dim", np.arange(3, dtype=np.float32), shape=("2*batch", 3),
                 broadcast_dimensions=(1,))
        i = _rec(tr, "convert", _rec(tr, "iota", dtype="int32", shape=("2*batch", 3), dimension=0),
                 new_dtype="float32")
        s = _rec(tr, "slice", _rec(tr, "add", _rec(tr, "add", flat, b), i), start_indices=(1, 0),
                 limit_indices=("2*batch", 3), strides=None)
        return [s]

    graph = _region([TensorType("float32", ("batch", 2, 3))], fn)
    model = to_onnx(graph, ["x"], ["y"])
    assert model.graph.input[0].type.tensor_type.shape.dim[0].dim_param == "batch"
    for batch in (1, 5):
        x = random_array((batch, 2, 3), "float32", rng("sym", batch))
        want = run_graph("numpy", graph, x)[0]
        assert_close(run_onnx(model, x)[0], want, "float32")


# --- the table against the registry --------------------------------------------------------------------------------

# Prims with no ONNX rule and no decomposition: exporting a graph that uses one raises OnnxLoweringError.
NO_ONNX_RULE = {
    "nextafter",  # bit-level float stepping; no ONNX op
    "bitcast_convert",  # ONNX has no bit reinterpretation
    "cholesky", "triangular_solve", "qr", "eigh", "svd", "lu",  # ONNX has no decompositions or solvers
}
# Composites exported through their decomposition (no native ONNX op matches exactly)
DECOMPOSED = {"logsumexp", "dot_product_attention"}


def test_every_prim_has_an_onnx_story():
    missing = {name for name in PRIMITIVES if name not in ONNX_RULES and name not in REFUSED}
    assert missing == NO_ONNX_RULE | DECOMPOSED
    assert all(PRIMITIVES[name].decomposition is not None for name in DECOMPOSED)
    assert all(PRIMITIVES[name].decomposition is None for name in NO_ONNX_RULE)
    assert set(ONNX_RULES) <= set(PRIMITIVES), set(ONNX_RULES) - set(PRIMITIVES)
    assert set(REFUSED) == {"threefry2x32", "select_and_scatter_add"}


def test_opset_and_names_are_checked():
    graph = prim_graph("neg", [TensorType("float32", (3,))])
    assert to_onnx(graph, ["x"], ["y"], opset=21).opset_import[0].version == 21
    with pytest.raises(OnnxLoweringError, match="opset=17"):
        to_onnx(graph, ["x"], ["y"], opset=17)
    with pytest.raises(OnnxLoweringError, match="1 inputs and 1 outputs"):
        to_onnx(graph, ["x", "z"], ["y"])


def test_missing_rule_names_prim_op_and_layer():
    graph = prim_graph("cholesky", [TensorType("float32", (3, 3))])
    graph.nodes[0].op = "cholesky"
    graph.nodes[0].scope = "sequential/my_layer"
    with pytest.raises(OnnxLoweringError, match=r"prim 'cholesky' \(from ops.cholesky in layer "
                                                r"'sequential/my_layer'\) has no ONNX rule; ONNX rules exist for: "
                                                r".*abs"):
        to_onnx(graph, ["x"], ["y"])
    graph.nodes[0].scope = None
    with pytest.raises(OnnxLoweringError, match=r"prim 'cholesky' \(from ops.cholesky\) has no ONNX rule"):
        to_onnx(graph, ["x"], ["y"])


def test_refused_and_unsupported_attributes_say_why():
    u = TensorType("uint32", (2,))
    with pytest.raises(OnnxLoweringError, match="prim 'threefry2x32'.*random number generation"):
        to_onnx(prim_graph("threefry2x32", [u] * 4), ["a", "b", "c", "d"], ["y0", "y1"])
    graph = prim_graph("sort", [TensorType("float32", (3,))] * 2, dimension=0, num_keys=2)
    with pytest.raises(OnnxLoweringError, match="prim 'sort'.*num_keys=2"):
        to_onnx(graph, ["a", "b"], ["y0", "y1"])
    with pytest.raises(OnnxLoweringError, match="prim 'shift_left'.*int64 have no ONNX rule"):
        to_onnx(prim_graph("shift_left", [TensorType("int64", (3,))] * 2), ["a", "b"], ["y"])
    with pytest.raises(OnnxLoweringError, match="prim 'erfinv'.*float64"):
        to_onnx(prim_graph("erfinv", [TensorType("float64", (3,))]), ["x"], ["y"])
    with pytest.raises(OnnxLoweringError, match="bfloat16"):
        to_onnx(prim_graph("neg", [TensorType("bfloat16", (3,))]), ["x"], ["y"])


# --- built-in layers end to end ------------------------------------------------------------------------------------

def _models():
    from hornet import layers as L, models

    inp = L.Input((6,), dtype="int32")
    e = L.Embedding(20, 8)(inp)
    y = L.LayerNormalization()(L.Add()([e, L.MultiHeadAttention(num_heads=2, key_dim=4)(e, e)]))
    attention = models.Model(inp, L.Dense(3, activation="softmax")(L.Concatenate()([y, e])))
    return {
        "mlp": models.Sequential([L.Input((4,)), L.Dense(8, activation="relu"), L.Dropout(0.5),
                                  L.Dense(3, activation="softmax")]),
        "cnn": models.Sequential([L.Input((8, 8, 3)), L.Conv2D(4, 3, padding="same"), L.BatchNormalization(),
                                  L.Activation("relu"), L.MaxPooling2D(2), L.Flatten(), L.Dense(5)]),
        "convs": models.Sequential([L.Input((8, 8, 3)), L.DepthwiseConv2D(3, padding="same"),
                                    L.SeparableConv2D(4, 3), L.Conv2DTranspose(3, 3, strides=2),
                                    L.AveragePooling2D(2), L.ZeroPadding2D(1), L.Cropping2D(((1, 0), (0, 1))),
                                    L.UpSampling2D(2), L.GroupNormalization(groups=3), L.GlobalAveragePooling2D(),
                                    L.Dense(2, activation="gelu")]),
        "conv1d": models.Sequential([L.Input((10, 3)), L.Conv1D(4, 3, activation="swish"), L.Conv1DTranspose(3, 3),
                                     L.MaxPooling1D(2), L.Permute((2, 1)), L.Reshape((-1,)),
                                     L.Dense(2, activation="elu")]),
        "attention": attention,
        "lstm": models.Sequential([L.Input((5, 3)), L.LSTM(4, return_sequences=True), L.LSTM(3)]),
        "gru": models.Sequential([L.Input((5, 3)), L.GRU(4, return_sequences=True, go_backwards=True),
                                  L.SimpleRNN(3)]),
        "lstm_any_length": models.Sequential([L.Input((None, 3)), L.LSTM(4)]),  # the scan length is symbolic
    }


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """Each model saved, reloaded as its inference graph (weights as constants) and lowered to ONNX."""
    from hornet.export.program import InferenceProgram

    out = {}
    for name, model in _models().items():
        path = tmp_path_factory.mktemp("onnx") / f"{name}.hornet"
        model.save(path)
        graph = InferenceProgram.from_model_file(str(path)).folded()
        out[name] = (model, graph, to_onnx(graph, ["x"], ["y"], model_name=name))
    return out


@pytest.mark.parametrize("name", ["mlp", "cnn", "convs", "conv1d", "attention", "lstm", "gru", "lstm_any_length"])
def test_layer_models_match_predict_at_two_batch_sizes(exported, name):
    model, graph, onnx_model = exported[name]
    t = graph.inputs[0].type
    assert onnx_model.graph.input[0].type.tensor_type.shape.dim[0].dim_param == "batch"
    assert len(onnx_model.graph.initializer) >= len(model.weights) - 1  # weights are initializers
    assert not any(n.op_type == "Constant" and n.attribute[0].t.ByteSize() > 4096 for n in onnx_model.graph.node)
    sess = ort.InferenceSession(onnx_model.SerializeToString(), providers=["CPUExecutionProvider"])
    for batch in (1, 5):
        r = rng(name, batch)
        shape = (batch, *[d if isinstance(d, int) else 2 + batch for d in t.shape[1:]])
        x = r.integers(0, 20, shape).astype(np.int32) if t.dtype == "int32" else \
            r.standard_normal(shape).astype(np.float32)
        got = sess.run(None, {"x": x})[0]
        want = np.asarray(model.predict(x, verbose=0))
        assert got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
